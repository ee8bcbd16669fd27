// Pinterest API v5 calls (https://developers.pinterest.com/docs/api/v5/), classified once here
// (STYLE.md rule 8). Errors come as `{ code, message }` (the description's Pinterest.Lib.Error).
import { base } from '../oauth-connector';
import { PublishError, retryAfterMs } from '../types';
import { accessToken } from '../credentials';

/** Pinterest's API host. */
export const PINTEREST_API = 'https://api.pinterest.com';

/** Pinterest's rate limits are per minute; without a Retry-After, a minute is the safe wait. */
const DEFAULT_WAIT_MS = 60_000;

/** The API base for these endpoints (a test's override, or Pinterest's host). */
export function pinterestBase(endpoints: { apiBase?: string }): string {
  return `${base(endpoints.apiBase, PINTEREST_API)}/v5`;
}

/** The account's access token, or an auth failure saying to reconnect. */
export function pinterestToken(credentials: Record<string, unknown>): string {
  return accessToken(credentials, 'Pinterest');
}

/** A Pinterest answer that is not 2xx, classified. */
export function classifyPinterest(status: number, body: unknown, what: string, now: number, retryAfter: string | null): PublishError {
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : '';
  const text = `${what}: ${message || `Pinterest answered ${status}`}`;
  if (status === 401) return new PublishError('auth', text, { httpStatus: 401 });
  if (status === 429) return new PublishError('rate_limited', `${what}: Pinterest asks to slow down (${message || 'rate limit'})`, { httpStatus: 429, retryAfterMs: retryAfterMs(retryAfter, now) ?? DEFAULT_WAIT_MS });
  if (status >= 500) return new PublishError('transient', text, { httpStatus: status });
  return new PublishError('permanent', text, { httpStatus: status });
}

/**
 * A JSON request to the API. Network failures are transient, `maybeSent` when the request could
 * have created something (`sending`).
 */
export async function pinterestCall<T>(
  endpoints: { apiBase?: string },
  path: string,
  options: { token: string; method?: string; body?: unknown; signal: AbortSignal; now: number; what: string; sending?: boolean },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${pinterestBase(endpoints)}${path}`, {
      method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: options.signal,
    });
  } catch (error) {
    throw new PublishError('transient', `${options.what}: could not reach Pinterest (${error instanceof Error ? error.message : String(error)})`, { cause: error, maybeSent: options.sending ?? false });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The answer was cut: the request did arrive.
    throw new PublishError('transient', `${options.what}: the answer from Pinterest was cut off`, { cause: error, maybeSent: options.sending ?? false });
  }
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text.slice(0, 200) };
  }
  if (response.ok) return body as T;
  throw classifyPinterest(response.status, body, options.what, options.now, response.headers.get('retry-after'));
}
