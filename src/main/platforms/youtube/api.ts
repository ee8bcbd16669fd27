// Calls to the YouTube Data API v3 (https://developers.google.com/youtube/v3/docs) and how its
// answers become PublishErrors (https://developers.google.com/youtube/v3/docs/errors).
import { base, errorText } from '../oauth-connector';
import { PublishError, retryAfterMs, type PublishContext } from '../types';
import { nextQuotaReset } from './quota';

/** Where the API lives (both the JSON calls and the /upload/ paths). */
export const YOUTUBE_API_BASE = 'https://www.googleapis.com';

/** The API base of this context (a test's fake, or Google). */
export function apiBase(ctx: Pick<PublishContext, 'endpoints'>): string {
  return base(ctx.endpoints.apiBase, YOUTUBE_API_BASE);
}

/** The access token of the account (the accounts service keeps it fresh). */
export function accessToken(ctx: Pick<PublishContext, 'credentials'>): string {
  const value = ctx.credentials['accessToken'];
  if (typeof value !== 'string' || !value) throw new PublishError('auth', 'No YouTube sign-in is stored for this account; reconnect it.');
  return value;
}

/** The first error of Google's JSON error answer. */
export function googleReason(body: unknown): { reason: string; domain: string; message: string } {
  const error = (body as { error?: { message?: unknown; errors?: Array<{ reason?: unknown; domain?: unknown; message?: unknown }> } } | null)?.error;
  const first = Array.isArray(error?.errors) ? error.errors[0] : undefined;
  return {
    reason: typeof first?.reason === 'string' ? first.reason : '',
    domain: typeof first?.domain === 'string' ? first.domain : '',
    message: (typeof error?.message === 'string' ? error.message : errorText(body)).replace(/<[^>]+>/g, ''),
  };
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/**
 * Classifies a refused YouTube answer (STYLE.md rule 8). quotaExceeded waits for midnight Pacific
 * Time, when the project's quota comes back; the daily upload limit and content refusals are
 * permanent with YouTube's words; a sign-in without the needed permission is `auth`, so the
 * creator is asked to reconnect (and grant it). A gone upload session (404) is the upload
 * toolkit's to handle: callers on a session leave it to it.
 */
export function classifyYouTube(status: number, body: unknown, headers: Headers, now: number, what: string): PublishError {
  const { reason, domain, message } = googleReason(body);
  const said = message || `HTTP ${status}`;
  if (status === 401) return new PublishError('auth', `${what}: YouTube refused the sign-in (${said})`, { httpStatus: 401 });
  if (reason === 'quotaExceeded' || domain === 'youtube.quota' || reason === 'dailyLimitExceeded') {
    const reset = nextQuotaReset(now);
    return new PublishError(
      'rate_limited',
      `${what}: the daily YouTube API quota of your Google Cloud project is used up (each upload costs 1,600 of its 10,000 units); Outbox tries again after midnight Pacific Time (${clock(reset)} UTC)`,
      { httpStatus: status, retryAfterMs: Math.max(60_000, reset - now) },
    );
  }
  if (reason === 'uploadLimitExceeded') {
    return new PublishError('permanent', `${what}: YouTube says the channel has reached its daily upload limit (${said}). Try again in 24 hours.`, { httpStatus: status });
  }
  if (reason === 'insufficientPermissions' || reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') {
    return new PublishError('auth', `${what}: the YouTube sign-in does not allow this (${said}); reconnect the account and grant every permission Outbox asks for`, { httpStatus: status });
  }
  if (status === 429 || reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded' || reason === 'uploadRateLimitExceeded') {
    return new PublishError('rate_limited', `${what}: YouTube asks to slow down (${said})`, { httpStatus: status, retryAfterMs: retryAfterMs(headers.get('retry-after'), now) ?? 5 * 60_000 });
  }
  if (status >= 500 || status === 408) return new PublishError('transient', `${what}: YouTube answered ${status} (${said})`, { httpStatus: status });
  return new PublishError('permanent', `${what}: YouTube refused it (${said})`, { httpStatus: status });
}

/** A JSON answer of the API. */
export interface YouTubeAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One JSON call. A connection that fails is `transient` (with `maybeSent` for writes: the change
 * may have been made); refused answers are classified unless `accept` lists their status.
 */
export async function youtubeCall<T = Record<string, unknown>>(
  ctx: Pick<PublishContext, 'endpoints' | 'credentials' | 'signal' | 'now'>,
  request: { method?: string; path: string; query?: Record<string, string>; json?: unknown; body?: Uint8Array; contentType?: string; what: string; accept?: number[] },
): Promise<YouTubeAnswer<T>> {
  const url = new URL(`${apiBase(ctx)}${request.path}`);
  for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { authorization: `Bearer ${accessToken(ctx)}`, accept: 'application/json' };
  let body: string | Uint8Array | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json; charset=UTF-8';
    body = JSON.stringify(request.json);
  } else if (request.body) {
    headers['content-type'] = request.contentType ?? 'application/octet-stream';
    body = request.body;
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw new PublishError('transient', `${request.what}: stopped before YouTube answered`, { cause: error, maybeSent: method !== 'GET' });
    throw new PublishError('transient', `${request.what}: could not reach YouTube (${error instanceof Error ? error.message : String(error)})`, { cause: error, maybeSent: method !== 'GET' });
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { error: { message: text.slice(0, 200) } };
  }
  if ((response.status >= 200 && response.status < 300) || request.accept?.includes(response.status)) return { status: response.status, body: parsed as T, headers: response.headers };
  throw classifyYouTube(response.status, parsed, response.headers, ctx.now(), request.what);
}
