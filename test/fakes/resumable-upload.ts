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
//
// `createResumableProtocol` is the protocol alone, for a platform fake to mount behind its own
// authentication and API checks (test/fakes/youtube.ts); `startResumableFake` serves it alone
// behind one bearer token.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Non-final chunks must be multiples of this (the doc's 256 KB). */
export const CHUNK_QUANTUM = 256 * 1024;

/** Where a video upload session starts (the documented path, and discovery's `resumable` protocol path). */
export const VIDEO_UPLOAD_PATHS = ['/upload/youtube/v3/videos', '/resumable/upload/youtube/v3/videos'];

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

/** An answer refusing a session start (the API's own checks: metadata, quota, permissions). */
export interface ResumableRefusal {
  status: number;
  reason: string;
  message: string;
  domain?: string;
  headers?: Record<string, string>;
}

/** What a session looks like from outside. */
export interface ResumableSessionInfo {
  id: string;
  received: number;
  total: number;
  complete: boolean;
  sha256: string | null;
  path: string;
  mime: string;
  metadata: Record<string, unknown>;
  /** The start request's query (part, notifySubscribers, ...). */
  query: URLSearchParams;
  /** Whatever the API attached at start (the channel, the token's user). */
  owner: unknown;
}

/** One answer the protocol wrote, for a fake that records its exchanges. */
export interface ResumableAnswerRecord {
  /** `start`: the session POST; `put`: a chunk; `probe`: a status check. */
  leg: 'start' | 'put' | 'probe';
  url: URL;
  status: number;
  /** The start's metadata (parsed), for `start`. */
  body?: unknown;
  response: unknown;
  headers: Record<string, string>;
}

/** Options of the protocol when another fake mounts it (authentication is the host's job). */
export interface ResumableProtocolOptions extends Omit<ResumableFakeOptions, 'token'> {
  /** The host server's base URL (session URIs point at it). */
  base(): string;
  /**
   * The API's checks of a start once the protocol's own passed (metadata, quota, the upload
   * limit): a refusal, or `{ owner }` to go on (kept on the session).
   */
  onStart?(start: { url: URL; total: number; mime: string; metadata: Record<string, unknown>; req: IncomingMessage }): ResumableRefusal | { owner?: unknown } | Promise<ResumableRefusal | { owner?: unknown }>;
  /** The resource the last byte is answered with (default: a bare uploaded video). */
  onComplete?(session: ResumableSessionInfo): Record<string, unknown>;
  /** Called for every answer written (the host records its exchanges). */
  onAnswer?(answer: ResumableAnswerRecord): void;
}

/** The resumable protocol, mountable in a server that authenticates requests itself. */
export interface ResumableProtocol {
  stats: ResumableStats;
  /** Handles a session start (POST on an upload path) or a session PUT; false when the request is neither. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** A session by id, or the newest. */
  session(id?: string): ResumableSessionInfo;
  /** Every session, oldest first. */
  sessions(): ResumableSessionInfo[];
  expireSessions(): void;
  /** Closes open files and removes the bytes kept. */
  close(): Promise<void>;
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
  query: URLSearchParams;
  owner: unknown;
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

const sessionInfo = (s: Session): ResumableSessionInfo => ({
  id: s.id,
  received: s.received,
  total: s.total,
  complete: s.video !== null,
  sha256: s.sha256,
  path: s.path,
  mime: s.mime,
  metadata: s.metadata,
  query: s.query,
  owner: s.owner,
});

/** The protocol's legs (session start, chunk PUTs, status checks), for a host server to mount. */
export function createResumableProtocol(options: ResumableProtocolOptions): ResumableProtocol {
  const sessions = new Map<string, Session>();
  const stats: ResumableStats = { sessionsStarted: 0, bytesReceived: 0, puts: 0, probes: 0, drops: 0, clientGone: 0, misplaced: 0, completed: 0, statuses: {} };
  const now = options.now ?? Date.now;
  const ttl = options.sessionTtlMs ?? 7 * 24 * 3600_000;
  const paths = VIDEO_UPLOAD_PATHS;
  let putsWithBody = 0;

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}, record?: Omit<ResumableAnswerRecord, 'status' | 'response' | 'headers'>) => {
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json; charset=UTF-8' } : {}), 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
    if (record) options.onAnswer?.({ ...record, status, response: body, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) });
  };
  const errorBody = (status: number, reason: string, message: string, domain = 'global') => ({ error: { code: status, message, errors: [{ message, domain, reason }] } });
  const range = (s: Session): Record<string, string> => (s.received > 0 ? { Range: `bytes=0-${s.received - 1}` } : {});

  async function start(req: IncomingMessage, res: ServerResponse, url: URL) {
    const record = { leg: 'start' as const, url };
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let metadata: Record<string, unknown> = {};
    let parsed = true;
    try {
      metadata = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      parsed = false;
    }
    const fail = (status: number, reason: string, message: string, domain?: string, headers: Record<string, string> = {}) => send(res, status, errorBody(status, reason, message, domain), headers, { ...record, body: metadata });
    if (!parsed) return fail(400, 'parseError', 'The request body is not JSON');
    if (url.searchParams.get('uploadType') !== 'resumable') return fail(400, 'invalidParameter', 'uploadType must be resumable');
    if (!url.searchParams.get('part')) return fail(400, 'required', 'Required parameter: part');
    const total = Number(req.headers['x-upload-content-length']);
    if (!Number.isSafeInteger(total) || total < 0) return fail(400, 'invalidArgument', 'X-Upload-Content-Length must be the number of bytes to upload');
    const mime = String(req.headers['x-upload-content-type'] ?? '');
    if (!/^video\/|^application\/octet-stream$/.test(mime)) return fail(400, 'invalidArgument', 'X-Upload-Content-Type must be video/* or application/octet-stream');
    let owner: unknown = null;
    if (options.onStart) {
      const verdict = await options.onStart({ url, total, mime, metadata, req });
      if ('status' in verdict) return fail(verdict.status, verdict.reason, verdict.message, verdict.domain, verdict.headers);
      owner = verdict.owner ?? null;
    }
    const id = randomUUID().replace(/-/g, '');
    const path = join(options.dir, `session-${id}.bin`);
    const file = options.keepBytes === false ? null : await open(path, 'w');
    sessions.set(id, { id, total, mime, metadata, received: 0, hash: createHash('sha256'), file, path, createdAt: now(), video: null, sha256: null, query: url.searchParams, owner, queue: Promise.resolve() });
    stats.sessionsStarted += 1;
    send(res, 200, undefined, { Location: `${options.base()}${url.pathname}?uploadType=resumable&upload_id=${id}` }, { ...record, body: metadata });
  }

  async function put(req: IncomingMessage, res: ServerResponse, s: Session, url: URL) {
    const header = String(req.headers['content-range'] ?? '');
    const length = Number(req.headers['content-length'] ?? 0);
    const probe = /^bytes \*\/(\d+)$/.exec(header);
    const leg = probe ? ('probe' as const) : ('put' as const);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => send(res, status, body, headers, { leg, url });
    // An answer sent before the body was read: close the connection so the unread body goes nowhere.
    const refuse = (status: number, reason: string, message: string, headers: Record<string, string> = {}) => {
      res.once('finish', () => req.socket.destroySoon());
      answer(status, errorBody(status, reason, message), { ...headers, Connection: 'close' });
    };
    if (probe) {
      stats.probes += 1;
      if (Number(probe[1]) !== s.total) return refuse(400, 'badContent', `Content-Range total ${probe[1]} does not match the ${s.total} bytes announced`);
      return s.video ? answer(201, s.video) : answer(308, undefined, range(s));
    }
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header);
    if (!m) return refuse(400, 'badContent', `Failed to parse Content-Range header: ${header || '(none)'}`);
    const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (total !== s.total) return refuse(400, 'badContent', `Content-Range total ${total} does not match the ${s.total} bytes announced`);
    if (last < first || last >= total || last - first + 1 !== length) return refuse(400, 'badContent', 'Content-Range does not match Content-Length');
    if (last + 1 < total && length % CHUNK_QUANTUM !== 0) return refuse(400, 'badContent', 'The chunk size must be a multiple of 256 KB (except the final chunk)');
    if (s.video) return answer(201, s.video);
    if (first !== s.received) {
      // The client did not resume from the Range we hold: nothing read, tell it where we are.
      stats.misplaced += 1;
      return refuse(400, 'badContent', `This chunk starts at byte ${first} but ${s.received} bytes are held`, range(s));
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
      s.video = options.onComplete?.(sessionInfo(s)) ?? { kind: 'youtube#video', id: `vid_${s.id.slice(0, 11)}`, snippet: (s.metadata['snippet'] as object | undefined) ?? {}, status: { uploadStatus: 'uploaded' } };
      return answer(201, s.video);
    }
    answer(308, undefined, range(s));
  }

  return {
    stats,
    async handle(req, res, url) {
      if (!paths.includes(url.pathname)) return false;
      if (req.method === 'POST' && !url.searchParams.has('upload_id')) {
        await start(req, res, url);
        return true;
      }
      if (req.method !== 'PUT') {
        send(res, 405, errorBody(405, 'methodNotAllowed', 'Use PUT on the session URI'));
        return true;
      }
      const s = sessions.get(url.searchParams.get('upload_id') ?? '');
      if (!s || now() - s.createdAt > ttl) {
        res.once('finish', () => req.socket.destroySoon());
        send(res, 404, errorBody(404, 'notFound', 'The upload session does not exist or has expired'), { Connection: 'close' }, { leg: /^bytes \*\//.test(String(req.headers['content-range'] ?? '')) ? 'probe' : 'put', url });
        return true;
      }
      const run = s.queue.then(() => put(req, res, s, url));
      s.queue = run.catch(() => undefined);
      await run;
      return true;
    },
    session(id) {
      const s = id ? sessions.get(id) : [...sessions.values()].at(-1);
      if (!s) throw new Error(`no session ${id ?? ''}`);
      return sessionInfo(s);
    },
    sessions: () => [...sessions.values()].map(sessionInfo),
    expireSessions() {
      for (const s of sessions.values()) s.createdAt = -Infinity;
    },
    async close() {
      for (const s of sessions.values()) {
        await s.file?.close().catch(() => undefined);
        if (options.keepBytes !== false) await rm(s.path, { force: true });
      }
    },
  };
}

/** Starts the fake on 127.0.0.1 (port 0): the protocol alone, behind one bearer token. */
export async function startResumableFake(options: ResumableFakeOptions): Promise<ResumableFake> {
  let token = options.token ?? 'upload-token';
  const failures: number[] = [];
  let base = '';
  const protocol = createResumableProtocol({ ...options, base: () => base });
  const { stats } = protocol;

  const error = (res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}) => {
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    const text = JSON.stringify({ error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  // An answer sent before the body was read: close the connection so the unread body goes nowhere.
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, message: string) => {
    res.once('finish', () => req.socket.destroySoon());
    error(res, status, reason, message, { Connection: 'close' });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    void (async () => {
      if (req.headers.authorization !== `Bearer ${token}`) return refuse(req, res, 401, 'authError', 'Invalid Credentials');
      const fail = failures.shift();
      if (fail !== undefined) return refuse(req, res, fail, fail >= 500 ? 'backendError' : 'failed', `Told to fail with ${fail}`);
      if (!(await protocol.handle(req, res, url))) error(res, 404, 'notFound', 'Not found');
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
    session: (id) => protocol.session(id),
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    expireSessions: () => protocol.expireSessions(),
    setToken(next) {
      token = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await protocol.close();
    },
  };
}
