// Shared pieces of the Facebook and Instagram tests: the S3 peer (the creator's bucket), images
// and videos on disk, publish contexts with tokens the Graph fake knows, and sleeps on the
// ManualClock.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import S3rver from '@20minutes/s3rver';
import sharp from 'sharp';
import { flushPromises, type ManualClock } from '../../../../src/main/core/ports/doubles';
import { createMediaHost, publicLinksOf, type BucketConfig, type MediaHost } from '../../../../src/main/platforms/media/hosting';
import type { Sleep } from '../../../../src/main/platforms/sleep';
import type { PublicLinks, PublishAccount, PublishContext, PublishMedia } from '../../../../src/main/platforms/types';
import type { MetaGraphFake } from '../../../fakes/meta-graph';
import { publishMedia } from '../../../support/publish-media';
import { makeVideo } from '../../../support/videos';
import { MemoryProgress } from '../mastodon/helpers';

export { MemoryProgress };

/** A real S3-compatible server on 127.0.0.1 with the creator's bucket. */
export async function startBucket(): Promise<{ config: BucketConfig; host: MediaHost; links: PublicLinks; keys(): Promise<string[]>; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-meta-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'creator-media' }] });
  const address = await server.run();
  const config: BucketConfig = { endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1', bucket: 'creator-media', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'outbox/', forcePathStyle: true };
  const host = createMediaHost(config);
  return {
    config,
    host,
    links: publicLinksOf(host),
    // s3rver keeps each object as a file beside its metadata: what is on disk is what is in the bucket.
    keys: async () =>
      (readdirSync(join(dir, 'creator-media'), { recursive: true }) as string[])
        .filter((f) => f.endsWith('._S3rver_object'))
        .map((f) => f.replace(/\._S3rver_object$/, '').split(sep).join('/')),
    async close() {
      host.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A photo on disk (a gradient, so it compresses like a photo), as PNG or JPEG. */
export async function photo(dir: string, name: string, options: { width?: number; height?: number; format?: 'png' | 'jpeg' } = {}): Promise<string> {
  const { width = 1200, height = 900, format = 'png' } = options;
  const path = join(dir, `${name}.${format === 'jpeg' ? 'jpg' : 'png'}`);
  const gradient = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#c04020"/><stop offset="1" stop-color="#2040c0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="#f0e040"/></svg>`);
  const image = sharp(gradient);
  await (format === 'jpeg' ? image.jpeg({ quality: 85 }) : image.png()).toFile(path);
  return path;
}

/** A photo as the engine hands it to an adapter. */
export async function photoMedia(dir: string, name: string, altText = '', options: Parameters<typeof photo>[2] = {}): Promise<PublishMedia> {
  const path = await photo(dir, name, options);
  const meta = await sharp(path).metadata();
  return publishMedia({ mediaId: name, path, kind: 'image', mime: options.format === 'jpeg' ? 'image/jpeg' : 'image/png', bytes: (await import('node:fs')).statSync(path).size, width: meta.width ?? null, height: meta.height ?? null, altText });
}

/** A real MP4 (H.264 + AAC) as the engine hands it to an adapter. */
export async function videoMedia(dir: string, name: string, options: { seconds?: number; width?: number; height?: number; cover?: PublishMedia['cover'] } = {}): Promise<PublishMedia> {
  const path = join(dir, `${name}.mp4`);
  await makeVideo(path, { container: 'mp4', seconds: options.seconds ?? 3, width: options.width ?? 360, height: options.height ?? 640, fps: 30 });
  const bytes = (await import('node:fs')).statSync(path).size;
  return publishMedia({ mediaId: name, path, kind: 'video', mime: 'video/mp4', bytes, width: options.width ?? 360, height: options.height ?? 640, durationMs: (options.seconds ?? 3) * 1000, videoCodec: 'h264', audioCodec: 'aac', frameRate: 30, cover: options.cover ?? null });
}

/** A sleep that moves the ManualClock forward itself (adapter tests: time passes as the adapter waits). */
export function advancingSleep(clock: ManualClock): Sleep {
  return async (ms, signal) => {
    if (signal.aborted) throw signal.reason;
    clock.set(clock.now() + ms);
    // Real sockets (the fake fetching from the bucket) get their turn.
    await flushPromises(3);
  };
}

/** A sleep on the engine's ManualClock (engine tests advance it). */
export function clockSleep(clock: ManualClock): Sleep {
  return (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        timer.cancel();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
}

/** Gives a Page token (and its user token, with the Facebook app) for adapter tests. */
export function pageTokens(fake: MetaGraphFake, pageId = '100000000000001') {
  const page = `page-token-${pageId}`;
  const user = `user-token-${pageId}`;
  fake.tokens.set(page, { kind: 'page', appId: fake.fbApp.id, pageId });
  fake.tokens.set(user, { kind: 'user', appId: fake.fbApp.id });
  return { accessToken: page, userAccessToken: user, tokenType: 'bearer' };
}

/** An Instagram Login token for the solo creator. */
export function igToken(fake: MetaGraphFake) {
  const token = 'ig-login-token';
  fake.tokens.set(token, { kind: 'ig', appId: fake.igApp.id, igUserId: '17841400000000002' });
  return { accessToken: token, refreshToken: null, tokenType: 'bearer' };
}

export const FB_PAGE: PublishAccount = { id: 'acct-fb', platform: 'facebook', handle: 'cornercafe', platformUserId: '100000000000001', instanceUrl: '', meta: { pageId: '100000000000001' } };
export const IG_FACEBOOK: PublishAccount = { id: 'acct-igfb', platform: 'instagram-facebook', handle: '@corner.cafe', platformUserId: '17841400000000001', instanceUrl: '', meta: { igUserId: '17841400000000001', pageId: '100000000000001' } };
export const IG_LOGIN: PublishAccount = { id: 'acct-ig', platform: 'instagram', handle: '@solo.creator', platformUserId: '17841400000000002', instanceUrl: '', meta: { igUserId: '17841400000000002' } };

/** A publish context for one entry. */
export function context(options: {
  account: PublishAccount;
  credentials: Record<string, unknown>;
  text: string;
  media?: PublishMedia[];
  contentType: string;
  settings?: Record<string, unknown>;
  progress?: MemoryProgress;
  apiBase: string;
  clock: ManualClock;
  links?: PublicLinks | null;
  signal?: AbortSignal;
}): PublishContext & { progress: MemoryProgress; reported: Array<[number, number]> } {
  const reported: Array<[number, number]> = [];
  return {
    entry: { id: 'entry-1', postId: 'post-1', attemptKey: 'attempt-1', contentType: options.contentType, settings: options.settings ?? {} },
    parts: [{ text: options.text, media: options.media ?? [] }],
    account: options.account,
    credentials: options.credentials,
    progress: options.progress ?? new MemoryProgress(),
    endpoints: { apiBase: options.apiBase },
    signal: options.signal ?? new AbortController().signal,
    now: () => options.clock.now(),
    reportProgress: (sent, total) => void reported.push([sent, total]),
    publicLinks: options.links === undefined ? null : options.links,
    reported,
  };
}
