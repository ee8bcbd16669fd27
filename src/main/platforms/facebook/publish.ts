// Facebook Pages publishing and the Page's own scheduler.
//
// https://developers.facebook.com/docs/pages-api/posts — POST /<PAGE_ID>/feed with message and
//   link; published=false with scheduled_publish_time ("between 10 minutes and 30 days from the
//   time of the API request"); photos through /<PAGE_ID>/photos, several of them uploaded with
//   published=false and attached with attached_media; POST /<POST_ID> to change a post, DELETE to
//   remove it. (The Page feed reference allows up to 75 days; Outbox keeps to the guide's 30.)
// https://developers.facebook.com/docs/video-api/guides/publishing — POST /<PAGE_ID>/videos with
//   title, description and the handle of a file sent with the Resumable Upload API
//   (https://developers.facebook.com/docs/graph-api/guides/upload: POST /<APP_ID>/uploads,
//   POST /upload:<ID> with a file_offset header, GET /upload:<ID> to resume), thumb for the cover.
// https://developers.facebook.com/docs/video-api/guides/reels-publishing — POST
//   /<PAGE_ID>/video_reels upload_phase=start, the bytes to the upload_url (offset and file_size
//   headers), upload_phase=finish with video_state PUBLISHED or SCHEDULED; GET /<VIDEO_ID>?fields=status.
// https://developers.facebook.com/docs/page-stories-api — photo_stories (an unpublished photo's id)
//   and video_stories (the reels upload flow).
//
// None of Facebook's creating requests can be repeated safely, so the adapter is not idempotent:
// before each, what it is about to make is saved in progress, and an answer that never came is
// settled by looking on the Page (the post with our text made after the request), never by
// sending again blindly. A check that cannot tell says "check Facebook".
import { basename } from 'node:path';
import { PLATFORM_SPECS, contentTypeSpec } from '../../../shared/platforms/catalog';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { fitImage } from '../media/fit';
import { forgetUpload, sendChunk, uploadResumable, UploadSessionGone, type UploadChunk } from '../media/upload';
import { classifyGraphError, field, GRAPH_VERSION, graphCall, graphErrorOf, graphUrl, unixSeconds } from '../meta-graph/graph';
import { accessToken } from '../credentials';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult, type RemoteFound, type RemoteScheduler, type RemoteStatus } from '../types';
import { entrySettings } from '../entry-settings';

const NAME = 'Facebook';
/** Facebook holds posts scheduled 10 minutes to 30 days ahead (the catalog's hand-off rule). */
export const SCHEDULE_MIN_LEAD_MS = PLATFORM_SPECS.facebook.handOff!.minLeadMs;
export const SCHEDULE_MAX_LEAD_MS = PLATFORM_SPECS.facebook.handOff!.maxLeadMs!;
/** How long to wait for a reel to leave processing before calling it published anyway (Meta publishes it once processed). */
const REEL_WAIT_MS = 2 * 60_000;
/** Pause before looking on the Page for a post whose answer was lost (the write settles first). */
const LOOKUP_PAUSE_MS = 3_000;

/** What a creating request was, saved before it leaves. */
type InflightKind = 'feed' | 'photo' | 'video' | 'finish' | 'story';

/** What an entry remembers between attempts. */
export interface FacebookProgress {
  /** Unpublished photos uploaded for this entry, by media index. */
  photos: Array<string | null>;
  /** The Meta app the token belongs to (the Resumable Upload API is per app). */
  appId: string | null;
  /** The reel or video story's thumbnail is set. */
  coverSet: boolean;
  /** A creating request that may have reached Facebook, and when it left. */
  inflight: { kind: InflightKind; at: number; message: string; title: string; videoId?: string } | null;
  result: { id: string; url: string | null } | null;
  /** The Page's scheduled copy: a feed post, a video or a reel. */
  remote: { id: string; at: number; kind: RemoteKind } | null;
}

type RemoteKind = 'post' | 'video' | 'reel';

/** Options of the adapter (tests pass the engine clock's sleep). */
export interface FacebookAdapterOptions {
  sleep?: Sleep;
}

/** The publisher and the Page's scheduler, sharing their saved progress. */
export interface FacebookPublishing extends PlatformAdapter {
  remote: RemoteScheduler;
}

function readProgress(ctx: PublishContext): FacebookProgress {
  const raw = (ctx.progress.get() ?? {}) as Partial<FacebookProgress>;
  return {
    photos: Array.isArray(raw.photos) ? [...raw.photos] : [],
    appId: raw.appId ?? null,
    coverSet: raw.coverSet ?? false,
    inflight: raw.inflight ?? null,
    result: raw.result ?? null,
    remote: raw.remote ?? null,
  };
}

/** The whole progress object, keeping the upload toolkit's own slots (`video`, `reel`). */
async function save(ctx: PublishContext, progress: FacebookProgress) {
  await ctx.progress.save({ ...(ctx.progress.get() ?? {}), ...progress } as unknown as Record<string, unknown>);
}

type Kind = 'post' | 'reel' | 'story';
const KINDS: Record<string, Kind> = { facebook_post: 'post', facebook_reel: 'reel', facebook_story: 'story' };

/** Creates the Facebook adapter; tests pass their own `sleep`. */
export function createFacebookAdapter(options: FacebookAdapterOptions = {}): FacebookPublishing {
  const sleep = options.sleep ?? realSleep;

  const apiBase = (ctx: PublishContext) => `${(ctx.endpoints.apiBase ?? 'https://graph.facebook.com').replace(/\/+$/, '')}/${GRAPH_VERSION}`;
  // Meta's examples send videos to graph-video.facebook.com.
  const videoBase = (ctx: PublishContext) => `${(ctx.endpoints['videoBase'] ?? ctx.endpoints.apiBase ?? 'https://graph-video.facebook.com').replace(/\/+$/, '')}/${GRAPH_VERSION}`;
  const pageId = (ctx: PublishContext) => (typeof ctx.account.meta['pageId'] === 'string' && ctx.account.meta['pageId']) || ctx.account.platformUserId;
  const pageToken = (ctx: PublishContext) => accessToken(ctx.credentials, NAME);
  const call = <T = Record<string, unknown>>(ctx: PublishContext, url: string, request: Omit<Parameters<typeof graphCall>[1], 'token' | 'signal' | 'now'> & { token?: string }) =>
    graphCall<T>(url, { token: request.token ?? pageToken(ctx), signal: ctx.signal, now: ctx.now(), ...request });

  function settingsOf(ctx: PublishContext): PlatformSettings<'facebook'> {
    return entrySettings(ctx, 'facebook');
  }

  function kindOf(ctx: PublishContext): Kind {
    const kind = KINDS[ctx.entry.contentType];
    if (!kind) throw new PublishError('permanent', `contentType: ${ctx.entry.contentType} is not a Facebook post type (post, reel or story)`);
    return kind;
  }

  /** The post's text as Facebook gets it: with photos or a video, the link setting joins the text (only text posts show a link card). */
  function messageOf(ctx: PublishContext, settings: PlatformSettings<'facebook'>, withMedia: boolean): string {
    const text = ctx.parts[0]?.text ?? '';
    if (!withMedia || !settings.link || text.includes(settings.link)) return text;
    return `${text.trimEnd()}${text.trim() ? '\n\n' : ''}${settings.link}`;
  }

  /** Checks the media against the post type, naming the field to fix. */
  function checkMedia(kind: Kind, media: PublishMedia[]) {
    const images = media.filter((m) => m.kind === 'image').length;
    const videos = media.length - images;
    if (images > 0 && videos > 0) throw new PublishError('permanent', 'parts.0.media: Facebook takes photos or one video in a post, not both');
    if (videos > 1) throw new PublishError('permanent', 'parts.0.media: Facebook takes one video per post');
    if (kind === 'reel' && !(videos === 1 && images === 0)) throw new PublishError('permanent', 'parts.0.media: a Facebook reel is one video');
    if (kind === 'story' && media.length !== 1) throw new PublishError('permanent', `parts.0.media: a Facebook story is one photo or one video (this one has ${media.length})`);
  }

  // ---- Photos -------------------------------------------------------------------------------

  async function photoBlob(ctx: PublishContext, media: PublishMedia): Promise<{ blob: Blob; name: string }> {
    const rules = contentTypeSpec('facebook', ctx.entry.contentType)?.media ?? contentTypeSpec('facebook', 'facebook_post')!.media;
    try {
      const fitted = await fitImage(media.path, rules, { aspect: media.aspect });
      return { blob: new Blob([fitted.bytes], { type: fitted.mime }), name: `${basename(media.path).replace(/\.[^.]+$/, '')}.${fitted.format === 'jpeg' ? 'jpg' : fitted.format}` };
    } catch (error) {
      throw new PublishError('permanent', `A photo of this post cannot be made to fit Facebook: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Uploads one photo (unpublished unless `publish` carries the post's message). */
  async function uploadPhoto(ctx: PublishContext, media: PublishMedia, how: { published: boolean; temporary?: boolean; message?: string; what: string; sending?: boolean }) {
    const form = new FormData();
    const { blob, name } = await photoBlob(ctx, media);
    form.append('source', blob, name);
    form.append('published', how.published ? 'true' : 'false');
    if (how.temporary) form.append('temporary', 'true');
    if (how.message) form.append('message', how.message);
    if (media.altText.trim()) form.append('alt_text_custom', media.altText);
    const answer = await call(ctx, graphUrl(apiBase(ctx), `${pageId(ctx)}/photos`), { multipart: form, what: how.what, sending: how.sending });
    const id = field(answer.body, 'id');
    if (!id) throw new PublishError('transient', `${how.what}: Facebook answered without a photo id`, { maybeSent: how.sending });
    return { id, postId: field(answer.body, 'post_id') };
  }

  /** Uploads the post's photos unpublished (each id saved at once, so a retry attaches instead of uploading again). */
  async function unpublishedPhotos(ctx: PublishContext, progress: FacebookProgress, temporary: boolean): Promise<string[]> {
    const media = ctx.parts[0]!.media;
    for (let i = 0; i < media.length; i++) {
      if (progress.photos[i]) continue;
      const label = media.length > 1 ? `photo ${i + 1} of ${media.length}` : 'the photo';
      progress.photos[i] = (await uploadPhoto(ctx, media[i]!, { published: false, temporary, what: `Uploading ${label} to Facebook` })).id;
      await save(ctx, progress);
    }
    return progress.photos.slice(0, media.length) as string[];
  }

  // ---- Video uploads ------------------------------------------------------------------------

  /** The Meta app of the token: saved at connect, else asked once (GET /app) and kept in progress. */
  async function appIdOf(ctx: PublishContext, progress: FacebookProgress, userToken: string): Promise<string> {
    const known = progress.appId ?? (typeof ctx.account.meta['appId'] === 'string' ? ctx.account.meta['appId'] : null);
    if (known) return known;
    const answer = await call(ctx, graphUrl(apiBase(ctx), 'app', { fields: 'id' }), { token: userToken, what: 'Finding the Facebook app to upload with' });
    const id = field(answer.body, 'id');
    if (!id) throw new PublishError('transient', 'Facebook did not say which app the sign-in belongs to');
    progress.appId = id;
    await save(ctx, progress);
    return id;
  }

  /** A chunk whose bytes report the upload's progress as they leave (one request can carry a whole video). */
  function reporting(ctx: PublishContext, chunk: UploadChunk): UploadChunk {
    let sent = chunk.start;
    return {
      ...chunk,
      writeTo: (target, opts) =>
        chunk.writeTo(
          new Proxy(target, {
            get(t, prop) {
              if (prop === 'write') {
                return (piece: Buffer, cb: (error?: Error | null) => void) => {
                  sent += piece.length;
                  ctx.reportProgress?.(sent, chunk.total);
                  return t.write(piece, cb);
                };
              }
              const value = Reflect.get(t, prop, t) as unknown;
              return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
            },
          }),
          opts,
        ),
    };
  }

  async function answerOf(response: Response, what: string, now: number): Promise<Record<string, unknown>> {
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: { message: text.slice(0, 200) } };
    }
    if (response.status < 200 || response.status >= 300 || graphErrorOf(body)) throw classifyGraphError(response.status, body, response.headers, { what, now });
    return body as Record<string, unknown>;
  }

  /** Sends a video with the Resumable Upload API; resolves with the file handle for /videos. */
  async function uploadVideoFile(ctx: PublishContext, progress: FacebookProgress, media: PublishMedia): Promise<string> {
    const userToken = typeof ctx.credentials['userAccessToken'] === 'string' ? (ctx.credentials['userAccessToken'] as string) : '';
    if (!userToken) throw new PublishError('auth', 'Facebook needs the signed-in person to upload videos; reconnect the Page.');
    const appId = await appIdOf(ctx, progress, userToken);
    const what = `Uploading ${basename(media.path)} to Facebook`;
    const { result } = await uploadResumable<{ session: string }>({
      path: media.path,
      key: 'video',
      progress: ctx.progress,
      signal: ctx.signal,
      label: basename(media.path),
      // Meta's upload takes the rest of the file in one request from the offset it holds.
      chunkSize: Number.MAX_SAFE_INTEGER,
      onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
      retry: { sleep },
      start: async (total) => {
        const url = graphUrl(apiBase(ctx), `${appId}/uploads`, { file_name: basename(media.path), file_length: total, file_type: media.mime });
        const answer = await call(ctx, url, { method: 'POST', token: userToken, what });
        const session = field(answer.body, 'id');
        if (!session.startsWith('upload:')) throw new PublishError('transient', `${what}: Facebook answered without an upload session`);
        return { session };
      },
      send: async ({ session }, chunk) => {
        const response = await sendChunk(graphUrl(apiBase(ctx), session), { chunk: reporting(ctx, chunk), method: 'POST', headers: { authorization: `OAuth ${userToken}`, file_offset: String(chunk.start) } });
        if (response.status === 404) throw new UploadSessionGone();
        const body = await answerOf(response, what, ctx.now());
        const handle = field(body, 'h');
        return handle ? { complete: true, result: handle } : { received: Number(body['file_offset']) || chunk.start };
      },
      probe: async ({ session }) => {
        try {
          const answer = await call(ctx, graphUrl(apiBase(ctx), session), { token: userToken, what });
          return { received: Number(answer.body['file_offset']) || 0 };
        } catch (error) {
          if (error instanceof PublishError && error.kind === 'permanent') throw new UploadSessionGone();
          throw error;
        }
      },
    });
    if (typeof result !== 'string' || !result) throw new PublishError('transient', `${what}: Facebook finished the upload without a file handle`);
    return result;
  }

  /**
   * Reels and video stories: `start` on the Page edge gives a video id and an upload URL, the
   * bytes go there (offset and file_size headers), resumed from `bytes_transferred`.
   */
  async function uploadReelFile(ctx: PublishContext, edge: 'video_reels' | 'video_stories', media: PublishMedia): Promise<string> {
    const what = `Uploading ${basename(media.path)} to Facebook`;
    const { session } = await uploadResumable<{ videoId: string; uploadUrl: string }>({
      path: media.path,
      key: 'reel',
      progress: ctx.progress,
      signal: ctx.signal,
      label: basename(media.path),
      chunkSize: Number.MAX_SAFE_INTEGER,
      onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
      retry: { sleep },
      start: async () => {
        let answer;
        try {
          answer = await call(ctx, graphUrl(apiBase(ctx), `${pageId(ctx)}/${edge}`), { form: { upload_phase: 'start' }, what: edge === 'video_reels' ? 'Starting a reel on the Page' : 'Starting a story on the Page' });
        } catch (error) {
          // A Page that cannot post reels through the API says so here, in Meta's words.
          if (error instanceof PublishError && error.kind === 'permanent') throw new PublishError('permanent', `This Page cannot publish ${edge === 'video_reels' ? 'reels' : 'video stories'} through the API: ${error.message}`, { httpStatus: error.httpStatus });
          throw error;
        }
        const videoId = field(answer.body, 'video_id');
        const uploadUrl = field(answer.body, 'upload_url');
        if (!videoId || !uploadUrl) throw new PublishError('transient', `${what}: Facebook answered without an upload address`);
        return { videoId, uploadUrl };
      },
      send: async ({ uploadUrl }, chunk) => {
        const response = await sendChunk(uploadUrl, { chunk: reporting(ctx, chunk), method: 'POST', headers: { authorization: `OAuth ${pageToken(ctx)}`, offset: String(chunk.start), file_size: String(chunk.total) } });
        if (response.status === 404) throw new UploadSessionGone();
        await answerOf(response, what, ctx.now());
        return { complete: true, result: null };
      },
      probe: async ({ videoId }, total) => {
        const status = await videoStatus(ctx, videoId);
        const phase = status['uploading_phase'] as { status?: string; bytes_transferred?: number } | undefined;
        if (phase?.status === 'complete' || Number(phase?.bytes_transferred) >= total) return { complete: true };
        return { received: Number(phase?.bytes_transferred) || 0 };
      },
    });
    return session.videoId;
  }

  async function videoStatus(ctx: PublishContext, videoId: string): Promise<Record<string, unknown>> {
    const answer = await call(ctx, graphUrl(apiBase(ctx), videoId, { fields: 'status' }), { what: 'Asking Facebook about the video' });
    return (answer.body['status'] ?? {}) as Record<string, unknown>;
  }

  async function coverBlob(ctx: PublishContext, media: PublishMedia): Promise<{ blob: Blob; name: string } | null> {
    const image = media.cover?.image;
    if (!image) return null;
    return photoBlob(ctx, { ...media, kind: 'image', path: image.path, mime: image.mime, bytes: image.bytes, width: image.width, height: image.height, aspect: 'crop' });
  }

  /** Sets a reel's or story's cover before it is published (once). */
  async function setCover(ctx: PublishContext, progress: FacebookProgress, videoId: string, media: PublishMedia) {
    if (progress.coverSet) return;
    const cover = await coverBlob(ctx, media);
    if (!cover) return;
    const form = new FormData();
    form.append('source', cover.blob, cover.name);
    form.append('is_preferred', 'true');
    await call(ctx, graphUrl(apiBase(ctx), `${videoId}/thumbnails`), { multipart: form, what: 'Setting the cover of the video' });
    progress.coverSet = true;
    await save(ctx, progress);
  }

  // ---- Sending exactly once ------------------------------------------------------------------

  const absolute = (url: string) => (url.startsWith('/') ? `https://www.facebook.com${url}` : url);

  /** The permalink of a post or video; a failed read never fails a publish (the id makes a link too). */
  async function permalink(ctx: PublishContext, id: string, fallback: string): Promise<string> {
    try {
      const answer = await call(ctx, graphUrl(apiBase(ctx), id, { fields: 'permalink_url' }), { what: 'Reading the Facebook link' });
      return absolute(field(answer.body, 'permalink_url')) || fallback;
    } catch {
      return fallback;
    }
  }

  /**
   * Looks on the Page for what an unanswered request made: the result, null when it certainly
   * made nothing, 'unsure' when the Page cannot tell (a post without words).
   */
  async function lookFor(ctx: PublishContext, inflight: NonNullable<FacebookProgress['inflight']>): Promise<{ id: string; url: string | null } | null | 'unsure'> {
    const after = inflight.at - 2 * 60_000;
    if (inflight.kind === 'finish' && inflight.videoId) {
      const status = await videoStatus(ctx, inflight.videoId);
      const publishing = (status['publishing_phase'] ?? {}) as { status?: string };
      return publishing.status && publishing.status !== 'not_started' ? { id: inflight.videoId, url: `https://www.facebook.com/reel/${inflight.videoId}` } : null;
    }
    if (inflight.kind === 'story') return 'unsure';
    if (inflight.kind === 'video') {
      if (!inflight.message && !inflight.title) return 'unsure';
      const answer = await call<{ data?: Array<Record<string, unknown>> }>(ctx, graphUrl(apiBase(ctx), `${pageId(ctx)}/videos`, { fields: 'id,title,description,created_time,permalink_url', limit: 25 }), { what: 'Looking for the video on the Page' });
      const match = (answer.body.data ?? []).find((v) => Date.parse(String(v['created_time'] ?? '')) >= after && field(v, 'description') === inflight.message && field(v, 'title') === inflight.title);
      return match ? { id: field(match, 'id'), url: absolute(field(match, 'permalink_url')) || null } : null;
    }
    if (!inflight.message.trim()) return 'unsure';
    const answer = await call<{ data?: Array<Record<string, unknown>> }>(ctx, graphUrl(apiBase(ctx), `${pageId(ctx)}/published_posts`, { fields: 'id,message,created_time,permalink_url', limit: 25 }), { what: 'Looking for the post on the Page' });
    const match = (answer.body.data ?? []).find((p) => Date.parse(String(p['created_time'] ?? '')) >= after && field(p, 'message') === inflight.message);
    return match ? { id: field(match, 'id'), url: absolute(field(match, 'permalink_url')) || null } : null;
  }

  /**
   * Sends one creating request: saved as in flight first; an answer that never came is settled
   * by looking on the Page (found: published; certainly absent: retried as transient).
   */
  async function sendOnce(ctx: PublishContext, progress: FacebookProgress, inflight: NonNullable<FacebookProgress['inflight']>, send: () => Promise<{ id: string; url: string | null }>): Promise<PublishResult> {
    progress.inflight = inflight;
    await save(ctx, progress);
    let made: { id: string; url: string | null };
    try {
      made = await send();
    } catch (error) {
      if (!(error instanceof PublishError) || !error.maybeSent) {
        // Facebook refused it: nothing was made.
        progress.inflight = null;
        await save(ctx, progress);
        throw error;
      }
      await sleep(LOOKUP_PAUSE_MS, ctx.signal).catch(() => undefined);
      const found = await lookFor(ctx, inflight).catch(() => 'unsure' as const);
      if (found === 'unsure') throw error;
      if (found === null) {
        progress.inflight = null;
        await save(ctx, progress);
        throw new PublishError('transient', `${error.message} (Facebook made nothing; sending again)`, { httpStatus: error.httpStatus });
      }
      made = found;
    }
    progress.result = made;
    progress.inflight = null;
    await save(ctx, progress);
    return { platformPostId: made.id, platformUrl: made.url };
  }

  // ---- Publishing ----------------------------------------------------------------------------

  async function publishPost(ctx: PublishContext, progress: FacebookProgress, settings: PlatformSettings<'facebook'>): Promise<PublishResult> {
    const media = ctx.parts[0]!.media;
    const page = pageId(ctx);
    if (media.length === 0) {
      const message = messageOf(ctx, settings, false);
      if (!message.trim() && !settings.link) throw new PublishError('permanent', 'parts.0.text: a Facebook post needs words, a link or media');
      return sendOnce(ctx, progress, { kind: 'feed', at: ctx.now(), message, title: '' }, async () => {
        const answer = await call(ctx, graphUrl(apiBase(ctx), `${page}/feed`), { form: { message: message || undefined, link: settings.link }, what: 'Posting to the Page', sending: true });
        const id = field(answer.body, 'id');
        if (!id) throw new PublishError('transient', 'Posting to the Page: Facebook answered without a post id', { maybeSent: true });
        return { id, url: await permalink(ctx, id, `https://www.facebook.com/${id}`) };
      });
    }
    const message = messageOf(ctx, settings, true);
    if (media[0]!.kind === 'video') {
      const video = media[0]!;
      const handle = await uploadVideoFile(ctx, progress, video);
      const title = settings.title ?? '';
      const cover = await coverBlob(ctx, video);
      return sendOnce(ctx, progress, { kind: 'video', at: ctx.now(), message, title }, async () => {
        const form = new FormData();
        form.append('fbuploader_video_file_chunk', handle);
        if (title) form.append('title', title);
        if (message) form.append('description', message);
        if (cover) form.append('thumb', cover.blob, cover.name);
        const answer = await call(ctx, graphUrl(videoBase(ctx), `${page}/videos`), { multipart: form, what: 'Publishing the video on the Page', sending: true });
        const id = field(answer.body, 'id');
        if (!id) throw new PublishError('transient', 'Publishing the video: Facebook answered without a video id', { maybeSent: true });
        return { id, url: await permalink(ctx, id, `https://www.facebook.com/${page}/videos/${id}`) };
      });
    }
    if (media.length === 1) {
      return sendOnce(ctx, progress, { kind: 'photo', at: ctx.now(), message, title: '' }, async () => {
        const photo = await uploadPhoto(ctx, media[0]!, { published: true, message: message || undefined, what: 'Posting the photo to the Page', sending: true });
        const id = photo.postId || photo.id;
        return { id, url: await permalink(ctx, id, `https://www.facebook.com/${id}`) };
      });
    }
    const photos = await unpublishedPhotos(ctx, progress, false);
    return sendOnce(ctx, progress, { kind: 'feed', at: ctx.now(), message, title: '' }, async () => {
      const answer = await call(ctx, graphUrl(apiBase(ctx), `${page}/feed`), {
        form: { message: message || undefined, attached_media: JSON.stringify(photos.map((id) => ({ media_fbid: id }))) },
        what: 'Posting the photos to the Page',
        sending: true,
      });
      const id = field(answer.body, 'id');
      if (!id) throw new PublishError('transient', 'Posting the photos: Facebook answered without a post id', { maybeSent: true });
      return { id, url: await permalink(ctx, id, `https://www.facebook.com/${id}`) };
    });
  }

  /** Waits (a little) for a finished reel to be published; a processing error fails it with Meta's reason. */
  async function settleReel(ctx: PublishContext, videoId: string): Promise<void> {
    const started = ctx.now();
    for (let round = 0; ctx.now() - started < REEL_WAIT_MS; round++) {
      const status = await videoStatus(ctx, videoId).catch(() => null);
      if (!status) return;
      const processing = (status['processing_phase'] ?? {}) as { status?: string; error?: { message?: string } };
      const publishing = (status['publishing_phase'] ?? {}) as { status?: string };
      if (processing.status === 'error' || status['video_status'] === 'error') {
        throw new PublishError('permanent', `Facebook could not process the video: ${(processing.error?.message ?? 'it gave no reason').replace(/[.\s]+$/, '')}. It was not published.`);
      }
      if (publishing.status === 'complete') return;
      await sleep(Math.min(2_000 * 2 ** round, 20_000), ctx.signal);
    }
  }

  async function publishReel(ctx: PublishContext, progress: FacebookProgress, settings: PlatformSettings<'facebook'>): Promise<PublishResult> {
    const video = ctx.parts[0]!.media[0]!;
    const videoId = await uploadReelFile(ctx, 'video_reels', video);
    await setCover(ctx, progress, videoId, video);
    const message = messageOf(ctx, settings, true);
    const result = await sendOnce(ctx, progress, { kind: 'finish', at: ctx.now(), message, title: settings.title ?? '', videoId }, async () => {
      // Finishing the same video twice cannot make two reels: it is the one video.
      await call(ctx, graphUrl(apiBase(ctx), `${pageId(ctx)}/video_reels`), {
        form: { upload_phase: 'finish', video_id: videoId, video_state: 'PUBLISHED', description: message || undefined, title: settings.title },
        what: 'Publishing the reel on the Page',
        sending: true,
      });
      return { id: videoId, url: `https://www.facebook.com/reel/${videoId}` };
    });
    try {
      await settleReel(ctx, videoId);
    } catch (error) {
      if (error instanceof PublishError && error.kind === 'permanent') {
        // Meta could not process it: nothing went out, so a retry uploads afresh.
        const progress = readProgress(ctx);
        progress.result = null;
        progress.coverSet = false;
        await save(ctx, progress);
        await forgetUpload(ctx.progress, 'reel');
      }
      throw error;
    }
    return result;
  }

  async function publishStory(ctx: PublishContext, progress: FacebookProgress): Promise<PublishResult> {
    const media = ctx.parts[0]!.media[0]!;
    const page = pageId(ctx);
    if (media.kind === 'image') {
      const [photoId] = await unpublishedPhotos(ctx, progress, false);
      return sendOnce(ctx, progress, { kind: 'story', at: ctx.now(), message: '', title: '' }, async () => {
        const answer = await call(ctx, graphUrl(apiBase(ctx), `${page}/photo_stories`), { form: { photo_id: photoId }, what: 'Posting the story to the Page', sending: true });
        const id = field(answer.body, 'post_id') || photoId!;
        return { id, url: await permalink(ctx, id, `https://www.facebook.com/${id}`) };
      });
    }
    const videoId = await uploadReelFile(ctx, 'video_stories', media);
    return sendOnce(ctx, progress, { kind: 'finish', at: ctx.now(), message: '', title: '', videoId }, async () => {
      const answer = await call(ctx, graphUrl(apiBase(ctx), `${page}/video_stories`), { form: { upload_phase: 'finish', video_id: videoId }, what: 'Posting the story to the Page', sending: true });
      const id = field(answer.body, 'post_id') || videoId;
      return { id, url: await permalink(ctx, id, `https://www.facebook.com/${id}`) };
    });
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const kind = kindOf(ctx);
    const settings = settingsOf(ctx);
    let progress = readProgress(ctx);
    if (progress.result) return { platformPostId: progress.result.id, platformUrl: progress.result.url };
    if (progress.remote) {
      // The Page held it: never a second copy beside the Page's own.
      const state = await remote.status(ctx, progress.remote.id);
      if (state.state === 'published') return state.result;
      if (state.state === 'scheduled') await remote.cancel(ctx, progress.remote.id);
      else await clearRemote(ctx);
      progress = readProgress(ctx);
    }
    const part = ctx.parts[0];
    if (!part) throw new PublishError('permanent', 'The post has no parts to send');
    checkMedia(kind, part.media);
    if (progress.inflight) {
      // An earlier request may have made it (the reconcile said it did not, or could not run).
      const found = await lookFor(ctx, progress.inflight);
      if (found === 'unsure') throw new PublishError('permanent', 'Facebook may have published this post already (Outbox lost its answer and cannot tell from the Page); check the Page before publishing it again');
      if (found) {
        progress.result = found;
        progress.inflight = null;
        await save(ctx, progress);
        return { platformPostId: found.id, platformUrl: found.url };
      }
      progress.inflight = null;
      await save(ctx, progress);
    }
    if (kind === 'reel') return publishReel(ctx, progress, settings);
    if (kind === 'story') return publishStory(ctx, progress);
    return publishPost(ctx, progress, settings);
  }

  // ---- The Page's scheduler -----------------------------------------------------------------

  async function clearRemote(ctx: PublishContext) {
    const progress = readProgress(ctx);
    // The photos and videos of a cancelled schedule are not reused: a later send uploads afresh.
    await ctx.progress.save({ appId: progress.appId } as Record<string, unknown>);
  }

  function remoteKindOf(ctx: PublishContext): RemoteKind {
    const kind = kindOf(ctx);
    if (kind === 'story') throw new PublishError('permanent', 'Facebook cannot schedule stories, so Outbox sends this one at its time');
    if (kind === 'reel') return 'reel';
    return ctx.parts[0]?.media[0]?.kind === 'video' ? 'video' : 'post';
  }

  function checkLead(ctx: PublishContext, at: number) {
    const lead = at - ctx.now();
    if (lead < SCHEDULE_MIN_LEAD_MS) throw new PublishError('permanent', 'Facebook only holds posts scheduled at least 10 minutes ahead; Outbox sends this one');
    if (lead > SCHEDULE_MAX_LEAD_MS) throw new PublishError('permanent', 'Facebook only holds posts scheduled at most 30 days ahead; Outbox hands it over later');
  }

  async function scheduleNew(ctx: PublishContext, progress: FacebookProgress, at: number, kind: RemoteKind, settings: PlatformSettings<'facebook'>): Promise<string> {
    const page = pageId(ctx);
    const media = ctx.parts[0]!.media;
    const when = String(unixSeconds(at));
    if (kind === 'reel') {
      const video = media[0]!;
      const videoId = await uploadReelFile(ctx, 'video_reels', video);
      await setCover(ctx, progress, videoId, video);
      await call(ctx, graphUrl(apiBase(ctx), `${page}/video_reels`), {
        form: { upload_phase: 'finish', video_id: videoId, video_state: 'SCHEDULED', scheduled_publish_time: when, description: messageOf(ctx, settings, true) || undefined, title: settings.title },
        what: 'Handing the reel to the Page',
        sending: true,
      });
      return videoId;
    }
    if (kind === 'video') {
      const video = media[0]!;
      const handle = await uploadVideoFile(ctx, progress, video);
      const cover = await coverBlob(ctx, video);
      const form = new FormData();
      form.append('fbuploader_video_file_chunk', handle);
      form.append('published', 'false');
      form.append('scheduled_publish_time', when);
      if (settings.title) form.append('title', settings.title);
      const message = messageOf(ctx, settings, true);
      if (message) form.append('description', message);
      if (cover) form.append('thumb', cover.blob, cover.name);
      const answer = await call(ctx, graphUrl(videoBase(ctx), `${page}/videos`), { multipart: form, what: 'Handing the video to the Page', sending: true });
      return field(answer.body, 'id');
    }
    // Photos of a scheduled post are uploaded as temporary unpublished photos, then attached.
    const photos = media.length > 0 ? await unpublishedPhotos(ctx, progress, true) : [];
    const message = messageOf(ctx, settings, media.length > 0);
    const answer = await call(ctx, graphUrl(apiBase(ctx), `${page}/feed`), {
      form: {
        message: message || undefined,
        link: media.length === 0 ? settings.link : undefined,
        attached_media: photos.length ? JSON.stringify(photos.map((id) => ({ media_fbid: id }))) : undefined,
        published: 'false',
        scheduled_publish_time: when,
      },
      what: 'Handing the post to the Page',
      sending: true,
    });
    return field(answer.body, 'id');
  }

  const isGone = (error: unknown) => {
    if (!(error instanceof PublishError) || error.kind !== 'permanent') return false;
    // "Unsupported get/delete request. Object with ID '…' does not exist" (100/33).
    return /\(code 100\/33\)|does not exist/.test(error.message);
  };

  const remote: RemoteScheduler = {
    async schedule(ctx, at) {
      const kind = remoteKindOf(ctx);
      checkLead(ctx, at);
      const settings = settingsOf(ctx);
      checkMedia(kindOf(ctx), ctx.parts[0]?.media ?? []);
      const progress = readProgress(ctx);
      if (progress.remote) {
        // Already handed over (a retry): move it instead of scheduling a second one.
        if (progress.remote.at !== at) await remote.reschedule(ctx, progress.remote.id, at);
        return { remoteId: progress.remote.id };
      }
      const id = await scheduleNew(ctx, progress, at, kind, settings);
      if (!id) throw new PublishError('permanent', 'Facebook did not schedule the post (its answer had no id)');
      progress.remote = { id, at, kind };
      await save(ctx, progress);
      return { remoteId: id };
    },

    async reschedule(ctx, remoteId, at) {
      checkLead(ctx, at);
      await call(ctx, graphUrl(apiBase(ctx), remoteId), { form: { scheduled_publish_time: String(unixSeconds(at)) }, what: 'Moving the scheduled post on the Page' });
      const progress = readProgress(ctx);
      progress.remote = { id: remoteId, at, kind: progress.remote?.kind ?? 'post' };
      await save(ctx, progress);
    },

    async cancel(ctx, remoteId) {
      try {
        await call(ctx, graphUrl(apiBase(ctx), remoteId), { method: 'DELETE', what: 'Cancelling the scheduled post on the Page' });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
      await clearRemote(ctx);
    },

    async status(ctx, remoteId): Promise<RemoteStatus> {
      const progress = readProgress(ctx);
      const kind = progress.remote?.id === remoteId ? progress.remote.kind : 'post';
      const fields = kind === 'post' ? 'id,is_published,scheduled_publish_time,permalink_url' : 'id,published,scheduled_publish_time,permalink_url';
      let node: Record<string, unknown>;
      try {
        node = (await call(ctx, graphUrl(apiBase(ctx), remoteId, { fields }), { what: 'Asking the Page about the scheduled post' })).body;
      } catch (error) {
        if (isGone(error)) return { state: 'missing' };
        throw error;
      }
      const published = kind === 'post' ? node['is_published'] === true : node['published'] === true;
      if (published) {
        const fallback = kind === 'reel' ? `https://www.facebook.com/reel/${remoteId}` : `https://www.facebook.com/${remoteId}`;
        const result = { platformPostId: remoteId, platformUrl: absolute(field(node, 'permalink_url')) || fallback };
        progress.result = { id: result.platformPostId, url: result.platformUrl };
        await save(ctx, progress);
        return { state: 'published', result };
      }
      const time = node['scheduled_publish_time'];
      const at = typeof time === 'number' ? time * 1000 : Date.parse(String(time ?? ''));
      return { state: 'scheduled', at: Number.isFinite(at) ? at : (progress.remote?.at ?? ctx.now()) };
    },

    async find(ctx, at): Promise<RemoteFound> {
      const kind = remoteKindOf(ctx);
      const settings = settingsOf(ctx);
      const media = ctx.parts[0]?.media ?? [];
      const message = messageOf(ctx, settings, media.length > 0);
      const when = unixSeconds(at);
      const timeOf = (v: unknown) => (typeof v === 'number' ? v : Math.floor(Date.parse(String(v ?? '')) / 1000));
      const edge = kind === 'post' ? 'scheduled_posts' : kind === 'reel' ? 'video_reels' : 'videos';
      const fields = kind === 'post' ? 'id,message,scheduled_publish_time,is_published,permalink_url' : 'id,description,scheduled_publish_time,published,permalink_url';
      const listed = await call<{ data?: Array<Record<string, unknown>> }>(ctx, graphUrl(apiBase(ctx), `${pageId(ctx)}/${edge}`, { fields, limit: 50 }), { what: 'Looking for the scheduled post on the Page' });
      const text = (node: Record<string, unknown>) => field(node, kind === 'post' ? 'message' : 'description');
      const match = (listed.body.data ?? []).find((n) => timeOf(n['scheduled_publish_time']) === when && text(n) === message);
      const progress = readProgress(ctx);
      if (match) {
        const published = kind === 'post' ? match['is_published'] === true : match['published'] === true;
        if (published) return { state: 'published', result: { platformPostId: field(match, 'id'), platformUrl: absolute(field(match, 'permalink_url')) || null } };
        progress.remote = { id: field(match, 'id'), at, kind };
        await save(ctx, progress);
        return { state: 'scheduled', remoteId: field(match, 'id') };
      }
      if (kind === 'post') {
        // Not scheduled (any more): its time may have come and the Page published it.
        const found = await lookFor(ctx, { kind: 'feed', at: Math.min(at, ctx.now()), message, title: '' }).catch(() => 'unsure' as const);
        if (found === 'unsure') throw new PublishError('transient', 'Facebook lists no scheduled post like this one, and cannot tell whether it published it');
        if (found) return { state: 'published', result: { platformPostId: found.id, platformUrl: found.url } };
      }
      return { state: 'missing' };
    },
  };

  return {
    platform: 'facebook',
    remote,
    // Facebook has no idempotency key: a repeated post is a second post.
    idempotent: false,
    publish,

    async reconcile(ctx) {
      const progress = readProgress(ctx);
      if (progress.result) return { platformPostId: progress.result.id, platformUrl: progress.result.url };
      if (!progress.inflight) return null;
      const found = await lookFor(ctx, progress.inflight);
      if (found === 'unsure') throw new PublishError('permanent', 'Facebook cannot tell whether the post was made');
      if (!found) {
        progress.inflight = null;
        await save(ctx, progress);
        return null;
      }
      progress.result = found;
      progress.inflight = null;
      await save(ctx, progress);
      return { platformPostId: found.id, platformUrl: found.url };
    },
  };
}

/** The Facebook adapter with real timers. */
export const facebookAdapter: FacebookPublishing = createFacebookAdapter();