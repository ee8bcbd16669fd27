// The Graph API as the Meta publishers call it (Facebook Pages on graph.facebook.com, Instagram
// on graph.facebook.com or graph.instagram.com): requests with the account's token, answers
// classified once for every Meta platform.
//
// Error codes, from https://developers.facebook.com/docs/graph-api/guides/error-handling/ and
// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ :
//   190 (and 102, 463, 467)  the token is dead            -> auth
//   4, 17, 32, 613, 80001-80014 throttled                  -> rate_limited (X-Business-Use-Case-Usage says how long)
//   9 with subcode 2207042    Instagram's publishing limit -> rate_limited
//   1, 2 and `is_transient`   a passing server problem      -> transient
//   100 and everything else   refused                        -> permanent, with Meta's own words
import { GRAPH_VERSION } from '../meta-login';
import { PublishError, retryAfterMs } from '../types';

/** The Graph API version Outbox calls: the connectors' (meta-login.ts), so sign-in and publishing never drift apart. */
export { GRAPH_VERSION };

/** What Meta's error object carries (https://developers.facebook.com/docs/graph-api/guides/error-handling/). */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  fbtrace_id?: string;
}

/** A Graph answer that was not an error. */
export interface GraphAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** One Graph request. */
export interface GraphRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** The access token (sent as `Authorization: Bearer`, which the Graph API takes like `access_token`). */
  token: string;
  /** A urlencoded form body (Graph POSTs take their parameters this way). */
  form?: Record<string, string | number | boolean | undefined>;
  /** A multipart body (photo and thumbnail uploads). */
  multipart?: FormData;
  signal: AbortSignal;
  now: number;
  /** What the creator sees the request as ("Posting to the Page"), the start of every error message. */
  what: string;
  /**
   * True when this request may make something on the platform (a post, a publish): a timeout or
   * dropped connection then means "maybe sent".
   */
  sending?: boolean;
}


/** Real timers. */

const AUTH_CODES = new Set([102, 190, 463, 467]);
const RATE_CODES = new Set([4, 17, 32, 613]);
/** Instagram's "you published the most posts allowed in 24 hours" (code 9). */
export const IG_PUBLISH_LIMIT_SUBCODE = 2207042;
/** Instagram's "the media is not ready to be published yet" (code 9007). */
export const IG_NOT_READY_SUBCODE = 2207027;

/** The error object of a Graph answer, or null. */
export function graphErrorOf(body: unknown): GraphErrorBody | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as Record<string, unknown>)['error'];
  return typeof error === 'object' && error !== null ? (error as GraphErrorBody) : null;
}

/** Meta's words for an error: the message for people when it sends one, and the technical one. */
export function graphMessage(error: GraphErrorBody | null, status: number): string {
  if (!error) return `HTTP ${status}`;
  const user = [error.error_user_title, error.error_user_msg].filter((s) => typeof s === 'string' && s.trim()).join(': ');
  const technical = error.message ?? `HTTP ${status}`;
  const code = error.code !== undefined ? ` (code ${error.code}${error.error_subcode ? `/${error.error_subcode}` : ''})` : '';
  return user && !technical.includes(user) ? `${user} — ${technical}${code}` : `${technical}${code}`;
}

/**
 * How long Meta asks us to wait: `estimated_time_to_regain_access` (minutes) of the
 * X-Business-Use-Case-Usage header, Retry-After, or `fallback`.
 */
export function throttleWaitMs(headers: Headers, now: number, fallback: number): number {
  const usage = headers.get('x-business-use-case-usage');
  if (usage) {
    try {
      const parsed = JSON.parse(usage) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
      const minutes = Math.max(0, ...Object.values(parsed).flatMap((list) => (Array.isArray(list) ? list.map((x) => Number(x.estimated_time_to_regain_access) || 0) : [])));
      if (minutes > 0) return minutes * 60_000;
    } catch {
      // A header we cannot read says nothing: fall through.
    }
  }
  return retryAfterMs(headers.get('retry-after'), now) ?? fallback;
}

/** Classifies a Graph error answer (STYLE.md rule 8). */
export function classifyGraphError(status: number, body: unknown, headers: Headers, request: { what: string; now: number; sending?: boolean }): PublishError {
  const error = graphErrorOf(body);
  const code = Number(error?.code);
  const sub = Number(error?.error_subcode);
  const message = `${request.what}: ${graphMessage(error, status)}`;
  if (status === 401 || AUTH_CODES.has(code)) return new PublishError('auth', message, { httpStatus: status });
  if (status === 429 || RATE_CODES.has(code) || (code >= 80001 && code <= 80014) || (code === 9 && sub === IG_PUBLISH_LIMIT_SUBCODE)) {
    return new PublishError('rate_limited', message, { httpStatus: status, retryAfterMs: throttleWaitMs(headers, request.now, 60 * 60_000) });
  }
  // A 5xx may have been handled before it failed: for a request that makes something, "maybe sent".
  if (status >= 500) return new PublishError('transient', message, { httpStatus: status, maybeSent: request.sending === true });
  // "An unknown error occurred" (1) and "Service temporarily unavailable" (2) do not say whether
  // the request was handled: for a request that makes something, "maybe sent" as well.
  if (code === 1 || code === 2 || error?.is_transient === true) return new PublishError('transient', message, { httpStatus: status, maybeSent: request.sending === true });
  return new PublishError('permanent', message, { httpStatus: status });
}

/** Builds a Graph URL: `base` (host, with the version when the path needs one) and a path. */
export function graphUrl(base: string, path: string, query?: Record<string, string | number | boolean | undefined>): string {
  const url = new URL(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.href;
}

/**
 * One Graph request: resolves with the answer when it is a success, throws a classified
 * PublishError otherwise. A network failure is transient (and "maybe sent" for `sending`).
 */
export async function graphCall<T = Record<string, unknown>>(url: string, request: GraphRequest): Promise<GraphAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${request.token}` };
  let body: RequestInit['body'];
  if (request.form) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(request.form)) if (value !== undefined) form.set(key, String(value));
    body = form;
  } else if (request.multipart) body = request.multipart;
  const method = request.method ?? (body !== undefined ? 'POST' : 'GET');
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: request.signal,
    });
  } catch (error) {
    throw new PublishError('transient', `${request.what}: could not reach ${new URL(url).host} (${reason(error)})`, { cause: error, maybeSent: request.sending === true });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new PublishError('transient', `${request.what}: the answer was cut off (${reason(error)})`, { cause: error, maybeSent: request.sending === true });
  }
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { error: { message: text.slice(0, 200) } };
  }
  if (response.status < 200 || response.status >= 300 || graphErrorOf(parsed)) throw classifyGraphError(response.status, parsed, response.headers, request);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

function reason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError') return 'abandoned';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

/** A string field of a Graph answer, or ''. */
export function field(body: unknown, key: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}


/** Seconds since the epoch, as Graph takes times. */
export const unixSeconds = (ms: number) => Math.floor(ms / 1000);
