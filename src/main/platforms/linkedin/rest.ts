// LinkedIn's versioned REST API (https://api.linkedin.com/rest), shared by the profile and the
// Page: the version headers, requests, and how failures are classified (STYLE.md rule 8), from
// https://learn.microsoft.com/linkedin/shared/api-guide/concepts/error-handling and
// https://learn.microsoft.com/linkedin/shared/api-guide/concepts/rate-limits:
// 401 -> auth, 422 DUPLICATE_POST -> permanent with LinkedIn's words, 429 -> rate_limited,
// 5xx and cut-off requests -> transient, other 4xx (403 permissions, 400/422 validation) -> permanent.
import { errorText } from '../oauth-connector';
import { PublishError, retryAfterMs, type PublishAccount, type PublishContext } from '../types';

/**
 * The Marketing API release Outbox speaks (YYYYMM). LinkedIn supports each monthly release for at
 * least a year (learn.microsoft.com/linkedin/marketing/versioning); move it forward before it sunsets.
 */
export const LINKEDIN_VERSION = '202609';
/** The headers every versioned call carries. */
export const LINKEDIN_HEADERS = { 'LinkedIn-Version': LINKEDIN_VERSION, 'X-Restli-Protocol-Version': '2.0.0' } as const;
/** LinkedIn's API host. */
export const LINKEDIN_API = 'https://api.linkedin.com';
/**
 * LinkedIn's throttles are daily (reset at midnight UTC) and its 429 usually carries no
 * Retry-After: without one, look again in an hour rather than hammer or give up for the day.
 */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60 * 60_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** An answer from LinkedIn. */
export interface LinkedInAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One request. */
export interface LinkedInRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, string | undefined>;
  json?: unknown;
  what: string;
  /** True when the request creates a post: a lost answer may mean it exists. */
  sending?: boolean;
}

/** The account's access token. */
export function linkedinToken(ctx: Pick<PublishContext, 'credentials'>): string {
  const token = ctx.credentials['accessToken'];
  if (typeof token !== 'string' || token === '') throw new PublishError('auth', 'No LinkedIn access token is stored for this account; reconnect it.');
  return token;
}

/** The API base (tests point it at the fake). */
export function linkedinBase(ctx: Pick<PublishContext, 'endpoints'>): string {
  return (ctx.endpoints.apiBase ?? LINKEDIN_API).replace(/\/+$/, '');
}

/** Who posts: `urn:li:person:<id>` for a profile, `urn:li:organization:<id>` for a Page. */
export function authorUrn(account: PublishAccount): string {
  const saved = account.meta['authorUrn'];
  if (typeof saved === 'string' && saved.startsWith('urn:li:')) return saved;
  return account.platform === 'linkedin-page' ? `urn:li:organization:${account.platformUserId}` : `urn:li:person:${account.platformUserId}`;
}

/** A post's link: `https://www.linkedin.com/feed/update/<urn>/`. */
export function linkedinPostUrl(urn: string): string {
  return `https://www.linkedin.com/feed/update/${urn}/`;
}

/** The codes of a LinkedIn error body (`errorDetails.inputErrors[].code`, `code`). */
export function errorCodes(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const b = body as { code?: unknown; errorDetails?: { inputErrors?: Array<{ code?: unknown }> } };
  const codes = (b.errorDetails?.inputErrors ?? []).map((e) => e.code).filter((c): c is string => typeof c === 'string');
  if (typeof b.code === 'string') codes.push(b.code);
  return codes;
}

/** LinkedIn's words, without the Java exception class it sometimes puts in front. */
function linkedinWords(body: unknown, status: number): string {
  const raw = errorText(body) || `HTTP ${status}`;
  return raw.replace(/^(?:[a-z]+\.)+[A-Za-z]+Exception:\s*/, '');
}

/** The failure an answer stands for. */
export function classifyLinkedIn(answer: LinkedInAnswer<unknown>, options: { now: number; what: string }): PublishError {
  const { status } = answer;
  const words = linkedinWords(answer.body, status);
  if (status === 401) return new PublishError('auth', `${options.what}: LinkedIn refused the access token (${words})`, { httpStatus: status });
  if (status === 429) {
    const wait = retryAfterMs(answer.headers.get('retry-after'), options.now) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new PublishError('rate_limited', `${options.what}: LinkedIn's rate limit is reached (${words})`, { httpStatus: status, retryAfterMs: wait });
  }
  if (status === 408 || status >= 500) return new PublishError('transient', `${options.what}: LinkedIn answered ${status} (${words})`, { httpStatus: status });
  if (errorCodes(answer.body).includes('DUPLICATE_POST')) return new PublishError('permanent', `LinkedIn refused the post as a duplicate: ${words}`, { httpStatus: status });
  if (status === 403) return new PublishError('permanent', `${options.what}: LinkedIn says the account may not do this (${words}); check the app's products and reconnect`, { httpStatus: status });
  return new PublishError('permanent', `${options.what}: LinkedIn refused (${words})`, { httpStatus: status });
}

/** Sends a request; resolves with any answer, throws a transient PublishError when none came. */
export async function linkedinFetch<T = Record<string, unknown>>(ctx: PublishContext, path: string, request: LinkedInRequest): Promise<LinkedInAnswer<T>> {
  const url = new URL(`${linkedinBase(ctx)}${path}`);
  // Rest.li 2.0 wants URNs in query values encoded (`urn%3Ali%3A...`): URLSearchParams does it.
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${linkedinToken(ctx)}`, ...LINKEDIN_HEADERS };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: request.method ?? (body ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}), signal });
    text = await response.text();
  } catch (error) {
    const cut = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
    throw new PublishError('transient', `${request.what}: ${cut ? 'the request to LinkedIn was cut off' : `could not reach ${url.host}`} (${error instanceof Error ? error.message : String(error)})`, {
      maybeSent: request.sending ?? false,
      cause: error,
    });
  }
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Sends a request and returns a 2xx answer, or throws the classified failure. */
export async function linkedinCall<T = Record<string, unknown>>(ctx: PublishContext, path: string, request: LinkedInRequest): Promise<LinkedInAnswer<T>> {
  const answer = await linkedinFetch<T>(ctx, path, request);
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw classifyLinkedIn(answer, { now: ctx.now(), what: request.what });
}

/**
 * The commentary in LinkedIn's "little text" format
 * (learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format):
 * its reserved characters are escaped with a backslash (unescaped, LinkedIn cuts the text there),
 * and `#word` becomes a hashtag template so it stays a hashtag.
 */
export function littleText(text: string): string {
  const escape = (s: string) => s.replace(/[\\|{}@[\]()<>#*_~]/g, (c) => `\\${c}`);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/(^|[^\p{L}\p{N}_&])#([\p{L}\p{N}]+)/gu)) {
    const start = match.index + match[1]!.length;
    out += escape(text.slice(last, start)) + `{hashtag|\\#|${match[2]!}}`;
    last = start + 1 + match[2]!.length;
  }
  return out + escape(text.slice(last));
}
