import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../types';
import { botCall, classifyBotError } from './api';
import { accountApiBase } from './auth';
import { entrySettings } from '../entry-settings';

/** Telegram's caption limit (UTF-16 code units after entity parsing; Outbox sends plain text). */
export const CAPTION_LIMIT = 1024;
/** An album holds 2 to 10 items. */
export const ALBUM_MAX = 10;
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** One request the entry needs, planned the same way on every attempt so saved progress lines up. */
type Step =
  | { kind: 'text'; text: string }
  | { kind: 'single'; media: PublishMedia; caption: string }
  | { kind: 'album'; media: PublishMedia[]; caption: string };

interface TelegramProgress {
  /** Message ids per step that went through. */
  done: Array<number[] | null>;
  /** The step whose request may have reached Telegram without an answer. */
  inflight?: { step: number; at: number } | null;
}

interface SentMessage {
  message_id: number;
  chat?: { id: number; type?: string; username?: string };
}

/** Splits the parts into Bot API requests: text alone, one media with caption, or albums of up to 10. */
export function planSteps(parts: PublishContext['parts']): Step[] {
  const steps: Step[] = [];
  for (const part of parts) {
    const text = part.text;
    if (part.media.length === 0) {
      if (text.trim()) steps.push({ kind: 'text', text });
      continue;
    }
    // A caption longer than Telegram allows goes out as its own message after the media.
    const fits = text.length <= CAPTION_LIMIT;
    const caption = fits ? text : '';
    let start = 0;
    while (start < part.media.length) {
      const remaining = part.media.length - start;
      // Never leave a single item for a last album: an album needs 2 or more.
      const size = remaining > ALBUM_MAX && remaining - ALBUM_MAX === 1 ? ALBUM_MAX - 1 : Math.min(ALBUM_MAX, remaining);
      const chunk = part.media.slice(start, start + size);
      const chunkCaption = start === 0 ? caption : '';
      if (chunk.length === 1) steps.push({ kind: 'single', media: chunk[0]!, caption: chunkCaption });
      else steps.push({ kind: 'album', media: chunk, caption: chunkCaption });
      start += size;
    }
    if (!fits && text.trim()) steps.push({ kind: 'text', text });
  }
  return steps;
}

function settingsOf(ctx: PublishContext): PlatformSettings<'telegram'> {
  return entrySettings(ctx, 'telegram');
}

function readProgress(ctx: PublishContext): TelegramProgress {
  const raw = ctx.progress.get() as Partial<TelegramProgress> | null;
  return { done: Array.isArray(raw?.done) ? [...raw.done] : [], inflight: raw?.inflight ?? null };
}

function botToken(ctx: PublishContext): string {
  const token = ctx.credentials['botToken'];
  if (typeof token !== 'string' || !token) throw new PublishError('auth', 'No bot token is stored for this Telegram account; reconnect it.');
  return token;
}

function chatIdOf(ctx: PublishContext): string {
  const id = ctx.account.meta['chatId'];
  return typeof id === 'string' && id ? id : ctx.account.platformUserId;
}

function mediaMethod(media: PublishMedia): { method: string; field: string } {
  if (media.kind === 'video') return { method: 'sendVideo', field: 'video' };
  // A GIF sent as a photo loses its animation.
  if (media.mime === 'image/gif') return { method: 'sendAnimation', field: 'animation' };
  return { method: 'sendPhoto', field: 'photo' };
}

/** The public link of a message: only public channels and supergroups (those with a username) have one. */
function messageUrl(ctx: PublishContext, message: SentMessage | undefined, messageId: number): string | null {
  // The chat's type as getChat reported it at connect (checks keep it current).
  const type = (ctx.account.meta['chatType'] as string | undefined) ?? message?.chat?.type;
  const username = message?.chat?.username ?? (ctx.account.meta['chatUsername'] as string | null | undefined);
  if (!username || (type !== 'channel' && type !== 'supergroup')) return null;
  return `https://t.me/${username}/${messageId}`;
}

async function sendStep(ctx: PublishContext, step: Step, settings: PlatformSettings<'telegram'>, what: string): Promise<SentMessage[]> {
  const base = accountApiBase(ctx.account, ctx.endpoints);
  const token = botToken(ctx);
  const chatId = chatIdOf(ctx);
  const common: Record<string, unknown> = {};
  if (settings.silent) common['disable_notification'] = true;
  if (settings.protected) common['protect_content'] = true;
  try {
    if (step.kind === 'text') {
      const message = await botCall<SentMessage>(base, token, 'sendMessage', { chat_id: chatId, text: step.text, link_preview_options: { is_disabled: !settings.linkPreview }, ...common }, { signal: ctx.signal });
      return [message];
    }
    const form = new FormData();
    form.append('chat_id', chatId);
    for (const [key, value] of Object.entries(common)) form.append(key, String(value));
    if (step.kind === 'single') {
      const { method, field } = mediaMethod(step.media);
      form.append(field, await openAsBlob(step.media.path, { type: step.media.mime }), basename(step.media.path));
      if (step.caption) form.append('caption', step.caption);
      if (step.media.kind === 'video') {
        if (step.media.width) form.append('width', String(step.media.width));
        if (step.media.height) form.append('height', String(step.media.height));
        if (step.media.durationMs) form.append('duration', String(Math.round(step.media.durationMs / 1000)));
        form.append('supports_streaming', 'true');
      }
      return [await botCall<SentMessage>(base, token, method, form, { signal: ctx.signal, timeoutMs: UPLOAD_TIMEOUT_MS })];
    }
    const items = step.media.map((media, i) => {
      const name = `file${i}`;
      const item: Record<string, unknown> = { type: media.kind === 'video' ? 'video' : 'photo', media: `attach://${name}` };
      if (i === 0 && step.caption) item['caption'] = step.caption;
      if (media.kind === 'video') {
        if (media.width) item['width'] = media.width;
        if (media.height) item['height'] = media.height;
        if (media.durationMs) item['duration'] = Math.round(media.durationMs / 1000);
        item['supports_streaming'] = true;
      }
      return item;
    });
    form.append('media', JSON.stringify(items));
    for (let i = 0; i < step.media.length; i++) form.append(`file${i}`, await openAsBlob(step.media[i]!.path, { type: step.media[i]!.mime }), basename(step.media[i]!.path));
    return await botCall<SentMessage[]>(base, token, 'sendMediaGroup', form, { signal: ctx.signal, timeoutMs: UPLOAD_TIMEOUT_MS });
  } catch (error) {
    throw classifyBotError(error, { what, sending: true });
  }
}

/** Telegram publishing through the Bot API. */
export const telegramAdapter: PlatformAdapter = {
  platform: 'telegram',
  // The Bot API has no idempotency key and no way to list a chat's messages: a repeated send is
  // a second message. Progress is saved per request so retries never repeat a finished one.
  idempotent: false,

  async publish(ctx): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    const steps = planSteps(ctx.parts);
    if (steps.length === 0) throw new PublishError('permanent', 'The post has nothing to send to Telegram (no text and no media)');
    const progress = readProgress(ctx);
    let first: { id: number; message: SentMessage | undefined } | null = null;
    for (let i = 0; i < steps.length; i++) {
      const done = progress.done[i];
      if (done?.length) {
        first ??= { id: done[0]!, message: undefined };
        continue;
      }
      const what = steps.length > 1 ? `Sending message ${i + 1} of ${steps.length}` : 'Sending';
      progress.inflight = { step: i, at: ctx.now() };
      await ctx.progress.save({ ...progress });
      let messages: SentMessage[];
      try {
        messages = await sendStep(ctx, steps[i]!, settings, what);
      } catch (error) {
        // Telegram answered with an error: nothing was sent, so the step is not in doubt.
        if (error instanceof PublishError && !error.maybeSent) {
          progress.inflight = null;
          await ctx.progress.save({ ...progress });
        }
        throw error;
      }
      progress.done[i] = messages.map((m) => m.message_id);
      progress.inflight = null;
      await ctx.progress.save({ ...progress });
      first ??= { id: messages[0]!.message_id, message: messages[0] };
    }
    const chatId = chatIdOf(ctx);
    return { platformPostId: `${chatId}:${first!.id}`, platformUrl: messageUrl(ctx, first!.message, first!.id) };
  },

  async reconcile(ctx): Promise<PublishResult | null> {
    const progress = readProgress(ctx);
    if (progress.inflight) {
      throw new PublishError('permanent', 'Outbox stopped while Telegram was receiving this post and cannot tell whether it arrived (Telegram has no way to ask). Check the chat before publishing again.');
    }
    const steps = planSteps(ctx.parts);
    const firstId = progress.done[0]?.[0];
    if (firstId !== undefined && steps.every((_, i) => progress.done[i]?.length)) {
      return { platformPostId: `${chatIdOf(ctx)}:${firstId}`, platformUrl: messageUrl(ctx, undefined, firstId) };
    }
    // Nothing is in doubt: what went through is saved and the rest never left.
    return null;
  },
};
