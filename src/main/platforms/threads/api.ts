// Calls to the Threads API (graph.threads.net, developers.facebook.com/documentation/threads) and
// how its answers are classified. Threads answers errors the Graph API way:
// `{ error: { message, type, code, error_subcode, error_user_msg, is_transient, fbtrace_id } }`
// (developers.facebook.com/docs/graph-api/guides/error-handling): code 190 (and 102, 463, 467) is
// a dead token whatever the HTTP status, 4/17/32/613 are rate limits, 1 and 2 are Meta's own
// passing faults, 10 and 200-299 are missing permissions, 100 is a refused parameter.
import { PublishError, retryAfterMs, type PublishContext } from '../types';
import { accessToken } from '../credentials';

/** The Threads API version Outbox calls. */
export const THREADS_VERSION = 'v1.0';

/** Meta does not say how long a rate limit lasts; its windows roll over an hour. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 15 * 60_000;

/** graph.threads.net with the version, or the test override. */
export function threadsApiBase(ctx: Pick<PublishContext, 'endpoints'>): string {
  return `${(ctx.endpoints.apiBase ?? 'https://graph.threads.net').replace(/\/+$/, '')}/${THREADS_VERSION}`;
}

/** The Graph error of an answer, when it carries one. */
export interface GraphError {
  message: string;
  code: number | null;
  subcode: number | null;
  /** Meta's text meant for the person (often clearer than `message`). */
  userMessage: string | null;
  transient: boolean;
}

/** Reads `{ error: {...} }` from an answer body. */
export function graphErrorOf(body: unknown): GraphError | null {
  const error = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['error'] : null;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
  return {
    message: typeof e['message'] === 'string' ? e['message'] : '',
    code: num(e['code']),
    subcode: num(e['error_subcode']),
    userMessage: typeof e['error_user_msg'] === 'string' && e['error_user_msg'] ? e['error_user_msg'] : null,
    transient: e['is_transient'] === true,
  };
}

/** How long a rate limit asks to wait: Retry-After, or Meta's business-use-case estimate, else the default. */
function rateLimitWait(headers: Headers, now: number): number {
  const after = retryAfterMs(headers.get('retry-after'), now);
  if (after !== undefined) return after;
  // X-Business-Use-Case-Usage: {"<id>": [{ "estimated_time_to_regain_access": minutes, ... }]}
  const usage = headers.get('x-business-use-case-usage');
  if (usage) {
    try {
      const minutes = Object.values(JSON.parse(usage) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>)
        .flat()
        .map((u) => u.estimated_time_to_regain_access ?? 0);
      const most = Math.max(0, ...minutes);
      if (most > 0) return most * 60_000;
    } catch {
      // Not the documented shape: fall back to the default.
    }
  }
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}

/** A failed answer as a classified PublishError (STYLE.md rule 8). */
export function classifyThreadsAnswer(status: number, body: unknown, headers: Headers, what: string, now: number, options: { maybeSent?: boolean } = {}): PublishError {
  const error = graphErrorOf(body);
  const said = error ? [error.userMessage, error.message].filter(Boolean).join(' — ') : '';
  const message = `${what}: ${said || `Threads answered ${status}`}`;
  const code = error?.code ?? null;
  const base = { httpStatus: status, maybeSent: options.maybeSent ?? false };
  if (status === 401 || (code !== null && [102, 190, 463, 467].includes(code))) return new PublishError('auth', message, base);
  if (status === 429 || (code !== null && [4, 17, 32, 613].includes(code))) return new PublishError('rate_limited', message, { ...base, retryAfterMs: rateLimitWait(headers, now) });
  if (code === 10 || (code !== null && code >= 200 && code <= 299)) {
    return new PublishError('permanent', `${message} (reconnect the Threads account and allow Outbox to publish: threads_basic and threads_content_publish)`, base);
  }
  if (status >= 500 || code === 1 || code === 2 || error?.transient) return new PublishError('transient', message, base);
  return new PublishError('permanent', message, base);
}

/** A JSON answer of the Threads API. */
export interface ThreadsAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * One request to the Threads API with the account's token (as a Bearer header, never in a URL).
 * `form` goes as an urlencoded body. A request that never got an answer is `transient`, marked
 * `maybeSent` when `sending` (it may have reached Threads). Any non-2xx answer is thrown classified.
 */
export async function threadsCall(
  ctx: Pick<PublishContext, 'endpoints' | 'credentials' | 'signal' | 'now'>,
  path: string,
  options: { query?: Record<string, string>; form?: Record<string, string>; sending?: boolean; what: string },
): Promise<ThreadsAnswer> {
  const token = accessToken(ctx.credentials, 'Threads');
  const url = new URL(`${threadsApiBase(ctx)}${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.form ? 'POST' : 'GET',
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      ...(options.form ? { body: new URLSearchParams(options.form) } : {}),
      signal: ctx.signal,
    });
  } catch (error) {
    throw new PublishError('transient', `${options.what}: could not reach Threads (${error instanceof Error ? error.message : String(error)})`, { maybeSent: options.sending ?? false, cause: error });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The answer was cut off: whatever was asked may have happened.
    throw new PublishError('transient', `${options.what}: the answer from Threads was cut off (${error instanceof Error ? error.message : String(error)})`, { maybeSent: options.sending ?? false, httpStatus: response.status, cause: error });
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed = text ? (JSON.parse(text) as unknown) : {};
    body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    body = { error: { message: text.slice(0, 200) } };
  }
  if (response.status < 200 || response.status >= 300) {
    // A 5xx after a send may come after Threads acted on it.
    throw classifyThreadsAnswer(response.status, body, response.headers, options.what, ctx.now(), { maybeSent: (options.sending ?? false) && response.status >= 500 });
  }
  return { status: response.status, body, headers: response.headers };
}

/** A string field of an answer, or ''. */
export function field(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
