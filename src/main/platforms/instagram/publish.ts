// Instagram publishing for both logins (Instagram Login on graph.instagram.com, Facebook Login on
// graph.facebook.com): the same Content Publishing API on two hosts.
//
// https://developers.facebook.com/docs/instagram-platform/content-publishing/ — containers
//   (POST /<IG_ID>/media: image_url + alt_text, media_type REELS with video_url, cover_url,
//   thumb_offset and share_to_feed, STORIES, CAROUSEL with up to 10 children made with
//   is_carousel_item), then POST /<IG_ID>/media_publish with creation_id; Meta cURLs the media
//   from a public URL; 100 API-published posts per 24 hours, carousels counting as one.
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container —
//   status_code EXPIRED (not published within 24 hours), ERROR, FINISHED, IN_PROGRESS, PUBLISHED.
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit —
//   quota_usage and config { quota_total, quota_duration }.
//
// Exactly once: every container id is saved in the entry's progress as soon as Meta answers, and
// the top container's id before media_publish is sent. A retry or a reconcile asks the container
// for its status first: PUBLISHED means the post is out (its media is looked up), FINISHED means
// media_publish never took (a container publishes once), so no second container is ever made for
// a publish that may have happened.
import type { PlatformId } from '../../../shared/domain';
import { contentTypeSpec, type MediaRules } from '../../../shared/platforms/catalog';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { fitImage, fittedToTempFile } from '../media/fit';
import { field, GRAPH_VERSION, graphCall, graphUrl, IG_NOT_READY_SUBCODE } from '../meta-graph/graph';
import { accessToken } from '../credentials';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../types';
import { entrySettings } from '../entry-settings';

/** The two Instagram account kinds. */
export type InstagramPlatform = Extract<PlatformId, 'instagram' | 'instagram-facebook'>;

/** What an entry remembers between attempts. */
export interface InstagramProgress {
  /** Objects Outbox put in the creator's bucket and has not removed yet, by role (`0`, `1`, `cover`). */
  objects: Record<string, string>;
  /** Carousel item containers, by media index (saved as each is made). */
  children: Array<string | null>;
  /** When the first container of this post was made (the processing deadline counts from it). */
  startedAt: number | null;
  /** The container that gets published, saved as soon as Meta made it. */
  container: { id: string; createdAt: number } | null;
  /** When media_publish was sent (its answer may have been lost). */
  publishing: number | null;
  /** The published media. */
  published: { mediaId: string; permalink: string | null } | null;
}

/** Options of the adapter (tests pass the engine clock's sleep and shorter budgets). */
export interface InstagramAdapterOptions {
  platform: InstagramPlatform;
  sleep?: Sleep;
  /** Longest wait for a container within one attempt (under the engine's 5-minute attempt timeout). */
  pollBudgetMs?: number;
  /**
   * Longest time Meta may take to fetch and process the media, from the container's creation:
   * past it the entry fails saying nothing was published (Meta suggests checking once a minute
   * for no more than five minutes; videos take longer).
   */
  processingDeadlineMs?: number;
}

const POLL_BUDGET_MS = 4 * 60_000;
/**
 * Meta suggests checking a container once a minute for at most five minutes; videos can take
 * longer. Twelve minutes also ends inside the engine's 15-minute window for transient retries, so
 * the creator reads this message rather than a generic "gave up".
 */
const PROCESSING_DEADLINE_MS = 12 * 60_000;
/** Meta's caption limits (content publishing guide): 2,200 characters, 30 hashtags, 20 @-tags. */
const CAPTION_HASHTAGS = 30;
const CAPTION_MENTIONS = 20;
/** Waits between container checks: quick at first (images take seconds), then every 30 s. */
const POLL_STEPS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/** How each post type is named in messages ("could not process the video"). */
const LABELS = { post: 'image', carousel: 'carousel', reel: 'video', story: 'story' } as const;

/** The setting up of Media hosting, in the words every refusal uses. */
export const NO_BUCKET_MESSAGE = 'Instagram fetches photos and videos from a link: set up Media hosting in Settings (your own bucket) so Outbox can share them';

function readProgress(ctx: PublishContext): InstagramProgress {
  const raw = (ctx.progress.get() ?? {}) as Partial<InstagramProgress>;
  return {
    objects: { ...(raw.objects ?? {}) },
    children: Array.isArray(raw.children) ? [...raw.children] : [],
    startedAt: raw.startedAt ?? null,
    container: raw.container ?? null,
    publishing: raw.publishing ?? null,
    published: raw.published ?? null,
  };
}

type Kind = 'post' | 'carousel' | 'reel' | 'story';
const KINDS: Record<string, Kind> = { instagram_post: 'post', instagram_carousel: 'carousel', instagram_reel: 'reel', instagram_story: 'story' };

/** The Instagram adapter for one of the two logins. */
export function createInstagramAdapter(options: InstagramAdapterOptions): PlatformAdapter {
  const { platform } = options;
  const name = 'Instagram';
  const sleep = options.sleep ?? realSleep;
  const pollBudget = options.pollBudgetMs ?? POLL_BUDGET_MS;
  const deadline = options.processingDeadlineMs ?? PROCESSING_DEADLINE_MS;

  const host = (ctx: PublishContext) => `${(ctx.endpoints.apiBase ?? (platform === 'instagram' ? 'https://graph.instagram.com' : 'https://graph.facebook.com')).replace(/\/+$/, '')}/${GRAPH_VERSION}`;
  const igUser = (ctx: PublishContext) => (typeof ctx.account.meta['igUserId'] === 'string' && ctx.account.meta['igUserId']) || ctx.account.platformUserId;
  const token = (ctx: PublishContext) => accessToken(ctx.credentials, name);
  const save = (ctx: PublishContext, progress: InstagramProgress) => ctx.progress.save({ ...progress } as unknown as Record<string, unknown>);

  function settingsOf(ctx: PublishContext): PlatformSettings<'instagram'> {
    return entrySettings(ctx, platform);
  }

  function kindOf(ctx: PublishContext): Kind {
    const kind = KINDS[ctx.entry.contentType];
    if (!kind) throw new PublishError('permanent', `contentType: ${ctx.entry.contentType} is not an Instagram post type (post, carousel, reel or story)`);
    return kind;
  }

  function rulesOf(contentType: string): MediaRules {
    return contentTypeSpec(platform, contentType)!.media;
  }

  /** Checks what the post carries against the post type, naming the field to fix. */
  function checkMedia(kind: Kind, media: PublishMedia[], caption: string, settings: PlatformSettings<'instagram'>) {
    const images = media.filter((m) => m.kind === 'image').length;
    const videos = media.length - images;
    if (kind === 'post' && !(images === 1 && videos === 0)) throw new PublishError('permanent', `parts.0.media: an Instagram post is one image (this one has ${images} images and ${videos} videos); choose carousel or reel for more`);
    if (kind === 'carousel' && (media.length < 2 || media.length > 10)) throw new PublishError('permanent', `parts.0.media: an Instagram carousel has 2 to 10 photos or videos (this one has ${media.length})`);
    if (kind === 'reel' && !(videos === 1 && images === 0)) throw new PublishError('permanent', 'parts.0.media: an Instagram reel is one video');
    if (kind === 'story' && media.length !== 1) throw new PublishError('permanent', `parts.0.media: an Instagram story is one image or one video (this one has ${media.length})`);
    if ([...caption.matchAll(/(^|\s)#[\p{L}\p{N}_]+/gu)].length > CAPTION_HASHTAGS) throw new PublishError('permanent', `parts.0.text: Instagram takes at most ${CAPTION_HASHTAGS} hashtags in a caption`);
    if ([...caption.matchAll(/(^|\s)@[\w.]+/gu)].length > CAPTION_MENTIONS) throw new PublishError('permanent', `parts.0.text: Instagram takes at most ${CAPTION_MENTIONS} @-mentions in a caption`);
    if (kind === 'story' && settings.collaborators.length > 0) throw new PublishError('permanent', 'settings.collaborators: Instagram stories cannot have collaborators');
    if (kind === 'story' && settings.locationId) throw new PublishError('permanent', 'settings.locationId: Instagram stories cannot carry a location');
  }

  /** Fits an image to Instagram (JPEG, at most 1,440 px wide, in the aspect range) and shares it. */
  async function shareImage(ctx: PublishContext, progress: InstagramProgress, role: string, path: string, rules: MediaRules, aspect: PublishMedia['aspect']): Promise<string> {
    const links = ctx.publicLinks!;
    const existing = progress.objects[role];
    // A resumed attempt reuses what it already put in the bucket (with a fresh link).
    if (existing) return links.presign(existing);
    let fitted;
    try {
      fitted = await fitImage(path, rules, { aspect });
    } catch (error) {
      throw new PublishError('permanent', `An image of this post cannot be made to fit Instagram: ${error instanceof Error ? error.message : String(error)}`);
    }
    const temp = await fittedToTempFile(fitted);
    try {
      const shared = await links.share(temp.path, { contentType: fitted.mime, signal: ctx.signal });
      progress.objects[role] = shared.key;
      await save(ctx, progress);
      return shared.url;
    } finally {
      await temp.remove();
    }
  }

  /** Shares a video as it is (its format was checked against Instagram's before scheduling). */
  async function shareVideo(ctx: PublishContext, progress: InstagramProgress, role: string, media: PublishMedia): Promise<string> {
    const links = ctx.publicLinks!;
    const existing = progress.objects[role];
    if (existing) return links.presign(existing);
    const shared = await links.share(media.path, { contentType: media.mime, signal: ctx.signal, onProgress: (sent, total) => ctx.reportProgress?.(sent, total) });
    progress.objects[role] = shared.key;
    await save(ctx, progress);
    return shared.url;
  }

  /** Removes what Outbox put in the bucket (once Meta has it, or no longer needs it); never fails the publish. */
  async function removeObjects(ctx: PublishContext, progress: InstagramProgress) {
    const links = ctx.publicLinks;
    if (!links) return;
    for (const [role, key] of Object.entries(progress.objects)) {
      try {
        await links.remove(key);
        delete progress.objects[role];
      } catch {
        // Left for the start-up sweep of objects older than a day.
      }
    }
    await save(ctx, progress);
  }

  async function createContainer(ctx: PublishContext, params: Record<string, string | undefined>, what: string): Promise<string> {
    const answer = await graphCall(graphUrl(host(ctx), `${igUser(ctx)}/media`), { token: token(ctx), form: params, signal: ctx.signal, now: ctx.now(), what });
    const id = field(answer.body, 'id');
    if (!id) throw new PublishError('transient', `${what}: ${name} answered without a container id`);
    return id;
  }

  async function containerStatus(ctx: PublishContext, id: string): Promise<{ code: string; status: string }> {
    const answer = await graphCall(graphUrl(host(ctx), id, { fields: 'status_code,status' }), { token: token(ctx), signal: ctx.signal, now: ctx.now(), what: `Asking ${name} about the upload` });
    return { code: field(answer.body, 'status_code'), status: field(answer.body, 'status') };
  }

  /** Meta's reason for a container in ERROR, as the creator reads it. */
  function containerFailure(label: string, status: { code: string; status: string }): string {
    if (status.code === 'EXPIRED') return `${name} let the ${label} expire (it was not published within 24 hours); publish the post again`;
    return `${name} could not process the ${label}: ${(status.status || 'it gave no reason').replace(/[.\s]+$/, '')}`;
  }

  /**
   * Waits until a container is FINISHED: polls with a growing pause, within this attempt's budget
   * and the overall processing deadline. Resolves 'published' when it already is.
   */
  async function waitFinished(ctx: PublishContext, progress: InstagramProgress, id: string, createdAt: number, label: string): Promise<'finished' | 'published'> {
    const started = ctx.now();
    for (let round = 0; ; round++) {
      const status = await containerStatus(ctx, id);
      if (status.code === 'FINISHED') return 'finished';
      if (status.code === 'PUBLISHED') return 'published';
      if (status.code === 'ERROR' || status.code === 'EXPIRED') {
        await abandon(ctx, progress);
        throw new PublishError('permanent', `${containerFailure(label, status)}. Nothing was published.`);
      }
      const now = ctx.now();
      if (now - createdAt >= deadline) {
        await abandon(ctx, progress);
        throw new PublishError('permanent', `${name} was still processing the ${label} ${Math.round((now - createdAt) / 60_000)} minutes after Outbox sent it (status ${status.code || 'unknown'}), so Outbox stopped waiting. Nothing was published; publish the post again to retry.`);
      }
      if (now - started >= pollBudget) {
        throw new PublishError('transient', `${name} is still processing the ${label} (${Math.round((now - createdAt) / 60_000)} min so far); Outbox checks again shortly. Nothing was published yet.`);
      }
      const pause = Math.min(POLL_STEPS_MS[Math.min(round, POLL_STEPS_MS.length - 1)]!, Math.max(1_000, createdAt + deadline - now));
      await sleep(pause, ctx.signal);
    }
  }

  /** Forgets containers that will never be published (error, expiry, deadline), so a retry starts afresh. */
  async function abandon(ctx: PublishContext, progress: InstagramProgress) {
    progress.container = null;
    progress.children = [];
    progress.startedAt = null;
    progress.publishing = null;
    await removeObjects(ctx, progress);
  }

  /** Builds the containers of this post; resolves with the top container (saved in progress). */
  async function buildContainers(ctx: PublishContext, progress: InstagramProgress, kind: Kind, settings: PlatformSettings<'instagram'>): Promise<{ id: string; createdAt: number }> {
    const links = ctx.publicLinks;
    if (!links) throw new PublishError('permanent', NO_BUCKET_MESSAGE);
    const part = ctx.parts[0]!;
    const caption = part.text;
    const rules = rulesOf(ctx.entry.contentType);
    const common: Record<string, string | undefined> = {};
    if (kind !== 'story') {
      if (caption.trim()) common['caption'] = caption;
      if (settings.locationId) common['location_id'] = settings.locationId;
      if (settings.collaborators.length > 0) common['collaborators'] = JSON.stringify(settings.collaborators.map((c) => c.replace(/^@/, '')));
    }

    if (kind === 'carousel') {
      for (let i = 0; i < part.media.length; i++) {
        if (progress.children[i]) continue;
        const media = part.media[i]!;
        const label = `item ${i + 1} of the carousel`;
        const params: Record<string, string | undefined> = { is_carousel_item: 'true' };
        if (media.kind === 'image') {
          params['image_url'] = await shareImage(ctx, progress, String(i), media.path, rules, media.aspect);
          if (media.altText.trim()) params['alt_text'] = media.altText;
        } else {
          params['media_type'] = 'VIDEO';
          params['video_url'] = await shareVideo(ctx, progress, String(i), media);
        }
        progress.children[i] = await createContainer(ctx, params, `Sending ${label} to ${name}`);
        progress.startedAt ??= ctx.now();
        await save(ctx, progress);
      }
      // Meta makes the carousel from finished items only: wait for each first.
      for (let i = 0; i < part.media.length; i++) {
        const status = await waitFinished(ctx, progress, progress.children[i]!, progress.startedAt ?? ctx.now(), `item ${i + 1} of the carousel`);
        if (status === 'published') throw new PublishError('permanent', `${name} says item ${i + 1} of the carousel was published on its own; check ${name}`);
      }
      const id = await createContainer(ctx, { ...common, media_type: 'CAROUSEL', children: progress.children.join(',') }, `Making the carousel on ${name}`);
      progress.container = { id, createdAt: progress.startedAt ?? ctx.now() };
      await save(ctx, progress);
      return progress.container;
    }

    const media = part.media[0]!;
    const params: Record<string, string | undefined> = { ...common };
    if (kind === 'post') {
      params['image_url'] = await shareImage(ctx, progress, '0', media.path, rules, media.aspect);
      if (media.altText.trim()) params['alt_text'] = media.altText;
    } else if (kind === 'reel') {
      params['media_type'] = 'REELS';
      params['video_url'] = await shareVideo(ctx, progress, '0', media);
      params['share_to_feed'] = settings.shareReelToFeed ? 'true' : 'false';
      if (media.cover?.image) params['cover_url'] = await shareImage(ctx, progress, 'cover', media.cover.image.path, rulesOf('instagram_story'), 'crop');
      else if (media.cover?.atMs !== null && media.cover?.atMs !== undefined) params['thumb_offset'] = String(Math.max(0, Math.round(media.cover.atMs)));
    } else {
      params['media_type'] = 'STORIES';
      if (media.kind === 'image') params['image_url'] = await shareImage(ctx, progress, '0', media.path, rules, media.aspect);
      else params['video_url'] = await shareVideo(ctx, progress, '0', media);
    }
    const id = await createContainer(ctx, params, `Sending the ${LABELS[kind]} to ${name}`);
    progress.startedAt ??= ctx.now();
    progress.container = { id, createdAt: progress.startedAt };
    await save(ctx, progress);
    return progress.container;
  }

  /**
   * Reads the publishing limit; at the limit, waits as rate_limited until the oldest post of the
   * window leaves it. A limit that cannot be read does not stop the publish (media_publish says so).
   */
  async function checkLimit(ctx: PublishContext) {
    let usage: number;
    let total: number;
    let duration: number;
    try {
      const answer = await graphCall<{ data?: Array<{ quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }> }>(
        graphUrl(host(ctx), `${igUser(ctx)}/content_publishing_limit`, { fields: 'quota_usage,config' }),
        { token: token(ctx), signal: ctx.signal, now: ctx.now(), what: `Reading the ${name} publishing limit` },
      );
      const row = answer.body.data?.[0];
      usage = Number(row?.quota_usage);
      total = Number(row?.config?.quota_total);
      duration = Number(row?.config?.quota_duration) * 1000;
      if (!Number.isFinite(usage) || !Number.isFinite(total) || total <= 0) return;
    } catch (error) {
      if (error instanceof PublishError && (error.kind === 'auth' || error.kind === 'rate_limited')) throw error;
      return;
    }
    if (usage < total) return;
    const window = Number.isFinite(duration) && duration > 0 ? duration : 86_400_000;
    const wait = await freesIn(ctx, window);
    throw new PublishError('rate_limited', `${name} allows ${total} posts through apps in ${Math.round(window / 3_600_000)} hours and this account has used them; Outbox publishes this one when the oldest leaves the window (in about ${Math.max(1, Math.round(wait / 60_000))} minutes)`, { retryAfterMs: wait });
  }

  /** When the oldest post of the limit's window leaves it (a lower bound; at least 5 minutes, at most the window). */
  async function freesIn(ctx: PublishContext, window: number): Promise<number> {
    try {
      const since = Math.floor((ctx.now() - window) / 1000);
      const answer = await graphCall<{ data?: Array<{ timestamp?: string }> }>(graphUrl(host(ctx), `${igUser(ctx)}/media`, { fields: 'id,timestamp', since, limit: 100 }), {
        token: token(ctx),
        signal: ctx.signal,
        now: ctx.now(),
        what: `Reading recent ${name} posts`,
      });
      const times = (answer.body.data ?? []).map((m) => Date.parse(String(m.timestamp ?? ''))).filter((t) => Number.isFinite(t));
      if (times.length === 0) return 60 * 60_000;
      return Math.min(window, Math.max(5 * 60_000, Math.min(...times) + window - ctx.now() + 60_000));
    } catch {
      return 60 * 60_000;
    }
  }

  /** The media a PUBLISHED container became, when media_publish's answer was lost: the newest of ours on the account. */
  async function findPublished(ctx: PublishContext, progress: InstagramProgress, kind: Kind): Promise<{ mediaId: string; permalink: string | null } | null> {
    const after = (progress.publishing ?? progress.container?.createdAt ?? ctx.now()) - 10 * 60_000;
    const edge = kind === 'story' ? 'stories' : 'media';
    const answer = await graphCall<{ data?: Array<Record<string, unknown>> }>(graphUrl(host(ctx), `${igUser(ctx)}/${edge}`, { fields: 'id,caption,timestamp,permalink', limit: 25 }), {
      token: token(ctx),
      signal: ctx.signal,
      now: ctx.now(),
      what: `Looking for the post on ${name}`,
    });
    const caption = kind === 'story' ? null : (ctx.parts[0]?.text ?? '');
    const match = (answer.body.data ?? [])
      .filter((m) => Date.parse(String(m['timestamp'] ?? '')) >= after)
      .filter((m) => caption === null || (typeof m['caption'] === 'string' ? m['caption'] : '') === caption)
      .sort((a, b) => Date.parse(String(b['timestamp'])) - Date.parse(String(a['timestamp'])))[0];
    return match ? { mediaId: field(match, 'id'), permalink: field(match, 'permalink') || null } : null;
  }

  /** The permalink of a published media; a failed read never fails the publish. */
  async function permalinkOf(ctx: PublishContext, mediaId: string): Promise<string | null> {
    try {
      const answer = await graphCall(graphUrl(host(ctx), mediaId, { fields: 'permalink' }), { token: token(ctx), signal: ctx.signal, now: ctx.now(), what: `Reading the ${name} link` });
      return field(answer.body, 'permalink') || null;
    } catch {
      return null;
    }
  }

  async function finish(ctx: PublishContext, progress: InstagramProgress, found: { mediaId: string; permalink: string | null }): Promise<PublishResult> {
    const permalink = found.permalink ?? (await permalinkOf(ctx, found.mediaId));
    progress.published = { mediaId: found.mediaId, permalink };
    progress.publishing = null;
    await save(ctx, progress);
    await removeObjects(ctx, progress);
    return { platformPostId: found.mediaId, platformUrl: permalink };
  }

  /** After a PUBLISHED container: the media it became (or, if Meta does not list it, the container as the id). */
  async function settlePublished(ctx: PublishContext, progress: InstagramProgress, kind: Kind): Promise<PublishResult> {
    const found = await findPublished(ctx, progress, kind).catch(() => null);
    // Published is published: an entry never fails (and invites a second post) because the lookup did.
    return finish(ctx, progress, found ?? { mediaId: `container:${progress.container!.id}`, permalink: null });
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const kind = kindOf(ctx);
    const settings = settingsOf(ctx);
    const progress = readProgress(ctx);
    if (progress.published) return { platformPostId: progress.published.mediaId, platformUrl: progress.published.permalink ?? (await permalinkOf(ctx, progress.published.mediaId)) };
    const part = ctx.parts[0];
    if (!part) throw new PublishError('permanent', 'The post has no parts to send');
    checkMedia(kind, part.media, part.text, settings);
    if (!ctx.publicLinks && !progress.container) throw new PublishError('permanent', NO_BUCKET_MESSAGE);

    // A container from an earlier attempt may have waited long: the limit is read again before publishing it.
    const resumed = progress.container !== null;
    for (let round = 0; round < 3; round++) {
      if (!progress.container) {
        await checkLimit(ctx);
        await buildContainers(ctx, progress, kind, settings);
      }
      // The container's status decides (a resumed one included): never a second container.
      const state = await waitFinished(ctx, progress, progress.container!.id, progress.container!.createdAt, LABELS[kind]);
      if (state === 'published') return settlePublished(ctx, progress, kind);
      // FINISHED: Meta has fetched everything, so the bucket copies can go.
      await removeObjects(ctx, progress);
      if (resumed || round > 0) await checkLimit(ctx);
      progress.publishing = ctx.now();
      await save(ctx, progress);
      try {
        const answer = await graphCall(graphUrl(host(ctx), `${igUser(ctx)}/media_publish`), {
          token: token(ctx),
          form: { creation_id: progress.container!.id },
          signal: ctx.signal,
          now: ctx.now(),
          what: `Publishing on ${name}`,
          sending: true,
        });
        const mediaId = field(answer.body, 'id');
        if (!mediaId) throw new PublishError('transient', `Publishing on ${name}: the answer had no media id`, { maybeSent: true });
        return finish(ctx, progress, { mediaId, permalink: null });
      } catch (error) {
        // "Not ready yet" (9007/2207027): the container went back to processing; wait again.
        const notReady = error instanceof PublishError && error.kind === 'permanent' && new RegExp(`code 9007\\b|/${IG_NOT_READY_SUBCODE}\\)`).test(error.message);
        if (!notReady) throw error;
        progress.publishing = null;
        await save(ctx, progress);
      }
    }
    throw new PublishError('transient', `${name} kept saying the post is not ready to publish; Outbox tries again shortly`);
  }

  return {
    platform,
    // Every publish goes through the saved container: repeating it asks the container first and
    // publishes a FINISHED one (a container publishes once), so a repeat cannot post twice.
    idempotent: true,
    publish,

    async reconcile(ctx) {
      const progress = readProgress(ctx);
      if (progress.published) return { platformPostId: progress.published.mediaId, platformUrl: progress.published.permalink };
      if (!progress.container) return null;
      const status = await containerStatus(ctx, progress.container.id);
      if (status.code === 'PUBLISHED') return settlePublished(ctx, progress, kindOf(ctx));
      // FINISHED, IN_PROGRESS, ERROR, EXPIRED: not published; the next publish resumes from the
      // container (or reports Meta's reason) instead of making another.
      return null;
    },
  };
}
