// The page plays and draws library files (a video's cover frame is picked over the real <video>)
// through `outbox-media://library/<sha256>`, answered here from the data folder's media/ as a
// stream with byte ranges: Chromium seeks a video with Range requests, and Electron's own file
// loader answers them with the whole file, so seeking would snap back to the start
// (https://github.com/electron/electron/issues/38749). Only content-addressed files of the
// library are served; nothing outside media/ can be named. The browser harness serves the same.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MEDIA_SCHEME } from '../../shared/ipc/shell';

export { MEDIA_SCHEME };

/** How the scheme is registered (before the app is ready): streamed, fetchable, CORS for the canvas. */
export const MEDIA_SCHEME_PRIVILEGES = { standard: true, secure: true, stream: true, supportFetchAPI: true, corsEnabled: true } as const;

/** Extensions the library stores files under (what file-type names the supported types), with their types. */
const TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  webm: 'video/webm',
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

const SHA256 = /^[0-9a-f]{64}$/;

/** The stored file a sha256 names (the library keeps `<sha256>.<ext>`), or null. */
async function libraryFile(mediaDir: string, sha256: string): Promise<{ path: string; size: number; type: string } | null> {
  if (!SHA256.test(sha256)) return null;
  for (const [ext, type] of Object.entries(TYPES)) {
    const path = join(mediaDir, `${sha256}.${ext}`);
    const info = await stat(path).catch(() => null);
    if (info?.isFile()) return { path, size: info.size, type };
  }
  return null;
}

/** The byte range a `Range` header asks for within `size` bytes: null for the whole file, 'bad' when unsatisfiable. */
export function parseRange(header: string | null, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: the whole file is a valid answer.
  if (!match || (!match[1] && !match[2])) return null;
  if (!match[1]) {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'bad';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  if (start >= size || end < start) return 'bad';
  return { start, end };
}

/** Answers one request for a library file: 200 or 206 streamed, 416, 404, or 405. */
export async function serveLibraryFile(request: Pick<Request, 'url' | 'method' | 'headers'>, mediaDir: string): Promise<Response> {
  const common = { 'Access-Control-Allow-Origin': '*', 'Accept-Ranges': 'bytes', 'X-Content-Type-Options': 'nosniff' };
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { ...common, Allow: 'GET, HEAD' } });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response(null, { status: 404, headers: common });
  }
  const sha256 = url.pathname.replace(/^\/+/, '').replace(/^library\//, '');
  const file = url.host === 'library' || url.pathname.startsWith('/library/') ? await libraryFile(mediaDir, sha256) : null;
  if (!file) return new Response(null, { status: 404, headers: common });
  // Content-addressed: the bytes behind an address never change.
  const headers: Record<string, string> = { ...common, 'Content-Type': file.type, 'Cache-Control': 'private, max-age=31536000, immutable' };
  const range = parseRange(request.headers.get('range'), file.size);
  if (range === 'bad') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } });
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  headers['Content-Length'] = String(file.size === 0 ? 0 : end - start + 1);
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
  const status = range ? 206 : 200;
  if (request.method === 'HEAD' || file.size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(file.path, { start, end, highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
