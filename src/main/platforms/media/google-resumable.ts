// Google's resumable upload protocol, as YouTube documents it for videos.insert and
// thumbnails.set (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
// a POST with `X-Upload-Content-Length` / `X-Upload-Content-Type` answers with the session URI in
// `Location`; each PUT carries `Content-Range: bytes first-last/total` and is answered 308 with
// `Range: bytes=0-N` (no Range when nothing arrived) until the last one, answered 200/201 with the
// resource; an empty PUT with `Content-Range: bytes */total` asks what the server holds; 404/410
// means the session is gone; 5xx means ask, then resume.
import { PublishError, retryAfterMs } from '../types';
import { UploadSessionGone, sendChunk, type ResumableAnswer, type ResumableOptions, type UploadChunk } from './upload';

/** A Google resumable session, as saved in the entry's progress. */
export interface GoogleSession {
  /** The session URI (from `Location`): it is the upload's address for up to a week. */
  url: string;
}

/** Chunks of a Google resumable upload must be multiples of this (except the last). */
export const GOOGLE_CHUNK_QUANTUM = 256 * 1024;

/** How an adapter turns a refused answer into a PublishError when it knows better (YouTube's 403 quotaExceeded). */
export type GoogleClassifier = (status: number, body: unknown, headers: Headers) => PublishError | undefined;

interface Common {
  /** The access token for each request (refreshed tokens are picked up). */
  token: () => string | Promise<string>;
  /** Clock for Retry-After dates. */
  now?: () => number;
  classify?: GoogleClassifier;
}

/** Starts a session: POSTs the metadata to `url` (which carries `uploadType=resumable`); resolves with the session URI. */
export async function startGoogleSession(url: string, options: Common & { size: number; mime: string; metadata?: unknown; signal: AbortSignal }): Promise<GoogleSession> {
  const response = await request(url, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${await options.token()}`,
      'Content-Type': 'application/json; charset=UTF-8',
      'X-Upload-Content-Length': String(options.size),
      'X-Upload-Content-Type': options.mime,
    },
    body: JSON.stringify(options.metadata ?? {}),
    signal: options.signal,
  });
  if (response.ok) {
    const location = response.headers.get('location');
    await response.arrayBuffer().catch(() => undefined);
    if (!location) throw new PublishError('transient', 'The upload session started without an address (no Location header)');
    return { url: new URL(location, url).toString() };
  }
  throw await refusal(response, options);
}

/** The `send` and `probe` of `uploadResumable` for a Google resumable session. */
export function googleResumable(options: Common & { mime: string }): Pick<ResumableOptions<GoogleSession>, 'send' | 'probe'> {
  return {
    async send(session: GoogleSession, chunk: UploadChunk): Promise<ResumableAnswer> {
      const length = chunk.end - chunk.start;
      let response: Response;
      try {
        // Streamed from disk straight into the socket.
        response = await sendChunk(session.url, {
          chunk,
          headers: {
            Authorization: `Bearer ${await options.token()}`,
            'Content-Type': options.mime,
            'Content-Range': length === 0 ? `bytes */${chunk.total}` : `bytes ${chunk.start}-${chunk.end - 1}/${chunk.total}`,
          },
        });
      } catch (error) {
        if (chunk.signal.aborted) throw error;
        // The connection dropped: the server may hold part of the chunk; ask it.
        throw new PublishError('transient', 'The connection to the upload server was lost', { cause: error, maybeSent: true });
      }
      return answer(response, options);
    },
    async probe(session: GoogleSession, total: number, signal: AbortSignal): Promise<ResumableAnswer> {
      const response = await request(session.url, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await options.token()}`, 'Content-Length': '0', 'Content-Range': `bytes */${total}` },
        signal,
      });
      return answer(response, options);
    },
  };
}

/** Bytes held according to a `Range: bytes=0-N` header (N + 1), 0 without one. */
export function receivedFromRange(header: string | null): number {
  if (!header) return 0;
  const match = /bytes=0-(\d+)/.exec(header);
  if (!match) throw new PublishError('transient', `The upload server answered an unreadable Range (${header})`);
  return Number(match[1]) + 1;
}

async function answer(response: Response, options: Common): Promise<ResumableAnswer> {
  if (response.status === 308) {
    await response.arrayBuffer().catch(() => undefined);
    return { received: receivedFromRange(response.headers.get('range')) };
  }
  if (response.status === 200 || response.status === 201) {
    const text = await response.text();
    let result: unknown = text;
    try {
      result = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { complete: true, result };
  }
  throw await refusal(response, options);
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    // The connection dropped or never opened: the server may hold part of the chunk; ask it.
    throw new PublishError('transient', 'The connection to the upload server was lost', { cause: error, maybeSent: true });
  }
}

async function refusal(response: Response, options: Common): Promise<Error> {
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Plain text error.
  }
  const custom = options.classify?.(response.status, body, response.headers);
  if (custom) return custom;
  const said = (body as { error?: { message?: string } } | null)?.error?.message ?? (typeof body === 'string' ? body.slice(0, 200) : '');
  const message = `The upload server answered ${response.status}${said ? `: ${said}` : ''}`;
  const status = response.status;
  if (status === 404 || status === 410) return new UploadSessionGone(message);
  if (status === 401) return new PublishError('auth', message, { httpStatus: status });
  if (status === 429) return new PublishError('rate_limited', message, { httpStatus: status, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), options.now?.() ?? Date.now()) });
  if (status >= 500 || status === 408) return new PublishError('transient', message, { httpStatus: status });
  return new PublishError('permanent', message, { httpStatus: status });
}
