// Publishing to YouTube (Data API v3): videos.insert as a resumable upload
// (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol) with the
// session saved in the entry's progress, then thumbnails.set with the cover
// (https://developers.google.com/youtube/v3/docs/thumbnails/set); and YouTube's own scheduler
// (`status.publishAt` on a private video, https://developers.google.com/youtube/v3/docs/videos#status.publishAt)
// as the module's RemoteScheduler.
//
// Exactly once: a video exists on YouTube only once all of its bytes reached one session, and
// that session is saved before its first byte leaves. Whatever stops an upload (a dropped
// connection, a 5xx, a crash, the attempt timeout) the next attempt asks the session what it
// holds and goes on from there; the upload is never started twice while its session lives. Once
// the video exists its id is saved, and every later step (the cover, the privacy, the schedule)
// works on that video.
import { stat } from 'node:fs/promises';
import type { MediaRules } from '../../../shared/platforms/catalog';
import { parsePlatformSettings, type PlatformSettings } from '../../../shared/platforms/settings';
import { fitImage } from '../media/fit';
import { GOOGLE_CHUNK_QUANTUM, googleResumable, startGoogleSession, type GoogleSession } from '../media/google-resumable';
import { progressSlot } from '../media/progress-slot';
import { forgetUpload, savedUpload, uploadResumable, type RetryOptions } from '../media/upload';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult, type RemoteScheduler, type RemoteStatus } from '../types';
import { accessToken, apiBase, classifyYouTube, youtubeCall } from './api';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { entrySettings } from '../entry-settings';

type Settings = PlatformSettings<'youtube'>;

/** The video as YouTube last described it (videos.insert's answer, videos.list). */
interface VideoInfo {
  id: string;
  privacyStatus: string;
  publishAt: string | null;
  uploadStatus: string;
  failureReason: string | null;
  rejectionReason: string | null;
}

/** What an entry remembers between attempts (besides the upload session, kept under `video`). */
interface YouTubeState {
  /** What the upload asked YouTube for: the creator's privacy, and publishAt when handed off. */
  asked: { privacy: string; publishAt: number | null } | null;
  /** The video, once all its bytes arrived. */
  video: VideoInfo | null;
  /** The cover: set, none chosen, or refused (with why). */
  thumbnail: 'set' | 'none' | { refused: string } | null;
  /** While YouTube's scheduler holds it. */
  remote: { videoId: string; at: number } | null;
  /** The Cloud project is unverified: YouTube keeps its uploads private. */
  locked: boolean;
}

/** The scope videos.update needs (the sign-in asks for it: auth.ts). */
const EDIT_SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl';

const EMPTY: YouTubeState = { asked: null, video: null, thumbnail: null, remote: null, locked: false };
const VIDEO_KEY = 'video';
const STATE_KEY = 'youtube';

/** Bytes per PUT: a multiple of 256 KiB, large enough that a long video takes few requests. */
const CHUNK_SIZE = 64 * GOOGLE_CHUNK_QUANTUM;

/** YouTube thumbnails: JPEG or PNG up to 2 MB; 1280 x 720 is what YouTube shows (thumbnails/set). */
const THUMBNAIL_RULES: MediaRules = {
  required: false,
  minItems: 0,
  maxItems: 1,
  maxImages: 1,
  maxVideos: 0,
  mix: false,
  imageMaxBytes: 2 * 1024 * 1024,
  videoMaxBytes: 0,
  image: { formats: ['jpeg', 'png'], maxBytes: 2 * 1024 * 1024, maxSide: 1280, transparency: false, animatedGif: false },
};



/** Options of the YouTube adapter (tests make the waits short). */
export interface YouTubeAdapterOptions {
  sleep?: Sleep;
  /** How long a publish waits for YouTube to process the video before calling it done (default 60 s). */
  processingWaitMs?: number;
  /** Between two looks at the processing (default 5 s). */
  processingPollMs?: number;
  /** How the upload retries a chunk in place (see the upload toolkit). */
  retry?: RetryOptions;
  chunkSize?: number;
}

/** The YouTube publisher and YouTube's own scheduler, which share the saved progress. */
export interface YouTubePublishing extends PlatformAdapter {
  remote: RemoteScheduler;
}

function settingsOf(ctx: PublishContext): Settings {
  return entrySettings(ctx, 'youtube');
}

function videoOf(ctx: PublishContext): PublishMedia {
  const media = ctx.parts[0]?.media ?? [];
  const video = media.find((m) => m.kind === 'video');
  if (!video || media.length !== 1) throw new PublishError('permanent', 'A YouTube post needs exactly one video (and no images)');
  return video;
}

const isShort = (ctx: PublishContext) => ctx.entry.contentType === 'youtube_short';

/** The watch page (a Short's own page for Shorts). */
export function youtubeUrl(id: string, short: boolean): string {
  return short ? `https://www.youtube.com/shorts/${encodeURIComponent(id)}` : `https://www.youtube.com/watch?v=${encodeURIComponent(id)}`;
}

/** The description as sent: a Short carries #Shorts (how YouTube's help says to mark one) unless the creator wrote it. */
function descriptionOf(ctx: PublishContext, settings: Settings): string {
  const text = ctx.parts[0]?.text ?? '';
  if (!isShort(ctx) || /#shorts\b/i.test(`${settings.title} ${text}`)) return text;
  const tagged = text.trim() ? `${text}\n\n#Shorts` : '#Shorts';
  return Buffer.byteLength(tagged) <= 5000 ? tagged : text;
}

/** The video resource sent with videos.insert (and, for status, videos.update). */
function statusOf(settings: Settings, asked: { privacy: string; publishAt: number | null }): Record<string, unknown> {
  return {
    privacyStatus: asked.publishAt !== null ? 'private' : asked.privacy,
    ...(asked.publishAt !== null ? { publishAt: new Date(asked.publishAt).toISOString() } : {}),
    embeddable: settings.embeddable,
    license: settings.license,
    selfDeclaredMadeForKids: settings.madeForKids,
  };
}

function metadataOf(ctx: PublishContext, settings: Settings, asked: { privacy: string; publishAt: number | null }): Record<string, unknown> {
  return {
    snippet: { title: settings.title, description: descriptionOf(ctx, settings), ...(settings.tags.length ? { tags: settings.tags } : {}), categoryId: settings.categoryId ?? '22' },
    status: statusOf(settings, asked),
  };
}

function infoOf(resource: unknown): VideoInfo {
  const r = (resource ?? {}) as { id?: unknown; status?: Record<string, unknown> };
  if (typeof r.id !== 'string' || !r.id) throw new PublishError('transient', 'YouTube finished the upload without saying which video it made', { maybeSent: true });
  const s = r.status ?? {};
  return {
    id: r.id,
    privacyStatus: typeof s['privacyStatus'] === 'string' ? s['privacyStatus'] : 'private',
    publishAt: typeof s['publishAt'] === 'string' ? s['publishAt'] : null,
    uploadStatus: typeof s['uploadStatus'] === 'string' ? s['uploadStatus'] : 'uploaded',
    failureReason: typeof s['failureReason'] === 'string' ? s['failureReason'] : null,
    rejectionReason: typeof s['rejectionReason'] === 'string' ? s['rejectionReason'] : null,
  };
}

function lockedNotice(url: string, scheduled: boolean): string {
  return (
    `YouTube locked this video as private (${url}): videos uploaded through a Google Cloud project that YouTube has not audited stay private. ` +
    (scheduled ? 'It will not go public at its time. ' : 'Only you can see it. ') +
    'To publish publicly from Outbox, have the project pass YouTube\'s API audit (https://support.google.com/youtube/contact/yt_api_form); until then, make public videos in YouTube Studio.'
  );
}

/** Creates the YouTube adapter; tests pass short waits. */
export function createYouTubeAdapter(options: YouTubeAdapterOptions = {}): YouTubePublishing {
  const sleep = options.sleep ?? realSleep;
  const processingWaitMs = options.processingWaitMs ?? 60_000;
  const processingPollMs = options.processingPollMs ?? 5_000;
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;

  const slot = (ctx: PublishContext) => progressSlot<YouTubeState>(ctx.progress, STATE_KEY);
  const read = (ctx: PublishContext): YouTubeState => ({ ...EMPTY, ...slot(ctx).get() });
  const save = (ctx: PublishContext, state: YouTubeState) => slot(ctx).save(state);

  const classify = (ctx: PublishContext) => (status: number, body: unknown, headers: Headers) =>
    // A gone session (404/410) and 5xx are the upload toolkit's to handle (start again / ask and resume).
    status === 404 || status === 410 || status >= 500 ? undefined : classifyYouTube(status, body, headers, ctx.now(), 'Uploading the video');

  /**
   * Uploads the entry's video, or finishes the upload a saved session holds (asking it what it
   * has first); resolves with the video. `asked` says what a new session asks for.
   */
  async function upload(ctx: PublishContext, settings: Settings, asked: { privacy: string; publishAt: number | null }): Promise<{ state: YouTubeState; video: VideoInfo }> {
    let state = read(ctx);
    if (state.video) return { state, video: state.video };
    const media = videoOf(ctx);
    const token = () => accessToken(ctx);
    const protocol = googleResumable({ token, mime: media.mime, classify: classify(ctx), now: () => ctx.now() });
    const url = new URL(`${apiBase(ctx)}/upload/youtube/v3/videos`);
    url.searchParams.set('uploadType', 'resumable');
    url.searchParams.set('part', 'snippet,status');
    url.searchParams.set('notifySubscribers', String(settings.notifySubscribers));
    const { result } = await uploadResumable<GoogleSession>({
      path: media.path,
      key: VIDEO_KEY,
      progress: ctx.progress,
      signal: ctx.signal,
      label: 'the video',
      chunkSize,
      ...(options.retry ? { retry: options.retry } : {}),
      async start(total) {
        // What this session asks for is known before it exists (a resumed one keeps its own).
        state = { ...state, asked };
        await save(ctx, state);
        return startGoogleSession(url.toString(), { token, size: total, mime: media.mime, metadata: metadataOf(ctx, settings, asked), signal: ctx.signal, classify: classify(ctx), now: () => ctx.now() });
      },
      send: protocol.send,
      probe: protocol.probe,
      onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
    });
    const video = infoOf(result);
    state = { ...read(ctx), video };
    state.asked ??= asked;
    // An unverified project's upload comes back private, without its publishAt, whatever was asked.
    state.locked = video.privacyStatus === 'private' && (state.asked.privacy !== 'private' || state.asked.publishAt !== null) && video.publishAt === null;
    await save(ctx, state);
    return { state, video };
  }

  /** Sets the cover as the thumbnail once; a refusal is noted, not fatal (the video is up). */
  async function thumbnail(ctx: PublishContext, state: YouTubeState, videoId: string): Promise<YouTubeState> {
    if (state.thumbnail !== null) return state;
    const cover = videoOf(ctx).cover?.image ?? null;
    let outcome: YouTubeState['thumbnail'] = 'none';
    if (cover) {
      try {
        const fitted = await fitImage(cover.path, THUMBNAIL_RULES).catch((error: unknown) => {
          throw new PublishError('permanent', `it cannot be made a JPEG or PNG under 2 MB (${error instanceof Error ? error.message : String(error)})`);
        });
        await youtubeCall(ctx, { method: 'POST', path: '/upload/youtube/v3/thumbnails/set', query: { videoId, uploadType: 'media' }, body: fitted.bytes, contentType: fitted.mime, what: 'Setting the cover image' });
        outcome = 'set';
      } catch (error) {
        // Transient failures, rate limits and an expired sign-in are tried again (the video is saved).
        if (!(error instanceof PublishError) || error.kind !== 'permanent') throw error;
        outcome = { refused: `YouTube did not take the cover image (${error.message.replace(/^Setting the cover image: /, '')}); the video shows a frame YouTube picks. Set a thumbnail in YouTube Studio.` };
      }
    }
    const next = { ...read(ctx), thumbnail: outcome };
    await save(ctx, next);
    return next;
  }

  /** Reads the video (1 unit); null when YouTube no longer has it (deleted there). */
  async function look(ctx: PublishContext, videoId: string): Promise<VideoInfo | null> {
    const answer = await youtubeCall<{ items?: unknown[] }>(ctx, { path: '/youtube/v3/videos', query: { part: 'status', id: videoId }, what: 'Reading the video on YouTube' });
    const item = (answer.body.items ?? [])[0];
    return item ? infoOf(item) : null;
  }

  /** Fails when processing failed or YouTube rejected the video; waits a little for it to finish. */
  async function awaitProcessing(ctx: PublishContext, videoId: string, url: string): Promise<void> {
    const started = ctx.now();
    for (let waited = 0; ; waited += processingPollMs) {
      const info = await look(ctx, videoId);
      if (!info) throw new PublishError('permanent', `The uploaded video (${url}) is no longer on YouTube (deleted there?); publish the post again to upload it anew`);
      if (info.uploadStatus === 'failed') throw new PublishError('permanent', `YouTube could not process the video (${info.failureReason ?? 'failed'}): it will not play. Check the file (codec, damage) and post it again.`);
      if (info.uploadStatus === 'rejected') throw new PublishError('permanent', `YouTube rejected the video (${info.rejectionReason ?? 'rejected'}); see YouTube Studio for why.`);
      // Processing long videos takes a while: the video is on YouTube either way.
      if (info.uploadStatus === 'processed' || waited >= processingWaitMs || ctx.now() - started >= processingWaitMs) return;
      await sleep(processingPollMs, ctx.signal);
    }
  }

  /** videos.update of the status part (every mutable status field is sent: update replaces them all). */
  async function setStatus(ctx: PublishContext, settings: Settings, videoId: string, asked: { privacy: string; publishAt: number | null }, what: string) {
    const answer = await youtubeCall(ctx, { method: 'PUT', path: '/youtube/v3/videos', query: { part: 'status' }, json: { id: videoId, status: statusOf(settings, asked) }, what, accept: [404] });
    if (answer.status === 404) throw new PublishError('permanent', `${what}: the video is no longer on YouTube (deleted there?)`, { httpStatus: 404 });
    return infoOf(answer.body);
  }

  /** The video is gone from YouTube (deleted there): nothing of it is reused. */
  async function startAfresh(ctx: PublishContext) {
    await forgetUpload(ctx.progress, VIDEO_KEY);
    await save(ctx, { ...EMPTY });
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    const short = isShort(ctx);
    let state = read(ctx);
    if (state.remote) {
      // Still held by YouTube's scheduler (the engine takes it back first; this is the safety net).
      const held = await remote.status(ctx, state.remote.videoId);
      if (held.state === 'published') return held.result;
      if (held.state === 'scheduled') await remote.cancel(ctx, state.remote.videoId);
      else await startAfresh(ctx);
      state = read(ctx);
    }
    const wanted = { privacy: settings.privacy, publishAt: null };
    let { video } = await upload(ctx, settings, wanted);
    state = read(ctx);
    const url = youtubeUrl(video.id, short);
    state = await thumbnail(ctx, state, video.id);
    // An upload made for YouTube's scheduler (taken back to send now): it goes out as chosen now.
    if (!state.locked && (state.asked?.publishAt ?? null) !== null && (video.privacyStatus !== settings.privacy || video.publishAt !== null)) {
      try {
        video = await setStatus(ctx, settings, video.id, wanted, 'Publishing the scheduled video now');
      } catch (error) {
        if (!(error instanceof PublishError) || error.httpStatus !== 403) throw error;
        state = { ...state, locked: true };
      }
      state = { ...read(ctx), video, asked: wanted, locked: state.locked };
      await save(ctx, state);
    }
    await awaitProcessing(ctx, video.id, url);
    const notices = [state.locked ? lockedNotice(url, false) : null, typeof state.thumbnail === 'object' && state.thumbnail ? state.thumbnail.refused : null].filter((n): n is string => n !== null);
    return { platformPostId: video.id, platformUrl: url, ...(notices.length ? { notice: notices.join(' ') } : {}) };
  }

  const remote: RemoteScheduler = {
    async schedule(ctx, at) {
      const settings = settingsOf(ctx);
      if (settings.privacy !== 'public') throw new PublishError('permanent', `YouTube's scheduler only makes videos public; a ${settings.privacy} video is uploaded by Outbox at its time`);
      if (at <= ctx.now()) throw new PublishError('permanent', 'YouTube only schedules videos for a time in the future');
      // Moving or taking back a scheduled video needs videos.update; a sign-in from before Outbox
      // asked for it cannot, so the video stays with Outbox rather than be stuck on YouTube's schedule.
      const granted = typeof ctx.credentials['scope'] === 'string' ? ctx.credentials['scope'].split(/\s+/) : [];
      if (granted.length > 0 && !granted.some((s) => s === EDIT_SCOPE || s === 'https://www.googleapis.com/auth/youtube')) {
        throw new PublishError('permanent', 'the YouTube sign-in does not allow Outbox to change a scheduled video; reconnect the account to let YouTube publish scheduled videos');
      }
      let state = read(ctx);
      if (state.remote) {
        // Already handed over (a retry): move it instead of uploading a second video.
        if (state.remote.at !== at) await remote.reschedule(ctx, state.remote.videoId, at);
        return { remoteId: state.remote.videoId };
      }
      const asked = { privacy: settings.privacy, publishAt: at };
      let video: VideoInfo | null = null;
      if (state.video) {
        // Uploaded by an earlier attempt: what is it now?
        video = await look(ctx, state.video.id);
        if (!video) await startAfresh(ctx);
        else if (video.privacyStatus !== 'private') {
          throw new PublishError('permanent', `An earlier attempt already put this video on YouTube (${youtubeUrl(video.id, isShort(ctx))}, ${video.privacyStatus}), so Outbox does not schedule it there again`);
        }
      }
      video ??= (await upload(ctx, settings, asked)).video;
      state = await thumbnail(ctx, read(ctx), video.id);
      const url = youtubeUrl(video.id, isShort(ctx));
      if (!state.locked && (video.publishAt === null || Date.parse(video.publishAt) !== at)) {
        // A video of an earlier hand-off (its session resumed, or taken off the schedule): on the schedule at `at`.
        video = await setStatus(ctx, settings, video.id, asked, 'Scheduling the video');
        await save(ctx, { ...read(ctx), video, asked });
      }
      state = { ...read(ctx), remote: { videoId: video.id, at } };
      await save(ctx, state);
      const notices = [state.locked ? lockedNotice(url, true) : null, typeof state.thumbnail === 'object' && state.thumbnail ? state.thumbnail.refused : null].filter((n): n is string => n !== null);
      return { remoteId: video.id, ...(notices.length ? { notice: notices.join(' ') } : {}) };
    },

    async reschedule(ctx, remoteId, at) {
      const settings = settingsOf(ctx);
      if (at <= ctx.now()) throw new PublishError('permanent', 'YouTube only schedules videos for a time in the future');
      const state = read(ctx);
      // A locked video has no schedule on YouTube to move: only Outbox's note of the time changes.
      if (!state.locked) await setStatus(ctx, settings, remoteId, { privacy: 'public', publishAt: at }, 'Moving the scheduled video');
      await save(ctx, { ...read(ctx), remote: { videoId: remoteId, at } });
    },

    async cancel(ctx, remoteId) {
      const url = youtubeUrl(remoteId, isShort(ctx));
      const info = await look(ctx, remoteId);
      const forget = () => save(ctx, { ...read(ctx), remote: null });
      if (!info) {
        await forget();
        return { notice: `The scheduled video (${url}) was no longer on YouTube.` };
      }
      if (info.privacyStatus !== 'private') {
        // Already out (published at its time, or made public in YouTube Studio): never unpublish a live video.
        await forget();
        return { notice: `The video was already ${info.privacyStatus} on YouTube (${url}); Outbox left it as it is.` };
      }
      if (info.publishAt !== null) {
        // Private without publishAt: off YouTube's schedule. The settings only say how it would have gone out.
        const settings = parsePlatformSettings('youtube', ctx.entry.settings);
        const status = settings.success ? statusOf(settings.data, { privacy: 'private', publishAt: null }) : { privacyStatus: 'private' };
        await youtubeCall(ctx, { method: 'PUT', path: '/youtube/v3/videos', query: { part: 'status' }, json: { id: remoteId, status }, what: 'Taking the video off YouTube\'s schedule', accept: [404] });
      }
      await forget();
      return { notice: `The uploaded video stays on your YouTube channel as a private video (${url}); delete it in YouTube Studio if you do not need it.` };
    },

    async status(ctx, remoteId): Promise<RemoteStatus> {
      const info = await look(ctx, remoteId);
      if (!info) return { state: 'missing' };
      const state = read(ctx);
      const url = youtubeUrl(remoteId, isShort(ctx));
      if (info.privacyStatus === 'public' || info.privacyStatus === 'unlisted') return { state: 'published', result: { platformPostId: remoteId, platformUrl: url } };
      if (info.publishAt !== null) return { state: 'scheduled', at: Date.parse(info.publishAt) };
      const at = state.remote?.videoId === remoteId ? state.remote.at : ctx.now();
      // A locked video is as published as it will be once its time has come.
      if (state.locked && ctx.now() >= at) return { state: 'published', result: { platformPostId: remoteId, platformUrl: url, notice: lockedNotice(url, false) } };
      // Private without a time (taken off the schedule in YouTube Studio): the engine waits, then says "check YouTube".
      return { state: 'scheduled', at };
    },

    async find(ctx, at) {
      // What a hand-off whose answer was lost may have made: the video of its upload session.
      let state = read(ctx);
      let video = state.video;
      if (!video) {
        const saved = savedUpload(ctx.progress, VIDEO_KEY);
        if (!saved) return { state: 'missing' };
        if (saved.done) video = infoOf(saved.result);
        else {
          // Ask the session; an unfinished upload made no video (the next hand-off resumes it).
          const media = videoOf(ctx);
          const size = (await stat(media.path)).size;
          const answer = await googleResumable({ token: () => accessToken(ctx), mime: media.mime, classify: classify(ctx), now: () => ctx.now() })
            .probe(saved.session as GoogleSession, size, ctx.signal)
            .catch((error: unknown) => {
              if (error instanceof PublishError) throw error;
              return { received: 0 };
            });
          if (!('complete' in answer)) return { state: 'missing' };
          video = infoOf(answer.result);
        }
        state = { ...read(ctx), video };
        state.locked = video.privacyStatus === 'private' && video.publishAt === null;
        await save(ctx, state);
      }
      state = await thumbnail(ctx, state, video.id);
      await save(ctx, { ...read(ctx), remote: { videoId: video.id, at } });
      const held = await remote.status(ctx, video.id);
      if (held.state === 'scheduled') return { state: 'scheduled', remoteId: video.id };
      if (held.state === 'published') return held;
      return { state: 'missing' };
    },
  };

  return {
    platform: 'youtube',
    // The upload goes on from what its saved session holds and the later steps work on the saved
    // video: repeating a publish cannot make a second video.
    idempotent: true,
    remote,
    publish,
    async reconcile(ctx) {
      // No session saved: no byte left, so no video exists (a started session alone makes none).
      if (!savedUpload(ctx.progress, VIDEO_KEY) && !read(ctx).video) return null;
      return publish(ctx);
    },
  };
}

/** The YouTube adapter with real timers. */
export const youtubeAdapter: YouTubePublishing = createYouTubeAdapter();

export type { Sleep } from '../sleep';
