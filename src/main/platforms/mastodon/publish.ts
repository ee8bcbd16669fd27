import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { parsePlatformSettings, type PlatformSettings } from '../../../shared/platforms/settings';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../types';
import { mastodonCall, mastodonFetch } from './api';

/**
 * Mastodon keeps an Idempotency-Key for one hour. Keys are reused only well inside that window,
 * leaving room for a clock that differs from the instance's.
 */
export const IDEMPOTENCY_WINDOW_MS = 50 * 60_000;
/** How long to wait for the instance to process an upload (video transcoding) before giving up for now. */
const MEDIA_PROCESSING_LIMIT_MS = 10 * 60_000;

/** What an entry remembers between attempts, so a retry continues instead of starting again. */
interface MastodonProgress {
  parts: Array<{ mediaIds?: string[]; statusId?: string; url?: string | null } | null>;
  /** The status POST that may have reached the instance: its key and when it was first sent. */
  inflight?: { part: number; key: string; at: number } | null;
}

/** Waits `ms` (the engine's own timers in production; tests pass one that returns at once). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Options of the Mastodon adapter. */
export interface MastodonAdapterOptions {
  sleep?: Sleep;
  /** Longest time to wait for media processing per attempt. */
  mediaProcessingLimitMs?: number;
}

function readProgress(ctx: PublishContext): MastodonProgress {
  const raw = ctx.progress.get() as Partial<MastodonProgress> | null;
  return { parts: Array.isArray(raw?.parts) ? [...raw.parts] : [], inflight: raw?.inflight ?? null };
}

function token(ctx: PublishContext): string {
  const value = ctx.credentials['accessToken'];
  if (typeof value !== 'string' || !value) throw new PublishError('auth', 'No Mastodon access token is stored for this account; reconnect it.');
  return value;
}

function baseUrl(ctx: PublishContext): string {
  return ctx.endpoints.apiBase ?? ctx.account.instanceUrl;
}

function settingsOf(ctx: PublishContext): PlatformSettings<'mastodon'> {
  const parsed = parsePlatformSettings('mastodon', ctx.entry.settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PublishError('permanent', `Mastodon settings are not valid: ${issue ? `${issue.path.join('.') || 'settings'} ${issue.message}` : parsed.error.message}`);
  }
  return parsed.data;
}

/** The Idempotency-Key of one part of one claim (Mastodon accepts any string). */
export function idempotencyKey(attemptKey: string, part: number): string {
  return `outbox-${attemptKey}-${part}`;
}

/** Strips a status's HTML to its words, to recognise our own text in it. */
function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Creates the Mastodon adapter; tests pass their own `sleep`. */
export function createMastodonAdapter(options: MastodonAdapterOptions = {}): PlatformAdapter {
  const sleep = options.sleep ?? realSleep;
  const processingLimit = options.mediaProcessingLimitMs ?? MEDIA_PROCESSING_LIMIT_MS;

  async function upload(ctx: PublishContext, media: PublishMedia, label: string): Promise<{ id: string; ready: boolean }> {
    const form = new FormData();
    const blob = await openAsBlob(media.path, { type: media.mime });
    form.append('file', blob, basename(media.path));
    if (media.altText.trim()) form.append('description', media.altText);
    const response = await mastodonCall<Record<string, unknown>>(baseUrl(ctx), '/api/v2/media', { method: 'POST', form, token: token(ctx), signal: ctx.signal, now: ctx.now(), what: `Uploading ${label}` });
    const id = typeof response.body['id'] === 'string' ? response.body['id'] : '';
    if (!id) throw new PublishError('transient', `Uploading ${label}: the instance answered without an attachment id`);
    return { id, ready: response.status === 200 && response.body['url'] != null };
  }

  /** Polls GET /api/v1/media/:id while the instance answers 206 (still processing). */
  async function waitProcessed(ctx: PublishContext, id: string, label: string) {
    const started = ctx.now();
    let waited = 0;
    for (let round = 0; ; round++) {
      const response = await mastodonCall<Record<string, unknown>>(baseUrl(ctx), `/api/v1/media/${encodeURIComponent(id)}`, { token: token(ctx), signal: ctx.signal, now: ctx.now(), what: `Processing ${label}` });
      if (response.status === 200 && response.body['url'] != null) return;
      const delay = Math.min(1_000 * (round + 1), 5_000);
      waited += delay;
      if (waited > processingLimit || ctx.now() - started > processingLimit) {
        throw new PublishError('transient', `The instance is still processing ${label}; Outbox will try again`);
      }
      await sleep(delay, ctx.signal);
    }
  }

  async function sendStatus(ctx: PublishContext, progress: MastodonProgress, index: number, replyTo: string | null, mediaIds: string[], settings: PlatformSettings<'mastodon'>) {
    const part = ctx.parts[index]!;
    // Reuse the key of an earlier send of this part while the instance still remembers it: if that
    // send went through, the instance answers with the same status instead of a second one.
    const previous = progress.inflight && progress.inflight.part === index && ctx.now() - progress.inflight.at < IDEMPOTENCY_WINDOW_MS ? progress.inflight : null;
    const inflight = previous ?? { part: index, key: idempotencyKey(ctx.entry.attemptKey, index), at: ctx.now() };
    progress.inflight = inflight;
    await ctx.progress.save({ ...progress });

    const body: Record<string, unknown> = { status: part.text, visibility: settings.visibility };
    if (mediaIds.length) body['media_ids'] = mediaIds;
    if (settings.spoilerText) body['spoiler_text'] = settings.spoilerText;
    if (settings.sensitive) body['sensitive'] = true;
    if (settings.language) body['language'] = settings.language;
    if (replyTo) body['in_reply_to_id'] = replyTo;
    if (index === 0 && settings.poll) {
      body['poll'] = { options: settings.poll.options, expires_in: settings.poll.expiresIn, multiple: settings.poll.multiple };
    }
    const what = ctx.parts.length > 1 ? `Posting part ${index + 1} of ${ctx.parts.length}` : 'Posting';
    const response = await mastodonCall<Record<string, unknown>>(baseUrl(ctx), '/api/v1/statuses', {
      method: 'POST',
      json: body,
      token: token(ctx),
      headers: { 'idempotency-key': inflight.key },
      signal: ctx.signal,
      now: ctx.now(),
      sending: true,
      what,
    });
    const id = typeof response.body['id'] === 'string' ? response.body['id'] : '';
    if (!id) throw new PublishError('transient', `${what}: the instance answered without a status id`, { maybeSent: true });
    const url = typeof response.body['url'] === 'string' ? response.body['url'] : typeof response.body['uri'] === 'string' ? response.body['uri'] : null;
    progress.parts[index] = { mediaIds, statusId: id, url };
    progress.inflight = null;
    await ctx.progress.save({ ...progress });
    return { id, url };
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    if (settings.poll && (ctx.parts[0]?.media.length ?? 0) > 0) {
      throw new PublishError('permanent', 'Mastodon cannot attach a poll and media to the same post: remove one of them from the first part');
    }
    const progress = readProgress(ctx);
    if (progress.inflight && ctx.now() - progress.inflight.at >= IDEMPOTENCY_WINDOW_MS) {
      // The instance has forgotten the key of a send that may have gone through: look for the
      // status on the account's timeline before sending it again under a new key.
      const found = await findSent(ctx, progress);
      if (found) {
        const index = progress.inflight.part;
        progress.parts[index] = { mediaIds: progress.parts[index]?.mediaIds ?? [], statusId: found.id, url: found.url };
      }
      progress.inflight = null;
      await ctx.progress.save({ ...progress });
    }
    let replyTo: string | null = null;
    for (let index = 0; index < ctx.parts.length; index++) {
      const saved = progress.parts[index];
      if (saved?.statusId) {
        replyTo = saved.statusId;
        continue;
      }
      const part = ctx.parts[index]!;
      const mediaIds = [...(saved?.mediaIds ?? [])];
      const fresh = new Set<string>();
      for (let m = mediaIds.length; m < part.media.length; m++) {
        const label = `${part.media[m]!.kind} ${m + 1}${ctx.parts.length > 1 ? ` of part ${index + 1}` : ''}`;
        const uploaded = await upload(ctx, part.media[m]!, label);
        mediaIds.push(uploaded.id);
        if (uploaded.ready) fresh.add(uploaded.id);
        // Saved at once: a retry attaches these instead of uploading the file again.
        progress.parts[index] = { mediaIds: [...mediaIds] };
        await ctx.progress.save({ ...progress });
      }
      for (let m = 0; m < mediaIds.length; m++) {
        if (!fresh.has(mediaIds[m]!)) await waitProcessed(ctx, mediaIds[m]!, `${part.media[m]?.kind ?? 'media'} ${m + 1}`);
      }
      const sent = await sendStatus(ctx, progress, index, replyTo, mediaIds, settings);
      replyTo = sent.id;
    }
    const first = progress.parts[0];
    if (!first?.statusId) throw new PublishError('permanent', 'The post has no parts to send');
    return { platformPostId: first.statusId, platformUrl: first.url ?? null };
  }

  /**
   * When a status POST may have gone through but its key has left the instance's memory, looks
   * for it among the account's latest statuses (same parent, same attachments or text).
   */
  async function findSent(ctx: PublishContext, progress: MastodonProgress): Promise<{ id: string; url: string | null } | null> {
    const inflight = progress.inflight!;
    const part = ctx.parts[inflight.part];
    if (!part) return null;
    const parent = inflight.part > 0 ? (progress.parts[inflight.part - 1]?.statusId ?? null) : null;
    const mediaIds = progress.parts[inflight.part]?.mediaIds ?? [];
    const response = await mastodonCall<Array<Record<string, unknown>>>(baseUrl(ctx), `/api/v1/accounts/${encodeURIComponent(ctx.account.platformUserId)}/statuses?limit=40`, {
      token: token(ctx),
      signal: ctx.signal,
      now: ctx.now(),
      what: 'Looking for the post on the instance',
    });
    if (!Array.isArray(response.body)) throw new PublishError('transient', 'The instance did not list the account\'s statuses');
    const wanted = plainText(part.text);
    for (const status of response.body) {
      const created = Date.parse(String(status['created_at'] ?? ''));
      if (!Number.isNaN(created) && created < inflight.at - 10 * 60_000) continue;
      if ((status['in_reply_to_id'] ?? null) !== parent) continue;
      const attached = Array.isArray(status['media_attachments']) ? (status['media_attachments'] as Array<Record<string, unknown>>).map((m) => String(m['id'])) : [];
      const same = mediaIds.length > 0 ? mediaIds.length === attached.length && mediaIds.every((id) => attached.includes(id)) : plainText(String(status['content'] ?? '')) === wanted;
      if (same) return { id: String(status['id']), url: typeof status['url'] === 'string' ? status['url'] : null };
    }
    return null;
  }

  return {
    platform: 'mastodon',
    // Every status POST carries an Idempotency-Key; repeating it within the hour cannot post twice.
    idempotent: true,

    publish,

    async reconcile(ctx) {
      const progress = readProgress(ctx);
      if (!progress.inflight && !progress.parts.some((p) => p?.statusId)) return null;
      // Sending again with the same key is the lookup: within the hour the instance answers with
      // the status it already made (or makes it now if the first request never arrived); after
      // the hour, publish looks for it on the account's timeline first.
      return publish(ctx);
    },
  };
}

/** The Mastodon adapter with real timers. */
export const mastodonAdapter: PlatformAdapter = createMastodonAdapter();
