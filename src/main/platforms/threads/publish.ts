// Publishing to Threads (developers.facebook.com/documentation/threads): every post is a media
// container made with POST /{user}/threads (TEXT, IMAGE or VIDEO, or CAROUSEL over children made
// with is_carousel_item), which Threads processes after fetching its media from a public URL;
// GET /{container}?fields=status,error_message says IN_PROGRESS, FINISHED, ERROR, EXPIRED (not
// published within 24 hours) or PUBLISHED; POST /{user}/threads_publish publishes a FINISHED
// container. A thread is a chain of such posts, each a reply (`reply_to_id`) to the one before.
// Profiles may publish 250 posts in 24 hours (GET /{user}/threads_publishing_limit).
import { contentTypeSpec, type MediaRules } from '../../../shared/platforms/catalog';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { fitImage, fittedToTempFile } from '../media/fit';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../types';
import { field, threadsCall } from './api';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { entrySettings } from '../entry-settings';

/** How long Threads may take to process a container, from its creation, before Outbox gives up. */
export const PROCESSING_DEADLINE_MS = 10 * 60_000;
/**
 * How long one attempt waits for processing before handing back to the engine (which tries
 * again shortly): under the engine's attempt timeout, and it frees the account's lane meanwhile.
 */
export const WAIT_PER_ATTEMPT_MS = 3 * 60_000;
/** Waits between status checks. Threads suggests about 30 s before publishing and checks once a minute at most for 5 minutes; images are usually ready in seconds. */
const POLL_DELAYS_MS = [2_000, 3_000, 5_000, 10_000, 15_000, 30_000];



/** One media item of a part: its object in the creator's bucket and, in a carousel, its child container. */
interface ItemProgress {
  key: string | null;
  containerId: string | null;
}

/** One part of the post (one Threads post of the chain), as far as it got. */
interface PartProgress {
  items?: ItemProgress[];
  /** The part's container: TEXT, IMAGE, VIDEO or CAROUSEL. */
  containerId?: string | null;
  /** When its latest container was made: the processing deadline counts from here. */
  createdAt?: number | null;
  /** When threads_publish was sent for it and no answer was recorded: it may be published. */
  publishing?: number | null;
  mediaId?: string | null;
  permalink?: string | null;
}

interface ThreadsProgress {
  parts: Array<PartProgress | null>;
}

/** One attempt's allowance: how long it may wait for processing, and whether it read the day's limit. */
interface Budget {
  until: number;
  quotaRead: boolean;
}

/** Options of the Threads adapter. */
export interface ThreadsAdapterOptions {
  sleep?: Sleep;
}

/** Container status values (the troubleshooting page). */
type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/** What Threads' `error_message` of a failed container means, in words. */
const CONTAINER_ERRORS: Record<string, string> = {
  FAILED_DOWNLOADING_VIDEO: 'Threads could not download the video from your bucket (the link may have expired, or the bucket refuses Meta)',
  FAILED_PROCESSING_AUDIO: "Threads could not process the video's sound",
  FAILED_PROCESSING_VIDEO: 'Threads could not process the video (re-encode it as MP4 with H.264 and AAC)',
  INVALID_ASPEC_RATIO: "the video's aspect ratio is outside what Threads takes (0.01:1 to 10:1)",
  INVALID_BIT_RATE: "the video's bit rate is above what Threads takes (25 Mbps)",
  INVALID_DURATION: 'the video is longer than Threads takes (5 minutes)',
  INVALID_FRAME_RATE: 'the frame rate is outside what Threads takes (23 to 60 fps)',
  INVALID_AUDIO_CHANNELS: 'the sound must be mono or stereo',
  INVALID_AUDIO_CHANNEL_LAYOUT: "Threads does not take the sound's channel layout",
  UNKNOWN: 'Threads could not fetch or process the media',
};

/** Thrown inside the adapter when a container expired: it was never published, so it is made again. */
class ContainerExpired extends Error {}

function readProgress(ctx: PublishContext): ThreadsProgress {
  const raw = ctx.progress.get() as Partial<ThreadsProgress> | null;
  return { parts: Array.isArray(raw?.parts) ? raw.parts.map((p) => (p ? { ...p, items: p.items?.map((i) => ({ ...i })) } : null)) : [] };
}

function settingsOf(ctx: PublishContext): PlatformSettings<'threads'> {
  return entrySettings(ctx, 'threads');
}

function userIdOf(ctx: PublishContext): string {
  const id = ctx.account.platformUserId || String(ctx.account.meta['threadsUserId'] ?? '');
  if (!id) throw new PublishError('permanent', 'This Threads account has no user id; reconnect it');
  return encodeURIComponent(id);
}

function rulesOf(ctx: PublishContext): MediaRules {
  return (contentTypeSpec('threads', ctx.entry.contentType) ?? contentTypeSpec('threads', 'threads_post')!).media;
}

/** "the post", or "part 2 of 3". */
function labelOf(ctx: PublishContext, i: number): string {
  return ctx.parts.length > 1 ? `part ${i + 1} of ${ctx.parts.length}` : 'the post';
}

/** What is already on Threads when a later part fails, so the creator knows where the thread stands. */
function sofar(progress: ThreadsProgress, i: number): string {
  const done = progress.parts.slice(0, i).filter((p) => p?.mediaId).length;
  if (done === 0) return 'Nothing was published.';
  return `Part${done > 1 ? 's' : ''} 1${done > 1 ? `–${done}` : ''} ${done > 1 ? 'are' : 'is'} on Threads; publishing again continues from part ${i + 1}.`;
}

/** Threads' timestamps read like 2024-07-01T10:00:00+0000. */
function parseTimestamp(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** The media_type a published post of this part has when read back. */
function publishedType(part: PublishContext['parts'][number]): string {
  if (part.media.length === 0) return 'TEXT_POST';
  if (part.media.length > 1) return 'CAROUSEL_ALBUM';
  return part.media[0]!.kind === 'video' ? 'VIDEO' : 'IMAGE';
}

/** Creates the Threads adapter; tests pass a `sleep` on their clock. */
export function createThreadsAdapter(options: ThreadsAdapterOptions = {}): PlatformAdapter {
  const sleep = options.sleep ?? realSleep;

  const save = (ctx: PublishContext, progress: ThreadsProgress) => ctx.progress.save({ parts: progress.parts });

  async function containerStatus(ctx: PublishContext, id: string): Promise<{ status: ContainerStatus; errorMessage: string }> {
    const answer = await threadsCall(ctx, `/${encodeURIComponent(id)}`, { query: { fields: 'id,status,error_message' }, what: 'Asking Threads about the media container' });
    return { status: field(answer.body, 'status') as ContainerStatus, errorMessage: field(answer.body, 'error_message') };
  }

  async function createContainer(ctx: PublishContext, params: Record<string, string>, what: string): Promise<string> {
    // Not a post: a container is published only by threads_publish, and one never published
    // expires after 24 hours, so a lost answer here costs nothing but a stray container.
    const answer = await threadsCall(ctx, `/${userIdOf(ctx)}/threads`, { form: params, what });
    const id = field(answer.body, 'id');
    if (!id) throw new PublishError('transient', `${what}: Threads answered without a container id`);
    return id;
  }

  /** The file to put in the bucket: an image fitted to Threads' rules (a temp file), a video as it is. */
  async function prepare(media: PublishMedia, rules: MediaRules, label: string): Promise<{ path: string; mime: string; remove: () => Promise<void> }> {
    if (media.kind === 'video') return { path: media.path, mime: media.mime, remove: async () => undefined };
    let fitted;
    try {
      fitted = await fitImage(media.path, rules, { aspect: media.aspect });
    } catch (error) {
      throw new PublishError('permanent', `${label} cannot be sent to Threads: ${error instanceof Error ? error.message : String(error)}`);
    }
    const file = await fittedToTempFile(fitted);
    return { path: file.path, mime: fitted.mime, remove: file.remove };
  }

  /** Puts one media item in the creator's bucket (or re-signs the object already there); returns its link. */
  async function shareItem(ctx: PublishContext, progress: ThreadsProgress, i: number, m: number): Promise<string> {
    const links = ctx.publicLinks;
    if (!links) throw new PublishError('permanent', 'Threads fetches images and videos from a public link: set up Media hosting (your own bucket) in Settings, then publish again');
    const part = ctx.parts[i]!;
    const item = progress.parts[i]!.items![m]!;
    const media = part.media[m]!;
    const label = `${media.kind === 'video' ? 'The video' : 'The image'}${part.media.length > 1 ? ` ${m + 1}` : ''}${ctx.parts.length > 1 ? ` of part ${i + 1}` : ''}`;
    try {
      if (item.key) return await links.presign(item.key);
      const file = await prepare(media, rulesOf(ctx), label);
      try {
        const shared = await links.share(file.path, { contentType: file.mime, signal: ctx.signal, onProgress: (sent, total) => ctx.reportProgress?.(sent, total) });
        item.key = shared.key;
        await save(ctx, progress);
        return shared.url;
      } finally {
        await file.remove();
      }
    } catch (error) {
      if (error instanceof PublishError) throw error;
      if (ctx.signal.aborted) throw error;
      throw new PublishError('transient', `Putting ${label.toLowerCase()} in your bucket failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Deletes the part's objects from the bucket (Threads has fetched them); a failure is left to the start-up sweep. */
  async function releaseMedia(ctx: PublishContext, progress: ThreadsProgress, i: number) {
    const items = progress.parts[i]?.items ?? [];
    if (!items.some((item) => item.key)) return;
    for (const item of items) {
      if (!item.key) continue;
      await ctx.publicLinks?.remove(item.key).catch(() => undefined);
      item.key = null;
    }
    await save(ctx, progress);
  }

  /** Forgets a part's containers (never published) and deletes its objects, so it is made afresh. */
  async function discard(ctx: PublishContext, progress: ThreadsProgress, i: number) {
    await releaseMedia(ctx, progress, i);
    progress.parts[i] = {};
    await save(ctx, progress);
  }

  /**
   * Waits until every container in `ids` is FINISHED (or the part's own one PUBLISHED), checking
   * at growing intervals. ERROR is final; EXPIRED throws ContainerExpired; still IN_PROGRESS after
   * the processing deadline is final, after this attempt's share of waiting it is transient.
   */
  async function waitFinished(ctx: PublishContext, progress: ThreadsProgress, i: number, ids: string[], budget: Budget): Promise<'FINISHED' | 'PUBLISHED'> {
    const label = labelOf(ctx, i);
    const createdAt = progress.parts[i]?.createdAt ?? ctx.now();
    const pending = new Set(ids);
    for (let round = 0; ; round++) {
      for (const id of [...pending]) {
        const { status, errorMessage } = await containerStatus(ctx, id);
        if (status === 'FINISHED') pending.delete(id);
        else if (status === 'PUBLISHED') return 'PUBLISHED';
        else if (status === 'EXPIRED') throw new ContainerExpired(id);
        else if (status === 'ERROR') {
          const why = CONTAINER_ERRORS[errorMessage] ?? (errorMessage || 'Threads could not process the media');
          const before = sofar(progress, i);
          await discard(ctx, progress, i);
          throw new PublishError('permanent', `Threads refused ${label}: ${why}${errorMessage ? ` (${errorMessage})` : ''}. ${before}`);
        }
      }
      if (pending.size === 0) return 'FINISHED';
      if (ctx.now() - createdAt >= PROCESSING_DEADLINE_MS) {
        const before = sofar(progress, i);
        await discard(ctx, progress, i);
        throw new PublishError('permanent', `Threads was still processing the media of ${label} ${Math.round(PROCESSING_DEADLINE_MS / 60_000)} minutes after Outbox sent it, so Outbox gave up on it. ${before} Try a shorter or smaller video, then publish again.`);
      }
      const delay = Math.min(POLL_DELAYS_MS[Math.min(round, POLL_DELAYS_MS.length - 1)]!, Math.max(1_000, createdAt + PROCESSING_DEADLINE_MS - ctx.now()));
      if (ctx.now() + delay > budget.until) {
        throw new PublishError('transient', `Threads is still processing the media of ${label}; Outbox checks again shortly`);
      }
      await sleep(delay, ctx.signal);
    }
  }

  /** Makes the part's container(s): media into the bucket, carousel children first, then the part's own container. */
  async function makeContainers(ctx: PublishContext, progress: ThreadsProgress, i: number, replyTo: string | null, settings: PlatformSettings<'threads'>, budget: Budget) {
    const part = ctx.parts[i]!;
    const p = progress.parts[i]!;
    const label = labelOf(ctx, i);
    const what = `Preparing ${label} on Threads`;
    const common: Record<string, string> = {};
    if (part.text.trim()) common['text'] = part.text;
    if (replyTo) common['reply_to_id'] = replyTo;
    if (settings.replyControl !== 'everyone') common['reply_control'] = settings.replyControl;
    if (i === 0 && settings.topicTag) common['topic_tag'] = settings.topicTag;
    // The processing deadline counts from the latest container made (not from the uploads before it).
    const made = async (id: string) => {
      p.createdAt = ctx.now();
      return id;
    };

    if (part.media.length === 0) {
      if (!common['text']) throw new PublishError('permanent', `${label[0]!.toUpperCase()}${label.slice(1)} has no text and no media`);
      // link_attachment is for text-only posts: Outbox puts it on the first one.
      if (i === 0 && settings.linkAttachment) common['link_attachment'] = settings.linkAttachment;
      p.containerId = await made(await createContainer(ctx, { media_type: 'TEXT', ...common }, what));
      await save(ctx, progress);
      return;
    }
    if (i === 0 && settings.linkAttachment) throw new PublishError('permanent', 'Threads shows a link preview only on a text-only post: remove the media of part 1 or the link preview');
    p.items ??= part.media.map(() => ({ key: null, containerId: null }));
    const mediaParams = (media: PublishMedia, url: string): Record<string, string> => ({
      media_type: media.kind === 'video' ? 'VIDEO' : 'IMAGE',
      [media.kind === 'video' ? 'video_url' : 'image_url']: url,
      ...(media.altText.trim() ? { alt_text: media.altText } : {}),
    });

    if (part.media.length === 1) {
      const url = await shareItem(ctx, progress, i, 0);
      p.containerId = await made(await createContainer(ctx, { ...mediaParams(part.media[0]!, url), ...common }, what));
      await save(ctx, progress);
      return;
    }
    for (let m = 0; m < part.media.length; m++) {
      const item = p.items[m]!;
      if (item.containerId) continue;
      const url = await shareItem(ctx, progress, i, m);
      item.containerId = await made(await createContainer(ctx, { ...mediaParams(part.media[m]!, url), is_carousel_item: 'true' }, `${what} (item ${m + 1} of ${part.media.length})`));
      await save(ctx, progress);
    }
    // The carousel is made once every item is processed.
    await waitFinished(ctx, progress, i, p.items.map((item) => item.containerId!), budget);
    p.containerId = await made(await createContainer(ctx, { media_type: 'CAROUSEL', children: p.items.map((item) => item.containerId!).join(','), ...common }, what));
    await save(ctx, progress);
  }

  /**
   * After a threads_publish whose answer was lost, the container says PUBLISHED but not which post
   * it became: the post is the one among the account's latest (or latest replies to the part
   * before) with this part's text and kind, published closest to when Outbox sent it.
   */
  async function adopt(ctx: PublishContext, progress: ThreadsProgress, i: number): Promise<string> {
    const part = ctx.parts[i]!;
    const p = progress.parts[i]!;
    const sentAt = p.publishing ?? p.createdAt ?? ctx.now();
    const parent = i > 0 ? (progress.parts[i - 1]?.mediaId ?? null) : null;
    const answer = await threadsCall(ctx, `/${userIdOf(ctx)}/${parent ? 'replies' : 'threads'}`, {
      query: { fields: `id,text,media_type,timestamp,permalink${parent ? ',replied_to' : ''}`, since: String(Math.floor((sentAt - 10 * 60_000) / 1000)), limit: '50' },
      what: 'Looking for the published post on Threads',
    });
    const known = new Set(progress.parts.map((x) => x?.mediaId).filter(Boolean));
    const type = publishedType(part);
    const rows = Array.isArray(answer.body['data']) ? (answer.body['data'] as Array<Record<string, unknown>>) : [];
    const matches = rows.filter((row) => {
      const id = field(row, 'id');
      if (!id || known.has(id) || field(row, 'media_type') !== type) return false;
      if (parent && field((row['replied_to'] ?? {}) as Record<string, unknown>, 'id') !== parent) return false;
      return field(row, 'text').trim() === part.text.trim();
    });
    if (matches.length === 0) throw new PublishError('transient', `Threads says ${labelOf(ctx, i)} was published but does not list it yet; Outbox looks again shortly`);
    const best = matches.sort((a, b) => Math.abs(parseTimestamp(a['timestamp']) - sentAt) - Math.abs(parseTimestamp(b['timestamp']) - sentAt))[0]!;
    p.mediaId = field(best, 'id');
    p.permalink = field(best, 'permalink') || null;
    p.publishing = null;
    await save(ctx, progress);
    return p.mediaId;
  }

  /**
   * Threads allows 250 API posts per profile in a moving 24 hours. At the limit, the wait lasts
   * until the oldest post of the window leaves it (read from the account's posts: a lower bound,
   * since posts made in the app do not count; the next check waits again if needed).
   */
  async function checkQuota(ctx: PublishContext) {
    const answer = await threadsCall(ctx, `/${userIdOf(ctx)}/threads_publishing_limit`, { query: { fields: 'quota_usage,config' }, what: 'Reading the Threads publishing limit' });
    const row = (Array.isArray(answer.body['data']) ? answer.body['data'][0] : null) as Record<string, unknown> | null;
    const config = (row?.['config'] ?? {}) as Record<string, unknown>;
    const usage = Number(row?.['quota_usage']);
    const total = Number(config['quota_total']);
    const duration = Number(config['quota_duration']) || 86_400;
    // Unreadable: threads_publish enforces the limit itself.
    if (!Number.isFinite(usage) || !Number.isFinite(total) || usage < total) return;
    let wait = 60 * 60_000;
    try {
      const since = Math.floor((ctx.now() - duration * 1000) / 1000);
      let oldest = Number.POSITIVE_INFINITY;
      let query: Record<string, string> | null = { fields: 'id,timestamp', since: String(since), limit: '100' };
      for (let page = 0; query && page < 5; page++) {
        const list = await threadsCall(ctx, `/${userIdOf(ctx)}/threads`, { query, what: 'Reading the Threads posts of the last day' });
        for (const row of (list.body['data'] as Array<Record<string, unknown>> | undefined) ?? []) oldest = Math.min(oldest, parseTimestamp(row['timestamp']));
        const paging = (list.body['paging'] ?? {}) as Record<string, unknown>;
        const after = field((paging['cursors'] ?? {}) as Record<string, unknown>, 'after');
        query = after && paging['next'] ? { ...query, after } : null;
      }
      if (Number.isFinite(oldest)) wait = Math.max(60_000, oldest + duration * 1000 - ctx.now() + 60_000);
    } catch {
      // Keep the hour: the next check reads the limit again.
    }
    const hours = Math.round(duration / 3600);
    throw new PublishError('rate_limited', `Threads allows ${total} posts through its API in ${hours} hours and this account has used them all; Outbox publishes this one when the limit frees up (about ${new Date(ctx.now() + wait).toISOString().slice(0, 16).replace('T', ' ')} UTC)`, { retryAfterMs: wait });
  }

  /** Reads a published post's link; never fails (the post is published whatever happens here). */
  async function readPermalink(ctx: PublishContext, mediaId: string): Promise<string | null> {
    try {
      const answer = await threadsCall(ctx, `/${encodeURIComponent(mediaId)}`, { query: { fields: 'id,permalink' }, what: 'Reading the link of the post' });
      return field(answer.body, 'permalink') || null;
    } catch {
      return null;
    }
  }

  /** Publishes part `i` (a reply to `replyTo`) and resolves with its Threads media id. */
  async function publishPart(ctx: PublishContext, progress: ThreadsProgress, i: number, replyTo: string | null, settings: PlatformSettings<'threads'>, budget: Budget): Promise<string> {
    const label = labelOf(ctx, i);
    for (let made = 0; ; made++) {
      const p = (progress.parts[i] ??= {});
      if (p.mediaId) return p.mediaId;
      if (p.publishing && p.containerId) {
        // The last threads_publish may have gone through: the container knows.
        const { status } = await containerStatus(ctx, p.containerId);
        if (status === 'PUBLISHED') return adopt(ctx, progress, i);
        p.publishing = null;
        await save(ctx, progress);
      }
      // At the day's limit nothing is made: no containers to expire, nothing in the bucket.
      if (i === 0 && !budget.quotaRead) {
        await checkQuota(ctx);
        budget.quotaRead = true;
      }
      try {
        if (!p.containerId) await makeContainers(ctx, progress, i, replyTo, settings, budget);
        if ((await waitFinished(ctx, progress, i, [p.containerId!], budget)) === 'PUBLISHED') return adopt(ctx, progress, i);
      } catch (error) {
        if (!(error instanceof ContainerExpired)) throw error;
        // Never published (it expired unpublished): make it again, once.
        if (made > 0) throw new PublishError('permanent', `Threads let the media container of ${label} expire twice. ${sofar(progress, i)}`);
        await discard(ctx, progress, i);
        continue;
      }
      // Threads has fetched the media: the bucket copies go.
      await releaseMedia(ctx, progress, i);

      p.publishing = ctx.now();
      await save(ctx, progress);
      let mediaId: string;
      try {
        const answer = await threadsCall(ctx, `/${userIdOf(ctx)}/threads_publish`, { form: { creation_id: p.containerId! }, sending: true, what: ctx.parts.length > 1 ? `Publishing ${label}` : 'Publishing' });
        mediaId = field(answer.body, 'id');
      } catch (error) {
        if (error instanceof PublishError && !error.maybeSent) {
          // Threads answered with an error. A repeat of a publish whose first answer was lost is
          // refused even though the post exists: ask the container before calling it a failure.
          const state = await containerStatus(ctx, p.containerId!).catch(() => null);
          if (state?.status === 'PUBLISHED') return adopt(ctx, progress, i);
          p.publishing = null;
          await save(ctx, progress);
        }
        throw error;
      }
      if (!mediaId) throw new PublishError('transient', `Publishing ${label}: Threads answered without the post's id`, { maybeSent: true });
      p.mediaId = mediaId;
      p.publishing = null;
      await save(ctx, progress);
      return mediaId;
    }
  }

  async function result(ctx: PublishContext, progress: ThreadsProgress): Promise<PublishResult> {
    const root = progress.parts[0]!;
    if (!root.permalink) {
      root.permalink = await readPermalink(ctx, root.mediaId!);
      if (root.permalink) await save(ctx, progress).catch(() => undefined);
    }
    return { platformPostId: root.mediaId!, platformUrl: root.permalink ?? null };
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    if (ctx.parts.length === 0) throw new PublishError('permanent', 'The post has no parts to send');
    const progress = readProgress(ctx);
    const budget: Budget = { until: ctx.now() + WAIT_PER_ATTEMPT_MS, quotaRead: false };
    let replyTo: string | null = null;
    for (let i = 0; i < ctx.parts.length; i++) {
      try {
        replyTo = await publishPart(ctx, progress, i, replyTo, settings, budget);
      } catch (error) {
        // A thread that stops half way: say which parts are on Threads (once).
        const where = sofar(progress, i);
        if (error instanceof PublishError && error.kind === 'permanent' && i > 0 && !error.message.includes(where)) {
          throw new PublishError('permanent', `${error.message}. ${where}`, { httpStatus: error.httpStatus, cause: error });
        }
        throw error;
      }
    }
    return result(ctx, progress);
  }

  return {
    platform: 'threads',
    // Repeating publish() cannot post twice: every container id is saved before it is published,
    // a part whose threads_publish may have gone through is looked up by its container's status
    // (PUBLISHED) before anything else, and Threads never publishes a container twice.
    idempotent: true,
    publish,

    async reconcile(ctx) {
      const progress = readProgress(ctx);
      if (!progress.parts.some((p) => p?.containerId || p?.mediaId)) return null;
      for (let i = 0; i < progress.parts.length; i++) {
        const p = progress.parts[i];
        if (!p || p.mediaId || !p.publishing || !p.containerId) continue;
        const { status } = await containerStatus(ctx, p.containerId);
        if (status === 'PUBLISHED') await adopt(ctx, progress, i);
        else {
          p.publishing = null;
          await save(ctx, progress);
        }
      }
      if (ctx.parts.every((_, i) => progress.parts[i]?.mediaId)) return result(ctx, progress);
      // What is not on Threads was certainly not published; publishing resumes from the saved parts.
      return null;
    },
  };
}

/** The Threads adapter with real timers. */
export const threadsAdapter: PlatformAdapter = createThreadsAdapter();

export type { Sleep } from '../sleep';
