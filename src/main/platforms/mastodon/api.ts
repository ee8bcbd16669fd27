import { PublishError, retryAfterMs } from '../types';

/** How long one request to an instance may take before it counts as cut off. */
const REQUEST_TIMEOUT_MS = 60_000;

/** An instance's answer. */
export interface MastodonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One request to a Mastodon instance. */
export interface MastodonRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  token?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** True when the request creates something (a status): a lost answer may mean it exists. */
  sending?: boolean;
  now: number;
  /** Which step this is, for messages ("Uploading image 2"). */
  what?: string;
}

/** The instance's origin, without a trailing slash or path (https://mastodon.social). */
export function normalizeInstanceUrl(input: string): string {
  const url = new URL(input.trim());
  return url.origin;
}

function errorText(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const main = typeof b['error'] === 'string' ? b['error'] : '';
    const extra = typeof b['error_description'] === 'string' ? b['error_description'] : '';
    if (main || extra) return [main, extra].filter(Boolean).join(': ');
  }
  return `HTTP ${status}`;
}

/**
 * Classifies a failed answer the same way for every Mastodon call (STYLE.md rule 8):
 * 401 and scope refusals -> auth; 429 -> rate_limited until X-RateLimit-Reset; 408 and 5xx ->
 * transient; other 4xx (422 validation, 404 deleted reply target) -> permanent with the message.
 */
export function classifyAnswer(response: MastodonResponse, options: { now: number; sending?: boolean; what?: string }): PublishError {
  const { status } = response;
  const message = errorText(response.body, status);
  const prefix = options.what ? `${options.what}: ` : '';
  if (status === 401) return new PublishError('auth', `${prefix}Mastodon refused the access token (${message})`, { httpStatus: status });
  if (status === 403 && /outside the authorized scopes/i.test(message)) return new PublishError('auth', `${prefix}Mastodon says Outbox lacks a permission (${message}); reconnect the account`, { httpStatus: status });
  if (status === 429) {
    const reset = response.headers.get('x-ratelimit-reset');
    const resetAt = reset ? Date.parse(reset) : Number.NaN;
    const wait = Number.isNaN(resetAt) ? (retryAfterMs(response.headers.get('retry-after'), options.now) ?? 5 * 60_000) : Math.max(0, resetAt - options.now);
    return new PublishError('rate_limited', `${prefix}Mastodon rate limit reached (${message})`, { httpStatus: status, retryAfterMs: wait });
  }
  if (status === 408 || status >= 500) return new PublishError('transient', `${prefix}the instance did not answer properly (${status}: ${message})`, { httpStatus: status, maybeSent: options.sending ?? false });
  return new PublishError('permanent', `${prefix}Mastodon refused: ${message}`, { httpStatus: status });
}

/** Sends one request; resolves with any HTTP answer, throws a transient PublishError when none came. */
export async function mastodonFetch<T = unknown>(base: string, path: string, request: MastodonRequest): Promise<MastodonResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.token) headers['authorization'] = `Bearer ${request.token}`;
  let body: string | FormData | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) body = request.form;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(new URL(path, base.endsWith('/') ? base : `${base}/`), { method: request.method ?? 'GET', headers, body: body ?? null, signal, redirect: 'follow' });
  } catch (error) {
    const prefix = request.what ? `${request.what}: ` : '';
    const cutOff = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
    throw new PublishError('transient', `${prefix}${cutOff ? 'the request to the instance was cut off' : `could not reach ${new URL(base).host}`} (${error instanceof Error ? error.message : String(error)})`, {
      maybeSent: request.sending ?? false,
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Proxies in front of instances answer HTML error pages; keep the text for the message.
    parsed = { error: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Sends a request and returns the body of a 2xx answer, or throws the classified failure. */
export async function mastodonCall<T = unknown>(base: string, path: string, request: MastodonRequest): Promise<MastodonResponse<T>> {
  const response = await mastodonFetch<T>(base, path, request);
  if (response.status >= 200 && response.status < 300) return response;
  throw classifyAnswer(response, request);
}
