// Publishing to TikTok through the Content Posting API:
//
// - Videos (https://developers.tiktok.com/doc/content-posting-api-reference-direct-post, or
//   .../content-posting-api-reference-upload-video for MEDIA_UPLOAD): creator_info is read and the
//   post checked against it, `video/init` with FILE_UPLOAD announces the size and the chunks (the
//   media transfer guide's rules: 5-64 MB chunks, the last one taking the trailing bytes), the
//   chunks go up in order with the upload toolkit (saved after each, resumed after a crash), then
//   `status/fetch` is polled until PUBLISH_COMPLETE (or SEND_TO_USER_INBOX, or FAILED with
//   TikTok's reason).
// - Photos (https://developers.tiktok.com/doc/content-posting-api-reference-photo-post): each
//   image is fitted (JPEG or WebP, up to 1080p), shared from the creator's own bucket behind a
//   presigned link, and `content/init` with PULL_FROM_URL makes TikTok fetch them; the objects
//   are removed once TikTok has settled.
//
// Exactly once: a FILE_UPLOAD publish only exists once all its bytes reached its upload_url,
// which only this entry knows (saved in progress before the first byte), so an init whose answer
// was lost creates nothing and can be repeated; after the last chunk only polling remains. A
// photo init is the one request that may post without our knowing its id: it is never repeated
// blindly, and a crash in it ends as "check TikTok".
import { contentTypeSpec } from '../../../shared/platforms/catalog';
import type { TiktokCreatorInfo } from '../../../shared/platforms/lookups';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { fitImage, fittedToTempFile } from '../media/fit';
import { progressSlot } from '../media/progress-slot';
import { forgetUpload, savedUpload, sendChunk, splitFile, uploadSegments, UploadSessionGone, type RetryOptions, type UploadChunk } from '../media/upload';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../types';
import { classifyTiktok, tiktokPost, tiktokToken } from './api';
import { queryCreatorInfo } from './creator-info';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { entrySettings } from '../entry-settings';

/** Bytes per chunk: inside the guide's 5-64 MB, small enough that a dropped connection costs little. */
export const TIKTOK_CHUNK_BYTES = 10 * 1024 * 1024;
/** Key of the video upload in the entry's progress (the toolkit's state). */
const VIDEO_KEY = 'video';
/** Key of this adapter's own state in the entry's progress. */
const STATE_KEY = 'tiktok';
/** How long one attempt waits for TikTok to process a post before leaving it for the next attempt. */
const PROCESSING_LIMIT_MS = 30 * 60_000;

/** What FILE_UPLOAD's init answered, saved before the first byte goes up. */
interface VideoSession {
  publishId: string;
  uploadUrl: string;
  chunkSize: number;
  chunkCount: number;
}

/** This adapter's own saved state. */
interface TiktokState {
  /** The publish TikTok is making once all media is in: polled until it settles. */
  publishId?: string | null;
  kind?: 'video' | 'photo';
  /** Photos shared from the creator's bucket, removed once TikTok settled. */
  photoKeys?: string[];
  /** A photo init that may have reached TikTok without its answer. */
  photoInflight?: { attemptKey: string; at: number } | null;
}

interface StatusData {
  status?: string;
  fail_reason?: string;
  publicaly_available_post_id?: Array<number | string>;
  uploaded_bytes?: number;
}



/** Options of the TikTok adapter (tests shorten the waits). */
export interface TiktokAdapterOptions {
  sleep?: Sleep;
  /** Waits between status fetches (the last one repeats); TikTok allows 30 fetches a minute. */
  pollDelaysMs?: number[];
  processingLimitMs?: number;
  /** Retries of a failed chunk (the toolkit's defaults otherwise). */
  retry?: RetryOptions;
  chunkBytes?: number;
}

/** TikTok's fail_reason in words. */
const FAIL_REASONS: Record<string, string> = {
  file_format_check_failed: 'TikTok cannot read the file format (MP4, MOV or WebM for videos; JPEG or WebP for photos)',
  duration_check_failed: 'the video is longer than this account may post',
  frame_rate_check_failed: 'the frame rate must be between 23 and 60 fps',
  picture_size_check_failed: 'the picture size is outside what TikTok takes (360 to 4,096 px for videos, up to 1080p for photos)',
  internal: 'TikTok had an internal problem',
  video_pull_failed: 'TikTok could not download the video',
  photo_pull_failed: 'TikTok could not download the photos from your media bucket (the link expired or the object is gone)',
  publish_cancelled: 'the post was cancelled',
  auth_removed: 'the account no longer allows Outbox to post: reconnect it',
  spam_risk_too_many_posts: "TikTok's daily limit of posts made through apps is reached",
  spam_risk_user_banned_from_posting: 'TikTok does not let this account post right now',
  spam_risk_text: 'TikTok flagged the text as spam',
  spam_risk: 'TikTok flagged the post as spam',
};

/** A TikTok-accepted Content-Type for a video (m4v is MP4). */
function videoContentType(mime: string): string {
  if (mime === 'video/quicktime' || mime === 'video/webm') return mime;
  return 'video/mp4';
}

function settingsOf(ctx: PublishContext): PlatformSettings<'tiktok'> {
  return entrySettings(ctx, 'tiktok');
}

const PRIVACY_WORDS: Record<string, string> = { PUBLIC_TO_EVERYONE: 'Everyone', MUTUAL_FOLLOW_FRIENDS: 'Friends', FOLLOWER_OF_CREATOR: 'Followers', SELF_ONLY: 'Only me' };
const privacyWords = (level: string) => PRIVACY_WORDS[level] ?? level;

/**
 * Checks a direct post against the creator's current options, as TikTok requires before posting:
 * a choice TikTok would refuse fails now, naming what to change, before anything is uploaded.
 */
export function checkAgainstCreator(info: TiktokCreatorInfo, settings: PlatformSettings<'tiktok'>, kind: 'video' | 'photo', video: PublishMedia | null): void {
  const who = info.username ? `@${info.username}` : 'this account';
  const level = settings.privacyLevel;
  if (!level) throw new PublishError('permanent', 'privacyLevel: choose who can see the post (TikTok requires the creator to choose it)');
  if (!info.privacyLevelOptions.includes(level)) {
    throw new PublishError(
      'permanent',
      `privacyLevel: TikTok does not offer "${privacyWords(level)}" for ${who} (it offers ${info.privacyLevelOptions.map(privacyWords).join(', ') || 'nothing right now'}): choose again in the post's TikTok options`,
    );
  }
  if (settings.allowComments && info.commentDisabled) throw new PublishError('permanent', `allowComments: ${who} has turned comments off in TikTok: turn "Allow comments" off for this post`);
  if (kind === 'video' && settings.allowDuet && info.duetDisabled) throw new PublishError('permanent', `allowDuet: ${who} has turned duets off in TikTok: turn "Allow Duet" off for this post`);
  if (kind === 'video' && settings.allowStitch && info.stitchDisabled) throw new PublishError('permanent', `allowStitch: ${who} has turned stitches off in TikTok: turn "Allow Stitch" off for this post`);
  if (video && video.durationMs !== null && info.maxVideoPostDurationSec !== null && video.durationMs / 1000 > info.maxVideoPostDurationSec) {
    throw new PublishError('permanent', `The video is ${Math.round(video.durationMs / 1000)} s long; TikTok lets ${who} post videos of at most ${info.maxVideoPostDurationSec} s: trim it`);
  }
}

/** The chunk plan of the media transfer guide: under one chunk's size the file goes whole. */
export function chunkPlan(size: number, chunkBytes = TIKTOK_CHUNK_BYTES): { chunkSize: number; chunkCount: number } {
  const chunkSize = size < chunkBytes ? size : chunkBytes;
  return { chunkSize, chunkCount: Math.max(1, Math.floor(size / chunkSize)) };
}

/** Creates the TikTok adapter. */
export function createTiktokAdapter(options: TiktokAdapterOptions = {}): PlatformAdapter {
  const sleep = options.sleep ?? realSleep;
  const delays = options.pollDelaysMs ?? [2_000, 3_000, 5_000, 10_000];
  const processingLimit = options.processingLimitMs ?? PROCESSING_LIMIT_MS;
  const chunkBytes = options.chunkBytes ?? TIKTOK_CHUNK_BYTES;

  const slot = (ctx: PublishContext) => progressSlot<TiktokState>(ctx.progress, STATE_KEY);

  async function fetchStatus(ctx: PublishContext, publishId: string): Promise<StatusData> {
    return tiktokPost<StatusData>(ctx.endpoints, '/v2/post/publish/status/fetch/', { token: tiktokToken(ctx.credentials), body: { publish_id: publishId }, signal: ctx.signal, now: ctx.now(), what: 'Asking TikTok about the post' });
  }

  function resultOf(ctx: PublishContext, publishId: string, kind: 'video' | 'photo', data: StatusData): PublishResult {
    const id = data.publicaly_available_post_id?.[0];
    if (id === undefined || id === null || String(id) === '') return { platformPostId: publishId, platformUrl: null };
    const user = ctx.account.handle.replace(/^@/, '');
    return { platformPostId: String(id), platformUrl: user ? `https://www.tiktok.com/@${user}/${kind}/${id}` : null };
  }

  /** Removes shared photos from the creator's bucket (a failure is left to the start-up sweep). */
  async function removePhotos(ctx: PublishContext, keys: string[] | undefined) {
    if (!keys?.length || !ctx.publicLinks) return;
    for (const key of keys) await ctx.publicLinks.remove(key).catch(() => undefined);
  }

  /** Forgets everything of this entry's publish, so the next attempt starts afresh. */
  async function forget(ctx: PublishContext) {
    await forgetUpload(ctx.progress, VIDEO_KEY);
    await slot(ctx).save(null);
  }

  /** Polls the post's status until TikTok settles it (or this attempt has waited long enough). */
  async function settle(ctx: PublishContext, state: TiktokState): Promise<PublishResult> {
    const publishId = state.publishId!;
    const kind = state.kind ?? 'video';
    let waited = 0;
    let transientInARow = 0;
    for (let round = 0; ; round++) {
      let data: StatusData;
      try {
        data = await fetchStatus(ctx, publishId);
        transientInARow = 0;
      } catch (error) {
        // Polling is safe to repeat: wait out short limits and blips here, leave the rest to the engine.
        if (!(error instanceof PublishError) || error.kind === 'auth' || error.kind === 'permanent') throw error;
        if (error.kind === 'rate_limited' && (error.retryAfterMs ?? 0) > 2 * 60_000) throw error;
        if (error.kind === 'transient' && ++transientInARow > 3) throw error;
        const wait = error.retryAfterMs ?? delays[Math.min(round, delays.length - 1)]!;
        waited += wait;
        await sleep(wait, ctx.signal);
        continue;
      }
      const status = data.status ?? '';
      if (status === 'PUBLISH_COMPLETE' || status === 'SEND_TO_USER_INBOX') {
        await removePhotos(ctx, state.photoKeys);
        return resultOf(ctx, publishId, kind, data);
      }
      if (status === 'FAILED') {
        await removePhotos(ctx, state.photoKeys);
        await forget(ctx);
        const reason = data.fail_reason ?? 'unknown';
        if (reason === 'auth_removed') throw new PublishError('auth', `TikTok did not publish the post: ${FAIL_REASONS[reason]}`);
        if (reason.startsWith('spam_risk_too_many') || reason === 'spam_risk_user_banned_from_posting') throw classifyTiktok(403, reason, '', 'TikTok did not publish the post', ctx.now());
        throw new PublishError('permanent', `TikTok did not publish the post: ${FAIL_REASONS[reason] ?? reason}`);
      }
      // Still processing: keeps the attempt alive while it waits.
      ctx.reportProgress?.(1, 1);
      if (waited >= processingLimit) throw new PublishError('transient', 'TikTok is still processing the post; Outbox checks on it again shortly');
      const wait = delays[Math.min(round, delays.length - 1)]!;
      waited += wait;
      await sleep(wait, ctx.signal);
    }
  }

  function videoPostInfo(ctx: PublishContext, settings: PlatformSettings<'tiktok'>, media: PublishMedia): Record<string, unknown> {
    const info: Record<string, unknown> = {
      title: ctx.parts[0]?.text ?? '',
      privacy_level: settings.privacyLevel,
      disable_comment: !settings.allowComments,
      disable_duet: !settings.allowDuet,
      disable_stitch: !settings.allowStitch,
      brand_content_toggle: settings.discloseContent && settings.brandedContent,
      brand_organic_toggle: settings.discloseContent && settings.yourBrand,
      is_aigc: settings.aiGenerated,
    };
    // The cover the creator chose in the composer, as the frame's time.
    const at = media.cover?.atMs;
    if (typeof at === 'number' && Number.isFinite(at) && at >= 0) info['video_cover_timestamp_ms'] = Math.round(media.durationMs !== null ? Math.min(at, Math.max(0, media.durationMs - 1)) : at);
    return info;
  }

  async function publishVideo(ctx: PublishContext, settings: PlatformSettings<'tiktok'>): Promise<PublishResult> {
    const media = ctx.parts[0]?.media ?? [];
    const video = media.length === 1 && media[0]!.kind === 'video' ? media[0]! : null;
    if (!video) throw new PublishError('permanent', 'A TikTok video post needs exactly one video (choose "Photo post" for images)');
    const token = tiktokToken(ctx.credentials);
    const inbox = settings.postMode === 'MEDIA_UPLOAD';
    if (!savedUpload(ctx.progress, VIDEO_KEY) && !inbox) {
      // TikTok's flow: the creator's current options first; a post they would refuse is not uploaded.
      checkAgainstCreator(await queryCreatorInfo(ctx.endpoints, token, ctx.signal, ctx.now()), settings, 'video', video);
    }
    const contentType = videoContentType(video.mime);
    const askUploaded = async (publishId: string) => (await fetchStatus(ctx, publishId)).uploaded_bytes ?? 0;

    const { session } = await uploadSegments<VideoSession, null>({
      path: video.path,
      key: VIDEO_KEY,
      progress: ctx.progress,
      signal: ctx.signal,
      label: 'the video',
      ...(options.retry ? { retry: options.retry } : {}),
      onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
      segments: (s, total) => splitFile(total, s.chunkSize, { mergeTail: true, maxSegments: 1000 }),
      async start(total) {
        const plan = chunkPlan(total, chunkBytes);
        const source = { source: 'FILE_UPLOAD', video_size: total, chunk_size: plan.chunkSize, total_chunk_count: plan.chunkCount };
        const data = await tiktokPost<{ publish_id?: string; upload_url?: string }>(ctx.endpoints, inbox ? '/v2/post/publish/inbox/video/init/' : '/v2/post/publish/video/init/', {
          token: tiktokToken(ctx.credentials),
          body: inbox ? { source_info: source } : { post_info: videoPostInfo(ctx, settings, video), source_info: source },
          signal: ctx.signal,
          now: ctx.now(),
          what: 'Starting the TikTok upload',
        });
        if (!data.publish_id || !data.upload_url) throw new PublishError('transient', 'Starting the TikTok upload: TikTok answered without a publish id or upload address');
        return { publishId: data.publish_id, uploadUrl: data.upload_url, ...plan };
      },
      async send(s, chunk: UploadChunk) {
        let response: Response;
        try {
          response = await sendChunk(s.uploadUrl, { chunk, headers: { 'Content-Type': contentType, 'Content-Range': `bytes ${chunk.start}-${chunk.end - 1}/${chunk.total}` } });
        } catch (error) {
          if (chunk.signal.aborted) throw error;
          throw new PublishError('transient', `The connection to TikTok was lost while sending part ${chunk.index + 1}`, { cause: error });
        }
        const text = await response.text().catch(() => '');
        if (response.status === 201 || response.status === 206) return null;
        if (response.status === 416) {
          // TikTok expects another chunk: the one sent may have arrived whole before the answer was
          // lost (a dropped connection, a crash). It says how many bytes it holds.
          if ((await askUploaded(s.publishId)) >= chunk.end) return null;
          throw new PublishError('transient', `TikTok expected another part of the video than part ${chunk.index + 1}`, { httpStatus: 416 });
        }
        if (response.status === 403 || response.status === 404) throw new UploadSessionGone('The TikTok upload address expired (it is valid for an hour)');
        let code = '';
        let message = text.slice(0, 200);
        try {
          const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
          code = body.error?.code ?? '';
          message = body.error?.message ?? message;
        } catch {
          // Not JSON: the status says enough.
        }
        throw classifyTiktok(response.status, code, message, `Sending part ${chunk.index + 1} of the video to TikTok`, ctx.now(), response.headers.get('retry-after'));
      },
    });
    const state: TiktokState = { publishId: session.publishId, kind: 'video' };
    await slot(ctx).save(state);
    return settle(ctx, state);
  }

  async function publishPhotos(ctx: PublishContext, settings: PlatformSettings<'tiktok'>): Promise<PublishResult> {
    const images = ctx.parts[0]?.media ?? [];
    if (images.length === 0 || images.some((m) => m.kind !== 'image')) throw new PublishError('permanent', 'A TikTok photo post needs 1 to 35 images and no video');
    if (images.length > 35) throw new PublishError('permanent', `A TikTok photo post takes at most 35 images (this one has ${images.length})`);
    const links = ctx.publicLinks;
    if (!links) throw new PublishError('permanent', 'TikTok fetches photos from a link: set up Media hosting in Settings (your own S3-compatible bucket) to post photos to TikTok');
    const token = tiktokToken(ctx.credentials);
    const direct = settings.postMode === 'DIRECT_POST';
    if (direct) checkAgainstCreator(await queryCreatorInfo(ctx.endpoints, token, ctx.signal, ctx.now()), settings, 'photo', null);

    const state: TiktokState = { kind: 'photo', photoKeys: [], photoInflight: null };
    const rules = contentTypeSpec('tiktok', 'tiktok_photo')!.media;
    const urls: string[] = [];
    for (const [i, image] of images.entries()) {
      let fitted;
      try {
        fitted = await fitImage(image.path, rules, { aspect: image.aspect });
      } catch (error) {
        throw new PublishError('permanent', `Image ${i + 1} cannot be sent to TikTok: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const temp = await fittedToTempFile(fitted);
      try {
        const shared = await links.share(temp.path, { contentType: fitted.mime, signal: ctx.signal });
        state.photoKeys!.push(shared.key);
        await slot(ctx).save({ ...state });
        urls.push(shared.url);
      } catch (error) {
        await removePhotos(ctx, state.photoKeys);
        await slot(ctx).save(null);
        throw new PublishError('transient', `Putting image ${i + 1} in your media bucket failed (${error instanceof Error ? error.message : String(error)})`, { cause: error });
      } finally {
        await temp.remove();
      }
    }
    const postInfo: Record<string, unknown> = { title: settings.title ?? '', description: ctx.parts[0]?.text ?? '' };
    if (direct) {
      Object.assign(postInfo, {
        privacy_level: settings.privacyLevel,
        disable_comment: !settings.allowComments,
        auto_add_music: settings.autoAddMusic,
        brand_content_toggle: settings.discloseContent && settings.brandedContent,
        brand_organic_toggle: settings.discloseContent && settings.yourBrand,
      });
    }
    // From here TikTok may post: remember that the request left before sending it.
    state.photoInflight = { attemptKey: ctx.entry.attemptKey, at: ctx.now() };
    await slot(ctx).save({ ...state });
    let data: { publish_id?: string };
    try {
      data = await tiktokPost<{ publish_id?: string }>(ctx.endpoints, '/v2/post/publish/content/init/', {
        token,
        body: { media_type: 'PHOTO', post_mode: settings.postMode, post_info: postInfo, source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: urls } },
        signal: ctx.signal,
        now: ctx.now(),
        what: 'Posting the photos to TikTok',
        sending: true,
      });
    } catch (error) {
      if (error instanceof PublishError && !error.maybeSent) {
        // Refused: nothing was posted, so nothing is left to reconcile.
        await removePhotos(ctx, state.photoKeys);
        await slot(ctx).save(null);
      }
      throw error;
    }
    if (!data.publish_id) throw new PublishError('transient', 'Posting the photos to TikTok: TikTok answered without a publish id', { maybeSent: true });
    const posted: TiktokState = { ...state, publishId: data.publish_id, photoInflight: null };
    await slot(ctx).save(posted);
    return settle(ctx, posted);
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    const state = slot(ctx).get();
    if (state?.publishId) return settle(ctx, state);
    if (state?.photoInflight) {
      // A photo init whose answer never came: only the creator, having checked TikTok, sends again.
      if (state.photoInflight.attemptKey === ctx.entry.attemptKey) {
        throw new PublishError('transient', 'TikTok did not confirm the photo post, so it may or may not be on TikTok', { maybeSent: true });
      }
      await removePhotos(ctx, state.photoKeys);
      await slot(ctx).save(null);
    }
    return ctx.entry.contentType === 'tiktok_photo' ? publishPhotos(ctx, settings) : publishVideo(ctx, settings);
  }

  return {
    platform: 'tiktok',
    // A photo init cannot be repeated safely; videos resume from what progress saved.
    idempotent: false,
    publish,
    async reconcile(ctx) {
      const state = slot(ctx).get();
      if (state?.photoInflight && !state.publishId) {
        throw new PublishError('permanent', 'Outbox stopped while TikTok was receiving the photo post: check your TikTok profile before publishing it again');
      }
      if (!state?.publishId) {
        // No post exists on TikTok without its last chunk: the upload resumes from what was saved.
        return null;
      }
      const data = await fetchStatus(ctx, state.publishId);
      if (data.status === 'PUBLISH_COMPLETE' || data.status === 'SEND_TO_USER_INBOX') {
        await removePhotos(ctx, state.photoKeys);
        return resultOf(ctx, state.publishId, state.kind ?? 'video', data);
      }
      if (data.status === 'FAILED') {
        await removePhotos(ctx, state.photoKeys);
        await forget(ctx);
      }
      // Still processing (publish goes on polling the saved publish id) or failed (starts afresh).
      return null;
    },
  };
}

/** The TikTok adapter with real timers. */
export const tiktokAdapter: PlatformAdapter = createTiktokAdapter();


export type { Sleep } from '../sleep';
