import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../core/ports/ports';
import { ApiError } from './api-error';

/**
 * True when `Host` names this server exactly: `127.0.0.1:<port>` or `localhost:<port>`. Anything
 * else (a rebinding domain that resolves to 127.0.0.1, a missing header) is refused.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/**
 * Compares a presented token with the stored one in time that does not depend on where they
 * differ: both are hashed to 32 bytes first, so lengths leak nothing either.
 */
export function tokensMatch(presented: string, stored: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(stored, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/**
 * The first checks of every request: `Host` must name this server (defeats DNS rebinding) and no
 * `Origin` header may be present (browsers send it on cross-site and CORS requests; no web page
 * may drive this API). Throws the ApiError to answer.
 */
export function checkHostAndOrigin(headers: IncomingHttpHeaders, port: number): void {
  if (!isAllowedHost(headers.host, port)) {
    throw new ApiError(403, 'forbidden', `The Host header must be 127.0.0.1:${port} or localhost:${port}`);
  }
  if (headers.origin !== undefined) {
    throw new ApiError(403, 'forbidden', 'Requests from web pages (with an Origin header) are refused');
  }
}

/** Checks `Authorization: Bearer <token>` against the stored token; throws a 401 ApiError. */
export async function checkToken(headers: IncomingHttpHeaders, storedToken: () => Promise<string | null>): Promise<void> {
  const presented = bearerToken(headers.authorization);
  if (presented === null) {
    throw new ApiError(401, 'unauthorized', 'Missing Authorization: Bearer <token> header', undefined, { 'www-authenticate': 'Bearer' });
  }
  const stored = await storedToken();
  // With no token generated yet, compare against a dummy so the answer takes the same time.
  const matches = tokensMatch(presented, stored ?? '\u0000no-token');
  if (!matches || stored === null) {
    throw new ApiError(
      401,
      'unauthorized',
      stored === null ? 'No API token has been generated yet: generate one in Outbox, Settings, Automation API' : 'Invalid API token',
      undefined,
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );
  }
}

/**
 * A fixed-window request limit (per minute), so a runaway script cannot flood the engine.
 * Time comes from the injected clock.
 */
export function createRateLimiter(clock: Clock, perMinute: number) {
  let windowStart = clock.now();
  let count = 0;
  return {
    /** Counts one request; throws a 429 ApiError when the window is full. */
    take() {
      const now = clock.now();
      if (now - windowStart >= 60_000) {
        windowStart = now;
        count = 0;
      }
      count++;
      if (count > perMinute) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000));
        throw new ApiError(429, 'rate_limited', `Too many requests: at most ${perMinute} a minute. Retry in ${retryAfter} s.`, undefined, { 'retry-after': String(retryAfter) });
      }
    },
  };
}
