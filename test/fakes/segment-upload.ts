// A local fake of X's chunked media upload (API v2), written from X's documentation:
// https://docs.x.com/x-api/media/quickstart/media-upload-chunked and the APPEND reference
// (https://developer.x.com/en/docs/media/upload-media/api-reference/post-media-upload-append),
// with the shapes of ../shared/specs/x-api-v2-openapi.json (tests validate every exchange).
//
//   POST /2/media/upload/initialize       JSON { media_type, total_bytes, media_category }
//     200 { data: { id, media_key, expires_after_secs } }
//   POST /2/media/upload/{id}/append      multipart: segment_index (0-999), media (<= 5 MB)
//     200 { data: { expires_at } }        the same index again replaces that segment
//   POST /2/media/upload/{id}/finalize
//     200 { data: { id, media_key, size, processing_info: { state: 'pending', check_after_secs } } }
//     400 when segments are missing or their bytes do not add up to total_bytes
//   GET  /2/media/upload?command=STATUS&media_id=   processing pending -> in_progress -> succeeded
//   401 bad token; 429 with x-rate-limit-reset when told; 5xx when told; dropped connections in
//   the middle of APPEND bodies when told (the segment is then not stored).
import { createHash, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import type { Exchange } from '../support/openapi';

/** Largest APPEND media part (the reference: "must be <= 5 MB"). */
export const X_MAX_SEGMENT_BYTES = 5 * 1024 * 1024;
const MAX_TOTAL = { video: 512 * 1024 * 1024, gif: 15 * 1024 * 1024, image: 5 * 1024 * 1024 };

interface Upload {
  id: string;
  mediaType: string;
  category: string;
  total: number;
  segments: Map<number, Buffer>;
  finalized: boolean;
  statusChecks: number;
}

export interface SegmentFakeOptions {
  token?: string;
  /** For each APPEND: bytes of the body to read before dropping the connection (undefined: all). */
  dropAfter?: (append: { mediaId: string; n: number }) => number | undefined;
  /** Processing ends in `failed` (a video X cannot use). */
  failProcessing?: boolean;
}

/** The running fake. */
export interface SegmentFake {
  url: string;
  /** Every exchange (multipart files recorded as `{ file: true }`), for spec validation. */
  exchanges: Exchange[];
  /** APPENDs stored per media id and segment index (a count above 1 means that segment crossed again). */
  appends(mediaId: string): Map<number, number>;
  /** sha256 of the segments put together in index order. */
  sha256(mediaId: string): string;
  stats: { initialized: number; appendBytes: number; drops: number; finalized: number };
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (port 0). */
export async function startSegmentFake(options: SegmentFakeOptions = {}): Promise<SegmentFake> {
  const token = options.token ?? 'x-token';
  const uploads = new Map<string, Upload>();
  const counts = new Map<string, Map<number, number>>();
  const exchanges: Exchange[] = [];
  const failures: number[] = [];
  const stats = { initialized: 0, appendBytes: 0, drops: 0, finalized: 0 };
  let appendsSoFar = 0;

  const answer = (req: IncomingMessage, res: ServerResponse, path: string, body: unknown, status: number, response: unknown, headers: Record<string, string> = {}) => {
    exchanges.push({ method: req.method ?? 'GET', path, body, status, headers: { 'content-type': String(req.headers['content-type'] ?? 'application/json') }, response });
    const text = JSON.stringify(response);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  // Problems as X's description types them; 401 and 429 come as X really sends them
  // (`type: about:blank`), which its own description does not list (tests skip those two).
  const problem = (status: number, title: string, detail: string) => ({
    title,
    detail,
    status,
    type: status === 401 || status === 429 ? 'about:blank' : status >= 500 ? 'https://api.x.com/2/problems/internal-error' : 'https://api.x.com/2/problems/invalid-request',
  });

  async function json(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  }

  /** Reads an APPEND body, dropping the connection after `limit` bytes when told. */
  function multipart(req: IncomingMessage, limit: number | undefined): Promise<{ fields: Record<string, string>; media: Buffer | null } | 'dropped'> {
    return new Promise((resolve, reject) => {
      const fields: Record<string, string> = {};
      let media: Buffer | null = null;
      let seen = 0;
      const bb = busboy({ headers: req.headers, limits: { fileSize: X_MAX_SEGMENT_BYTES + 1 } });
      bb.on('field', (name, value) => (fields[name] = value));
      bb.on('file', (_name, stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => (media = Buffer.concat(chunks)));
      });
      bb.on('close', () => resolve({ fields, media }));
      bb.on('error', reject);
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (limit !== undefined && seen >= limit) {
          req.unpipe(bb);
          req.socket.destroy();
          resolve('dropped');
        }
      });
      req.on('error', () => resolve('dropped'));
      req.pipe(bb);
    });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    void (async () => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.once('finish', () => req.socket.destroySoon());
        return answer(req, res, path, undefined, 401, problem(401, 'Unauthorized', 'Unauthorized'), { Connection: 'close' });
      }
      const fail = failures.shift();
      if (fail !== undefined) {
        res.once('finish', () => req.socket.destroySoon());
        const headers: Record<string, string> = { Connection: 'close' };
        if (fail === 429) headers['x-rate-limit-reset'] = String(Math.ceil(Date.now() / 1000) + 1);
        return answer(req, res, path, undefined, fail, problem(fail, fail === 429 ? 'Too Many Requests' : 'Service Unavailable', `Told to fail with ${fail}`), headers);
      }
      if (req.method === 'POST' && path === '/2/media/upload/initialize') {
        const body = (await json(req)) as { media_type?: string; total_bytes?: number; media_category?: string };
        const kind = body.media_category?.includes('gif') ? 'gif' : body.media_category?.includes('video') ? 'video' : 'image';
        if (!body.media_type || typeof body.total_bytes !== 'number') return answer(req, res, path, body, 400, problem(400, 'Invalid Request', 'media_type and total_bytes are required'));
        if (body.total_bytes > MAX_TOTAL[kind]) return answer(req, res, path, body, 400, problem(400, 'Invalid Request', `total_bytes is over the ${MAX_TOTAL[kind]}-byte limit for ${kind}`));
        const id = String(1e15 + randomInt(0, 2 ** 47));
        uploads.set(id, { id, mediaType: body.media_type, category: body.media_category ?? 'tweet_image', total: body.total_bytes, segments: new Map(), finalized: false, statusChecks: 0 });
        counts.set(id, new Map());
        stats.initialized += 1;
        return answer(req, res, path, body, 200, { data: { id, media_key: `7_${id}`, expires_after_secs: 86_400 } });
      }
      const append = /^\/2\/media\/upload\/(\d+)\/append$/.exec(path);
      if (req.method === 'POST' && append) {
        const upload = uploads.get(append[1]!);
        if (!upload) return answer(req, res, path, undefined, 400, problem(400, 'Invalid Request', 'media id not found'));
        const parsed = await multipart(req, options.dropAfter?.({ mediaId: upload.id, n: appendsSoFar++ }));
        if (parsed === 'dropped') {
          stats.drops += 1;
          return;
        }
        const recorded = { segment_index: Number(parsed.fields['segment_index']), media: parsed.media ? 'binary' : undefined };
        const index = Number(parsed.fields['segment_index']);
        if (!Number.isInteger(index) || index < 0 || index > 999) return answer(req, res, path, recorded, 400, problem(400, 'Invalid Request', 'segment_index must be between 0 and 999'));
        if (!parsed.media) return answer(req, res, path, recorded, 400, problem(400, 'Invalid Request', 'media is required'));
        if (parsed.media.length > X_MAX_SEGMENT_BYTES) return answer(req, res, path, recorded, 400, problem(400, 'Invalid Request', 'media must be <= 5 MB'));
        upload.segments.set(index, parsed.media);
        const c = counts.get(upload.id)!;
        c.set(index, (c.get(index) ?? 0) + 1);
        stats.appendBytes += parsed.media.length;
        return answer(req, res, path, recorded, 200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } });
      }
      const finalize = /^\/2\/media\/upload\/(\d+)\/finalize$/.exec(path);
      if (req.method === 'POST' && finalize) {
        await json(req);
        const upload = uploads.get(finalize[1]!);
        if (!upload) return answer(req, res, path, undefined, 400, problem(400, 'Invalid Request', 'media id not found'));
        const indexes = [...upload.segments.keys()].sort((a, b) => a - b);
        const size = [...upload.segments.values()].reduce((n, b) => n + b.length, 0);
        if (indexes.some((v, i) => v !== i)) return answer(req, res, path, undefined, 400, problem(400, 'Invalid Request', 'Segments are missing'));
        if (size !== upload.total) return answer(req, res, path, undefined, 400, problem(400, 'Invalid Request', `File size mismatch: ${size} bytes received, total_bytes was ${upload.total}`));
        upload.finalized = true;
        stats.finalized += 1;
        const video = upload.category.includes('video');
        return answer(req, res, path, undefined, 200, {
          data: { id: upload.id, media_key: `7_${upload.id}`, size, expires_after_secs: 86_400, ...(video ? { processing_info: { state: 'pending', check_after_secs: 1 } } : {}) },
        });
      }
      if (req.method === 'GET' && path === '/2/media/upload') {
        const upload = uploads.get(url.searchParams.get('media_id') ?? '');
        if (!upload?.finalized) return answer(req, res, path, undefined, 400, problem(400, 'Invalid Request', 'media id not found or not finalized'));
        upload.statusChecks += 1;
        const state = upload.statusChecks === 1 ? 'in_progress' : options.failProcessing ? 'failed' : 'succeeded';
        return answer(req, res, path, undefined, 200, { data: { id: upload.id, media_key: `7_${upload.id}`, processing_info: { state, ...(state === 'in_progress' ? { check_after_secs: 1, progress_percent: 50 } : { progress_percent: 100 }) } } });
      }
      answer(req, res, path, undefined, 404, { title: 'Not Found Error', detail: `No route ${path}`, type: 'https://api.x.com/2/problems/resource-not-found', status: 404, parameter: 'path', value: path, resource_id: path, resource_type: 'route' });
    })().catch((e: unknown) => {
      if (!res.headersSent) answer(req, res, path, undefined, 500, problem(500, 'Internal Error', (e as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    exchanges,
    stats,
    appends: (id) => counts.get(id) ?? new Map(),
    sha256(id) {
      const upload = uploads.get(id);
      if (!upload) throw new Error(`no upload ${id}`);
      const hash = createHash('sha256');
      for (const i of [...upload.segments.keys()].sort((a, b) => a - b)) hash.update(upload.segments.get(i)!);
      return hash.digest('hex');
    },
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
