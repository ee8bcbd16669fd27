// A local upload server speaking Google's resumable upload protocol, written from YouTube's
// documentation: https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
//
//   POST /upload/youtube/v3/videos?uploadType=resumable&part=...
//        Authorization: Bearer <token>, X-Upload-Content-Length: N, X-Upload-Content-Type: video/*,
//        body: the video resource (JSON)
//     200 + Location: <session URI>                      the session (valid `sessionTtlMs`)
//   PUT <session URI>  Content-Length: n, Content-Range: bytes a-b/N, body: n bytes
//     308 + Range: bytes=0-(received-1)                  more to come (no Range when nothing held)
//     201 + the video resource                          the last byte arrived
//     400 chunk size not a multiple of 256 KiB (except the last), Content-Range not matching
//   PUT <session URI>  Content-Length: 0, Content-Range: bytes */N     (status check)
//     308 + Range (or none) / 201 + the resource when complete
//   404 session unknown or expired; 401 bad or expired token; 5xx when told to fail.
//
// Failure modes: it drops the connection in the middle of chunks when told (`dropAfter`), keeps
// every byte it has read (so the Range after a drop can fall anywhere, as the docs warn), answers
// 5xx or 401 on demand, and expires sessions. It counts every body byte it reads, so a test can
// prove that each byte crossed exactly once and in order.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Non-final chunks must be multiples of this (the doc's 256 KB). */
export const CHUNK_QUANTUM = 256 * 1024;

export interface ResumableFakeOptions {
  /** Where each session's bytes are kept (one file per session). */
  dir: string;
  /** The bearer token every request must carry. */
  token?: string;
  /** Keep the bytes on disk (default); false only hashes them. */
  keepBytes?: boolean;
  /** Hash what arrives (default); false only counts (the bench, to weigh the uploader alone on two cores). */
  hash?: boolean;
  /**
   * For each PUT with a body: how many of its bytes to read before dropping the connection
   * (undefined: read it all). `n` counts the PUTs with a body so far.
   */
  dropAfter?: (put: { session: string; offset: number; length: number; n: number }) => number | undefined;
  /** How long a session lives (the doc: about a week). */
  sessionTtlMs?: number;
  now?: () => number;
}

interface Session {
  id: string;
  total: number;
  mime: string;
  metadata: Record<string, unknown>;
  received: number;
  hash: Hash;
  file: FileHandle | null;
  path: string;
  createdAt: number;
  video: Record<string, unknown> | null;
  sha256: string | null;
  /** Requests on one session run one at a time (a status check waits for a dying PUT to settle). */
  queue: Promise<unknown>;
}

/** Counters over everything the fake saw. */
export interface ResumableStats {
  sessionsStarted: number;
  /** Body bytes read from every PUT. */
  bytesReceived: number;
  puts: number;
  probes: number;
  drops: number;
  /** PUTs whose client went away in the middle of the body (killed, aborted). */
  clientGone: number;
  /** PUTs whose first byte was not the next one the session expected (must stay 0). */
  misplaced: number;
  completed: number;
  /** Answers by status. */
  statuses: Record<number, number>;
}

/** The running fake. */
export interface ResumableFake {
  /** Base URL (http://127.0.0.1:port). */
  url: string;
  /** Where to POST to start a video upload. */
  startUrl: string;
  stats: ResumableStats;
  /** A session by id (the last path segment of its URI), or the only one. */
  session(id?: string): { id: string; received: number; total: number; complete: boolean; sha256: string | null; path: string; metadata: Record<string, unknown> };
  /** The next `times` requests answer `status` without reading a byte. */
  failNext(status: number, times?: number): void;
  /** Every existing session is forgotten (404 from now on). */
  expireSessions(): void;
  /** Changes the token the fake accepts (an old one then gets 401). */
  setToken(token: string): void;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (port 0). */
export async function startResumableFake(options: ResumableFakeOptions): Promise<ResumableFake> {
  const sessions = new Map<string, Session>();
  const stats: ResumableStats = { sessionsStarted: 0, bytesReceived: 0, puts: 0, probes: 0, drops: 0, clientGone: 0, misplaced: 0, completed: 0, statuses: {} };
  let token = options.token ?? 'upload-token';
  const failures: number[] = [];
  const now = options.now ?? Date.now;
  const ttl = options.sessionTtlMs ?? 7 * 24 * 3600_000;
  let putsWithBody = 0;
  let base = '';

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json; charset=UTF-8' } : {}), 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } }, headers);
  const range = (s: Session): Record<string, string> => (s.received > 0 ? { Range: `bytes=0-${s.received - 1}` } : {});
  // An answer sent before the body was read: close the connection so the unread body goes nowhere.
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}) => {
    res.once('finish', () => req.socket.destroySoon());
    error(res, status, reason, message, { ...headers, Connection: 'close' });
  };

  async function start(req: IncomingMessage, res: ServerResponse, url: URL) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (url.searchParams.get('uploadType') !== 'resumable') return error(res, 400, 'invalidParameter', 'uploadType must be resumable');
    if (!url.searchParams.get('part')) return error(res, 400, 'required', 'Required parameter: part');
    const total = Number(req.headers['x-upload-content-length']);
    if (!Number.isSafeInteger(total) || total < 0) return error(res, 400, 'invalidArgument', 'X-Upload-Content-Length must be the number of bytes to upload');
    const mime = String(req.headers['x-upload-content-type'] ?? '');
    if (!/^video\/|^application\/octet-stream$/.test(mime)) return error(res, 400, 'invalidArgument', 'X-Upload-Content-Type must be video/* or application/octet-stream');
    let metadata: Record<string, unknown>;
    try {
      metadata = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return error(res, 400, 'parseError', 'The request body is not JSON');
    }
    const id = randomUUID().replace(/-/g, '');
    const path = join(options.dir, `session-${id}.bin`);
    const file = options.keepBytes === false ? null : await open(path, 'w');
    sessions.set(id, { id, total, mime, metadata, received: 0, hash: createHash('sha256'), file, path, createdAt: now(), video: null, sha256: null, queue: Promise.resolve() });
    stats.sessionsStarted += 1;
    send(res, 200, undefined, { Location: `${base}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}` });
  }

  async function put(req: IncomingMessage, res: ServerResponse, s: Session) {
    const header = String(req.headers['content-range'] ?? '');
    const length = Number(req.headers['content-length'] ?? 0);
    const probe = /^bytes \*\/(\d+)$/.exec(header);
    if (probe) {
      stats.probes += 1;
      if (Number(probe[1]) !== s.total) return refuse(req, res, 400, 'badContent', `Content-Range total ${probe[1]} does not match the ${s.total} bytes announced`);
      return s.video ? send(res, 201, s.video) : send(res, 308, undefined, range(s));
    }
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header);
    if (!m) return refuse(req, res, 400, 'badContent', `Failed to parse Content-Range header: ${header || '(none)'}`);
    const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (total !== s.total) return refuse(req, res, 400, 'badContent', `Content-Range total ${total} does not match the ${s.total} bytes announced`);
    if (last < first || last >= total || last - first + 1 !== length) return refuse(req, res, 400, 'badContent', 'Content-Range does not match Content-Length');
    if (last + 1 < total && length % CHUNK_QUANTUM !== 0) return refuse(req, res, 400, 'badContent', 'The chunk size must be a multiple of 256 KB (except the final chunk)');
    if (s.video) return send(res, 201, s.video);
    if (first !== s.received) {
      // The client did not resume from the Range we hold: nothing read, tell it where we are.
      stats.misplaced += 1;
      return refuse(req, res, 400, 'badContent', `This chunk starts at byte ${first} but ${s.received} bytes are held`, range(s));
    }
    stats.puts += 1;
    // Kept now: once the body stream is destroyed, req.socket is no longer reachable.
    const socket = req.socket;
    const limit = options.dropAfter?.({ session: s.id, offset: first, length, n: putsWithBody++ });
    let read = 0;
    let dropped = false;
    try {
      for await (const piece of req) {
        let buf = piece as Buffer;
        if (limit !== undefined && read + buf.length >= limit) {
          buf = buf.subarray(0, Math.max(0, limit - read));
          dropped = true;
        }
        if (buf.length > 0) {
          if (s.file) await s.file.write(buf, 0, buf.length, s.received);
          if (options.hash !== false) s.hash.update(buf);
          s.received += buf.length;
          read += buf.length;
          stats.bytesReceived += buf.length;
        }
        if (dropped) {
          // Dropped before the loop ends, so the stream is not left to answer on a live socket.
          socket.destroy();
          break;
        }
      }
    } catch {
      // The client went away in the middle (killed, aborted): what was read is kept.
      if (dropped) stats.drops += 1;
      else stats.clientGone += 1;
      return;
    }
    if (dropped) {
      stats.drops += 1;
      socket.destroy();
      return;
    }
    if (read !== length) {
      stats.clientGone += 1; // the body ended early: the connection is gone
      return;
    }
    if (s.received === s.total) {
      s.sha256 = options.hash === false ? null : s.hash.digest('hex');
      await s.file?.close();
      s.file = null;
      stats.completed += 1;
      s.video = { kind: 'youtube#video', id: `vid_${s.id.slice(0, 11)}`, snippet: (s.metadata['snippet'] as object | undefined) ?? {}, status: { uploadStatus: 'uploaded' } };
      return send(res, 201, s.video);
    }
    send(res, 308, undefined, range(s));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    void (async () => {
      if (req.headers.authorization !== `Bearer ${token}`) return refuse(req, res, 401, 'authError', 'Invalid Credentials');
      const fail = failures.shift();
      if (fail !== undefined) return refuse(req, res, fail, fail >= 500 ? 'backendError' : 'failed', `Told to fail with ${fail}`);
      if (url.pathname !== '/upload/youtube/v3/videos') return error(res, 404, 'notFound', 'Not found');
      if (req.method === 'POST' && !url.searchParams.has('upload_id')) return start(req, res, url);
      if (req.method !== 'PUT') return error(res, 405, 'methodNotAllowed', 'Use PUT on the session URI');
      const s = sessions.get(url.searchParams.get('upload_id') ?? '');
      if (!s || now() - s.createdAt > ttl) return refuse(req, res, 404, 'notFound', 'The upload session does not exist or has expired');
      const run = s.queue.then(() => put(req, res, s));
      s.queue = run.catch(() => undefined);
      await run;
    })().catch((e: unknown) => {
      if (!res.headersSent) error(res, 500, 'backendError', (e as Error).message);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    startUrl: `${base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
    stats,
    session(id) {
      const s = id ? sessions.get(id) : [...sessions.values()].at(-1);
      if (!s) throw new Error(`no session ${id ?? ''}`);
      return { id: s.id, received: s.received, total: s.total, complete: s.video !== null, sha256: s.sha256, path: s.path, metadata: s.metadata };
    },
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    expireSessions() {
      for (const s of sessions.values()) s.createdAt = -Infinity;
    },
    setToken(next) {
      token = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sessions.values()) {
        await s.file?.close().catch(() => undefined);
        if (options.keepBytes !== false) await rm(s.path, { force: true });
      }
    },
  };
}
