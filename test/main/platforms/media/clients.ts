// Minimal platform clients over the upload toolkit, standing in for the adapters that come later:
// a YouTube-style resumable upload and an X-style segment upload.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PublishError, retryAfterMs } from '../../../../src/main/platforms/types';
import { googleResumable, startGoogleSession, type GoogleSession } from '../../../../src/main/platforms/media/google-resumable';
import { sendChunk, uploadResumable, uploadSegments, splitFile, type ResumableOptions, type SegmentOptions, type UploadChunk } from '../../../../src/main/platforms/media/upload';

/** A YouTube-style upload of `path` through the fake at `startUrl`. */
export function youtubeUpload(o: Omit<ResumableOptions<GoogleSession>, 'start' | 'send' | 'probe'> & { startUrl: string; token: () => string; mime?: string }) {
  const mime = o.mime ?? 'video/mp4';
  return uploadResumable<GoogleSession>({
    ...o,
    start: (size) => startGoogleSession(o.startUrl, { token: o.token, size, mime, metadata: { snippet: { title: 'Crash test' }, status: { privacyStatus: 'private' } }, signal: o.signal }),
    ...googleResumable({ token: o.token, mime }),
  });
}

/** What X's INIT answers, as saved in the progress. */
export interface XSession {
  id: string;
}

async function xCall(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new PublishError('transient', 'The connection to X was lost', { cause: error, maybeSent: true });
  }
  return xAnswer(response);
}

async function xAnswer(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return body;
  const detail = String(body['detail'] ?? response.statusText);
  if (response.status === 401) throw new PublishError('auth', `X: ${detail}`, { httpStatus: 401 });
  if (response.status === 429) {
    const reset = Number(response.headers.get('x-rate-limit-reset'));
    throw new PublishError('rate_limited', `X: ${detail}`, { httpStatus: 429, retryAfterMs: Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) : retryAfterMs(response.headers.get('retry-after'), Date.now()) });
  }
  throw new PublishError(response.status >= 500 ? 'transient' : 'permanent', `X: ${detail}`, { httpStatus: response.status });
}

/** An X-style segment upload (INIT, APPEND by segment_index) of `path`; FINALIZE is left to the caller. */
export function xUpload(o: Omit<SegmentOptions<XSession, null>, 'start' | 'send' | 'segments'> & { url: string; token: string; segmentSize: number; mime?: string; category?: string }) {
  const auth = { Authorization: `Bearer ${o.token}` };
  return uploadSegments<XSession, null>({
    ...o,
    segments: (_session, total) => splitFile(total, o.segmentSize, { maxSegments: 1000 }),
    async start(total) {
      const body = await xCall(`${o.url}/2/media/upload/initialize`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ media_type: o.mime ?? 'video/mp4', total_bytes: total, media_category: o.category ?? 'tweet_video' }),
        signal: o.signal,
      });
      return { id: String((body['data'] as { id: string }).id) };
    },
    async send(session, chunk: UploadChunk) {
      // The segment streams from disk as the form's file part.
      const url = `${o.url}/2/media/upload/${session.id}/append`;
      let response: Response;
      try {
        response = await sendChunk(url, { chunk, headers: auth, form: { fields: { segment_index: String(chunk.index) }, fileField: 'media', filename: 'blob', contentType: 'application/octet-stream' } });
      } catch (error) {
        if (chunk.signal.aborted) throw error;
        throw new PublishError('transient', 'The connection to X was lost', { cause: error, maybeSent: true });
      }
      await xAnswer(response);
      return null;
    },
  });
}

/** X's FINALIZE. */
export function xFinalize(url: string, token: string, id: string) {
  return xCall(`${url}/2/media/upload/${id}/finalize`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
}

/** Writes `bytes` of random data to `path` in 4 MiB pieces; resolves with its sha256. */
export async function randomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let done = 0; done < bytes; ) {
    const piece = randomBytes(Math.min(4 << 20, bytes - done));
    hash.update(piece);
    done += piece.length;
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/** sha256 of a file on disk. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
