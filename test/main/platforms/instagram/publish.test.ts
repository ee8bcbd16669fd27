// The Instagram adapter (both logins) against the Graph fake, with media shared through a real
// S3 peer that the fake fetches from. Every exchange is checked against Meta's node descriptions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { createInstagramAdapter, NO_BUCKET_MESSAGE } from '../../../../src/main/platforms/instagram/publish';
import { createMediaHost, publicLinksOf } from '../../../../src/main/platforms/media/hosting';
import { PublishError, type PlatformAdapter, type PublicLinks } from '../../../../src/main/platforms/types';
import { startMetaGraphFake, type MetaGraphFake } from '../../../fakes/meta-graph';
import { tempDir } from '../../../support/core';
import { metaGraphSpec } from '../../../support/meta-graph-spec';
import { advancingSleep, context, IG_FACEBOOK, IG_LOGIN, igToken, MemoryProgress, pageTokens, photoMedia, startBucket, videoMedia } from '../meta-graph/helpers';

const files = tempDir('outbox-ig-media-');
let bucket: Awaited<ReturnType<typeof startBucket>>;
let fake: MetaGraphFake;
let clock: ManualClock;
let ig: PlatformAdapter;
let igfb: PlatformAdapter;

beforeAll(async () => {
  bucket = await startBucket();
});
afterAll(async () => {
  await bucket.close();
  files.remove();
});
beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  fake = await startMetaGraphFake({ now: () => clock.now() });
  ig = createInstagramAdapter({ platform: 'instagram', sleep: advancingSleep(clock) });
  igfb = createInstagramAdapter({ platform: 'instagram-facebook', sleep: advancingSleep(clock) });
});
afterEach(async () => {
  expect(metaGraphSpec().validateExchanges(fake.exchanges)).toEqual([]);
  await fake.close();
});

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
const posts = (path: string) => fake.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith(path));

function igLoginCtx(text: string, media: Awaited<ReturnType<typeof photoMedia>>[], contentType: string, extra: Partial<Parameters<typeof context>[0]> = {}) {
  return context({ account: IG_LOGIN, credentials: igToken(fake), text, media, contentType, apiBase: fake.url, clock, links: bucket.links, ...extra });
}
function igFacebookCtx(text: string, media: Awaited<ReturnType<typeof photoMedia>>[], contentType: string, extra: Partial<Parameters<typeof context>[0]> = {}) {
  return context({ account: IG_FACEBOOK, credentials: pageTokens(fake), text, media, contentType, apiBase: fake.url, clock, links: bucket.links, ...extra });
}

describe('containers, then media_publish', () => {
  it('an image with alt text (Instagram Login): fitted to JPEG, fetched by Meta from the bucket, published with its permalink; the bucket copy is removed', async () => {
    const image = await photoMedia(files.dir, 'wide', 'A sunlit café table', { width: 2400, height: 900 });
    const ctx = igLoginCtx('Morning light #coffee', [image], 'instagram_post');
    const result = await ig.publish(ctx);

    expect(fake.media).toHaveLength(1);
    const media = fake.media[0]!;
    expect(result).toEqual({ platformPostId: media.id, platformUrl: media.permalink });
    expect(media).toMatchObject({ igUserId: '17841400000000002', caption: 'Morning light #coffee', altText: 'A sunlit café table', productType: 'FEED' });
    // Meta fetched a JPEG inside its aspect range (2400x900 is wider than 1.91:1: cropped) and no wider than 1,440 px.
    const fetched = fake.containers.get(media.containerId)!.fetched![0]!;
    expect(fetched).toMatchObject({ status: 200, contentType: 'image/jpeg' });
    expect(fake.fetches[0]!.url).toContain('X-Amz-Signature');
    const create = posts('/media')[0]!;
    expect(create.params).toMatchObject({ caption: 'Morning light #coffee', alt_text: 'A sunlit café table' });
    expect(create.params).not.toHaveProperty('media_type');
    expect(await bucket.keys()).toEqual([]);
    // The container id was saved before media_publish went out.
    expect(ctx.progress.state).toMatchObject({ container: { id: media.containerId }, published: { mediaId: media.id } });
  });

  it('the fitted image keeps the aspect range Meta requires (the fake refuses anything outside 4:5 to 1.91:1)', async () => {
    const tall = await photoMedia(files.dir, 'tall', '', { width: 600, height: 1400 });
    const ctx = igFacebookCtx('Tall', [tall], 'instagram_post');
    await igfb.publish(ctx);
    expect(fake.media).toHaveLength(1);
    const file = fake.containers.get(fake.media[0]!.containerId)!.fetched![0]!;
    expect(file.status).toBe(200);
  });

  it('a carousel (Facebook Login): items first (images with alt text, a video), then the CAROUSEL container; published as one post', async () => {
    const items = [await photoMedia(files.dir, 'c1', 'First'), await photoMedia(files.dir, 'c2', ''), await videoMedia(files.dir, 'c3')];
    const ctx = igFacebookCtx('Three things', items, 'instagram_carousel', { settings: { collaborators: ['@friend.cafe'], locationId: '110843418940484' } });
    const result = await igfb.publish(ctx);
    const creates = posts('/media');
    expect(creates.map((e) => e.params['is_carousel_item'] ?? e.params['media_type'])).toEqual(['true', 'true', 'true', 'CAROUSEL']);
    expect(creates[0]!.params).toMatchObject({ alt_text: 'First' });
    expect(creates[1]!.params).not.toHaveProperty('alt_text');
    expect(creates[2]!.params).toMatchObject({ media_type: 'VIDEO' });
    const children = String(creates[3]!.params['children']).split(',');
    expect(children).toEqual(ctx.progress.state!['children']);
    expect(creates[3]!.params).toMatchObject({ caption: 'Three things', collaborators: '["friend.cafe"]', location_id: '110843418940484' });
    expect(fake.media).toHaveLength(1);
    expect(fake.media[0]!).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', caption: 'Three things' });
    expect(fake.media[0]!.files[2]).toBe(sha(readFileSync(items[2]!.path)));
    expect(result.platformPostId).toBe(fake.media[0]!.id);
    expect(await bucket.keys()).toEqual([]);
  });

  it('a reel with a cover image and share_to_feed off; a reel with only a frame time sends thumb_offset', async () => {
    const cover = await photoMedia(files.dir, 'cover', '', { width: 1080, height: 1920 });
    const reel = await videoMedia(files.dir, 'reel', { cover: { atMs: null, image: { path: cover.path, mime: cover.mime, width: 1080, height: 1920, bytes: cover.bytes } } });
    await ig.publish(igLoginCtx('Behind the counter', [reel], 'instagram_reel', { settings: { shareReelToFeed: false } }));
    const create = posts('/media')[0]!;
    expect(create.params).toMatchObject({ media_type: 'REELS', share_to_feed: 'false', caption: 'Behind the counter' });
    const fetched = fake.containers.get(fake.media[0]!.containerId)!.fetched!;
    expect(fetched.map((f) => [f.role, f.status, f.contentType])).toEqual([
      ['media', 200, 'video/mp4'],
      ['cover', 200, 'image/jpeg'],
    ]);
    expect(fetched[0]!.sha256).toBe(sha(readFileSync(reel.path)));
    expect(fake.media[0]!.productType).toBe('REELS');

    const framed = await videoMedia(files.dir, 'framed', { cover: { atMs: 1500, image: null } });
    await ig.publish(igLoginCtx('Framed', [framed], 'instagram_reel'));
    expect(posts('/media')[1]!.params).toMatchObject({ media_type: 'REELS', thumb_offset: '1500', share_to_feed: 'true' });
    expect(posts('/media')[1]!.params).not.toHaveProperty('cover_url');
  });

  it('a story (image or video): media_type STORIES, no caption, no alt text', async () => {
    const still = await photoMedia(files.dir, 'story', 'ignored on stories', { width: 1080, height: 1920 });
    await ig.publish(igLoginCtx('not sent', [still], 'instagram_story'));
    const moving = await videoMedia(files.dir, 'story-video');
    await igfb.publish(igFacebookCtx('', [moving], 'instagram_story'));
    expect(posts('/media').map((e) => e.params)).toEqual([
      { media_type: 'STORIES', image_url: expect.any(String) },
      { media_type: 'STORIES', video_url: expect.any(String) },
    ]);
    expect(fake.media.map((m) => m.productType)).toEqual(['STORY', 'STORY']);
  });
});

describe('failures', () => {
  it('no bucket: refused permanently, saying to set up Media hosting; nothing is sent', async () => {
    const image = await photoMedia(files.dir, 'nob');
    await expect(ig.publish(igLoginCtx('x', [image], 'instagram_post', { links: null }))).rejects.toMatchObject({ kind: 'permanent', message: NO_BUCKET_MESSAGE });
    expect(fake.exchanges).toEqual([]);
  });

  it('an expired presigned link: Meta cannot fetch it, the container ends in ERROR; permanent with Meta\'s words, nothing published', async () => {
    const old = createMediaHost(bucket.config, { now: () => Date.now() - 3 * 3_600_000 });
    const expired: PublicLinks = publicLinksOf(old);
    const image = await photoMedia(files.dir, 'exp');
    const ctx = igLoginCtx('x', [image], 'instagram_post', { links: expired });
    const error = await ig.publish(ctx).catch((e: unknown) => e);
    old.close();
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ kind: 'permanent', message: "Instagram could not process the image: Error: Media download has failed. The media URI doesn't meet our requirements. Nothing was published." });
    expect(fake.fetches.map((f) => f.status)).toEqual([403]);
    expect(fake.media).toEqual([]);
    expect(posts('/media_publish')).toEqual([]);
    // The container is forgotten and the object removed: a new attempt starts afresh.
    expect(ctx.progress.state).toMatchObject({ container: null, objects: {} });
    expect(await bucket.keys()).toEqual([]);
  });

  it('a container Meta cannot process (ERROR) fails with its status; an EXPIRED one says so', async () => {
    fake.nextContainers.push({ error: 'The video could not be processed (unsupported codec).' });
    const reel = await videoMedia(files.dir, 'bad');
    await expect(ig.publish(igLoginCtx('x', [reel], 'instagram_reel'))).rejects.toMatchObject({ kind: 'permanent', message: 'Instagram could not process the video: Error: The video could not be processed (unsupported codec). Nothing was published.' });

    // A container left from an attempt a day ago has expired.
    fake.nextContainers.push({ stuck: true });
    const image = await photoMedia(files.dir, 'late');
    const ctx = igLoginCtx('x', [image], 'instagram_post');
    await expect(createInstagramAdapter({ platform: 'instagram', sleep: advancingSleep(clock), processingDeadlineMs: 10 * 86_400_000, pollBudgetMs: 60_000 }).publish(ctx)).rejects.toMatchObject({ kind: 'transient' });
    clock.set(clock.now() + 25 * 3_600_000);
    await expect(ig.publish(ctx)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/let the image expire/) });
    expect(fake.media).toEqual([]);
  });

  it('a container stuck IN_PROGRESS: transient within the attempt budget, then permanent past the deadline; media_publish never sent, one container', async () => {
    fake.nextContainers.push({ stuck: true });
    const adapter = createInstagramAdapter({ platform: 'instagram-facebook', sleep: advancingSleep(clock), pollBudgetMs: 4 * 60_000, processingDeadlineMs: 15 * 60_000 });
    const image = await photoMedia(files.dir, 'stuck');
    const ctx = igFacebookCtx('Stuck', [image], 'instagram_post');
    await expect(adapter.publish(ctx)).rejects.toMatchObject({ kind: 'transient', message: expect.stringMatching(/still processing the image .*Nothing was published yet/) });
    await expect(adapter.publish(ctx)).rejects.toMatchObject({ kind: 'transient' });
    await expect(adapter.publish(ctx)).rejects.toMatchObject({ kind: 'transient' });
    const final = await adapter.publish(ctx).catch((e: unknown) => e);
    expect(final).toMatchObject({ kind: 'permanent', message: expect.stringMatching(/still processing the image 1[5-9] minutes after Outbox sent it .*Nothing was published; publish the post again/) });
    expect(posts('/media')).toHaveLength(1);
    expect(posts('/media_publish')).toEqual([]);
    expect(await bucket.keys()).toEqual([]);
  });

  it('at the publishing limit: rate_limited until the oldest post of the window leaves it, no container made', async () => {
    fake.igUsers.get('17841400000000002')!.quotaTotal = 1;
    await ig.publish(igLoginCtx('first', [await photoMedia(files.dir, 'q1')], 'instagram_post'));
    clock.set(clock.now() + 2 * 3_600_000);
    const creates = posts('/media').length;
    const error = (await ig.publish(igLoginCtx('second', [await photoMedia(files.dir, 'q2')], 'instagram_post')).catch((e: unknown) => e)) as PublishError;
    expect(error).toMatchObject({ kind: 'rate_limited', message: expect.stringMatching(/allows 1 posts .* in 24 hours/) });
    // The first post was 2 hours ago: the window frees in 22 hours (and a minute of margin).
    expect(error.retryAfterMs).toBe(22 * 3_600_000 + 60_000);
    expect(posts('/media')).toHaveLength(creates);
  });

  it('media_publish refused at the limit (code 9 / 2207042) is rate_limited too', async () => {
    fake.failNext({ method: 'POST', path: /\/media_publish$/, status: 400, graph: { code: 9, subcode: 2207042, message: 'Application request limit reached', userMsg: 'You reached the maximum number of posts' } });
    const error = await ig.publish(igLoginCtx('x', [await photoMedia(files.dir, 'lim')], 'instagram_post')).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate_limited', message: expect.stringContaining('You reached the maximum number of posts') });
  });

  it('"not ready" from media_publish (9007 / 2207027): waits and publishes the same container', async () => {
    fake.failNext({ method: 'POST', path: /\/media_publish$/, status: 400, graph: { code: 9007, subcode: 2207027, message: 'Media ID is not available' } });
    await ig.publish(igLoginCtx('x', [await photoMedia(files.dir, 'nr')], 'instagram_post'));
    expect(posts('/media')).toHaveLength(1);
    expect(posts('/media_publish').map((e) => e.status)).toEqual([400, 200]);
    expect(fake.media).toHaveLength(1);
  });

  it.each([
    [190, 'auth'],
    [4, 'rate_limited'],
    [17, 'rate_limited'],
    [32, 'rate_limited'],
    [613, 'rate_limited'],
    [100, 'permanent'],
    [1, 'transient'],
    [2, 'transient'],
  ] as const)('Graph error code %i on the container is %s (with Meta\'s message)', async (code, kind) => {
    const headers = kind === 'rate_limited' ? { 'x-business-use-case-usage': JSON.stringify({ '17841400000000002': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 7 }] }) } : undefined;
    fake.failNext({ method: 'POST', path: /\/media$/, status: code === 190 ? 401 : 400, headers, graph: { code, message: `Meta says ${code}` } });
    const error = (await ig.publish(igLoginCtx('x', [await photoMedia(files.dir, `e${code}`)], 'instagram_post')).catch((e: unknown) => e)) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(`Meta says ${code}`);
    if (kind === 'rate_limited') expect(error.retryAfterMs).toBe(7 * 60_000);
  });

  it('a permalink read that fails after publishing does not fail the entry: published, link unknown', async () => {
    fake.failNext({ method: 'GET', path: /^\/v23\.0\/179\d+$/, status: 500, graph: { code: 2, message: 'Service temporarily unavailable' } });
    const result = await ig.publish(igLoginCtx('x', [await photoMedia(files.dir, 'pl')], 'instagram_post'));
    expect(result).toEqual({ platformPostId: fake.media[0]!.id, platformUrl: null });
  });
});

describe('exactly once', () => {
  it('media_publish answered but the answer lost: the retry asks the container (PUBLISHED), finds the media, publishes nothing again', async () => {
    fake.failNext({ method: 'POST', path: /\/media_publish$/, status: 200, drop: true, afterHandling: true });
    const ctx = igFacebookCtx('Once only', [await photoMedia(files.dir, 'once')], 'instagram_post');
    const first = await igfb.publish(ctx).catch((e: unknown) => e);
    expect(first).toMatchObject({ kind: 'transient', maybeSent: true });
    expect(igfb.idempotent).toBe(true);
    const result = await igfb.publish(ctx);
    expect(fake.media).toHaveLength(1);
    expect(posts('/media')).toHaveLength(1);
    expect(posts('/media_publish')).toHaveLength(1);
    expect(result).toEqual({ platformPostId: fake.media[0]!.id, platformUrl: fake.media[0]!.permalink });
  });

  it('reconcile after a crash: PUBLISHED gives the media; FINISHED (media_publish never arrived) gives null and the next publish reuses the container', async () => {
    const progress = new MemoryProgress();
    const ctx = igLoginCtx('Crash', [await photoMedia(files.dir, 'crash')], 'instagram_post', { progress });
    // The crash: media_publish dropped before Meta saw it.
    fake.failNext({ method: 'POST', path: /\/media_publish$/, status: 0, drop: true });
    await ig.publish(ctx).catch(() => undefined);
    expect(progress.state).toMatchObject({ container: { id: expect.any(String) }, publishing: expect.any(Number) });
    expect(await ig.reconcile!(ctx)).toBeNull();
    await ig.publish(ctx);
    expect(posts('/media')).toHaveLength(1);
    expect(fake.media).toHaveLength(1);
    // Once published, reconcile answers from what it saved.
    expect(await ig.reconcile!(ctx)).toEqual({ platformPostId: fake.media[0]!.id, platformUrl: fake.media[0]!.permalink });
    // And from the container alone, when the answer was never saved.
    const lost = new MemoryProgress();
    lost.state = { ...progress.state!, published: null };
    expect(await ig.reconcile!(igLoginCtx('Crash', [], 'instagram_post', { progress: lost }))).toEqual({ platformPostId: fake.media[0]!.id, platformUrl: fake.media[0]!.permalink });
  });

  it('checks the post before any request: one image for a post, 2 to 10 for a carousel, a video for a reel', async () => {
    const a = await photoMedia(files.dir, 'k1');
    await expect(ig.publish(igLoginCtx('x', [a, a], 'instagram_post'))).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/^parts\.0\.media: an Instagram post is one image/) });
    await expect(ig.publish(igLoginCtx('x', [a], 'instagram_carousel'))).rejects.toMatchObject({ message: expect.stringMatching(/2 to 10/) });
    await expect(ig.publish(igLoginCtx('x', [a], 'instagram_reel'))).rejects.toMatchObject({ message: expect.stringMatching(/reel is one video/) });
    await expect(ig.publish(igLoginCtx(`${'#t '.repeat(31)}`, [a], 'instagram_post'))).rejects.toMatchObject({ message: expect.stringMatching(/30 hashtags/) });
    await expect(ig.publish(igLoginCtx('x', [a], 'instagram_story', { settings: { collaborators: ['bob'] } }))).rejects.toMatchObject({ message: expect.stringMatching(/^settings\.collaborators/) });
    expect(fake.exchanges).toEqual([]);
    // What Meta got in the successful tests was a real JPEG.
    expect((await sharp(readFileSync(a.path)).metadata()).format).toBe('png');
  });
});
