// Requests to X API v2 (https://docs.x.com/x-api) and how their failures are classified
// (STYLE.md rule 8): 401 -> auth (the engine refreshes the rotating refresh token once),
// 403 -> permanent with X's words ("You are not allowed to create a Tweet with duplicate
// content."), 429 -> rate_limited until `x-rate-limit-reset` (epoch seconds), 5xx and cut-off
// requests -> transient, other 4xx -> permanent with X's detail.
import { errorText } from '../oauth-connector';
import { PublishError, retryAfterMs, type PublishContext } from '../types';

/** X's API host. */
export const X_API = 'https://api.x.com';
/** How long one request may take before it counts as cut off. */
const REQUEST_TIMEOUT_MS = 60_000;

/** An answer from X. */
export interface XAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One request. */
export interface XRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string | undefined>;
  json?: unknown;
  /** Which step, for messages ("Posting part 2 of 4"). */
  what: string;
  /** True when the request creates something (a post): a lost answer may mean it exists. */
  sending?: boolean;
}

/** The account's access token, or an auth failure (the engine then refreshes once). */
export function xToken(ctx: Pick<PublishContext, 'credentials'>): string {
  const token = ctx.credentials['accessToken'];
  if (typeof token !== 'string' || token === '') throw new PublishError('auth', 'No X access token is stored for this account; reconnect it.');
  return token;
}

/** The API base (tests point it at the fake). */
export function xBase(ctx: Pick<PublishContext, 'endpoints'>): string {
  return (ctx.endpoints.apiBase ?? X_API).replace(/\/+$/, '');
}

/** The failure an answer stands for. */
export function classifyX(answer: XAnswer<unknown>, options: { now: number; what: string }): PublishError {
  const { status } = answer;
  const detail = errorText(answer.body) || `HTTP ${status}`;
  const message = `${options.what}: X answered ${status} (${detail})`;
  if (status === 401) return new PublishError('auth', `${options.what}: X refused the access token (${detail})`, { httpStatus: status });
  if (status === 429) {
    // x-rate-limit-reset is when the window resets, in epoch seconds.
    const reset = Number(answer.headers.get('x-rate-limit-reset'));
    const wait = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - options.now) : (retryAfterMs(answer.headers.get('retry-after'), options.now) ?? 15 * 60_000);
    return new PublishError('rate_limited', `${options.what}: X's rate limit is reached (${detail})`, { httpStatus: status, retryAfterMs: wait });
  }
  if (status === 408 || status >= 500) return new PublishError('transient', message, { httpStatus: status });
  if (status === 403 && /duplicate/i.test(detail)) return new PublishError('permanent', `X refused the post: ${detail}`, { httpStatus: status });
  if (status === 403) return new PublishError('permanent', `X refused: ${detail}`, { httpStatus: status });
  return new PublishError('permanent', message, { httpStatus: status });
}

/** Sends a request; resolves with any answer X gave, throws a transient PublishError when none came. */
export async function xFetch<T = Record<string, unknown>>(ctx: PublishContext, path: string, request: XRequest): Promise<XAnswer<T>> {
  const url = new URL(`${xBase(ctx)}${path}`);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${xToken(ctx)}` };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
  let response: Response;
  try {
    response = await fetch(url, { method: request.method ?? (body ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}), signal });
  } catch (error) {
    const cut = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
    throw new PublishError('transient', `${request.what}: ${cut ? 'the request to X was cut off' : `could not reach ${url.host}`} (${error instanceof Error ? error.message : String(error)})`, {
      maybeSent: request.sending ?? false,
      cause: error,
    });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The answer started but broke off: for a post, X may have made it.
    throw new PublishError('transient', `${request.what}: X's answer was cut off (${error instanceof Error ? error.message : String(error)})`, { maybeSent: request.sending ?? false, cause: error });
  }
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Sends a request and returns a 2xx answer, or throws the classified failure. */
export async function xCall<T = Record<string, unknown>>(ctx: PublishContext, path: string, request: XRequest): Promise<XAnswer<T>> {
  const answer = await xFetch<T>(ctx, path, request);
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw classifyX(answer, { now: ctx.now(), what: request.what });
}
