import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { PLATFORM_SPECS } from '../../../shared/platforms/catalog';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult, type RemoteScheduler, type RemoteStatus } from '../types';
import { classifyAnswer, mastodonCall, mastodonFetch } from './api';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { accessToken } from '../credentials';
import { entrySettings } from '../entry-settings';

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
  /** The instance's scheduled status, when the entry was handed to the instance's scheduler. */
  remote?: { id: string; at: number } | null;
}



/** Options of the Mastodon adapter. */
export interface MastodonAdapterOptions {
  sleep?: Sleep;
  /** Longest time to wait for media processing per attempt. */
  mediaProcessingLimitMs?: number;
}

function readProgress(ctx: PublishContext): MastodonProgress {
  const raw = ctx.progress.get() as Partial<MastodonProgress> | null;
  return { parts: Array.isArray(raw?.parts) ? [...raw.parts] : [], inflight: raw?.inflight ?? null, remote: raw?.remote ?? null };
}

function token(ctx: PublishContext): string {
  return accessToken(ctx.credentials, 'Mastodon');
}

function baseUrl(ctx: PublishContext): string {
  return ctx.endpoints.apiBase ?? ctx.account.instanceUrl;
}

function settingsOf(ctx: PublishContext): PlatformSettings<'mastodon'> {
  return entrySettings(ctx, 'mastodon');
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

/** The JSON body of a status POST. */
function statusBody(text: string, index: number, replyTo: string | null, mediaIds: string[], settings: PlatformSettings<'mastodon'>): Record<string, unknown> {
  const body: Record<string, unknown> = { status: text, visibility: settings.visibility };
  if (mediaIds.length) body['media_ids'] = mediaIds;
  if (settings.spoilerText) body['spoiler_text'] = settings.spoilerText;
  if (settings.sensitive) body['sensitive'] = true;
  if (settings.language) body['language'] = settings.language;
  if (replyTo) body['in_reply_to_id'] = replyTo;
  if (index === 0 && settings.poll) body['poll'] = { options: settings.poll.options, expires_in: settings.poll.expiresIn, multiple: settings.poll.multiple };
  return body;
}

/** Mastodon refuses a scheduled status less than 5 minutes ahead (the catalog's hand-off rule). */
export const SCHEDULE_MIN_LEAD_MS = PLATFORM_SPECS.mastodon.handOff!.minLeadMs;

/** The Mastodon publisher and the instance's own scheduler, which share their saved progress. */
export interface MastodonPublishing extends PlatformAdapter {
  /** Scheduled statuses (`/api/v1/scheduled_statuses`): the module's `scheduler`. */
  remote: RemoteScheduler;
}

/** Creates the Mastodon adapter; tests pass their own `sleep`. */
export function createMastodonAdapter(options: MastodonAdapterOptions = {}): MastodonPublishing {
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

    const body = statusBody(part.text, index, replyTo, mediaIds, settings);
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

  /** Uploads a part's media (saving each id at once, so a retry attaches instead of uploading again) and waits until processed. */
  async function prepareMedia(ctx: PublishContext, progress: MastodonProgress, index: number): Promise<string[]> {
    const part = ctx.parts[index]!;
    const mediaIds = [...(progress.parts[index]?.mediaIds ?? [])];
    const fresh = new Set<string>();
    for (let m = mediaIds.length; m < part.media.length; m++) {
      const label = `${part.media[m]!.kind} ${m + 1}${ctx.parts.length > 1 ? ` of part ${index + 1}` : ''}`;
      const uploaded = await upload(ctx, part.media[m]!, label);
      mediaIds.push(uploaded.id);
      if (uploaded.ready) fresh.add(uploaded.id);
      progress.parts[index] = { ...progress.parts[index], mediaIds: [...mediaIds] };
      await ctx.progress.save({ ...progress });
    }
    for (let m = 0; m < mediaIds.length; m++) {
      if (!fresh.has(mediaIds[m]!)) await waitProcessed(ctx, mediaIds[m]!, `${part.media[m]?.kind ?? 'media'} ${m + 1}`);
    }
    return mediaIds;
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    if (settings.poll && (ctx.parts[0]?.media.length ?? 0) > 0) {
      throw new PublishError('permanent', 'Mastodon cannot attach a poll and media to the same post: remove one of them from the first part');
    }
    let progress = readProgress(ctx);
    if (progress.remote) {
      // Handed to the instance earlier: never post it a second time beside the instance's copy.
      const state = await remote.status(ctx, progress.remote.id);
      if (state.state === 'published') return state.result;
      // Sending now instead (the creator pressed publish, or changed how it is delivered).
      if (state.state === 'scheduled') await remote.cancel(ctx, progress.remote.id);
      else await ctx.progress.save({ parts: [], inflight: null, remote: null });
      progress = readProgress(ctx);
    }
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
      const mediaIds = await prepareMedia(ctx, progress, index);
      const sent = await sendStatus(ctx, progress, index, replyTo, mediaIds, settings);
      replyTo = sent.id;
    }
    const first = progress.parts[0];
    if (!first?.statusId) throw new PublishError('permanent', 'The post has no parts to send');
    return { platformPostId: first.statusId, platformUrl: first.url ?? null };
  }

  /** Looks among the account's latest statuses for one we made: same parent, same attachments or text. */
  async function findOnTimeline(ctx: PublishContext, wanted: { text: string; parent: string | null; mediaIds: string[]; after: number }): Promise<{ id: string; url: string | null } | null> {
    const response = await mastodonCall<Array<Record<string, unknown>>>(baseUrl(ctx), `/api/v1/accounts/${encodeURIComponent(ctx.account.platformUserId)}/statuses?limit=40`, {
      token: token(ctx),
      signal: ctx.signal,
      now: ctx.now(),
      what: 'Looking for the post on the instance',
    });
    if (!Array.isArray(response.body)) throw new PublishError('transient', "The instance did not list the account's statuses");
    const text = plainText(wanted.text);
    for (const status of response.body) {
      const created = Date.parse(String(status['created_at'] ?? ''));
      if (!Number.isNaN(created) && created < wanted.after) continue;
      if ((status['in_reply_to_id'] ?? null) !== wanted.parent) continue;
      const attached = Array.isArray(status['media_attachments']) ? (status['media_attachments'] as Array<Record<string, unknown>>).map((m) => String(m['id'])) : [];
      const same = wanted.mediaIds.length > 0 ? wanted.mediaIds.length === attached.length && wanted.mediaIds.every((id) => attached.includes(id)) : plainText(String(status['content'] ?? '')) === text;
      if (same) return { id: String(status['id']), url: typeof status['url'] === 'string' ? status['url'] : null };
    }
    return null;
  }

  /**
   * When a status POST may have gone through but its key has left the instance's memory, looks
   * for it on the account's timeline.
   */
  async function findSent(ctx: PublishContext, progress: MastodonProgress): Promise<{ id: string; url: string | null } | null> {
    const inflight = progress.inflight!;
    const part = ctx.parts[inflight.part];
    if (!part) return null;
    return findOnTimeline(ctx, {
      text: part.text,
      parent: inflight.part > 0 ? (progress.parts[inflight.part - 1]?.statusId ?? null) : null,
      mediaIds: progress.parts[inflight.part]?.mediaIds ?? [],
      after: inflight.at - 10 * 60_000,
    });
  }

  function remoteOf(ctx: PublishContext, remoteId: string) {
    const progress = readProgress(ctx);
    return { progress, at: progress.remote?.id === remoteId ? progress.remote.at : null };
  }

  const remote: RemoteScheduler = {
    async schedule(ctx, at) {
      const settings = settingsOf(ctx);
      if (ctx.parts.length !== 1) {
        throw new PublishError('permanent', 'A thread cannot be handed to the instance (each reply needs the post before it to exist); let Outbox send it instead');
      }
      if (settings.poll && ctx.parts[0]!.media.length > 0) throw new PublishError('permanent', 'Mastodon cannot attach a poll and media to the same post: remove one of them');
      if (at - ctx.now() < SCHEDULE_MIN_LEAD_MS) throw new PublishError('permanent', 'The instance only accepts posts scheduled at least 5 minutes ahead; let Outbox send this one');
      const progress = readProgress(ctx);
      if (progress.remote) {
        // Already handed over (a retry): move it instead of scheduling a second one.
        if (progress.remote.at !== at) await remote.reschedule(ctx, progress.remote.id, at);
        return { remoteId: progress.remote.id };
      }
      const mediaIds = await prepareMedia(ctx, progress, 0);
      const body = { ...statusBody(ctx.parts[0]!.text, 0, null, mediaIds, settings), scheduled_at: new Date(at).toISOString() };
      const response = await mastodonCall<Record<string, unknown>>(baseUrl(ctx), '/api/v1/statuses', {
        method: 'POST',
        json: body,
        token: token(ctx),
        headers: { 'idempotency-key': idempotencyKey(`${ctx.entry.attemptKey}-scheduled`, 0) },
        signal: ctx.signal,
        now: ctx.now(),
        sending: true,
        what: 'Handing the post to the instance',
      });
      const id = typeof response.body['id'] === 'string' ? response.body['id'] : '';
      if (!id || typeof response.body['scheduled_at'] !== 'string') throw new PublishError('permanent', 'The instance did not schedule the post (it answered with something other than a scheduled status)');
      progress.remote = { id, at };
      await ctx.progress.save({ ...progress });
      return { remoteId: id };
    },

    async find(ctx, at) {
      // The instance lists its scheduled statuses; ours has this text at this time.
      const response = await mastodonCall<Array<Record<string, unknown>>>(baseUrl(ctx), '/api/v1/scheduled_statuses?limit=40', {
        token: token(ctx),
        signal: ctx.signal,
        now: ctx.now(),
        what: 'Looking for the scheduled post on the instance',
      });
      const text = ctx.parts[0]?.text ?? '';
      const match = (Array.isArray(response.body) ? response.body : []).find((s) => {
        const params = (s['params'] ?? {}) as Record<string, unknown>;
        return Date.parse(String(s['scheduled_at'] ?? '')) === at && (params['text'] ?? '') === text;
      });
      const progress = readProgress(ctx);
      if (!match || typeof match['id'] !== 'string') {
        // Not scheduled (any more): its time may have come and the instance published it.
        const part = ctx.parts[0];
        const found = part ? await findOnTimeline(ctx, { text: part.text, parent: null, mediaIds: progress.parts[0]?.mediaIds ?? [], after: Math.min(at, ctx.now()) - 10 * 60_000 }) : null;
        return found ? { state: 'published', result: { platformPostId: found.id, platformUrl: found.url } } : { state: 'missing' };
      }
      progress.remote = { id: match['id'], at };
      await ctx.progress.save({ ...progress });
      return { state: 'scheduled', remoteId: match['id'] };
    },

    async reschedule(ctx, remoteId, at) {
      if (at - ctx.now() < SCHEDULE_MIN_LEAD_MS) throw new PublishError('permanent', 'The instance only accepts posts scheduled at least 5 minutes ahead');
      const response = await mastodonFetch<Record<string, unknown>>(baseUrl(ctx), `/api/v1/scheduled_statuses/${encodeURIComponent(remoteId)}`, {
        method: 'PUT',
        json: { scheduled_at: new Date(at).toISOString() },
        token: token(ctx),
        signal: ctx.signal,
        now: ctx.now(),
        what: 'Moving the scheduled post',
      });
      if (response.status === 404) throw new PublishError('permanent', 'The instance no longer has this scheduled post (it was published or deleted there)', { httpStatus: 404 });
      if (response.status < 200 || response.status >= 300) throw classifyAnswer(response, { now: ctx.now(), what: 'Moving the scheduled post' });
      const { progress } = remoteOf(ctx, remoteId);
      progress.remote = { id: remoteId, at };
      await ctx.progress.save({ ...progress });
    },

    async cancel(ctx, remoteId) {
      const response = await mastodonFetch(baseUrl(ctx), `/api/v1/scheduled_statuses/${encodeURIComponent(remoteId)}`, { method: 'DELETE', token: token(ctx), signal: ctx.signal, now: ctx.now(), what: 'Cancelling the scheduled post' });
      if (response.status !== 404 && (response.status < 200 || response.status >= 300)) throw classifyAnswer(response, { now: ctx.now(), what: 'Cancelling the scheduled post' });
      // The attachments are free again on the instance, but a later send uploads afresh.
      await ctx.progress.save({ parts: [], inflight: null, remote: null });
    },

    async status(ctx, remoteId): Promise<RemoteStatus> {
      const response = await mastodonFetch<Record<string, unknown>>(baseUrl(ctx), `/api/v1/scheduled_statuses/${encodeURIComponent(remoteId)}`, { token: token(ctx), signal: ctx.signal, now: ctx.now(), what: 'Asking the instance about the scheduled post' });
      if (response.status === 200) {
        const at = Date.parse(String(response.body['scheduled_at'] ?? ''));
        return { state: 'scheduled', at: Number.isNaN(at) ? (remoteOf(ctx, remoteId).at ?? ctx.now()) : at };
      }
      if (response.status !== 404) throw classifyAnswer(response, { now: ctx.now(), what: 'Asking the instance about the scheduled post' });
      // Gone from the schedule: the instance published it, or someone deleted it there.
      const { progress, at } = remoteOf(ctx, remoteId);
      const part = ctx.parts[0];
      if (!part) return { state: 'missing' };
      const found = await findOnTimeline(ctx, { text: part.text, parent: null, mediaIds: progress.parts[0]?.mediaIds ?? [], after: (at ?? ctx.now()) - 10 * 60_000 });
      if (!found) return { state: 'missing' };
      progress.parts[0] = { mediaIds: progress.parts[0]?.mediaIds ?? [], statusId: found.id, url: found.url };
      await ctx.progress.save({ ...progress });
      return { state: 'published', result: { platformPostId: found.id, platformUrl: found.url } };
    },
  };

  return {
    platform: 'mastodon',
    remote,
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
export const mastodonAdapter: MastodonPublishing = createMastodonAdapter();

export type { Sleep } from '../sleep';
