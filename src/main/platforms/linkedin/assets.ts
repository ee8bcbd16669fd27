// Media for LinkedIn posts (profile and Page), from the official API pages:
// - Images API (learn.microsoft.com/linkedin/marketing/community-management/shares/images-api):
//   POST /rest/images?action=initializeUpload -> PUT the bytes to `uploadUrl` -> GET /rest/images/{urn}
//   until AVAILABLE. JPG, PNG, GIF under 36,152,320 pixels (fitted first).
// - Videos API (.../videos-api): initializeUpload with `fileSizeBytes` -> one PUT per
//   `uploadInstructions` part (each answers an ETag) -> finalizeUpload with the ETags in order ->
//   GET /rest/videos/{urn} until AVAILABLE (PROCESSING_FAILED: refused).
// - Documents API (.../documents-api): initializeUpload -> PUT the PDF -> GET /rest/documents/{urn}
//   until AVAILABLE. At most 100 MB and 300 pages.
// Every upload streams from disk through the upload toolkit, which keeps the session in the
// entry's progress, retries dropped parts and resumes after a crash.
import { contentTypeSpec } from '../../../shared/platforms/catalog';
import { fitImage } from '../media/fit';
import { progressSlot } from '../media/progress-slot';
import { forgetUpload, sendChunk, uploadSegments, UploadSessionGone, type UploadChunk } from '../media/upload';
import { PublishError, type PublishContext, type PublishMedia } from '../types';
import { classifyLinkedIn, linkedinCall, linkedinToken } from './rest';
import { type Sleep } from '../sleep';


/** Options of the uploads. */
export interface LinkedInAssetOptions {
  sleep: Sleep;
  /** Longest wait for LinkedIn to process one asset in one attempt (a later attempt asks again). */
  processingLimitMs?: number;
  retry?: { sleep?: Sleep; baseDelayMs?: number };
}

/** An asset as the entry's progress keeps it. */
interface AssetState {
  urn: string;
  /** Images: where the bytes go, and until when. */
  uploadUrl?: string;
  expiresAt?: number;
  uploaded?: boolean;
  finalized?: boolean;
  ready?: boolean;
}

/** What a video or document upload session keeps. */
interface Session {
  urn: string;
  parts: Array<{ url: string; start: number; end: number }>;
  uploadToken: string;
  expiresAt: number | null;
}

type Kind = 'images' | 'videos' | 'documents';

const PROCESSING_LIMIT_MS = 10 * 60_000;

async function putChunk(ctx: PublishContext, url: string, chunk: UploadChunk, what: string, auth: boolean): Promise<Response> {
  try {
    return await sendChunk(url, { chunk, method: 'PUT', headers: { 'Content-Type': 'application/octet-stream', ...(auth ? { Authorization: `Bearer ${linkedinToken(ctx)}` } : {}) } });
  } catch (error) {
    if (chunk.signal.aborted) throw error;
    // A PUT of the same bytes to the same URL is safe to repeat.
    throw new PublishError('transient', `${what}: the connection to LinkedIn was lost`, { cause: error });
  }
}

async function failedPut(ctx: PublishContext, response: Response, what: string): Promise<never> {
  const text = await response.text().catch(() => '');
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text.slice(0, 200) };
  }
  throw classifyLinkedIn({ status: response.status, body, headers: response.headers }, { now: ctx.now(), what });
}

/** Polls an asset until LinkedIn says AVAILABLE. */
async function waitAvailable(ctx: PublishContext, kind: Kind, urn: string, label: string, options: LinkedInAssetOptions, forget: () => Promise<void>): Promise<void> {
  const limit = options.processingLimitMs ?? PROCESSING_LIMIT_MS;
  let waited = 0;
  for (let round = 0; ; round++) {
    const answer = await linkedinCall<{ status?: string; processingFailureReason?: string }>(ctx, `/rest/${kind}/${encodeURIComponent(urn)}`, { what: `Checking ${label} on LinkedIn` });
    const status = answer.body.status;
    if (status === 'AVAILABLE') return;
    if (status === 'PROCESSING_FAILED') {
      await forget();
      throw new PublishError('permanent', `LinkedIn could not process ${label}${answer.body.processingFailureReason ? ` (${answer.body.processingFailureReason})` : ''}`);
    }
    const delay = Math.min(15_000, 2_000 * (round + 1));
    waited += delay;
    if (waited > limit) throw new PublishError('transient', `LinkedIn is still processing ${label}; Outbox will check again`);
    try {
      await options.sleep(delay, ctx.signal);
    } catch (error) {
      throw new PublishError('transient', `Waiting for LinkedIn to process ${label} was stopped`, { cause: error });
    }
  }
}

/** An image, fitted to LinkedIn's rules, uploaded and AVAILABLE; resolves with its URN. */
export async function uploadImage(ctx: PublishContext, owner: string, media: PublishMedia, slotKey: string, label: string, options: LinkedInAssetOptions): Promise<string> {
  const slot = progressSlot<AssetState>(ctx.progress, slotKey);
  let state = slot.get();
  if (state?.ready) return state.urn;
  if (!state?.uploaded) {
    const rules = contentTypeSpec(ctx.account.platform, 'linkedin_post')!.media;
    let fitted;
    try {
      fitted = await fitImage(media.path, rules, { aspect: media.aspect });
    } catch (error) {
      throw new PublishError('permanent', `${label} cannot be sent to LinkedIn: ${(error as Error).message}`, { cause: error });
    }
    if (!state || (state.expiresAt !== undefined && state.expiresAt <= ctx.now())) {
      const init = await linkedinCall<{ value?: { uploadUrl?: string; image?: string; uploadUrlExpiresAt?: number } }>(ctx, '/rest/images', {
        query: { action: 'initializeUpload' },
        json: { initializeUploadRequest: { owner } },
        what: `Uploading ${label} to LinkedIn`,
      });
      const value = init.body.value ?? {};
      if (!value.uploadUrl || !value.image) throw new PublishError('transient', `Uploading ${label} to LinkedIn: LinkedIn gave no upload address`);
      state = { urn: value.image, uploadUrl: value.uploadUrl, ...(value.uploadUrlExpiresAt ? { expiresAt: value.uploadUrlExpiresAt } : {}), uploaded: false };
      await slot.save(state);
    }
    // An image is a few MB: one PUT from memory (the fitted bytes).
    let response: Response;
    try {
      response = await fetch(state.uploadUrl!, { method: 'PUT', headers: { Authorization: `Bearer ${linkedinToken(ctx)}`, 'Content-Type': 'application/octet-stream' }, body: fitted.bytes, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(120_000)]) });
    } catch (error) {
      throw new PublishError('transient', `Uploading ${label} to LinkedIn: the connection was lost`, { cause: error });
    }
    if (!response.ok) await failedPut(ctx, response, `Uploading ${label} to LinkedIn`);
    await response.body?.cancel();
    state = { ...state, uploaded: true };
    await slot.save(state);
    ctx.reportProgress?.(fitted.bytes.byteLength, fitted.bytes.byteLength);
  }
  await waitAvailable(ctx, 'images', state.urn, label, options, () => slot.save(null));
  await slot.save({ ...state, ready: true });
  return state.urn;
}

/**
 * A video or a document: the file streams from disk in the parts LinkedIn dictates (one PUT for a
 * document), then finalizeUpload (videos), then AVAILABLE. Resolves with its URN.
 */
export async function uploadFile(ctx: PublishContext, kind: 'videos' | 'documents', owner: string, media: PublishMedia, slotKey: string, label: string, options: LinkedInAssetOptions): Promise<string> {
  const slot = progressSlot<AssetState>(ctx.progress, slotKey);
  const uploadKey = `${slotKey}-upload`;
  let state = slot.get();
  if (state?.ready) return state.urn;
  const what = `Uploading ${label} to LinkedIn`;
  if (!state?.finalized) {
    const { session, parts } = await uploadSegments<Session, string>({
      path: media.path,
      key: uploadKey,
      progress: ctx.progress,
      signal: ctx.signal,
      label,
      retry: options.retry,
      onProgress: ({ sent, total }) => ctx.reportProgress?.(sent, total),
      segments: (s) => s.parts.map((p) => ({ start: p.start, end: p.end })),
      start: async (total) => {
        const request = kind === 'videos' ? { owner, fileSizeBytes: total, uploadCaptions: false, uploadThumbnail: false } : { owner };
        const init = await linkedinCall<{ value?: Record<string, unknown> }>(ctx, `/rest/${kind}`, { query: { action: 'initializeUpload' }, json: { initializeUploadRequest: request }, what });
        const value = init.body.value ?? {};
        if (kind === 'documents') {
          const url = value['uploadUrl'];
          const urn = value['document'];
          if (typeof url !== 'string' || typeof urn !== 'string') throw new PublishError('transient', `${what}: LinkedIn gave no upload address`);
          return { urn, parts: [{ url, start: 0, end: total }], uploadToken: '', expiresAt: typeof value['uploadUrlExpiresAt'] === 'number' ? value['uploadUrlExpiresAt'] : null };
        }
        const urn = value['video'];
        const instructions = Array.isArray(value['uploadInstructions']) ? (value['uploadInstructions'] as Array<{ uploadUrl?: string; firstByte?: number; lastByte?: number }>) : [];
        if (typeof urn !== 'string' || instructions.length === 0) throw new PublishError('transient', `${what}: LinkedIn gave no upload instructions`);
        const parts = instructions.map((i) => {
          if (typeof i.uploadUrl !== 'string' || typeof i.firstByte !== 'number' || typeof i.lastByte !== 'number') throw new PublishError('transient', `${what}: LinkedIn's upload instructions are incomplete`);
          return { url: i.uploadUrl, start: i.firstByte, end: i.lastByte + 1 };
        });
        return { urn, parts, uploadToken: typeof value['uploadToken'] === 'string' ? value['uploadToken'] : '', expiresAt: typeof value['uploadUrlsExpireAt'] === 'number' ? value['uploadUrlsExpireAt'] : null };
      },
      send: async (s, chunk) => {
        // Addresses expire (uploadUrlsExpireAt): past that, a new session.
        if (s.expiresAt !== null && s.expiresAt <= ctx.now()) throw new UploadSessionGone('LinkedIn upload addresses expired');
        const part = s.parts[chunk.index]!;
        // Documents (like images) take the bearer token on the upload; video parts go to signed URLs.
        const response = await putChunk(ctx, part.url, chunk, what, kind === 'documents');
        if (!response.ok) {
          if (response.status === 404 || response.status === 410) throw new UploadSessionGone();
          await failedPut(ctx, response, what);
        }
        await response.body?.cancel();
        return response.headers.get('etag') ?? '';
      },
    });
    state = { urn: session.urn };
    if (kind === 'videos') {
      // A finalize whose answer was lost must not be taken for a missing one: ask first.
      const current = await linkedinCall<{ status?: string }>(ctx, `/rest/videos/${encodeURIComponent(session.urn)}`, { what: `Checking ${label} on LinkedIn` });
      if (current.body.status === 'WAITING_UPLOAD' || current.body.status === undefined) {
        if (parts.some((etag) => !etag)) {
          await forgetUpload(ctx.progress, uploadKey);
          throw new PublishError('transient', `${what}: LinkedIn did not confirm every part (no ETag); uploading again`);
        }
        await linkedinCall(ctx, '/rest/videos', {
          query: { action: 'finalizeUpload' },
          json: { finalizeUploadRequest: { video: session.urn, uploadToken: session.uploadToken, uploadedPartIds: parts } },
          what: `Finishing the upload of ${label}`,
        }).catch(async (error: unknown) => {
          if (error instanceof PublishError && error.kind === 'permanent') await forgetUpload(ctx.progress, uploadKey);
          throw error;
        });
      }
    }
    state = { urn: session.urn, finalized: true };
    await slot.save(state);
    await forgetUpload(ctx.progress, uploadKey);
  }
  await waitAvailable(ctx, kind, state.urn, label, options, async () => {
    await slot.save(null);
    await forgetUpload(ctx.progress, uploadKey);
  });
  await slot.save({ ...state, ready: true });
  return state.urn;
}

export type { Sleep } from '../sleep';
