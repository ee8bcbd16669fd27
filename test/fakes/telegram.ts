import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Exchange } from '../support/openapi';
import { telegramSpec } from '../support/openapi';
import { parseBody, readBody, takeRule, type FailRule, type ReceivedFile } from './fake-http';

/**
 * A fake Telegram Bot API, written from the Bot API reference (core.telegram.org/bots/api):
 * getMe, getChat, getChatMember, sendMessage, and the media methods with multipart uploads
 * (sendPhoto, sendVideo, sendAnimation, sendMediaGroup with attach:// references), the answer
 * envelope `{ ok, result }` / `{ ok: false, error_code, description, parameters }`, and the
 * documented failures (400 with a description, 401, 403, 429 with parameters.retry_after).
 * Methods it does not implement can be forwarded to another Bot API server (`upstream`, e.g.
 * telegram-test-api for the text methods). Every exchange it answers itself is recorded.
 */

/** A chat the fake knows, with the bot's membership in it. */
export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  /** The bot's ChatMember status and rights here. */
  bot: { status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked'; can_post_messages?: boolean; can_send_messages?: boolean };
  /** Default member permissions (groups). */
  permissions?: { can_send_messages: boolean };
}

/** A message the fake accepted. */
export interface FakeTelegramMessage {
  method: string;
  chatId: number;
  messageId: number;
  params: Record<string, unknown>;
  files: Array<Omit<ReceivedFile, 'data'>>;
  mediaGroupId: string | null;
  message: Record<string, unknown>;
}

/** Options of `startTelegramFake`. */
export interface TelegramFakeOptions {
  /** Tokens the fake accepts (default one). */
  tokens?: string[];
  bot?: { id: number; username: string; first_name: string };
  chats?: FakeChat[];
  /** Another Bot API server: methods in `forward` (and any the fake does not implement) go there. */
  upstream?: string;
  /** Methods to forward to `upstream` (default: getMe and sendMessage, which telegram-test-api implements). */
  forward?: string[];
  now?: () => number;
}

/** A running fake Bot API. */
export interface TelegramFake {
  /** The API base (use as `apiBase`). */
  url: string;
  token: string;
  bot: { id: number; username: string; first_name: string };
  chats: FakeChat[];
  messages: FakeTelegramMessage[];
  exchanges: Exchange[];
  /** Methods forwarded upstream, by name. */
  forwarded: string[];
  /** Failures for the next matching calls; `path` matches the Bot API method name. */
  failures: FailRule[];
  failNext(rule: FailRule): void;
  /** Answers the next matching call with 429 and parameters.retry_after. */
  floodNext(retryAfter: number, method?: string): void;
  close(): Promise<void>;
}

const PHOTO_MAX = 10 * 1024 * 1024;
const FILE_MAX = 50 * 1024 * 1024;
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;

class BotError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

/** The default test bot token (the format @BotFather hands out). */
export const FAKE_BOT_TOKEN = '123456789:AAFakeTokenForOutboxTests_abcdefghij';

/** Starts a fake Bot API on 127.0.0.1 with a free port. */
export async function startTelegramFake(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
  const now = options.now ?? Date.now;
  const tokens = options.tokens ?? [FAKE_BOT_TOKEN];
  const bot = options.bot ?? { id: 987654321, username: 'outbox_test_bot', first_name: 'Outbox Test' };
  const spec = telegramSpec();
  const nextMessageId = new Map<number, number>();
  let fileCounter = 1;
  let groupCounter = 1;

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: TelegramFake = {
    url,
    token: tokens[0]!,
    bot,
    chats: options.chats ?? [
      { id: -1001234567890, type: 'channel', title: 'Outbox News', username: 'outboxnews', bot: { status: 'administrator', can_post_messages: true } },
      { id: -1009876543210, type: 'channel', title: 'Private Notes', bot: { status: 'administrator', can_post_messages: true } },
      { id: -1005555555555, type: 'supergroup', title: 'Outbox Group', username: 'outboxgroup', bot: { status: 'member' }, permissions: { can_send_messages: true } },
    ],
    messages: [],
    exchanges: [],
    forwarded: [],
    failures: [],
    failNext(rule) {
      fake.failures.push(rule);
    },
    floodNext(retryAfter, method) {
      fake.failures.push({ ...(method ? { path: method } : {}), status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } } });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function findChat(chatId: unknown): FakeChat {
    const chat = fake.chats.find((c) => String(c.id) === String(chatId) || (c.username && `@${c.username}`.toLowerCase() === String(chatId).toLowerCase()));
    if (!chat) throw new BotError(400, 'Bad Request: chat not found');
    return chat;
  }

  function chatEntity(chat: FakeChat) {
    return { id: chat.id, type: chat.type, ...(chat.title ? { title: chat.title } : {}), ...(chat.username ? { username: chat.username } : {}) };
  }

  /** Whether the bot may post, with the error the Bot API gives when it may not. */
  function assertCanPost(chat: FakeChat) {
    const s = chat.bot;
    const place = chat.type === 'channel' ? 'channel' : 'group';
    if (s.status === 'kicked') throw new BotError(403, `Forbidden: bot was kicked from the ${place} chat`);
    if (s.status === 'left') throw new BotError(403, `Forbidden: bot is not a member of the ${place} chat`);
    if (chat.type === 'channel' && !(s.status === 'creator' || (s.status === 'administrator' && s.can_post_messages))) throw new BotError(400, 'Bad Request: need administrator rights in the channel chat');
    if (chat.type !== 'channel' && s.status === 'restricted' && !s.can_send_messages) throw new BotError(400, 'Bad Request: not enough rights to send text messages to the chat');
  }

  function baseMessage(chat: FakeChat, params: Record<string, unknown>): Record<string, unknown> {
    const id = (nextMessageId.get(chat.id) ?? 1) + 0;
    nextMessageId.set(chat.id, id + 1);
    const message: Record<string, unknown> = { message_id: id, date: Math.floor(now() / 1000), chat: chatEntity(chat) };
    if (chat.type === 'channel') message['sender_chat'] = chatEntity(chat);
    else message['from'] = { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
    if (params['protect_content'] === true) message['has_protected_content'] = true;
    return message;
  }

  async function fileEntity(file: ReceivedFile, kind: 'photo' | 'video' | 'animation') {
    const fileId = `AgAC${String(fileCounter++).padStart(6, '0')}`;
    const common = { file_id: fileId, file_unique_id: `u${fileId}`, file_size: file.bytes };
    if (kind === 'photo') {
      const meta = await sharp(file.data).metadata();
      return [{ ...common, width: meta.width ?? 0, height: meta.height ?? 0 }];
    }
    return { ...common, width: 0, height: 0, duration: 0, mime_type: file.mime, file_name: file.filename };
  }

  function checkCaption(params: Record<string, unknown>) {
    if (typeof params['caption'] === 'string' && params['caption'].length > CAPTION_MAX) throw new BotError(400, 'Bad Request: message caption is too long');
  }

  function checkSize(file: ReceivedFile, kind: 'photo' | 'video' | 'animation') {
    if (file.bytes === 0) throw new BotError(400, 'Bad Request: file must be non-empty');
    if (file.bytes > (kind === 'photo' ? PHOTO_MAX : FILE_MAX)) throw new BotError(413, 'Request Entity Too Large');
    if (kind === 'photo' && !file.mime.startsWith('image/')) throw new BotError(400, 'Bad Request: IMAGE_PROCESS_FAILED');
  }

  function record(method: string, chat: FakeChat, params: Record<string, unknown>, files: ReceivedFile[], message: Record<string, unknown>, mediaGroupId: string | null) {
    fake.messages.push({ method, chatId: chat.id, messageId: message['message_id'] as number, params, files: files.map(({ data: _d, ...f }) => f), mediaGroupId, message });
  }

  async function run(method: string, params: Record<string, unknown>, files: ReceivedFile[]): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'getChat': {
        const chat = findChat(params['chat_id']);
        if (chat.bot.status === 'kicked') throw new BotError(403, `Forbidden: bot was kicked from the ${chat.type === 'channel' ? 'channel' : 'group'} chat`);
        return { ...chatEntity(chat), accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false }, ...(chat.permissions ? { permissions: chat.permissions } : {}) };
      }
      case 'getChatMember': {
        const chat = findChat(params['chat_id']);
        if (Number(params['user_id']) !== bot.id) throw new BotError(400, 'Bad Request: user not found');
        const user = { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
        const s = chat.bot;
        if (s.status === 'administrator') {
          return {
            status: 'administrator', user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true, can_manage_video_chats: false, can_restrict_members: false, can_promote_members: false, can_change_info: false, can_invite_users: false, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
            ...(chat.type === 'channel' ? { can_post_messages: s.can_post_messages ?? false, can_edit_messages: false } : {}),
          };
        }
        if (s.status === 'restricted') {
          const can = s.can_send_messages ?? false;
          return {
            status: 'restricted', user, is_member: true, can_send_messages: can, can_send_audios: can, can_send_documents: can, can_send_photos: can, can_send_videos: can, can_send_video_notes: can, can_send_voice_notes: can, can_send_polls: can, can_send_other_messages: can, can_add_web_page_previews: can,
            can_react_to_messages: can, can_edit_tag: false, can_change_info: false, can_invite_users: false, can_pin_messages: false, can_manage_topics: false, until_date: 0,
          };
        }
        if (s.status === 'kicked') return { status: 'kicked', user, until_date: 0 };
        return { status: s.status, user };
      }
      case 'sendMessage': {
        const chat = findChat(params['chat_id']);
        assertCanPost(chat);
        const text = typeof params['text'] === 'string' ? params['text'] : '';
        if (!text.trim()) throw new BotError(400, 'Bad Request: message text is empty');
        if (text.length > TEXT_MAX) throw new BotError(400, 'Bad Request: message is too long');
        const message: Record<string, unknown> = { ...baseMessage(chat, params), text };
        if (params['link_preview_options']) message['link_preview_options'] = params['link_preview_options'];
        record(method, chat, params, files, message, null);
        return message;
      }
      case 'sendPhoto':
      case 'sendVideo':
      case 'sendAnimation': {
        const chat = findChat(params['chat_id']);
        assertCanPost(chat);
        const kind = method === 'sendPhoto' ? 'photo' : method === 'sendVideo' ? 'video' : 'animation';
        const file = files.find((f) => f.field === kind);
        if (!file) throw new BotError(400, `Bad Request: there is no ${kind} in the request`);
        checkSize(file, kind);
        checkCaption(params);
        const message: Record<string, unknown> = { ...baseMessage(chat, params), [kind]: await fileEntity(file, kind) };
        if (params['caption']) message['caption'] = params['caption'];
        record(method, chat, params, [file], message, null);
        return message;
      }
      case 'sendMediaGroup': {
        const chat = findChat(params['chat_id']);
        assertCanPost(chat);
        const media = params['media'];
        if (!Array.isArray(media) || media.length < 2 || media.length > 10) throw new BotError(400, 'Bad Request: wrong number of media in the album: must be 2-10');
        const kinds = new Set(media.map((m: Record<string, unknown>) => m['type']));
        if ([...kinds].some((k) => k !== 'photo' && k !== 'video')) throw new BotError(400, 'Bad Request: documents and audio can only be grouped with their own type');
        const groupId = String(1_300_000_000_000_000 + groupCounter++);
        const used: ReceivedFile[] = [];
        const resolved: Array<{ item: Record<string, unknown>; file: ReceivedFile }> = [];
        for (const item of media as Array<Record<string, unknown>>) {
          const ref = String(item['media'] ?? '');
          const name = ref.startsWith('attach://') ? ref.slice('attach://'.length) : null;
          const file = name ? files.find((f) => f.field === name) : undefined;
          if (!file) throw new BotError(400, `Bad Request: can't parse InputMedia: media not found`);
          checkSize(file, item['type'] === 'photo' ? 'photo' : 'video');
          checkCaption(item);
          resolved.push({ item, file });
          used.push(file);
        }
        const messages = [];
        for (const { item, file } of resolved) {
          const kind = item['type'] === 'photo' ? 'photo' : 'video';
          const message: Record<string, unknown> = { ...baseMessage(chat, params), media_group_id: groupId, [kind]: await fileEntity(file, kind) };
          if (item['caption']) message['caption'] = item['caption'];
          record(method, chat, { ...params, media: item }, [file], message, groupId);
          messages.push(message);
        }
        return messages;
      }
      default:
        throw new BotError(404, 'Not Found: method not found');
    }
  }

  const forwarded = new Set(options.forward ?? ['getMe', 'sendMessage']);
  const IMPLEMENTED = new Set(['getMe', 'getChat', 'getChatMember', 'sendMessage', 'sendPhoto', 'sendVideo', 'sendAnimation', 'sendMediaGroup']);

  async function forward(req: IncomingMessage, res: ServerResponse, method: string) {
    fake.forwarded.push(method);
    const body = await readBody(req);
    const target = new URL(req.url ?? '/', options.upstream);
    await new Promise<void>((resolve) => {
      const out = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host, 'content-length': String(body.length) } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
      });
      out.on('error', () => {
        res.writeHead(502).end();
        resolve();
      });
      out.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', url).pathname;
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    const method = match?.[2] ?? '';
    if (match && options.upstream && (!IMPLEMENTED.has(method) || forwarded.has(method))) return forward(req, res, method);

    const body = await parseBody(req).catch(() => ({ contentType: '', fields: {}, files: [] as ReceivedFile[] }));
    const query = Object.fromEntries(new URL(req.url ?? '/', url).searchParams);
    const raw: Record<string, unknown> = { ...query, ...body.fields };
    const params = method ? spec.parseParams(method, raw) : raw;
    // A file sent as the method's own parameter (photo, video) is part of the parameters.
    for (const f of body.files) if (method && spec.paramTypes(method, f.field)) params[f.field] = { file: true, filename: f.filename, bytes: f.bytes };
    const send = (status: number, answer: unknown) => {
      // The recorded path hides the token, as logs should.
      fake.exchanges.push({ method: req.method ?? 'POST', path: `/bot<token>/${method}`, body: params, status, headers: { 'content-type': body.contentType }, response: answer });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };

    const rule = takeRule(fake.failures, req.method ?? 'POST', method);
    if (rule) {
      if (rule.drop) {
        if (rule.afterHandling) await run(method, params, body.files).catch(() => null);
        req.socket.destroy();
        return;
      }
      return send(rule.status, rule.body ?? { ok: false, error_code: rule.status, description: `Fake failure ${rule.status}` });
    }
    if (!match || !tokens.includes(decodeURIComponent(match[1]!))) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    try {
      const result = await run(method, params, body.files);
      send(200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      send(error.code, { ok: false, error_code: error.code, description: error.description, ...(error.parameters ? { parameters: error.parameters } : {}) });
    }
  }

  return fake;
}
