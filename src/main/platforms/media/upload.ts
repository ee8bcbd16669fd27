// The upload toolkit every adapter that uploads files builds on. Two shapes cover the platforms:
//
// - byte offsets (`uploadResumable`): the platform keeps a session and says how many bytes it
//   holds; after any interruption we ask it and go on from there. YouTube's resumable protocol
//   (308 + `Range`, probe with `Content-Range: bytes */N`: google-resumable.ts) and Facebook's
//   Resumable Upload API (`file_offset`) work like this.
// - segments (`uploadSegments`): the file is cut into ranges the platform dictates, each sent by
//   its index and confirmed on its own: X's APPEND `segment_index` (0-999, up to 5 MB each),
//   TikTok's FILE_UPLOAD chunks (5-64 MB, the last up to 128 MB, in order, `Content-Range`),
//   LinkedIn's `uploadInstructions` parts (each answered with an ETag for `finalizeUpload`), and
//   a single-segment upload for Pinterest's `upload_url` form POST.
//
// Both read the file from disk as each request needs it (memory stays constant whatever the file
// size), save their session in the entry's progress (under a key the adapter chooses) before and
// after every chunk, retry a failed chunk as transient with backoff, honour the abort signal, and
// report bytes sent. After a crash, sleep or network loss the next publish attempt calls the same
// function with the same key and continues from the last byte or segment the platform confirmed.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable, type Writable } from 'node:stream';
import { PublishError, type ProgressStore } from '../types';
import { progressSlot } from './progress-slot';
import { abortableSleep } from '../sleep';

/** A byte range of the file: `start` included, `end` excluded. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One piece of the file as the platform takes it; its bytes are read from disk only when sent. */
export interface UploadChunk extends ByteRange {
  /** Position among the segments (segment uploads), or the count of requests so far (byte uploads). */
  index: number;
  /** Size of the whole file. */
  total: number;
  /** True for the piece that ends at the last byte. */
  last: boolean;
  /** The bytes as a stream from disk (constant memory; a fetch body with `duplex: 'half'`). */
  stream(): Readable;
  /** The bytes in memory, for a multipart form part (X's segments of a few MB). */
  bytes(): Promise<Buffer>;
  /** Writes the bytes into a Node writable (an http request) through two reused 1 MiB buffers, then ends it (unless `end: false`). */
  writeTo(target: Writable, options?: { end?: boolean }): Promise<void>;
  /** Aborted when the engine gives up on the attempt: pass it to fetch. */
  signal: AbortSignal;
}

/** What a byte-offset platform says after a chunk or a probe. */
export type ResumableAnswer =
  /** It holds the first `received` bytes (YouTube's `Range: bytes=0-(received-1)`; 0 when it sends no Range). */
  | { received: number }
  /** The file is complete; `result` is what the platform answered (YouTube's video resource). */
  | { complete: true; result?: unknown };

/** Thrown by `send` or `probe` when the platform no longer knows the session (expired, 404): a new one is started. */
export class UploadSessionGone extends Error {
  constructor(message = 'The upload session has expired') {
    super(message);
    this.name = 'UploadSessionGone';
  }
}

/** How failed chunks are retried. */
export interface RetryOptions {
  /** Failures in a row without progress before giving up (the entry then retries later and resumes). Default 6. */
  attempts?: number;
  /** First wait, doubled after each failure up to `maxDelayMs`. Defaults 500 ms and 30 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest `rate_limited` wait honoured in place; longer ones are thrown to the engine. Default 60 s. */
  maxRateLimitWaitMs?: number;
  /** Waits `ms` or rejects when the signal aborts (tests pass a fast one). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Bytes the platform has confirmed out of the file's size. */
export interface UploadProgress {
  sent: number;
  total: number;
}

interface CommonOptions<S> {
  /** The file to upload (never modified). */
  path: string;
  /** Key of this upload inside the entry's progress (`video`, `image-3`, `thumbnail`). */
  key: string;
  /** The entry's progress (`ctx.progress`). */
  progress: ProgressStore;
  /** The attempt's abort signal (`ctx.signal`). */
  signal: AbortSignal;
  /** What the creator sees: the file as they know it ("holiday.mp4"), used in error messages. */
  label?: string;
  /** Starts a session on the platform (INIT, initializeUpload, the resumable POST). Saved before any byte is sent. */
  start(total: number): Promise<S>;
  /** Called after each confirmed chunk (and once when resuming); must not throw. */
  onProgress?: (progress: UploadProgress) => void;
  retry?: RetryOptions;
}

/** Options of a byte-offset upload. */
export interface ResumableOptions<S> extends CommonOptions<S> {
  /** Bytes per request (YouTube: a multiple of 256 KiB). The file streams through it, never held whole. */
  chunkSize: number;
  /** Sends one chunk; resolves with what the platform now holds. */
  send(session: S, chunk: UploadChunk): Promise<ResumableAnswer>;
  /** Asks the platform what it holds (YouTube: an empty PUT with `Content-Range: bytes *\/N`). */
  probe(session: S, total: number, signal: AbortSignal): Promise<ResumableAnswer>;
}

/** Options of a segment upload. */
export interface SegmentOptions<S, P> extends CommonOptions<S> {
  /** The ranges the platform dictates, in order: a fixed list (see `splitFile`) or read from the session (LinkedIn's instructions). */
  segments: ByteRange[] | ((session: S, total: number) => ByteRange[]);
  /** Sends one segment; what it resolves with (LinkedIn's ETag) is saved and returned in `parts`. */
  send(session: S, chunk: UploadChunk): Promise<P>;
}

/** What the saved progress holds for a byte-offset upload. */
interface ResumableState<S> {
  kind: 'bytes';
  size: number;
  session: S;
  confirmed: number;
  /** The range in flight when the state was saved (after a crash: the platform may hold part of it). */
  sending: ByteRange | null;
  requests: number;
  done: boolean;
  result?: unknown;
}

/** What the saved progress holds for a segment upload. */
interface SegmentState<S, P> {
  kind: 'segments';
  size: number;
  session: S;
  ranges: ByteRange[];
  /** One per range: null until the platform confirmed it, then what `send` resolved with. */
  parts: Array<{ value: P } | null>;
  sending: number | null;
  done: boolean;
}

const DEFAULTS = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRateLimitWaitMs: 60_000 };

/** Uploads a file to a platform that tracks bytes received; resolves with the session and the platform's final answer. */
export async function uploadResumable<S>(options: ResumableOptions<S>): Promise<{ session: S; result: unknown }> {
  const { path, signal } = options;
  if (!(options.chunkSize > 0)) throw new Error('chunkSize must be positive');
  const size = await fileSize(path, options.label);
  const slot = progressSlot<ResumableState<S>>(options.progress, options.key);
  const retry = new Retrier(options, size);

  let state = slot.get();
  if (state && (state.kind !== 'bytes' || state.size !== size)) state = null;
  if (state?.done) {
    report(options, size, size);
    return { session: state.session, result: state.result };
  }
  // A saved session may hold more than we recorded (a chunk that landed as we crashed) or less
  // (the platform dropped an unfinished chunk): ask it before sending anything.
  let ask = state !== null;
  let restarted = false;
  const begin = async (): Promise<ResumableState<S>> => {
    const session = await retry.run(() => options.start(size));
    const fresh: ResumableState<S> = { kind: 'bytes', size, session, confirmed: 0, sending: null, requests: 0, done: false };
    await slot.save(fresh);
    return fresh;
  };
  state ??= await begin();
  if (!ask) report(options, 0, size);

  for (;;) {
    retry.checkAbort();
    try {
      if (ask) {
        const answer = await options.probe(state.session, size, signal);
        ask = false;
        if ('complete' in answer) return await finish(answer.result);
        state = { ...state, confirmed: clamp(answer.received, size), sending: null };
        await slot.save(state);
        report(options, state.confirmed, size);
        retry.progressed(state.confirmed);
      }
      if (state.confirmed >= size) {
        // Every byte is there but the platform has not answered with the result: ask again.
        ask = true;
        throw new PublishError('transient', 'The platform holds the whole file but has not finished the upload');
      }
      const range: ByteRange = { start: state.confirmed, end: Math.min(size, state.confirmed + options.chunkSize) };
      state = { ...state, sending: range, requests: state.requests + 1 };
      await slot.save(state);
      const answer = await options.send(state.session, chunkOf(path, range, state.requests - 1, size, signal));
      if ('complete' in answer) return await finish(answer.result);
      state = { ...state, confirmed: clamp(answer.received, size), sending: null };
      await slot.save(state);
      report(options, state.confirmed, size);
      retry.progressed(state.confirmed);
    } catch (error) {
      if (error instanceof UploadSessionGone) {
        // One fresh session per call: a platform that forgets sessions at once would loop forever.
        if (restarted) throw new PublishError('transient', `${what(options)}: the platform dropped the upload session twice`, { cause: error });
        restarted = true;
        state = await begin();
        ask = false;
        report(options, 0, size);
        continue;
      }
      await retry.failed(error, state.confirmed);
      ask = true;
    }
  }

  async function finish(result: unknown) {
    state = { ...state!, confirmed: size, sending: null, done: true, result: result ?? null };
    await slot.save(state);
    report(options, size, size);
    return { session: state.session, result: state.result };
  }
}

/** Uploads a file as the segments a platform dictates; resolves with the session and each segment's answer, in order. */
export async function uploadSegments<S, P>(options: SegmentOptions<S, P>): Promise<{ session: S; parts: P[] }> {
  const { path, signal } = options;
  const size = await fileSize(path, options.label);
  const slot = progressSlot<SegmentState<S, P>>(options.progress, options.key);
  const retry = new Retrier(options, size);

  let state = slot.get();
  if (state && (state.kind !== 'segments' || state.size !== size)) state = null;
  let restarted = false;
  const begin = async (): Promise<SegmentState<S, P>> => {
    const session = await retry.run(() => options.start(size));
    const ranges = typeof options.segments === 'function' ? options.segments(session, size) : options.segments;
    checkRanges(ranges, size);
    const fresh: SegmentState<S, P> = { kind: 'segments', size, session, ranges, parts: ranges.map(() => null), sending: null, done: false };
    await slot.save(fresh);
    return fresh;
  };
  state ??= await begin();
  const sent = (s: SegmentState<S, P>) => s.ranges.reduce((n, r, i) => n + (s.parts[i] ? r.end - r.start : 0), 0);
  report(options, sent(state), size);

  for (;;) {
    const index: number = state.parts.findIndex((p) => p === null);
    if (index === -1) break;
    retry.checkAbort();
    const range = state.ranges[index]!;
    try {
      state = { ...state, sending: index };
      await slot.save(state);
      const value = await options.send(state.session, chunkOf(path, range, index, size, signal));
      const parts = state.parts.slice();
      parts[index] = { value };
      state = { ...state, parts, sending: null };
      await slot.save(state);
      const done = sent(state);
      report(options, done, size);
      retry.progressed(done);
    } catch (error) {
      if (error instanceof UploadSessionGone) {
        if (restarted) throw new PublishError('transient', `${what(options)}: the platform dropped the upload session twice`, { cause: error });
        restarted = true;
        state = await begin();
        report(options, 0, size);
        continue;
      }
      await retry.failed(error, sent(state));
    }
  }
  if (!state.done) {
    state = { ...state, done: true };
    await slot.save(state);
  }
  return { session: state.session, parts: state.parts.map((p) => p!.value) };
}

/** Cuts `total` bytes into ranges of `size` (the last shorter); `mergeTail` folds the remainder into the last full range (TikTok). */
export function splitFile(total: number, size: number, options: { mergeTail?: boolean; maxSegments?: number } = {}): ByteRange[] {
  if (!(size > 0)) throw new Error('segment size must be positive');
  if (total <= 0) return [{ start: 0, end: 0 }];
  const count = options.mergeTail ? Math.max(1, Math.floor(total / size)) : Math.ceil(total / size);
  if (options.maxSegments !== undefined && count > options.maxSegments) {
    throw new PublishError('permanent', `The file needs ${count} segments of ${size} bytes; the platform takes at most ${options.maxSegments}`);
  }
  return Array.from({ length: count }, (_, i) => ({ start: i * size, end: i === count - 1 ? total : (i + 1) * size }));
}

/** The saved state of an upload, for an adapter that must know whether it already finished (null when none). */
export function savedUpload(progress: ProgressStore, key: string): { done: boolean; session: unknown; result?: unknown } | null {
  const state = progressSlot<ResumableState<unknown> | SegmentState<unknown, unknown>>(progress, key).get();
  if (!state) return null;
  return { done: state.done, session: state.session, ...(state.kind === 'bytes' ? { result: state.result } : {}) };
}

/** Forgets an upload's saved session (after the platform rejected the file, so the next attempt starts afresh). */
export function forgetUpload(progress: ProgressStore, key: string): Promise<void> {
  return progressSlot(progress, key).save(null);
}

/** A chunk sent as the file part of a multipart/form-data body (Pinterest's upload_url, X's APPEND). */
export interface ChunkForm {
  /** Text fields sent before the file (Pinterest: every `upload_parameters` entry, in order). */
  fields: Record<string, string>;
  /** Name of the file field (`file`, `media`). */
  fileField: string;
  filename: string;
  contentType: string;
}

/**
 * Sends one chunk as a request body streamed from disk (PUT by default; with `form`, as the file
 * of a multipart form) and resolves with the answer as a fetch Response. Node's http pipes the
 * file into the socket through reused buffers, where fetch would make a web stream of it piece
 * by piece (about 1.5x the throughput, and no garbage for the GC to pause on).
 */
export function sendChunk(url: string, init: { chunk: UploadChunk; headers?: Record<string, string>; method?: string; form?: ChunkForm }): Promise<Response> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
  if (!send) return Promise.reject(new Error(`cannot upload to ${target.protocol} addresses`));
  const { chunk, form } = init;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  const headers: Record<string, string> = { ...init.headers };
  if (form) {
    const boundary = `----outbox${randomUUID().replace(/-/g, '')}`;
    const quote = (v: string) => v.replace(/["\r\n]/g, '_');
    const parts = Object.entries(form.fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(form.fileField)}"; filename="${quote(form.filename)}"\r\nContent-Type: ${form.contentType}\r\n\r\n`);
    head = Buffer.from(parts.join(''), 'utf8');
    tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
    headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
  }
  headers['Content-Length'] = String(head.length + (chunk.end - chunk.start) + tail.length);
  return new Promise<Response>((resolve, reject) => {
    const req = send(target, { method: init.method ?? (form ? 'POST' : 'PUT'), headers, signal: chunk.signal }, (res) => {
      const answer = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (Array.isArray(value)) for (const v of value) answer.append(name, v);
        else if (value !== undefined) answer.set(name, value);
      }
      const status = res.statusCode ?? 502;
      const empty = status === 204 || status === 205 || status === 304;
      if (empty) res.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? '', headers: answer }));
    });
    req.on('error', reject);
    const body = async () => {
      if (head.length) req.write(head);
      await chunk.writeTo(req, { end: !form });
      if (form) req.end(tail);
    };
    // A server that answers before reading the whole body (401, 413) ends the writing early: the
    // answer is what counts, so that error only rejects if nothing was answered.
    body().catch((error: unknown) => {
      req.destroy(error as Error);
      reject(error);
    });
  });
}

// ---------------------------------------------------------------------------------------------

function chunkOf(path: string, range: ByteRange, index: number, total: number, signal: AbortSignal): UploadChunk {
  const length = range.end - range.start;
  return {
    ...range,
    index,
    total,
    last: range.end === total,
    signal,
    // highWaterMark 1 MiB: few system calls, and at most a couple of MiB in flight per upload.
    stream: () => (length === 0 ? emptyStream() : createReadStream(path, { start: range.start, end: range.end - 1, highWaterMark: 1 << 20, signal })),
    async writeTo(target, options = {}) {
      // No buffer per read: a stream would allocate one for every MiB, and at hundreds of MB/s
      // that garbage costs the main thread GC pauses of 100 ms and more. Each buffer is read into
      // again only once the socket has taken what it held (the write callback).
      const handle = await open(path, 'r');
      const buffers = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
      const written: Array<Promise<void> | null> = [null, null];
      try {
        let at = range.start;
        for (let i = 0; at < range.end; i = 1 - i) {
          await written[i];
          if (signal.aborted) throw signal.reason;
          if (target.destroyed) throw new Error('the connection closed while sending');
          const { bytesRead } = await handle.read(buffers[i]!, 0, Math.min(buffers[i]!.length, range.end - at), at);
          if (bytesRead === 0) throw new Error(`the file ended at byte ${at} of ${total}`);
          at += bytesRead;
          const piece = buffers[i]!.subarray(0, bytesRead);
          written[i] = new Promise<void>((resolve, reject) => target.write(piece, (error) => (error ? reject(error) : resolve())));
          // A failed write is awaited below or on the next turn; never left unhandled.
          written[i]!.catch(() => undefined);
        }
        await Promise.all(written);
        if (options.end !== false) await new Promise<void>((resolve, reject) => target.end((error?: Error | null) => (error ? reject(error) : resolve())));
      } finally {
        await handle.close();
      }
    },
    async bytes() {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buffer, done, length - done, range.start + done);
          if (bytesRead === 0) throw new Error(`the file ended at byte ${range.start + done} of ${total}`);
          done += bytesRead;
        }
        return buffer;
      } finally {
        await handle.close();
      }
    },
  };
}

function emptyStream(): Readable {
  // A zero-length range (an empty file): createReadStream cannot express it.
  return Readable.from([]);
}

async function fileSize(path: string, label: string | undefined): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    return info.size;
  } catch (error) {
    throw new PublishError('permanent', `${label ?? 'A media file'} cannot be read from the library (${(error as Error).message}); import it again`, { cause: error });
  }
}

function checkRanges(ranges: ByteRange[], size: number) {
  let at = 0;
  for (const r of ranges) {
    if (r.start !== at || r.end < r.start) throw new Error(`segments must cover the file in order without gaps (at byte ${at})`);
    at = r.end;
  }
  if (at !== size) throw new Error(`segments cover ${at} bytes of ${size}`);
}

const clamp = (n: number, size: number) => Math.max(0, Math.min(size, Math.floor(n)));

const what = (options: CommonOptions<unknown>) => `Upload of ${options.label ?? 'the media file'}`;

function report(options: CommonOptions<unknown>, sent: number, total: number) {
  try {
    options.onProgress?.({ sent, total });
  } catch {
    // A progress listener that throws must not break the upload.
  }
}


/** Counts failures in a row without progress, waits between them, and decides what gives up. */
class Retrier {
  private failures = 0;
  private best = -1;
  private readonly settings: Required<Omit<RetryOptions, 'sleep'>> & { sleep: NonNullable<RetryOptions['sleep']> };

  constructor(
    private readonly options: CommonOptions<unknown>,
    private readonly size: number,
  ) {
    this.settings = { ...DEFAULTS, sleep: abortableSleep, ...Object.fromEntries(Object.entries(options.retry ?? {}).filter(([, v]) => v !== undefined)) };
  }

  checkAbort() {
    if (this.options.signal.aborted) throw this.stopped(this.options.signal.reason);
  }

  progressed(bytes: number) {
    if (bytes > this.best) {
      this.best = bytes;
      this.failures = 0;
    }
  }

  /** Runs a step that is not a chunk (starting the session) with the same retries. */
  async run<T>(step: () => Promise<T>): Promise<T> {
    for (;;) {
      this.checkAbort();
      try {
        return await step();
      } catch (error) {
        await this.failed(error, Math.max(0, this.best));
      }
    }
  }

  /** Throws what must not be retried here; otherwise waits before the next try. */
  async failed(error: unknown, confirmed: number): Promise<void> {
    const { signal } = this.options;
    if (signal.aborted) throw this.stopped(signal.reason);
    let wait: number | undefined;
    if (error instanceof PublishError) {
      if (error.kind === 'auth' || error.kind === 'permanent') throw error;
      if (error.kind === 'rate_limited') {
        const asked = error.retryAfterMs ?? this.settings.maxRateLimitWaitMs + 1;
        if (asked > this.settings.maxRateLimitWaitMs) throw error;
        wait = asked;
      }
    }
    this.failures += 1;
    if (this.failures > this.settings.attempts) {
      const at = confirmed > 0 ? `; it goes on from byte ${confirmed.toLocaleString('en')} of ${this.size.toLocaleString('en')} next time` : '';
      throw new PublishError('transient', `${what(this.options)} failed ${this.failures} times in a row (${message(error)})${at}`, { cause: error, httpStatus: error instanceof PublishError ? error.httpStatus : undefined });
    }
    wait ??= Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (this.failures - 1));
    // Up to a quarter less, so uploads that failed together do not all come back at once.
    wait = Math.round(wait * (0.75 + Math.random() * 0.25));
    try {
      await this.settings.sleep(wait, signal);
    } catch (reason) {
      throw this.stopped(reason);
    }
  }

  private stopped(reason: unknown) {
    return new PublishError('transient', `${what(this.options)} was stopped; it goes on from where it stopped next time`, { cause: reason });
  }
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message && !error.message.includes(cause.message) ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
