// The TikTok adapter against the Content Posting API fake (test/fakes/tiktok.ts, written from
// TikTok's docs): chunked FILE_UPLOAD with the media transfer guide's rules, status polling,
// photo posts fetched from a real S3-compatible bucket (s3rver), the creator_info checks, and
// each failure TikTok documents, classified.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMediaHost, publicLinksOf, type MediaHost } from '../../../../src/main/platforms/media/hosting';
import { creatorInfoLookup } from '../../../../src/main/platforms/tiktok/creator-info';
import { chunkPlan, createTiktokAdapter, TIKTOK_CHUNK_BYTES } from '../../../../src/main/platforms/tiktok/publish';
import { PublishError, type PublishAccount, type PublishMedia } from '../../../../src/main/platforms/types';
import { startTiktokFake, type TiktokFake } from '../../../fakes/tiktok';
import { tempDir } from '../../../support/core';
import { paddedVideo } from '../../../support/padded-video';
import { publishMedia } from '../../../support/publish-media';
import { MemoryProgress, publishContext } from '../mastodon/helpers';

const MiB = 1024 * 1024;
const files = tempDir('outbox-tiktok-');
const store = tempDir('outbox-tiktok-s3-');
let s3: S3rver;
let host: MediaHost;
let bucketUrl: string;
let video: PublishMedia;
let videoSha: string;
let small: PublishMedia;

const account: PublishAccount = { id: 'acc-1', platform: 'tiktok', handle: '@tiktoker', platformUserId: 'tt-open-1', instanceUrl: '', meta: {} };
const fast = { sleep: async () => {}, pollDelaysMs: [0], retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 8, sleep: async () => {} } };
const adapter = createTiktokAdapter(fast);

beforeAll(async () => {
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: store.dir, configureBuckets: [{ name: 'creator-media' }] });
  const address = await s3.run();
  bucketUrl = `http://127.0.0.1:${address.port}/creator-media/`;
  host = createMediaHost({ endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1', bucket: 'creator-media', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'outbox/', forcePathStyle: true });
  const path = join(files.dir, 'clip.mp4');
  // 25 MiB + a tail: two 10 MiB chunks, the second taking the trailing bytes.
  videoSha = await paddedVideo(path, 25 * MiB + 12_345);
  video = publishMedia({ mediaId: 'clip', path, kind: 'video', mime: 'video/mp4', bytes: 25 * MiB + 12_345, width: 640, height: 360, durationMs: 3000, cover: { atMs: 1500, image: null } });
  const smallPath = join(files.dir, 'small.mp4');
  await paddedVideo(smallPath, 2 * MiB);
  small = publishMedia({ mediaId: 'small', path: smallPath, kind: 'video', mime: 'video/mp4', bytes: 2 * MiB, durationMs: 3000 });
}, 60_000);

afterAll(async () => {
  host?.close();
  await s3?.close();
  files.remove();
  store.remove();
});

let fake: TiktokFake;
let token: string;
beforeEach(async () => {
  fake = await startTiktokFake({ dir: files.dir, verifiedPrefixes: [bucketUrl] });
  token = fake.grant().accessToken;
});
afterEach(async () => {
  await fake.close();
});

function ctx(options: { settings?: Record<string, unknown>; media?: PublishMedia[]; text?: string; contentType?: string; progress?: MemoryProgress; attemptKey?: string; links?: boolean } = {}) {
  const c = publishContext({
    account,
    credentials: { accessToken: token },
    parts: [{ text: options.text ?? 'Sunset timelapse #sky', media: options.media ?? [video] }],
    settings: options.settings ?? { privacyLevel: 'PUBLIC_TO_EVERYONE', allowComments: true, allowDuet: true },
    contentType: options.contentType ?? 'tiktok_video',
    now: () => Date.now(),
    endpoints: { apiBase: fake.url },
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.attemptKey ? { attemptKey: options.attemptKey } : {}),
  });
  return { ...c, publicLinks: options.links === false ? null : publicLinksOf(host) };
}

async function rejection(p: Promise<unknown>): Promise<PublishError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

const initBodies = () => fake.exchanges.filter((e) => e.path.endsWith('/init/')).map((e) => e.body as Record<string, Record<string, unknown>>);

describe('the media transfer guide', () => {
  it('chunks of 10 MiB, the last one taking the trailing bytes; a file under a chunk goes whole', () => {
    expect(chunkPlan(25 * MiB + 5)).toEqual({ chunkSize: TIKTOK_CHUNK_BYTES, chunkCount: 2 });
    expect(chunkPlan(3 * MiB)).toEqual({ chunkSize: 3 * MiB, chunkCount: 1 });
    expect(chunkPlan(300 * MiB)).toEqual({ chunkSize: TIKTOK_CHUNK_BYTES, chunkCount: 30 });
  });
});

describe('video, direct post', () => {
  it('reads creator_info, inits FILE_UPLOAD with every setting, uploads the chunks in order, polls to PUBLISH_COMPLETE', async () => {
    const c = ctx({ settings: { privacyLevel: 'PUBLIC_TO_EVERYONE', allowComments: true, allowDuet: true, allowStitch: false, discloseContent: true, yourBrand: true, aiGenerated: true } });
    const result = await adapter.publish(c);
    expect(fake.posts).toHaveLength(1);
    const post = fake.posts[0]!;
    expect(post.sha256).toBe(videoSha);
    expect(result).toEqual({ platformPostId: post.postId, platformUrl: `https://www.tiktok.com/@tiktoker/video/${post.postId}` });
    expect(fake.exchanges.map((e) => e.path)).toEqual(['/v2/post/publish/creator_info/query/', '/v2/post/publish/video/init/', '/v2/post/publish/status/fetch/', '/v2/post/publish/status/fetch/']);
    expect(initBodies()[0]).toEqual({
      post_info: {
        title: 'Sunset timelapse #sky',
        privacy_level: 'PUBLIC_TO_EVERYONE',
        disable_comment: false,
        disable_duet: false,
        disable_stitch: true,
        brand_content_toggle: false,
        brand_organic_toggle: true,
        is_aigc: true,
        video_cover_timestamp_ms: 1500,
      },
      source_info: { source: 'FILE_UPLOAD', video_size: 25 * MiB + 12_345, chunk_size: 10 * MiB, total_chunk_count: 2 },
    });
    const publish = [...fake.publishes.values()][0]!;
    expect([...publish.chunkPuts.values()]).toEqual([1, 1]);
    expect(fake.stats.bytesReceived).toBe(video.bytes);
  });

  it('a video under one chunk goes whole; a private post has no public id, so the result is the publish id', async () => {
    const result = await adapter.publish(ctx({ media: [small], settings: { privacyLevel: 'SELF_ONLY' } }));
    const init = initBodies()[0]!;
    expect(init['source_info']).toEqual({ source: 'FILE_UPLOAD', video_size: 2 * MiB, chunk_size: 2 * MiB, total_chunk_count: 1 });
    expect(init['post_info']).toMatchObject({ privacy_level: 'SELF_ONLY', disable_comment: true, disable_duet: true, disable_stitch: true, brand_content_toggle: false });
    expect(result).toEqual({ platformPostId: fake.posts[0]!.publishId, platformUrl: null });
  });

  it('connections dropped twice in the middle of a chunk: the chunk is sent again, one upload, one post', async () => {
    await fake.close();
    let n = 0;
    // The first chunk is cut twice, 3 MiB into it.
    fake = await startTiktokFake({ dir: files.dir, dropChunk: ({ index }) => (index === 0 && n++ < 2 ? 3 * MiB : undefined) });
    token = fake.grant().accessToken;
    const result = await adapter.publish(ctx());
    expect(fake.stats.drops).toBe(2);
    expect(fake.posts).toHaveLength(1);
    expect(fake.posts[0]!.sha256).toBe(videoSha);
    expect(fake.stats.inits).toBe(1);
    expect(result.platformPostId).toBe(fake.posts[0]!.postId);
  });

  it('a chunk whose answer was lost after TikTok stored it: 416 on the resend, uploaded_bytes says it is there, nothing crosses twice', async () => {
    const progress = new MemoryProgress();
    const c = ctx({ progress });
    // Upload the first chunk by hand through the adapter's own session, then make the saved state
    // say it was still in flight (a crash between TikTok's 206 and our save).
    const first = adapter.publish(c);
    await expect(first).resolves.toBeDefined();
    expect(fake.posts).toHaveLength(1);
    // Again with the saved state rolled back to "last chunk in flight": the resend meets 416, the
    // status says every byte is there, and the publish settles without a second post.
    const saved = progress.get()!;
    const upload = saved['video'] as { parts: unknown[]; sending: number | null; done: boolean };
    upload.parts[upload.parts.length - 1] = null;
    upload.sending = upload.parts.length - 1;
    upload.done = false;
    delete saved['tiktok'];
    progress.state = saved;
    const again = await adapter.publish(ctx({ progress }));
    expect(fake.stats.rejectedChunks).toBe(1);
    expect(fake.posts).toHaveLength(1);
    expect(again.platformPostId).toBe(fake.posts[0]!.postId);
  });

  it('an upload URL that expired (an hour) starts a new upload; still one post', async () => {
    const progress = new MemoryProgress();
    await fake.close();
    let killFirst = true;
    fake = await startTiktokFake({ dir: files.dir, dropChunk: ({ index }) => (index === 1 && killFirst ? ((killFirst = false), 1024) : undefined) });
    token = fake.grant().accessToken;
    // An attempt that gives up at the first drop; the session stays saved.
    const c = ctx({ progress });
    const stuck = createTiktokAdapter({ ...fast, retry: { attempts: 0, baseDelayMs: 1, sleep: async () => {} } });
    const first = await rejection(stuck.publish(c));
    expect(first.kind).toBe('transient');
    expect(fake.posts).toHaveLength(0);
    fake.expireUploadUrls();
    await adapter.publish(ctx({ progress }));
    expect(fake.stats.inits).toBe(2);
    expect(fake.posts).toHaveLength(1);
    expect(fake.posts[0]!.sha256).toBe(videoSha);
  });

  it('MEDIA_UPLOAD goes to the inbox endpoint with the source only and ends in SEND_TO_USER_INBOX', async () => {
    const result = await adapter.publish(ctx({ settings: { postMode: 'MEDIA_UPLOAD' } }));
    expect(fake.exchanges.map((e) => e.path)[0]).toBe('/v2/post/publish/inbox/video/init/');
    expect(Object.keys(initBodies()[0]!)).toEqual(['source_info']);
    expect(fake.posts[0]).toMatchObject({ mode: 'MEDIA_UPLOAD' });
    expect(result).toEqual({ platformPostId: fake.posts[0]!.publishId, platformUrl: null });
  });
});

describe('what the creator must change', () => {
  it('duets the creator turned off: refused before anything is uploaded, naming the switch', async () => {
    fake.setCreator({ duet_disabled: true });
    const error = await rejection(adapter.publish(ctx({ settings: { privacyLevel: 'PUBLIC_TO_EVERYONE', allowDuet: true } })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/^allowDuet: @tiktoker has turned duets off in TikTok/);
    expect(fake.stats.inits).toBe(0);
  });

  it('a privacy level the account does not offer (a private account has no "Everyone")', async () => {
    fake.setCreator({ privacy_level_options: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] });
    const error = await rejection(adapter.publish(ctx()));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('TikTok does not offer "Everyone" for @tiktoker (it offers Followers, Friends, Only me)');
  });

  it('TikTok itself refusing the privacy level (privacy_level_option_mismatch) is permanent with what to do', async () => {
    fake.failNext('/v2/post/publish/video/init/', { status: 403, code: 'privacy_level_option_mismatch' });
    const error = await rejection(adapter.publish(ctx()));
    expect(error).toMatchObject({ kind: 'permanent', httpStatus: 403 });
    expect(error.message).toContain('choose who can see it again');
  });

  it('an unaudited app posting publicly: permanent, saying to choose Only me (SELF_ONLY); SELF_ONLY then goes', async () => {
    fake.setAudited(false);
    const error = await rejection(adapter.publish(ctx()));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('choose "Only me" (SELF_ONLY)');
    expect(fake.posts).toHaveLength(0);
    await adapter.publish(ctx({ settings: { privacyLevel: 'SELF_ONLY' } }));
    expect(fake.posts).toHaveLength(1);
  });

  it('a video longer than the creator may post is refused before upload', async () => {
    fake.setCreator({ max_video_post_duration_sec: 2 });
    const error = await rejection(adapter.publish(ctx()));
    expect(error.message).toContain('at most 2 s');
    expect(fake.stats.inits).toBe(0);
  });
});

describe('failures TikTok documents', () => {
  it('spam_risk_too_many_posts and a banned account wait a day (rate_limited); rate_limit_exceeded a minute', async () => {
    fake.failNext('/v2/post/publish/video/init/', { status: 403, code: 'spam_risk_too_many_posts' });
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 24 * 3600_000 });
    fake.failNext('/v2/post/publish/creator_info/query/', { status: 403, code: 'spam_risk_user_banned_from_posting' });
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 24 * 3600_000 });
    fake.failNext('/v2/post/publish/creator_info/query/', { status: 403, code: 'reached_active_user_cap' });
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 24 * 3600_000 });
    fake.failNext('/v2/post/publish/creator_info/query/', { status: 429, code: 'rate_limit_exceeded' });
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    fake.failNext('/v2/post/publish/video/init/', { status: 500, code: 'internal_error' }, 20);
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'transient', maybeSent: false });
    expect(fake.posts).toHaveLength(0);
  });

  it('the per-minute limit is real: a seventh init in a minute meets rate_limit_exceeded, waited out in place', async () => {
    await fake.close();
    let now = Date.parse('2026-05-01T10:00:00Z');
    fake = await startTiktokFake({ dir: files.dir, now: () => now });
    token = fake.grant().accessToken;
    const waits: number[] = [];
    const clocked = createTiktokAdapter({ ...fast, sleep: async (ms) => void (now += ms), retry: { ...fast.retry, sleep: async (ms) => void (waits.push(ms), (now += ms)) } });
    for (let i = 0; i < 7; i++) await clocked.publish(ctx({ media: [small], settings: { privacyLevel: 'SELF_ONLY' } }));
    expect(fake.posts).toHaveLength(7);
    // The toolkit waits TikTok's minute (less up to a quarter of jitter, so maybe twice).
    const limited = fake.exchanges.filter((e) => e.status === 429).map((e) => e.path);
    expect(limited.length).toBeGreaterThan(0);
    expect(new Set(limited)).toEqual(new Set(['/v2/post/publish/video/init/']));
    expect(waits.some((ms) => ms >= 45_000)).toBe(true);
  });

  it('an expired access token is auth; with a fresh one the saved upload goes on where it was', async () => {
    const progress = new MemoryProgress();
    fake.expireAccessTokens();
    const error = await rejection(adapter.publish(ctx({ progress })));
    expect(error).toMatchObject({ kind: 'auth', httpStatus: 401 });
    token = fake.grant().accessToken;
    await adapter.publish(ctx({ progress }));
    expect(fake.posts).toHaveLength(1);
  });

  it('processing FAILED: permanent with the reason in words, and the next attempt starts afresh', async () => {
    const progress = new MemoryProgress();
    fake.failProcessing('frame_rate_check_failed');
    const error = await rejection(adapter.publish(ctx({ progress })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('the frame rate must be between 23 and 60 fps');
    expect(progress.get()).toEqual({});
    await adapter.publish(ctx({ progress }));
    expect(fake.stats.inits).toBe(2);
    expect(fake.posts).toHaveLength(1);
  });

  it('a file that is not a video fails TikTok’s format check', async () => {
    const path = join(files.dir, 'fake.mp4');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, Buffer.alloc(6 * MiB, 7));
    const error = await rejection(adapter.publish(ctx({ media: [publishMedia({ mediaId: 'x', path, kind: 'video', mime: 'video/mp4', bytes: 6 * MiB })], settings: { privacyLevel: 'SELF_ONLY' } })));
    expect(error.message).toContain('TikTok cannot read the file format');
    rmSync(path);
  });
});

describe('photo posts through the creator’s bucket', () => {
  async function photo(name: string, width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<PublishMedia> {
    const path = join(files.dir, `${name}.${format}`);
    await sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      [format]()
      .toFile(path);
    return publishMedia({ mediaId: name, path, kind: 'image', mime: `image/${format}`, bytes: readFileSync(path).length, width, height });
  }

  it('fits each image (PNG -> JPEG, 4000 px -> 1080p), shares it, TikTok pulls it, and the objects are removed after', async () => {
    const images = [await photo('a', 4000, 3000), await photo('b', 800, 800, 'jpeg')];
    const c = ctx({ media: images, contentType: 'tiktok_photo', text: 'Two views', settings: { privacyLevel: 'PUBLIC_TO_EVERYONE', title: 'Harbour', autoAddMusic: true, allowComments: true } });
    const result = await adapter.publish(c);
    const post = fake.posts[0]!;
    expect(post.kind).toBe('photo');
    expect(post.photos.map((p) => [p.format, Math.max(p.width, p.height) <= 1920, p.width * p.height <= 1920 * 1080])).toEqual([
      ['jpeg', true, true],
      ['jpeg', true, true],
    ]);
    const init = initBodies()[0]!;
    expect(init).toMatchObject({
      media_type: 'PHOTO',
      post_mode: 'DIRECT_POST',
      post_info: { title: 'Harbour', description: 'Two views', privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false, auto_add_music: true, brand_content_toggle: false, brand_organic_toggle: false },
      source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0 },
    });
    expect((init['source_info']!['photo_images'] as string[]).every((u) => u.startsWith(bucketUrl) && u.includes('X-Amz-Signature'))).toBe(true);
    expect(result.platformUrl).toBe(`https://www.tiktok.com/@tiktoker/photo/${post.postId}`);
    // Removed from the bucket once TikTok had them: the links now answer 404.
    for (const u of init['source_info']!['photo_images'] as string[]) expect((await fetch(u)).status).toBe(404);
  });

  it('no bucket: a permanent failure saying to set up Media hosting', async () => {
    const error = await rejection(adapter.publish(ctx({ media: [await photo('c', 100, 100)], contentType: 'tiktok_photo', links: false })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('set up Media hosting in Settings');
  });

  it('a bucket address not verified in the developer portal: url_ownership_unverified, permanent, objects removed', async () => {
    await fake.close();
    fake = await startTiktokFake({ dir: files.dir, verifiedPrefixes: ['https://media.example.com/'] });
    token = fake.grant().accessToken;
    const error = await rejection(adapter.publish(ctx({ media: [await photo('d', 100, 100)], contentType: 'tiktok_photo' })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('verified URL prefix');
    expect(await host.sweep({ olderThanMs: -1 })).toEqual([]);
  });

  it('an object gone before TikTok pulled it: photo_pull_failed, permanent', async () => {
    // A bucket whose objects vanish as soon as they are shared (a lifecycle rule gone wrong).
    const vanishing = { ...publicLinksOf(host), share: async (path: string, o?: { contentType?: string }) => {
      const shared = await publicLinksOf(host).share(path, o);
      await host.delete(shared.key);
      return shared;
    } };
    const c = { ...ctx({ media: [await photo('e', 100, 100)], contentType: 'tiktok_photo' }), publicLinks: vanishing };
    const error = await rejection(adapter.publish(c));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('could not download the photos');
  });

  it('a photo init whose answer was lost is never sent again automatically: reconcile says check TikTok', async () => {
    const progress = new MemoryProgress();
    const c = ctx({ media: [await photo('f', 100, 100)], contentType: 'tiktok_photo', progress });
    // The init reaches TikTok, the answer never arrives.
    const original = globalThis.fetch;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const answer = await original(input, init);
      if (String(input).endsWith('/content/init/')) throw new TypeError('socket hang up');
      return answer;
    }) as typeof fetch;
    try {
      const error = await rejection(adapter.publish(c));
      expect(error).toMatchObject({ kind: 'transient', maybeSent: true });
    } finally {
      globalThis.fetch = original;
    }
    await [...fake.publishes.values()][0]!.ready;
    expect(fake.posts).toHaveLength(1);
    const reconciled = await rejection(adapter.reconcile!(ctx({ contentType: 'tiktok_photo', progress })));
    expect(reconciled.message).toContain('check your TikTok profile');
    // The engine's own retry with the same attempt key does not send it again either.
    expect(await rejection(adapter.publish(ctx({ contentType: 'tiktok_photo', media: c.parts[0]!.media, progress })))).toMatchObject({ maybeSent: true });
    expect(fake.posts).toHaveLength(1);
  });
});

describe('reconcile after a crash', () => {
  it('with a publish id: the post TikTok completed is found; one still processing is left to publish to poll', async () => {
    const progress = new MemoryProgress();
    await adapter.publish(ctx({ progress }));
    const found = await adapter.reconcile!(ctx({ progress }));
    expect(found?.platformPostId).toBe(fake.posts[0]!.postId);
    expect(await adapter.reconcile!(ctx({ progress: new MemoryProgress() }))).toBeNull();
  });
});

describe('the creatorInfo lookup', () => {
  const lookupCtx = () => ({ account, credentials: { accessToken: token }, endpoints: { apiBase: fake.url }, signal: new AbortController().signal, now: () => Date.now() });

  it('answers what the composer must show', async () => {
    fake.setCreator({ duet_disabled: true, max_video_post_duration_sec: 180 });
    expect(await creatorInfoLookup(lookupCtx(), {})).toEqual({
      canPost: true,
      reason: null,
      nickname: 'Tik Toker',
      username: 'tiktoker',
      avatarUrl: 'https://p16.tiktokcdn.example/avatar.jpeg',
      privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
      commentDisabled: false,
      duetDisabled: true,
      stitchDisabled: false,
      maxVideoPostDurationSec: 180,
    });
  });

  it('a creator who cannot post right now gets the reason instead of the options', async () => {
    fake.failNext('/v2/post/publish/creator_info/query/', { status: 403, code: 'spam_risk_too_many_posts' });
    const answer = (await creatorInfoLookup(lookupCtx(), {})) as { canPost: boolean; reason: string; privacyLevelOptions: string[] };
    expect(answer.canPost).toBe(false);
    expect(answer.reason).toContain("TikTok's daily limit of posts");
    expect(answer.privacyLevelOptions).toEqual([]);
  });

  it('an expired token is an auth failure', async () => {
    fake.expireAccessTokens();
    await expect(creatorInfoLookup(lookupCtx(), {})).rejects.toMatchObject({ kind: 'auth' });
  });
});

