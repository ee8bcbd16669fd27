// Publishing pins through Pinterest API v5 (https://developers.pinterest.com/docs/api/v5/pins-create):
//
// - one image: `image_base64` (no public link needed), fitted to JPEG or PNG;
// - 2-5 images: a carousel, `multiple_image_base64`;
// - a video: POST /v5/media, the file POSTed to the returned upload_url with every
//   upload_parameters field (the upload toolkit, one segment streamed from disk), GET
//   /v5/media/{id} until `succeeded`, then the pin with `video_id` and a cover (the creator's
//   cover image, else the cover frame's second).
//
// Exactly once: creating a pin is not idempotent. Before the POST, the entry saves that it is
// about to create one (with the time); when the answer is lost, or after a crash, the board's
// latest pins since then are listed and ours is recognised by its title, description, link and
// media type. A pin POST whose fate cannot be read that way is never repeated blindly.
import { contentTypeSpec } from '../../../shared/platforms/catalog';
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { fitImage } from '../media/fit';
import { progressSlot } from '../media/progress-slot';
import { forgetUpload, sendChunk, uploadSegments, UploadSessionGone, type RetryOptions } from '../media/upload';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../types';
import { classifyPinterest, pinterestCall, pinterestToken } from './api';
import { abortableSleep as realSleep, type Sleep } from '../sleep';
import { entrySettings } from '../entry-settings';

const VIDEO_KEY = 'video';
const STATE_KEY = 'pinterest';
/** How long one attempt waits for Pinterest to process a video before leaving it to the next. */
const PROCESSING_LIMIT_MS = 20 * 60_000;
/** A pin created this long before the saved moment still counts as ours (clocks differ). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** What POST /v5/media answered, saved before the upload. */
interface MediaSession {
  mediaId: string;
  uploadUrl: string;
  uploadParameters: Record<string, string>;
}

/** The pin about to be created: what identifies it on the board. */
interface PinIntent {
  at: number;
  boardId: string;
  title: string | null;
  description: string | null;
  link: string | null;
  mediaType: 'image' | 'multiple_images' | 'video';
}

interface PinterestState {
  /** The video Pinterest processed (its media id), once it succeeded. */
  videoReady?: string | null;
  /** A pin POST that left (answer not yet recorded). */
  inflight?: PinIntent | null;
  pin?: { id: string; url: string } | null;
}

interface PinAnswer {
  id?: string;
  created_at?: string;
  title?: string | null;
  description?: string | null;
  link?: string | null;
  media?: { media_type?: string };
}



/** Options of the Pinterest adapter (tests shorten the waits). */
export interface PinterestAdapterOptions {
  sleep?: Sleep;
  pollDelaysMs?: number[];
  processingLimitMs?: number;
  retry?: RetryOptions;
}

function settingsOf(ctx: PublishContext): PlatformSettings<'pinterest'> {
  return entrySettings(ctx, 'pinterest');
}

const pinUrl = (id: string) => `https://www.pinterest.com/pin/${id}/`;
const orNull = (s: string | undefined | null) => (s && s.trim() !== '' ? s : null);

/** Creates the Pinterest adapter. */
export function createPinterestAdapter(options: PinterestAdapterOptions = {}): PlatformAdapter {
  const sleep = options.sleep ?? realSleep;
  const delays = options.pollDelaysMs ?? [2_000, 3_000, 5_000, 10_000];
  const processingLimit = options.processingLimitMs ?? PROCESSING_LIMIT_MS;
  const slot = (ctx: PublishContext) => progressSlot<PinterestState>(ctx.progress, STATE_KEY);
  const rules = () => contentTypeSpec('pinterest', 'pinterest_pin')!.media;

  /** An image as Pinterest's base64 media source wants it (JPEG or PNG, in the limits). */
  async function base64Of(media: { path: string; aspect: 'crop' | 'pad' }, label: string): Promise<{ content_type: 'image/jpeg' | 'image/png'; data: string }> {
    try {
      const fitted = await fitImage(media.path, rules(), { aspect: media.aspect });
      return { content_type: fitted.mime === 'image/png' ? 'image/png' : 'image/jpeg', data: Buffer.from(fitted.bytes).toString('base64') };
    } catch (error) {
      throw new PublishError('permanent', `${label} cannot be sent to Pinterest: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Looks among the board's latest pins for the one `intent` describes. */
  async function findPin(ctx: PublishContext, intent: PinIntent): Promise<{ id: string; url: string } | null> {
    const answer = await pinterestCall<{ items?: PinAnswer[] }>(ctx.endpoints, `/boards/${encodeURIComponent(intent.boardId)}/pins?page_size=50`, {
      token: pinterestToken(ctx.credentials),
      signal: ctx.signal,
      now: ctx.now(),
      what: 'Looking for the pin on the board',
    });
    for (const pin of answer.items ?? []) {
      const created = Date.parse(pin.created_at ?? '');
      if (!Number.isNaN(created) && created < intent.at - CLOCK_SKEW_MS) continue;
      if (orNull(pin.title) !== intent.title || orNull(pin.description) !== intent.description || orNull(pin.link) !== intent.link) continue;
      if (pin.media?.media_type && pin.media.media_type !== intent.mediaType) continue;
      if (typeof pin.id === 'string') return { id: pin.id, url: pinUrl(pin.id) };
    }
    return null;
  }

  /** Uploads the video (resumed from progress) and waits until Pinterest processed it; resolves with its media id. */
  async function prepareVideo(ctx: PublishContext, video: PublishMedia): Promise<string> {
    const token = pinterestToken(ctx.credentials);
    const state = slot(ctx).get() ?? {};
    if (state.videoReady) return state.videoReady;
    const { session } = await uploadSegments<MediaSession, null>({
      path: video.path,
      key: VIDEO_KEY,
      progress: ctx.progress,
      signal: ctx.signal,
      label: 'the video',
      ...(options.retry ? { retry: options.retry } : {}),
      onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
      // One POST of the whole file: an S3 POST policy takes no ranges.
      segments: (_s, total) => [{ start: 0, end: total }],
      async start() {
        const answer = await pinterestCall<{ media_id?: string; upload_url?: string; upload_parameters?: Record<string, string> }>(ctx.endpoints, '/media', {
          token,
          body: { media_type: 'video' },
          signal: ctx.signal,
          now: ctx.now(),
          what: 'Registering the video with Pinterest',
        });
        if (!answer.media_id || !answer.upload_url) throw new PublishError('transient', 'Registering the video with Pinterest: no media id or upload address in the answer');
        return { mediaId: answer.media_id, uploadUrl: answer.upload_url, uploadParameters: answer.upload_parameters ?? {} };
      },
      async send(s, chunk) {
        let response: Response;
        try {
          response = await sendChunk(s.uploadUrl, { chunk, form: { fields: s.uploadParameters, fileField: 'file', filename: video.path.split(/[\\/]/).pop() ?? 'video.mp4', contentType: video.mime } });
        } catch (error) {
          if (chunk.signal.aborted) throw error;
          throw new PublishError('transient', 'The connection to Pinterest was lost while uploading the video', { cause: error });
        }
        await response.text().catch(() => '');
        if (response.status >= 200 && response.status < 300) return null;
        // The upload policy expired (or was refused): register the video again.
        if (response.status === 403) throw new UploadSessionGone('The Pinterest upload permission expired');
        throw classifyPinterest(response.status, {}, 'Uploading the video to Pinterest', ctx.now(), response.headers.get('retry-after'));
      },
    });
    let waited = 0;
    for (let round = 0; ; round++) {
      const media = await pinterestCall<{ status?: string }>(ctx.endpoints, `/media/${encodeURIComponent(session.mediaId)}`, { token, signal: ctx.signal, now: ctx.now(), what: 'Asking Pinterest about the video' });
      if (media.status === 'succeeded') break;
      if (media.status === 'failed') {
        await forgetUpload(ctx.progress, VIDEO_KEY);
        throw new PublishError('permanent', 'Pinterest could not process the video (check its format: MP4 or MOV, H.264 or HEVC, 4 seconds to 15 minutes)');
      }
      ctx.reportProgress?.(1, 1);
      if (waited >= processingLimit) throw new PublishError('transient', 'Pinterest is still processing the video; Outbox checks on it again shortly');
      const wait = delays[Math.min(round, delays.length - 1)]!;
      waited += wait;
      await sleep(wait, ctx.signal);
    }
    await slot(ctx).save({ ...(slot(ctx).get() ?? {}), videoReady: session.mediaId });
    return session.mediaId;
  }

  async function mediaSource(ctx: PublishContext, media: PublishMedia[]): Promise<{ source: Record<string, unknown>; type: PinIntent['mediaType'] }> {
    const images = media.filter((m) => m.kind === 'image');
    const videos = media.filter((m) => m.kind === 'video');
    if (videos.length === 1 && images.length === 0) {
      const video = videos[0]!;
      const mediaId = await prepareVideo(ctx, video);
      const source: Record<string, unknown> = { source_type: 'video_id', media_id: mediaId };
      if (video.cover?.image) {
        const cover = await base64Of({ path: video.cover.image.path, aspect: 'crop' }, 'The cover image');
        source['cover_image_content_type'] = cover.content_type;
        source['cover_image_data'] = cover.data;
      } else {
        // Pinterest needs a cover: the frame the creator chose, else the first.
        source['cover_image_key_frame_time'] = Math.max(0, Math.floor((video.cover?.atMs ?? 0) / 1000));
      }
      return { source, type: 'video' };
    }
    if (videos.length > 0) throw new PublishError('permanent', 'A pin takes one video, or 1 to 5 images, not both');
    if (images.length === 1) return { source: { source_type: 'image_base64', ...(await base64Of(images[0]!, 'The image')) }, type: 'image' };
    if (images.length >= 2 && images.length <= 5) {
      const items = [];
      for (const [i, image] of images.entries()) items.push(await base64Of(image, `Image ${i + 1}`));
      return { source: { source_type: 'multiple_image_base64', items }, type: 'multiple_images' };
    }
    throw new PublishError('permanent', images.length === 0 ? 'A pin needs an image or a video' : `A carousel pin takes 2 to 5 images (this one has ${images.length})`);
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    let state = slot(ctx).get() ?? {};
    if (state.pin) return { platformPostId: state.pin.id, platformUrl: state.pin.url };
    if (state.inflight) {
      // A pin POST left before and its answer was not recorded: it is on the board, or it never was.
      const found = await findPin(ctx, state.inflight);
      if (found) {
        await slot(ctx).save({ ...state, inflight: null, pin: found });
        return { platformPostId: found.id, platformUrl: found.url };
      }
      state = { ...state, inflight: null };
      await slot(ctx).save(state);
    }
    const media = ctx.parts[0]?.media ?? [];
    const { source, type } = await mediaSource(ctx, media);
    const text = ctx.parts[0]?.text ?? '';
    const intent: PinIntent = { at: ctx.now(), boardId: settings.boardId, title: orNull(settings.title), description: orNull(text), link: orNull(settings.link), mediaType: type };
    const body: Record<string, unknown> = { board_id: settings.boardId, media_source: source };
    if (intent.title) body['title'] = intent.title;
    if (intent.description) body['description'] = intent.description;
    if (intent.link) body['link'] = intent.link;
    const alt = media.find((m) => m.altText.trim() !== '')?.altText;
    if (alt) body['alt_text'] = alt;
    if (orNull(settings.note)) body['note'] = settings.note;

    await slot(ctx).save({ ...(slot(ctx).get() ?? {}), inflight: intent });
    let pin: PinAnswer;
    try {
      pin = await pinterestCall<PinAnswer>(ctx.endpoints, '/pins', { token: pinterestToken(ctx.credentials), body, signal: ctx.signal, now: ctx.now(), what: 'Creating the pin', sending: true });
    } catch (error) {
      if (error instanceof PublishError && error.maybeSent) {
        // The answer was lost: the board says whether the pin exists. Listing it cannot post.
        const found = await findPin(ctx, intent).catch(() => undefined);
        if (found) {
          await slot(ctx).save({ ...(slot(ctx).get() ?? {}), inflight: null, pin: found });
          return { platformPostId: found.id, platformUrl: found.url };
        }
        throw error;
      }
      // Refused (4xx, a rate limit, an expired token): no pin was made. A 5xx may have come after
      // the pin was made, so the intent stays and the next attempt looks on the board first.
      if (error instanceof PublishError && error.kind !== 'transient') await slot(ctx).save({ ...(slot(ctx).get() ?? {}), inflight: null });
      throw error;
    }
    if (!pin.id) throw new PublishError('transient', 'Creating the pin: Pinterest answered without a pin id', { maybeSent: true });
    const made = { id: pin.id, url: pinUrl(pin.id) };
    await slot(ctx).save({ ...(slot(ctx).get() ?? {}), inflight: null, pin: made });
    return { platformPostId: made.id, platformUrl: made.url };
  }

  return {
    platform: 'pinterest',
    // Creating a pin twice makes two pins: a maybe-sent POST is reconciled from the board instead.
    idempotent: false,
    publish,
    async reconcile(ctx) {
      const state = slot(ctx).get();
      if (state?.pin) return { platformPostId: state.pin.id, platformUrl: state.pin.url };
      if (!state?.inflight) return null;
      // Throws when the board cannot be read: the engine then asks the creator to check.
      const found = await findPin(ctx, state.inflight);
      if (!found) return null;
      await slot(ctx).save({ ...state, inflight: null, pin: found });
      return { platformPostId: found.id, platformUrl: found.url };
    },
  };
}

/** The Pinterest adapter with real timers. */
export const pinterestAdapter: PlatformAdapter = createPinterestAdapter();

export type { Sleep } from '../sleep';
