// Media for X posts through the v2 chunked upload (https://docs.x.com/x-api/media/quickstart/media-upload-chunked):
// POST /2/media/upload/initialize -> POST /2/media/upload/{id}/append (multipart `segment_index`
// 0-999 + `media`, at most 5 MB each) -> POST /2/media/upload/{id}/finalize -> for video and GIFs
// GET /2/media/upload?command=STATUS until `succeeded`; then alt text through POST /2/media/metadata.
// The segments stream from disk through the upload toolkit, which saves the session in the entry's
// progress, retries dropped or failed segments and resumes after a crash.
import { contentTypeSpec } from '../../../shared/platforms/catalog';
import { fitImage, fittedToTempFile } from '../media/fit';
import { forgetUpload, sendChunk, splitFile, uploadSegments } from '../media/upload';
import { progressSlot } from '../media/progress-slot';
import { PublishError, type PublishContext, type PublishMedia } from '../types';
import { classifyX, xBase, xCall, xToken } from './api';
import { type Sleep } from '../sleep';

/** Bytes per APPEND: under X's 5 MB cap, so a segment re-sent after a drop costs little. */
export const X_SEGMENT_BYTES = 4 * 1024 * 1024;
/** X keeps uploaded media for 24 hours; older ids are uploaded again rather than trusted. */
const MEDIA_REUSE_MS = 20 * 60 * 60_000;
/** Longest wait for X to process one video in one attempt (a later attempt polls again). */
const PROCESSING_LIMIT_MS = 10 * 60_000;

/** One uploaded media item, as the entry's progress keeps it. */
export interface XMediaState {
  id: string;
  /** `7_<id>` for videos, `3_<id>` for images, `16_<id>` for GIFs: how posts list their attachments. */
  mediaKey: string;
  /** When it was finalized (X forgets media after 24 hours). */
  at: number;
  /** Processing finished (`succeeded`) and alt text set. */
  ready: boolean;
}


/** Options of the media uploads. */
export interface XMediaOptions {
  sleep: Sleep;
  processingLimitMs?: number;
  /** Waits between retried segments (tests make them instant). */
  retry?: { sleep?: Sleep; baseDelayMs?: number };
}

interface Prepared {
  path: string;
  mime: string;
  category: 'tweet_image' | 'tweet_gif' | 'tweet_video';
  cleanup: () => Promise<void>;
}

/** The file to upload: the original video, or the image fitted to X's rules in a temp file. */
async function prepare(media: PublishMedia, label: string): Promise<Prepared> {
  if (media.kind === 'document') throw new PublishError('permanent', `${label} is a document (PDF): X takes images and videos only`);
  if (media.kind === 'video') {
    const mime = media.mime === 'video/quicktime' ? 'video/quicktime' : 'video/mp4';
    return { path: media.path, mime, category: 'tweet_video', cleanup: async () => {} };
  }
  const rules = contentTypeSpec('x', 'x_post')!.media;
  let fitted;
  try {
    fitted = await fitImage(media.path, rules, { aspect: media.aspect });
  } catch (error) {
    throw new PublishError('permanent', `${label} cannot be sent to X: ${(error as Error).message}`, { cause: error });
  }
  const file = await fittedToTempFile(fitted);
  return { path: file.path, mime: fitted.mime, category: fitted.animated ? 'tweet_gif' : 'tweet_image', cleanup: file.remove };
}

/** The media key prefix of each category (X's media_key is `<type>_<id>`). */
const KEY_PREFIX = { tweet_image: '3', tweet_gif: '16', tweet_video: '7' } as const;

/**
 * Uploads one media item (or finds it already uploaded in the progress) and returns its state once
 * X has processed it. `slot` is where its state lives in the entry's progress.
 */
export async function uploadXMedia(ctx: PublishContext, media: PublishMedia, slotKey: string, label: string, options: XMediaOptions): Promise<XMediaState> {
  const slot = progressSlot<XMediaState>(ctx.progress, slotKey);
  const uploadKey = `${slotKey}-upload`;
  let state = slot.get();
  if (state && ctx.now() - state.at > MEDIA_REUSE_MS) {
    // Past X's 24 hours: the id no longer attaches. Upload it again.
    state = null;
    await slot.save(null);
    await forgetUpload(ctx.progress, uploadKey);
  }
  if (state?.ready) return state;

  if (!state) {
    const file = await prepare(media, label);
    try {
      const { session } = await uploadSegments<{ id: string; mediaKey: string | null }, null>({
        path: file.path,
        key: uploadKey,
        progress: ctx.progress,
        signal: ctx.signal,
        label,
        retry: options.retry,
        segments: (_session, total) => splitFile(total, X_SEGMENT_BYTES, { maxSegments: 1000 }),
        onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
        start: async (total) => {
          const answer = await xCall<{ data?: { id?: string; media_key?: string } }>(ctx, '/2/media/upload/initialize', {
            json: { media_type: file.mime, total_bytes: total, media_category: file.category },
            what: `Uploading ${label} to X`,
          });
          const id = answer.body.data?.id;
          if (!id) throw new PublishError('transient', `Uploading ${label} to X: X did not give the upload an id`);
          return { id, mediaKey: answer.body.data?.media_key ?? null };
        },
        send: async (session, chunk) => {
          let response: Response;
          try {
            response = await sendChunk(`${xBase(ctx)}/2/media/upload/${encodeURIComponent(session.id)}/append`, {
              chunk,
              headers: { Authorization: `Bearer ${xToken(ctx)}` },
              form: { fields: { segment_index: String(chunk.index) }, fileField: 'media', filename: 'blob', contentType: 'application/octet-stream' },
            });
          } catch (error) {
            if (chunk.signal.aborted) throw error;
            // A lost APPEND is safe to repeat: the same segment_index replaces the segment.
            throw new PublishError('transient', `Uploading ${label} to X: the connection was lost`, { cause: error });
          }
          const text = await response.text().catch(() => '');
          if (response.ok) return null;
          let body: unknown = {};
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            body = { detail: text.slice(0, 200) };
          }
          throw classifyX({ status: response.status, body, headers: response.headers }, { now: ctx.now(), what: `Uploading ${label} to X` });
        },
      });
      const finalized = await xCall<{ data?: { id?: string; media_key?: string; processing_info?: { state?: string } } }>(ctx, `/2/media/upload/${encodeURIComponent(session.id)}/finalize`, {
        method: 'POST',
        what: `Finishing the upload of ${label} to X`,
      }).catch(async (error: unknown) => {
        // X no longer knows the upload (it expired, or its segments did not add up): start afresh next time.
        if (error instanceof PublishError && error.kind === 'permanent' && error.httpStatus === 400) await forgetUpload(ctx.progress, uploadKey);
        throw error;
      });
      const id = finalized.body.data?.id ?? session.id;
      state = { id, mediaKey: finalized.body.data?.media_key ?? session.mediaKey ?? `${KEY_PREFIX[file.category]}_${id}`, at: ctx.now(), ready: false };
      await slot.save(state);
      await forgetUpload(ctx.progress, uploadKey);
    } finally {
      await file.cleanup();
    }
  }

  await waitProcessed(ctx, state, label, options, () => slot.save(null));
  if (media.altText.trim() && media.kind !== 'video') {
    // X takes alt text for images and GIFs (at most 1,000 characters, the catalog checks it).
    await xCall(ctx, '/2/media/metadata', { json: { id: state.id, metadata: { alt_text: { text: media.altText.trim() } } }, what: `Adding the alt text of ${label}` });
  }
  state = { ...state, ready: true };
  await slot.save(state);
  return state;
}

/** Polls the upload's status while X processes it (videos and GIFs); images come back `succeeded` or without processing info. */
async function waitProcessed(ctx: PublishContext, state: XMediaState, label: string, options: XMediaOptions, forget: () => Promise<void>): Promise<void> {
  const limit = options.processingLimitMs ?? PROCESSING_LIMIT_MS;
  let waited = 0;
  for (;;) {
    const answer = await xCall<{ data?: { processing_info?: { state?: string; check_after_secs?: number; error?: { message?: string } } } }>(ctx, '/2/media/upload', {
      query: { command: 'STATUS', media_id: state.id },
      what: `Checking ${label} on X`,
    });
    const info = answer.body.data?.processing_info;
    if (!info || info.state === 'succeeded') return;
    if (info.state === 'failed') {
      // A retry the creator asks for uploads the file again instead of asking about this id.
      await forget();
      throw new PublishError('permanent', `X could not process ${label}${info.error?.message ? `: ${info.error.message}` : ''}. Check that it is an MP4 or MOV (H.264, AAC) within X's limits.`);
    }
    const delay = Math.min(60_000, Math.max(1, info.check_after_secs ?? 5) * 1000);
    waited += delay;
    if (waited > limit) throw new PublishError('transient', `X is still processing ${label}; Outbox will check again`);
    try {
      await options.sleep(delay, ctx.signal);
    } catch (error) {
      throw new PublishError('transient', `Waiting for X to process ${label} was stopped`, { cause: error });
    }
  }
}

export type { Sleep } from '../sleep';
