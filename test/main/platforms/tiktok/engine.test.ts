// TikTok through the whole engine: the account is connected with Login Kit against the fake
// (accounts:connect, PKCE with TikTok's hex challenge), the composer's creatorInfo lookup goes
// through accounts:lookup, and scheduled posts are published by the engine's timer: a video with
// its settings, one whose access token expired (refreshed, then published), one whose creator_info
// forbids duets, and a photo post whose images TikTok pulls from the creator's bucket.
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { createMediaHost, publicLinksOf, type MediaHost } from '../../../../src/main/platforms/media/hosting';
import { createTiktokAdapter } from '../../../../src/main/platforms/tiktok/publish';
import { startTiktokFake, type TiktokFake } from '../../../fakes/tiktok';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { makeVideo } from '../../../support/videos';

const files = tempDir('outbox-tiktok-engine-');
const store = tempDir('outbox-tiktok-engine-s3-');
let s3: S3rver;
let host: MediaHost;
let bucketUrl: string;
let videoPath: string;
let photoPath: string;

beforeAll(async () => {
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: store.dir, configureBuckets: [{ name: 'creator-media' }] });
  const address = await s3.run();
  bucketUrl = `http://127.0.0.1:${address.port}/creator-media/`;
  host = createMediaHost({ endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1', bucket: 'creator-media', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
  videoPath = await makeVideo(join(files.dir, 'walk.mp4'), { container: 'mp4', seconds: 4, width: 360, height: 640 });
  photoPath = join(files.dir, 'market.png');
  await sharp({ create: { width: 1200, height: 1600, channels: 3, background: { r: 200, g: 160, b: 40 } } })
    .png()
    .toFile(photoPath);
}, 60_000);

afterAll(async () => {
  host?.close();
  await s3?.close();
  files.remove();
  store.remove();
});

describe('TikTok through the engine', () => {
  let clock: ManualClock;
  let fake: TiktokFake;
  let t: TestCore;

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-06-01T08:00:00Z'));
    fake = await startTiktokFake({ dir: files.dir, now: () => clock.now(), verifiedPrefixes: [bucketUrl], probeVideos: true });
    t = await makeTestCore({
      clock,
      platforms: { tiktok: { apiBase: fake.url, authBase: fake.url, redirectPort: '0' } },
      // The shipped adapter, with its waits between status fetches shortened (no real sleeps).
      adapters: { tiktok: createTiktokAdapter({ sleep: async () => {}, pollDelaysMs: [0] }) },
      publicLinks: async () => publicLinksOf(host),
    });
  });

  afterEach(async () => {
    await t.dispose();
    await fake.close();
  });

  async function connect(): Promise<string> {
    expect(await t.core.invoke('accounts:setAppCredentials', { platform: 'tiktok', clientId: 'tt-client-key', clientSecret: 'tt-client-secret' })).toMatchObject({ ok: true });
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'tiktok' });
    // The browser: TikTok consents at once and redirects to Outbox's loopback listener.
    const consent = await fetch(await opened, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!);
    const result = await answer;
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    expect(result.value.account).toMatchObject({ platform: 'tiktok', handle: '@tiktoker', displayName: 'Tik Toker' });
    return result.value.account.id;
  }

  async function importFile(path: string): Promise<string> {
    const imported = await t.core.invoke('media:import', { path });
    if (!imported.ok) throw new Error(imported.error.message);
    return imported.value.id;
  }

  async function schedule(accountId: string, text: string, media: Array<{ mediaId: string; cover?: { atMs: number } }>, settings: Record<string, unknown>, contentType = 'tiktok_video'): Promise<string> {
    const created = await t.core.invoke('posts:create', {
      parts: [{ text, media: media.map((m) => ({ mediaId: m.mediaId, altText: '', ...(m.cover ? { cover: { atMs: m.cover.atMs, mediaId: null } } : {}) })) }],
      targets: [{ accountId, contentType, settings }],
      schedule: { mode: 'at', at: new Date(clock.now() + 5 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value.post.id;
  }

  async function settle(id: string): Promise<Post> {
    const deadline = clock.now() + 30 * 60_000;
    for (;;) {
      const got = await t.core.invoke('posts:get', { id });
      if (!got.ok) throw new Error(got.error.message);
      if (!['scheduled', 'publishing'].includes(got.value.status) || clock.now() > deadline) return got.value;
      // While a request is out, the engine's clock waits for the real sockets (and the fake's
      // ffprobe); otherwise it moves on to the next due moment (the post's time, a retry).
      if (got.value.entries.some((e) => e.status === 'publishing')) await new Promise((resolve) => setTimeout(resolve, 5));
      else await clock.advance(30_000);
      await flushPromises(5);
    }
  }

  it('TikTok is among the publishing platforms; the creatorInfo lookup answers through accounts:lookup', async () => {
    const info = await t.core.invoke('app:info');
    expect(info.ok && info.value.publishingPlatforms).toEqual(expect.arrayContaining(['tiktok', 'pinterest']));
    const id = await connect();
    fake.setCreator({ duet_disabled: true });
    const answer = await t.core.invoke('accounts:lookup', { id, name: 'creatorInfo' });
    expect(answer).toMatchObject({ ok: true, value: { value: { canPost: true, nickname: 'Tik Toker', duetDisabled: true, privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] } } });
    // No token in what the composer gets.
    expect(JSON.stringify(answer)).not.toMatch(/act\./);
  });

  it('a scheduled video goes out with its settings and cover frame; the entry links to the post', async () => {
    const id = await connect();
    const mediaId = await importFile(videoPath);
    const postId = await schedule(id, 'A walk in the park #nature', [{ mediaId, cover: { atMs: 2000 } }], { privacyLevel: 'PUBLIC_TO_EVERYONE', allowComments: true, allowStitch: true, aiGenerated: true });
    const post = await settle(postId);
    expect(post.entries[0]!.errorMessage).toBeNull();
    expect(post.status).toBe('published');
    const published = fake.posts[0]!;
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: published.postId, platformUrl: `https://www.tiktok.com/@tiktoker/video/${published.postId}` });
    expect(published.postInfo).toEqual({
      title: 'A walk in the park #nature',
      privacy_level: 'PUBLIC_TO_EVERYONE',
      disable_comment: false,
      disable_duet: true,
      disable_stitch: false,
      brand_content_toggle: false,
      brand_organic_toggle: false,
      is_aigc: true,
      video_cover_timestamp_ms: 2000,
    });
  });

  it('an expired access token (24 hours) is refreshed with the refresh token, then the post goes out', async () => {
    const id = await connect();
    const mediaId = await importFile(videoPath);
    fake.expireAccessTokens();
    const post = await settle(await schedule(id, 'After a day', [{ mediaId }], { privacyLevel: 'SELF_ONLY' }));
    expect(post.status).toBe('published');
    expect(fake.stats.refreshes).toBe(1);
    expect(fake.posts).toHaveLength(1);
    // Private posts have no public id: the entry keeps TikTok's publish id and no link.
    expect(post.entries[0]).toMatchObject({ platformPostId: fake.posts[0]!.publishId, platformUrl: null });
  });

  it('a post asking for duets when creator_info forbids them fails before upload, saying which switch to turn off; without it, it goes', async () => {
    const id = await connect();
    const mediaId = await importFile(videoPath);
    fake.setCreator({ duet_disabled: true });
    const refused = await settle(await schedule(id, 'Duet me', [{ mediaId }], { privacyLevel: 'PUBLIC_TO_EVERYONE', allowDuet: true }));
    expect(refused.status).toBe('failed');
    expect(refused.entries[0]!.errorMessage).toMatch(/turned duets off in TikTok: turn "Allow Duet" off/);
    expect(fake.stats.inits).toBe(0);

    const ok = await settle(await schedule(id, 'No duets then', [{ mediaId }], { privacyLevel: 'PUBLIC_TO_EVERYONE' }));
    expect(ok.status).toBe('published');
    expect(fake.posts[0]!.postInfo).toMatchObject({ disable_duet: true });
  });

  it('an unaudited developer app: a public post fails with what to change; a SELF_ONLY one goes', async () => {
    const id = await connect();
    const mediaId = await importFile(videoPath);
    fake.setAudited(false);
    const refused = await settle(await schedule(id, 'Hello world', [{ mediaId }], { privacyLevel: 'PUBLIC_TO_EVERYONE' }));
    expect(refused.entries[0]!.errorMessage).toContain('choose "Only me" (SELF_ONLY)');
    const ok = await settle(await schedule(id, 'Hello me', [{ mediaId }], { privacyLevel: 'SELF_ONLY' }));
    expect(ok.status).toBe('published');
  });

  it('a photo post: the image is fitted, shared from the bucket, pulled by TikTok, and removed after', async () => {
    const id = await connect();
    const mediaId = await importFile(photoPath);
    const post = await settle(await schedule(id, 'Market day', [{ mediaId }], { postType: 'photo', privacyLevel: 'MUTUAL_FOLLOW_FRIENDS', title: 'Saturday', autoAddMusic: true }, 'tiktok_photo'));
    expect(post.status).toBe('published');
    expect(fake.posts[0]).toMatchObject({ kind: 'photo', postInfo: { title: 'Saturday', description: 'Market day', privacy_level: 'MUTUAL_FOLLOW_FRIENDS', auto_add_music: true } });
    // A PNG goes as JPEG (TikTok takes JPEG or WebP); its size is within 1080p's pixels already.
    expect(fake.posts[0]!.photos[0]).toMatchObject({ format: 'jpeg', width: 1200, height: 1600 });
    expect(await host.sweep({ olderThanMs: -1 })).toEqual([]);
  });
});
