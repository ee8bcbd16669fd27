import { type CheckResult, type ConnectContext, type ConnectedAccount, type PlatformConnector, PublishError, type PublishAccount } from '../types';
import { BotApiError, TELEGRAM_API_BASE, botCall, normalizeApiBase } from './api';

/** What the creator gives to connect a Telegram channel or group. */
export interface TelegramConnectInput {
  /** From @BotFather; kept in the keychain only. */
  botToken: string;
  /** A numeric chat id (-100… for channels and supergroups) or @username of a public one. */
  chatId: string;
  /** A self-hosted Bot API server; the public one by default. */
  apiBase?: string;
}

interface BotUser {
  id: number;
  is_bot?: boolean;
  username?: string;
  first_name?: string;
}

interface ChatInfo {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  permissions?: { can_send_messages?: boolean };
}

interface ChatMember {
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  can_post_messages?: boolean;
  can_send_messages?: boolean;
  is_member?: boolean;
}

/** The base a connection uses: what the creator named, a test override, or the public Bot API. */
function apiBaseFor(input: string | undefined, ctx: { endpoints: ConnectContext['endpoints'] }): { base: string; custom: boolean } {
  if (input) return { base: normalizeApiBase(input), custom: true };
  if (ctx.endpoints.apiBase) return { base: normalizeApiBase(ctx.endpoints.apiBase), custom: false };
  return { base: TELEGRAM_API_BASE, custom: false };
}

/** The Bot API base of a connected account. */
export function accountApiBase(account: PublishAccount, endpoints: ConnectContext['endpoints']): string {
  return account.instanceUrl ? normalizeApiBase(account.instanceUrl) : normalizeApiBase(endpoints.apiBase ?? TELEGRAM_API_BASE);
}

/**
 * Why the bot may not post in the chat, or null when it may: in a channel it must be an
 * administrator with "Post messages"; in a group a member (or administrator) that is allowed to
 * send messages.
 */
export function postingRefusal(chat: ChatInfo, member: ChatMember): string | null {
  const name = chat.title ?? (chat.username ? `@${chat.username}` : String(chat.id));
  if (member.status === 'left' || member.status === 'kicked') return `The bot is not a member of ${name}; add it first.`;
  if (chat.type === 'channel') {
    if (member.status === 'creator') return null;
    if (member.status === 'administrator' && member.can_post_messages) return null;
    return member.status === 'administrator'
      ? `The bot is an administrator of ${name} but without the "Post messages" right; turn it on in the channel's administrator settings.`
      : `The bot must be an administrator of the channel ${name} with the "Post messages" right.`;
  }
  if (chat.type === 'group' || chat.type === 'supergroup') {
    if (member.status === 'creator' || member.status === 'administrator') return null;
    if (member.status === 'restricted') return member.can_send_messages && member.is_member !== false ? null : `The bot is restricted in ${name} and may not send messages.`;
    if (chat.permissions?.can_send_messages === false) return `Members may not send messages in ${name}; make the bot an administrator.`;
    return null;
  }
  return null;
}

function connectError(error: unknown, step: string, chatId: string): Error {
  if (error instanceof BotApiError) {
    if (error.noAnswer) return new PublishError('transient', `${step}: ${error.description}. Check the address and the connection, then try again.`);
    if (error.status === 401 || error.status === 404) return new PublishError('auth', 'botToken: Telegram did not accept the bot token; copy it again from @BotFather.');
    if (step === 'Finding the chat' && (error.status === 400 || error.status === 403)) {
      return new PublishError('permanent', `chatId: Telegram could not find the chat ${chatId} for this bot (${error.description}). Use the numeric id (-100…) or the @username of a public channel, and add the bot to the chat first.`);
    }
    if (error.status === 429) return new PublishError('rate_limited', `${step}: Telegram asks to wait ${error.retryAfter ?? 30} seconds.`, { retryAfterMs: (error.retryAfter ?? 30) * 1000 });
    return new PublishError(error.status >= 500 ? 'transient' : 'permanent', `${step}: ${error.description}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function inspect(base: string, token: string, chatId: string, signal: AbortSignal) {
  let me: BotUser;
  try {
    me = await botCall<BotUser>(base, token, 'getMe', {}, { signal });
  } catch (error) {
    throw connectError(error, 'Checking the bot token', chatId);
  }
  let chat: ChatInfo;
  try {
    chat = await botCall<ChatInfo>(base, token, 'getChat', { chat_id: chatId }, { signal });
  } catch (error) {
    throw connectError(error, 'Finding the chat', chatId);
  }
  let member: ChatMember;
  try {
    member = await botCall<ChatMember>(base, token, 'getChatMember', { chat_id: chat.id, user_id: me.id }, { signal });
  } catch (error) {
    if (error instanceof BotApiError && (error.status === 400 || error.status === 403) && chat.type !== 'private') {
      throw new PublishError('permanent', `chatId: the bot is not a member of this chat (${error.description}); add it (as an administrator for a channel) and try again.`);
    }
    throw connectError(error, 'Checking the bot\'s rights', chatId);
  }
  return { me, chat, member };
}

function describe(chat: ChatInfo, me: BotUser) {
  const title = chat.title ?? ([chat.first_name, chat.last_name].filter(Boolean).join(' ') || String(chat.id));
  return {
    handle: chat.username ? `@${chat.username}` : title,
    displayName: title,
    meta: { chatId: String(chat.id), chatType: chat.type, chatUsername: chat.username ?? null, chatTitle: title, botId: String(me.id), botUsername: me.username ?? null },
  };
}

/** Connects a bot to a channel or group after checking it may post there. */
export const telegramConnector: PlatformConnector<TelegramConnectInput> = {
  platform: 'telegram',

  async connect(input, ctx): Promise<ConnectedAccount> {
    const token = input.botToken.trim();
    const chatId = input.chatId.trim();
    const { base, custom } = apiBaseFor(input.apiBase, ctx);
    const { me, chat, member } = await inspect(base, token, chatId, ctx.signal).catch((error: unknown) => {
      // While connecting, a refused token is bad input (a validation error on botToken), not an expired account.
      throw error instanceof PublishError && error.kind === 'auth' ? new PublishError('permanent', error.message) : error;
    });
    const refusal = postingRefusal(chat, member);
    if (refusal) throw new PublishError('permanent', `chatId: ${refusal}`);
    const described = describe(chat, me);
    return {
      platformUserId: String(chat.id),
      handle: described.handle,
      displayName: described.displayName,
      // Chat photos are served through URLs that contain the bot token: never stored or shown.
      avatarUrl: null,
      instanceUrl: custom ? base : '',
      meta: described.meta,
      secrets: { botToken: token },
      tokenExpiresAt: null,
    };
  },

  async check(account, secrets, ctx): Promise<CheckResult> {
    const token = typeof secrets['botToken'] === 'string' ? secrets['botToken'] : '';
    if (!token) return { connection: 'token_expired', message: 'No bot token is stored; reconnect the account.' };
    const chatId = typeof account.meta['chatId'] === 'string' ? account.meta['chatId'] : account.platformUserId;
    const base = accountApiBase(account, ctx.endpoints);
    try {
      const { me, chat, member } = await inspect(base, token, chatId, ctx.signal);
      const refusal = postingRefusal(chat, member);
      if (refusal) return { connection: 'disconnected', message: refusal };
      const described = describe(chat, me);
      return { connection: 'connected', profile: { handle: described.handle, displayName: described.displayName, meta: { ...account.meta, ...described.meta } } };
    } catch (error) {
      if (error instanceof PublishError && error.kind === 'auth') return { connection: 'token_expired', message: error.message };
      if (error instanceof PublishError && error.kind === 'permanent') return { connection: 'disconnected', message: error.message };
      throw error;
    }
  },
};
