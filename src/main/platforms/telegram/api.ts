import { PublishError } from '../types';

/** The public Bot API; a self-hosted Bot API server (telegram-bot-api) works the same way. */
export const TELEGRAM_API_BASE = 'https://api.telegram.org';

/** The Bot API's answer envelope. */
export interface BotAnswer<T = unknown> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A Bot API failure, before classification (the HTTP status equals `error_code`). */
export class BotApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfter: number | undefined,
    /** True when no answer came, so the request may have been carried out. */
    readonly noAnswer: boolean,
    /** Where a group went when it became a supergroup. */
    readonly migrateTo?: number,
  ) {
    super(description);
    this.name = 'BotApiError';
  }
}

/** The API base without a trailing slash. */
export function normalizeApiBase(base: string): string {
  return base.trim().replace(/\/+$/, '');
}

/**
 * Calls one Bot API method. The token is part of the URL, so nothing here ever puts the URL (or
 * an error that might carry it) into a message: only the host and Telegram's description.
 */
export async function botCall<T>(base: string, token: string, method: string, params: Record<string, unknown> | FormData, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const isForm = params instanceof FormData;
  let response: Response;
  try {
    response = await fetch(`${normalizeApiBase(base)}/bot${token}/${method}`, {
      method: 'POST',
      headers: isForm ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: isForm ? params : JSON.stringify(params),
      signal,
    });
  } catch (error) {
    const cutOff = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
    let host = 'the Bot API';
    try {
      host = new URL(base).host;
    } catch {
      // keep the generic name
    }
    throw new BotApiError(0, cutOff ? `the request to ${host} was cut off` : `could not reach ${host}`, undefined, true);
  }
  let answer: BotAnswer<T>;
  try {
    answer = (await response.json()) as BotAnswer<T>;
  } catch {
    throw new BotApiError(response.status, `the Bot API answered ${response.status} without JSON`, undefined, response.status >= 500);
  }
  if (answer.ok && response.ok) return answer.result as T;
  const status = answer.error_code ?? response.status;
  throw new BotApiError(status, answer.description ?? `HTTP ${response.status}`, answer.parameters?.retry_after, false, answer.parameters?.migrate_to_chat_id);
}

/**
 * Classifies a Bot API failure (STYLE.md rule 8): 429 -> rate_limited for `retry_after`;
 * 401/403 (token revoked, bot removed or blocked) -> auth; 400 -> permanent with Telegram's
 * description; 5xx and no answer -> transient.
 */
export function classifyBotError(error: unknown, options: { what?: string; sending?: boolean } = {}): PublishError {
  if (error instanceof PublishError) return error;
  const prefix = options.what ? `${options.what}: ` : '';
  if (!(error instanceof BotApiError)) return new PublishError('transient', `${prefix}${error instanceof Error ? error.message : String(error)}`, { maybeSent: options.sending ?? false });
  const httpStatus = error.status || undefined;
  if (error.noAnswer) return new PublishError('transient', `${prefix}${error.description}`, { maybeSent: options.sending ?? false, httpStatus });
  if (error.status === 429) {
    return new PublishError('rate_limited', `${prefix}Telegram asks to slow down (${error.description})`, { retryAfterMs: (error.retryAfter ?? 30) * 1000, httpStatus });
  }
  if (error.status === 401) return new PublishError('auth', `${prefix}Telegram refused the bot token (${error.description}); reconnect with a valid token from @BotFather`, { httpStatus });
  if (error.status === 403) return new PublishError('auth', `${prefix}the bot may not post in this chat (${error.description}); add it back or reconnect`, { httpStatus });
  if (error.migrateTo !== undefined) {
    return new PublishError('permanent', `${prefix}the group became a supergroup with the new id ${error.migrateTo}; reconnect the account with that chat id (${error.description})`, { httpStatus });
  }
  if (error.status >= 500) return new PublishError('transient', `${prefix}Telegram did not answer properly (${error.description})`, { httpStatus, maybeSent: options.sending ?? false });
  return new PublishError('permanent', `${prefix}Telegram refused: ${error.description}`, { httpStatus });
}
