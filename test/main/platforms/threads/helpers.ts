// Shared pieces of the Threads tests: the local S3 peer (the creator's bucket), publish contexts,
// media files, and a sleep that moves a test clock instead of waiting.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import sharp from 'sharp';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ManualClock } from '../../../../src/main/core/ports/doubles';
import { createMediaHost, publicLinksOf, type BucketConfig, type MediaHost } from '../../../../src/main/platforms/media/hosting';
import type { PublicLinks, PublishContext, PublishMedia, PublishPart } from '../../../../src/main/platforms/types';
import type { Sleep } from '../../../../src/main/platforms/threads/publish';
import { tempDir } from '../../../support/core';
import { publishMedia } from '../../../support/publish-media';
import { makeVideo } from '../../../support/videos';

/** A real S3-compatible server on 127.0.0.1 with the creator's bucket. */
export interface Bucket {
  config: BucketConfig;
  host: MediaHost;
  links: PublicLinks;
  /** Keys of the objects in the bucket now. */
  keys(): Promise<string[]>;
  /** Another host on the same bucket whose links are signed at `now()` (an expired link: a time in the past). */
  hostAt(now: () => number): MediaHost;
  close(): Promise<void>;
}

export async function startBucket(): Promise<Bucket> {
  const store = tempDir('outbox-threads-s3-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: store.dir, configureBuckets: [{ name: 'creator-media' }] });
  const address = await server.run();
  const config: BucketConfig = { endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1', bucket: 'creator-media', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'outbox/', forcePathStyle: true };
  const host = createMediaHost(config);
  const client = new S3Client({ region: 'us-east-1', endpoint: config.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  // s3rver signs bucket-level paths without the trailing slash (as hosting.ts works around).
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { path?: unknown };
      if (request.path === '/creator-media/') request.path = '/creator-media';
      return next(args);
    },
    { step: 'build', name: 'bucketPath' },
  );
  const others: MediaHost[] = [];
  return {
    config,
    host,
    links: publicLinksOf(host),
    async keys() {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'creator-media' }));
      return (page.Contents ?? []).map((o) => o.Key!);
    },
    hostAt(now) {
      const other = createMediaHost(config, { now });
      others.push(other);
      return other;
    },
    async close() {
      host.close();
      for (const o of others) o.close();
      client.destroy();
      await server.close();
      store.remove();
    },
  };
}

/** An entry's progress as the engine keeps it (JSON round-tripped), with every save recorded. */
export class RecordedProgress {
  committed: Record<string, unknown> | null = null;
  saves: Array<Record<string, unknown>> = [];
  get() {
    return this.committed === null ? null : (JSON.parse(JSON.stringify(this.committed)) as Record<string, unknown>);
  }
  async save(state: Record<string, unknown>) {
    this.committed = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
    this.saves.push(this.committed);
  }
}

/** A clock for adapter tests: `sleep` lets the fake finish fetching what it is fetching, then moves the clock at once. */
export class TestTime {
  constructor(
    public at = Date.parse('2026-03-02T09:00:00Z'),
    private readonly idle: () => Promise<void> = async () => undefined,
  ) {}
  now = () => this.at;
  slept: number[] = [];
  sleep: Sleep = async (ms, signal) => {
    if (signal.aborted) throw signal.reason;
    await this.idle();
    this.slept.push(ms);
    this.at += ms;
  };
}

/** A sleep on the engine's ManualClock (the engine test advances it). */
export function clockSleep(clock: ManualClock): Sleep & { waiting: () => number } {
  let waiting = 0;
  const sleep = ((ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      waiting++;
      const timer = clock.setTimeout(() => {
        waiting--;
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        waiting--;
        timer.cancel();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    })) as Sleep & { waiting: () => number };
  sleep.waiting = () => waiting;
  return sleep;
}

/** A publish context for the fake's user. */
export function threadsContext(o: {
  token: string;
  userId: string;
  apiBase: string;
  parts: PublishPart[];
  now: () => number;
  settings?: Record<string, unknown>;
  progress?: RecordedProgress;
  links?: PublicLinks | null;
  signal?: AbortSignal;
}): PublishContext & { progress: RecordedProgress } {
  return {
    entry: { id: 'entry-1', postId: 'post-1', attemptKey: 'attempt-1', contentType: 'threads_post', settings: o.settings ?? {} },
    parts: o.parts,
    account: { id: 'account-1', platform: 'threads', handle: '@threader', platformUserId: o.userId, instanceUrl: '', meta: { threadsUserId: o.userId } },
    credentials: { accessToken: o.token, refreshToken: null, tokenType: 'bearer', scope: 'threads_basic,threads_content_publish' },
    progress: o.progress ?? new RecordedProgress(),
    endpoints: { apiBase: o.apiBase },
    signal: o.signal ?? new AbortController().signal,
    now: o.now,
    publicLinks: o.links === undefined ? null : o.links,
  };
}

/** A PNG (or JPEG) photo of `width` x `height` with some detail, as a PublishMedia. */
export async function photo(dir: string, name: string, o: { width?: number; height?: number; altText?: string; format?: 'png' | 'jpeg' } = {}): Promise<PublishMedia> {
  const width = o.width ?? 800;
  const height = o.height ?? 600;
  const format = o.format ?? 'png';
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + (i >> 9)) & 0xff;
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  const data = format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 90 }).toBuffer();
  const path = join(dir, `${name}.${format === 'png' ? 'png' : 'jpg'}`);
  writeFileSync(path, data);
  return publishMedia({ mediaId: name, path, kind: 'image', mime: format === 'png' ? 'image/png' : 'image/jpeg', bytes: data.length, width, height, altText: o.altText ?? '' });
}

/** A real MP4 (H.264 + AAC) of `seconds`, as a PublishMedia. */
export async function clip(dir: string, name: string, seconds = 1, altText = ''): Promise<PublishMedia> {
  const path = await makeVideo(join(dir, `${name}.mp4`), { container: 'mp4', seconds });
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
  return publishMedia({ mediaId: name, path, kind: 'video', mime: 'video/mp4', bytes: size, width: 320, height: 240, durationMs: seconds * 1000, videoCodec: 'h264', audioCodec: 'aac', frameRate: 30, altText });
}
