// TikTok's v2 API as the Content Posting calls use it: every answer is
// `{ data, error: { code, message, log_id } }` with `code: "ok"` on success
// (https://developers.tiktok.com/doc/tiktok-api-v2-error-handling), and each error code is
// classified once here (STYLE.md rule 8) with a message that says what to change.
import { base } from '../oauth-connector';
import { PublishError, retryAfterMs } from '../types';
import { accessToken } from '../credentials';

/** TikTok's API host. */
export const TIKTOK_API = 'https://open.tiktokapis.com';

/** The API base for these endpoints (a test's override, or TikTok's host). */
export function tiktokBase(endpoints: { apiBase?: string }): string {
  return base(endpoints.apiBase, TIKTOK_API);
}

/** TikTok's daily limits reset some time the next day; waiting a day is the safe reading. */
const DAY_MS = 24 * 60 * 60_000;
/** Its per-minute rate limits (6 inits, 20 creator_info, 30 status fetches a minute per token). */
const MINUTE_MS = 60_000;

/** A TikTok error code as the creator reads it, and how the engine treats it. */
export function classifyTiktok(status: number, code: string, message: string, what: string, now: number, retryAfter?: string | null): PublishError {
  const said = message && message !== code ? ` (${message})` : '';
  const fail = (kind: 'transient' | 'rate_limited' | 'auth' | 'permanent', text: string, wait?: number) => new PublishError(kind, `${what}: ${text}`, { httpStatus: status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
  switch (code) {
    case 'access_token_invalid':
      return fail('auth', `TikTok no longer accepts the sign-in${said}`);
    case 'scope_not_authorized':
      return fail('auth', 'the TikTok sign-in does not allow posting (video.publish / video.upload): reconnect the account and allow posting');
    case 'rate_limit_exceeded':
      return fail('rate_limited', 'TikTok asks to slow down (too many requests a minute)', retryAfterMs(retryAfter, now) ?? MINUTE_MS);
    case 'spam_risk_too_many_posts':
      return fail('rate_limited', "TikTok's daily limit of posts made through apps is reached for this account; Outbox tries again tomorrow", DAY_MS);
    case 'spam_risk_too_many_pending_share':
      return fail('rate_limited', 'five posts already wait in your TikTok inbox: finish or delete them in the TikTok app; Outbox tries again tomorrow', DAY_MS);
    case 'spam_risk_user_banned_from_posting':
      return fail('rate_limited', 'TikTok does not let this account post right now; Outbox tries again tomorrow', DAY_MS);
    case 'reached_active_user_cap':
      return fail('rate_limited', "your TikTok developer app reached its daily quota of posting creators; Outbox tries again tomorrow", DAY_MS);
    case 'unaudited_client_can_only_post_to_private_accounts':
      return fail(
        'permanent',
        'your TikTok developer app has not passed TikTok\'s audit, so TikTok only accepts its posts as private: choose "Only me" (SELF_ONLY) under who can see it, or have the app audited in the TikTok developer portal',
      );
    case 'privacy_level_option_mismatch':
      return fail('permanent', 'TikTok does not offer the chosen privacy level for this account any more: open the post and choose who can see it again');
    case 'url_ownership_unverified':
      return fail('permanent', "TikTok fetches photos only from addresses your developer app has verified: add your media bucket's address as a verified URL prefix in the TikTok developer portal (Content Posting API, Manage URL properties)");
    case 'invalid_param':
      return fail('permanent', `TikTok refused the post${said}`);
    default:
      break;
  }
  if (code.startsWith('spam_risk')) return fail('rate_limited', `TikTok holds back posts from this account for now (${code}); Outbox tries again tomorrow`, DAY_MS);
  if (status === 401) return fail('auth', `TikTok no longer accepts the sign-in${said}`);
  if (status === 429) return fail('rate_limited', 'TikTok asks to slow down', retryAfterMs(retryAfter, now) ?? MINUTE_MS);
  if (status >= 500 || code === 'internal_error') return fail('transient', `TikTok had a problem (${code || status})${said}`);
  return fail('permanent', `TikTok answered ${status} ${code}${said}`);
}

interface Envelope<T> {
  data?: T;
  error?: { code?: string; message?: string; log_id?: string };
}

/**
 * A JSON POST to the Content Posting API. Network failures are transient (`maybeSent` when the
 * request could have created something: `sending`); any answer but `ok` is classified.
 */
export async function tiktokPost<T>(
  endpoints: { apiBase?: string },
  path: string,
  options: { token: string; body?: unknown; signal: AbortSignal; now: number; what: string; sending?: boolean },
): Promise<T> {
  const url = `${tiktokBase(endpoints)}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json; charset=UTF-8', accept: 'application/json' },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted) throw new PublishError('transient', `${options.what}: stopped before TikTok answered`, { cause: error, maybeSent: options.sending ?? false });
    throw new PublishError('transient', `${options.what}: could not reach TikTok (${error instanceof Error ? error.message : String(error)})`, { cause: error, maybeSent: options.sending ?? false });
  }
  let envelope: Envelope<T> = {};
  const text = await response.text().catch(() => '');
  try {
    envelope = text ? (JSON.parse(text) as Envelope<T>) : {};
  } catch {
    envelope = { error: { code: '', message: text.slice(0, 200) } };
  }
  const code = envelope.error?.code ?? '';
  if (response.ok && code === 'ok') return (envelope.data ?? {}) as T;
  if (response.ok && code === '' && envelope.data !== undefined) return envelope.data;
  throw classifyTiktok(response.status, code, envelope.error?.message ?? '', options.what, options.now, response.headers.get('retry-after'));
}

/** The account's access token, or an auth failure saying to reconnect. */
export function tiktokToken(credentials: Record<string, unknown>): string {
  return accessToken(credentials, 'TikTok');
}
