// The upload toolkit against local servers that speak YouTube's resumable protocol and X's
// segment upload: completion, dropped connections, 5xx, expired tokens and sessions, aborts and
// resumes, several uploads in one entry, and what the progress keeps.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishError } from '../../../../src/main/platforms/types';
import { progressSlot } from '../../../../src/main/platforms/media/progress-slot';
import { forgetUpload, savedUpload, splitFile, uploadSegments, type UploadProgress } from '../../../../src/main/platforms/media/upload';
import { receivedFromRange } from '../../../../src/main/platforms/media/google-resumable';
import { startResumableFake, type ResumableFake } from '../../../fakes/resumable-upload';
import { startSegmentFake, type SegmentFake } from '../../../fakes/segment-upload';
import { OpenApiValidator } from '../../../support/openapi';
import { tempDir } from '../../../support/core';
import { memoryProgressStore } from '../../../support/file-progress';
import { randomFile, sha256File, xFinalize, xUpload, youtubeUpload } from './clients';

const MiB = 1024 * 1024;
const dir = tempDir('outbox-upload-');
const fakeDir = tempDir('outbox-upload-fake-');
let file: string;
let fileSha: string;
const SIZE = 7 * MiB + 12_345; // not a multiple of anything: the last chunk is short
const fast = { sleep: async () => {}, baseDelayMs: 1 };
const never = new AbortController().signal;

beforeAll(async () => {
  file = join(dir.dir, 'clip.mp4');
  fileSha = await randomFile(file, SIZE);
});
afterAll(() => {
  dir.remove();
  fakeDir.remove();
});

describe('byte-offset uploads (YouTube resumable protocol)', () => {
  let fake: ResumableFake;
  let drop: ((n: number) => number | undefined) | undefined;
  beforeAll(async () => {
    fake = await startResumableFake({ dir: fakeDir.dir, token: 'good', dropAfter: ({ n }) => drop?.(n) });
  });
  afterAll(() => fake.close());

  const fresh = () => {
    const before = { ...fake.stats, statuses: { ...fake.stats.statuses } };
    return { before, received: () => fake.stats.bytesReceived - before.bytesReceived };
  };

  it('sends the file in chunks, saves the session and the confirmed bytes, reports progress and returns the resource', async () => {
    const counter = fresh();
    const progress = memoryProgressStore();
    const seen: UploadProgress[] = [];
    const { result } = await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good', onProgress: (p) => seen.push(p) });
    const session = fake.session();
    expect(session).toMatchObject({ complete: true, received: SIZE, sha256: fileSha });
    expect(await sha256File(session.path)).toBe(fileSha);
    expect(counter.received()).toBe(SIZE);
    expect(result).toMatchObject({ kind: 'youtube#video', status: { uploadStatus: 'uploaded' } });
    // Progress climbs chunk by chunk to the total.
    expect(seen[0]).toEqual({ sent: 0, total: SIZE });
    expect(seen.at(-1)).toEqual({ sent: SIZE, total: SIZE });
    expect(seen.map((p) => p.sent)).toEqual([...seen.map((p) => p.sent)].sort((a, b) => a - b));
    expect(seen.length).toBe(Math.ceil(SIZE / MiB) + 1);
    // Saved before and after each chunk: the session, then what the platform confirmed.
    expect(progress.saves).toBe(1 + 2 * Math.ceil(SIZE / MiB));
    expect(savedUpload(progress, 'video')).toMatchObject({ done: true, result: { kind: 'youtube#video' } });
    expect((progress.get()!['video'] as { session: { url: string } }).session.url).toContain('upload_id=');
  });

  it('a finished upload is not sent again: the saved answer comes back without a request', async () => {
    const progress = memoryProgressStore();
    const first = await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: 2 * MiB, startUrl: fake.startUrl, token: () => 'good' });
    const counter = fresh();
    const again = await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: 2 * MiB, startUrl: fake.startUrl, token: () => 'good' });
    expect(again.result).toEqual(first.result);
    expect(fake.stats.probes - counter.before.probes + fake.stats.puts - counter.before.puts + fake.stats.sessionsStarted - counter.before.sessionsStarted).toBe(0);
  });

  it('connections dropped in the middle of chunks: it asks what arrived (bytes */N) and goes on from there; every byte crosses once, in order', async () => {
    const counter = fresh();
    drop = (n) => (n % 3 === 1 ? 100_000 + n * 7919 : undefined);
    try {
      const progress = memoryProgressStore();
      await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good', retry: fast });
    } finally {
      drop = undefined;
    }
    expect(fake.stats.drops - counter.before.drops).toBeGreaterThanOrEqual(2);
    expect(fake.stats.probes - counter.before.probes).toBe(fake.stats.drops - counter.before.drops);
    expect(counter.received()).toBe(SIZE);
    expect(fake.stats.misplaced).toBe(0);
    expect(fake.session()).toMatchObject({ complete: true, sha256: fileSha });
  });

  it('a 503 on a chunk is retried after a wait that grows', async () => {
    const counter = fresh();
    const waits: number[] = [];
    fake.failNext(503, 3);
    await youtubeUpload({
      path: file,
      key: 'video',
      progress: memoryProgressStore(),
      signal: never,
      chunkSize: 4 * MiB,
      startUrl: fake.startUrl,
      token: () => 'good',
      retry: { baseDelayMs: 100, sleep: async (ms) => void waits.push(ms) },
    });
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(75);
    expect(waits[2]).toBeGreaterThan(waits[0]!);
    expect(counter.received()).toBe(SIZE);
    expect(fake.session()).toMatchObject({ complete: true, sha256: fileSha });
  });

  it('an expired token stops the upload as an auth failure with the bytes kept; after a refresh it resumes', async () => {
    const counter = fresh();
    const progress = memoryProgressStore();
    let token = 'good';
    let chunks = 0;
    const upload = () =>
      youtubeUpload({
        path: file,
        key: 'video',
        progress,
        signal: never,
        chunkSize: MiB,
        startUrl: fake.startUrl,
        token: () => token,
        onProgress: () => {
          if (++chunks === 4) fake.setToken('refreshed');
        },
      });
    const failure = await upload().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).kind).toBe('auth');
    const held = fake.session().received;
    expect(held).toBe(3 * MiB);
    token = 'refreshed';
    await upload();
    fake.setToken('good');
    expect(fake.stats.sessionsStarted - counter.before.sessionsStarted).toBe(1);
    expect(counter.received()).toBe(SIZE);
    expect(fake.session()).toMatchObject({ complete: true, sha256: fileSha });
  });

  it('an abort stops between chunks; the next attempt asks the server and sends only the rest', async () => {
    const counter = fresh();
    const progress = memoryProgressStore();
    const stop = new AbortController();
    const failure = await youtubeUpload({
      path: file,
      key: 'video',
      progress,
      signal: stop.signal,
      chunkSize: MiB,
      startUrl: fake.startUrl,
      token: () => 'good',
      onProgress: (p) => p.sent >= 2 * MiB && stop.abort(new Error('quitting')),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).kind).toBe('transient');
    expect((failure as PublishError).message).toMatch(/stopped; it goes on from where it stopped/);
    const seen: number[] = [];
    await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good', onProgress: (p) => seen.push(p.sent) });
    expect(seen[0]).toBeGreaterThanOrEqual(2 * MiB); // resumed, not restarted
    expect(counter.received()).toBe(SIZE);
    expect(fake.stats.sessionsStarted - counter.before.sessionsStarted).toBe(1);
    expect(fake.session()).toMatchObject({ complete: true, sha256: fileSha });
  });

  it('a session the server forgot (404) is started again once', async () => {
    const progress = memoryProgressStore();
    const stop = new AbortController();
    await youtubeUpload({ path: file, key: 'video', progress, signal: stop.signal, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good', onProgress: (p) => p.sent >= MiB && stop.abort() }).catch(() => undefined);
    const old = fake.session().id;
    fake.expireSessions();
    const counter = fresh();
    await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good' });
    expect(fake.session().id).not.toBe(old);
    expect(fake.stats.sessionsStarted - counter.before.sessionsStarted).toBe(1);
    expect(fake.session()).toMatchObject({ complete: true, sha256: fileSha });
  });

  it('a server that keeps failing gives up as transient, saying where the next attempt starts', async () => {
    const progress = memoryProgressStore();
    let n = 0;
    const failure = await youtubeUpload({
      path: file,
      key: 'video',
      progress,
      signal: never,
      chunkSize: MiB,
      startUrl: fake.startUrl,
      token: () => 'good',
      retry: { ...fast, attempts: 2 },
      onProgress: (p) => p.sent === 2 * MiB && ++n === 1 && fake.failNext(500, 10),
    }).catch((e: unknown) => e);
    expect((failure as PublishError).kind).toBe('transient');
    expect((failure as PublishError).message).toMatch(/failed 3 times in a row .*500.*goes on from byte 2,097,152/);
    // Drain the failures left queued for this test.
    await youtubeUpload({ path: file, key: 'video', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good', retry: { ...fast, attempts: 20 } });
    expect(fake.session()).toMatchObject({ complete: true, sha256: fileSha });
  });

  it('two uploads of one entry (a carousel) keep their own keys in the same progress', async () => {
    const progress = memoryProgressStore({ container: 'ig-123' });
    const other = join(dir.dir, 'second.mp4');
    const otherSha = await randomFile(other, 3 * MiB + 5);
    await Promise.all([
      youtubeUpload({ path: file, key: 'item-0', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good' }),
      youtubeUpload({ path: other, key: 'item-1', progress, signal: never, chunkSize: MiB, startUrl: fake.startUrl, token: () => 'good' }),
    ]);
    const saved = progress.get()!;
    expect(saved['container']).toBe('ig-123');
    expect(savedUpload(progress, 'item-0')?.done).toBe(true);
    expect(savedUpload(progress, 'item-1')?.done).toBe(true);
    expect([fileSha, otherSha]).toContain(fake.session().sha256);
    await forgetUpload(progress, 'item-0');
    expect(Object.keys(progress.get()!).sort()).toEqual(['container', 'item-1']);
  });

  it('a progress listener that throws does not break the upload', async () => {
    await youtubeUpload({
      path: file,
      key: 'video',
      progress: memoryProgressStore(),
      signal: never,
      chunkSize: 4 * MiB,
      startUrl: fake.startUrl,
      token: () => 'good',
      onProgress: () => {
        throw new Error('listener bug');
      },
    });
    expect(fake.session().complete).toBe(true);
  });

  it('reads the Range header as the docs write it', () => {
    expect(receivedFromRange(null)).toBe(0);
    expect(receivedFromRange('bytes=0-999999')).toBe(1_000_000);
    expect(() => receivedFromRange('bytes 12')).toThrow(PublishError);
  });
});

describe('segment uploads (X APPEND by segment_index, TikTok chunks, LinkedIn parts)', () => {
  let fake: SegmentFake;
  let drop: ((n: number) => number | undefined) | undefined;
  const spec = new OpenApiValidator('x-api-v2-openapi.json', undefined, { statuses: [400, 500, 503], schema: 'Problem' });
  // X answers 401 and 429 with `type: about:blank` problems its own description does not list.
  const checked = () => spec.validateExchanges(fake.exchanges, { skip: (e) => e.status === 401 || e.status === 429 });
  beforeAll(async () => {
    fake = await startSegmentFake({ token: 'x', dropAfter: ({ n }) => drop?.(n) });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('X: INIT, one APPEND per segment by index, FINALIZE; the parts add up to the file; every exchange matches the X spec', async () => {
    const progress = memoryProgressStore();
    const { session } = await xUpload({ path: file, key: 'video', progress, signal: never, url: fake.url, token: 'x', segmentSize: 2 * MiB });
    const final = await xFinalize(fake.url, 'x', session.id);
    expect(final['data']).toMatchObject({ id: session.id, size: SIZE, processing_info: { state: 'pending' } });
    expect(fake.sha256(session.id)).toBe(fileSha);
    expect([...fake.appends(session.id).values()]).toEqual([1, 1, 1, 1]);
    expect(savedUpload(progress, 'video')).toMatchObject({ done: true, session: { id: session.id } });
    expect(checked()).toEqual([]);
  });

  it('dropped APPENDs and a 503 are retried; only the segments in flight cross twice', async () => {
    let appends = 0;
    const dropsBefore = fake.stats.drops;
    drop = () => (++appends === 2 || appends === 5 ? 50_000 : undefined);
    fake.failNext(503);
    try {
      const { session } = await xUpload({ path: file, key: 'video', progress: memoryProgressStore(), signal: never, url: fake.url, token: 'x', segmentSize: MiB, retry: fast });
      await xFinalize(fake.url, 'x', session.id);
      expect(fake.sha256(session.id)).toBe(fileSha);
      const counts = [...fake.appends(session.id).values()];
      expect(counts).toHaveLength(8);
      expect(counts.every((c) => c === 1)).toBe(true); // a dropped APPEND is not stored
    } finally {
      drop = undefined;
    }
    expect(fake.stats.drops - dropsBefore).toBe(2);
    expect(checked()).toEqual([]);
  });

  it('an abort after some segments: the next attempt sends only the missing ones, in order', async () => {
    const progress = memoryProgressStore();
    const stop = new AbortController();
    const failure = await xUpload({ path: file, key: 'video', progress, signal: stop.signal, url: fake.url, token: 'x', segmentSize: MiB, onProgress: (p) => p.sent >= 3 * MiB && stop.abort() }).catch((e: unknown) => e);
    expect((failure as PublishError).kind).toBe('transient');
    const { session } = await xUpload({ path: file, key: 'video', progress, signal: never, url: fake.url, token: 'x', segmentSize: MiB });
    await xFinalize(fake.url, 'x', session.id);
    expect(fake.sha256(session.id)).toBe(fileSha);
    expect([...fake.appends(session.id).values()].every((c) => c === 1)).toBe(true);
    expect(fake.stats.initialized).toBeGreaterThan(0);
  });

  it('a 401 is an auth failure at once; a long 429 goes back to the engine with its wait', async () => {
    fake.failNext(401);
    const auth = await xUpload({ path: file, key: 'a', progress: memoryProgressStore(), signal: never, url: fake.url, token: 'x', segmentSize: 2 * MiB, retry: fast }).catch((e: unknown) => e);
    expect((auth as PublishError).kind).toBe('auth');
    const limited = await xUpload({ path: file, key: 'b', progress: memoryProgressStore(), signal: never, url: fake.url, token: 'wrong', segmentSize: 2 * MiB, retry: fast }).catch((e: unknown) => e);
    expect((limited as PublishError).kind).toBe('auth');
    fake.failNext(429);
    const waits: number[] = [];
    await xUpload({ path: file, key: 'c', progress: memoryProgressStore(), signal: never, url: fake.url, token: 'x', segmentSize: 2 * MiB, retry: { maxRateLimitWaitMs: 5_000, sleep: async (ms) => void waits.push(ms) } });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(2_000);
    fake.failNext(429);
    const tooLong = await xUpload({ path: file, key: 'd', progress: memoryProgressStore(), signal: never, url: fake.url, token: 'x', segmentSize: 2 * MiB, retry: { maxRateLimitWaitMs: 0 } }).catch((e: unknown) => e);
    expect((tooLong as PublishError).kind).toBe('rate_limited');
    expect(checked()).toEqual([]);
  });

  it('LinkedIn-style parts: the ranges come from the session, each answer (ETag) is kept across a restart and returned in order', async () => {
    const progress = memoryProgressStore();
    const parts = [
      { start: 0, end: 4 * MiB },
      { start: 4 * MiB, end: SIZE },
    ];
    let sends = 0;
    const run = (signal: AbortSignal) =>
      uploadSegments<{ urn: string; instructions: typeof parts }, string>({
        path: file,
        key: 'video',
        progress,
        signal,
        start: async () => ({ urn: 'urn:li:video:1', instructions: parts }),
        segments: (session) => session.instructions,
        send: async (_s, chunk) => {
          sends += 1;
          const bytes = await chunk.bytes();
          expect(bytes.length).toBe(chunk.end - chunk.start);
          return `etag-${chunk.index}-${bytes.length}`;
        },
      });
    const stop = new AbortController();
    await uploadSegments({ ...{ path: file, key: 'video', progress, signal: stop.signal }, start: async () => ({ urn: 'urn:li:video:1', instructions: parts }), segments: (s: { instructions: typeof parts }) => s.instructions, send: async (_s, chunk) => (stop.abort(), `etag-${chunk.index}-${chunk.end - chunk.start}`) }).catch(() => undefined);
    const { parts: etags } = await run(never);
    expect(etags).toEqual([`etag-0-${4 * MiB}`, `etag-1-${SIZE - 4 * MiB}`]);
    expect(sends).toBe(1); // only the second part was left
  });

  it('segments that do not cover the file are refused before anything is sent', async () => {
    const failure = await uploadSegments({ path: file, key: 'v', progress: memoryProgressStore(), signal: never, start: async () => ({}), segments: [{ start: 0, end: 10 }], send: async () => null }).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/segments cover 10 bytes of/);
  });

  it('splitFile: fixed sizes, the tail merged into the last chunk (TikTok), and a cap on the count (X: 1,000)', () => {
    expect(splitFile(10, 4)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
    const tiktok = splitFile(23 * MiB, 5 * MiB, { mergeTail: true });
    expect(tiktok).toHaveLength(4);
    expect(tiktok.at(-1)).toEqual({ start: 15 * MiB, end: 23 * MiB });
    expect(splitFile(3 * MiB, 5 * MiB, { mergeTail: true })).toEqual([{ start: 0, end: 3 * MiB }]);
    expect(() => splitFile(6 * 1024 * MiB, 5 * MiB, { maxSegments: 1000 })).toThrow(/at most 1000/);
  });

  it('progressSlot keeps other keys when one upload saves', async () => {
    const store = memoryProgressStore({ a: 1 });
    const one = progressSlot<number>(store, 'b');
    const two = progressSlot<number>(store, 'c');
    await Promise.all([one.save(2), two.save(3), one.save(4)]);
    expect(store.get()).toEqual({ a: 1, b: 4, c: 3 });
    await one.save(null);
    expect(store.get()).toEqual({ a: 1, c: 3 });
  });
});
