// The Facebook Pages adapter against the Graph fake: text and link posts, one photo, several
// photos attached unpublished, a video through the Resumable Upload API (with a dropped
// connection), reels and stories, lost answers settled by looking on the Page, and the Page's
// scheduler. Every exchange is checked against Meta's node descriptions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { createFacebookAdapter, type FacebookPublishing } from '../../../../src/main/platforms/facebook/publish';
import { PublishError } from '../../../../src/main/platforms/types';
import { startMetaGraphFake, type MetaExchange, type MetaGraphFake } from '../../../fakes/meta-graph';
import { tempDir } from '../../../support/core';
import { metaGraphSpec } from '../../../support/meta-graph-spec';
import { advancingSleep, context, FB_PAGE, MemoryProgress, pageTokens, photoMedia, videoMedia } from '../meta-graph/helpers';

const files = tempDir('outbox-fb-media-');
let fake: MetaGraphFake;
let clock: ManualClock;
let fb: FacebookPublishing;

afterAll(() => files.remove());
beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  fake = await startMetaGraphFake({ now: () => clock.now() });
  fb = createFacebookAdapter({ sleep: advancingSleep(clock) });
});
afterEach(async () => {
  expect(metaGraphSpec().validateExchanges(fake.exchanges)).toEqual([]);
  await fake.close();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const calls = (method: string, path: RegExp) => fake.exchanges.filter((e) => e.method === method && path.test(e.path));

function ctx(text: string, media: Awaited<ReturnType<typeof photoMedia>>[] = [], contentType = 'facebook_post', extra: Partial<Parameters<typeof context>[0]> = {}) {
  return context({ account: FB_PAGE, credentials: pageTokens(fake), text, media, contentType, apiBase: fake.url, clock, ...extra });
}

describe('publishing to a Page', () => {
  it('a text post with a link: /feed with message and link; the permalink comes back', async () => {
    const result = await fb.publish(ctx('New menu today', [], 'facebook_post', { settings: { link: 'https://cornercafe.example/menu' } }));
    expect(fake.posts).toEqual([expect.objectContaining({ message: 'New menu today', link: 'https://cornercafe.example/menu', published: true })]);
    const post = fake.posts[0]!;
    expect(result).toEqual({ platformPostId: post.id, platformUrl: `https://www.facebook.com/100000000000001/posts/${post.id.split('_')[1]}` });
  });

  it('one photo with alt text: /photos published with the message and alt_text_custom', async () => {
    const image = await photoMedia(files.dir, 'one', 'Two cups on a table');
    const result = await fb.publish(ctx('Fresh cups', [image]));
    expect(calls('POST', /\/photos$/)[0]!.params).toEqual({ published: 'true', message: 'Fresh cups', alt_text_custom: 'Two cups on a table' });
    const [photo] = [...fake.photos.values()];
    expect(photo).toMatchObject({ published: true, altText: 'Two cups on a table', mime: 'image/png' });
    expect(result.platformPostId).toBe(photo!.attachedTo);
  });

  it('several photos: uploaded unpublished (each id saved), then one post with attached_media; the link joins the text', async () => {
    const media = [await photoMedia(files.dir, 'p1', 'First'), await photoMedia(files.dir, 'p2'), await photoMedia(files.dir, 'p3', 'Third')];
    const c = ctx('Our week', media, 'facebook_post', { settings: { link: 'https://cornercafe.example' } });
    await fb.publish(c);
    expect(calls('POST', /\/photos$/).map((e) => e.params['published'])).toEqual(['false', 'false', 'false']);
    const ids = c.progress.state!['photos'] as string[];
    expect(ids).toHaveLength(3);
    const feed = calls('POST', /\/feed$/)[0]!;
    expect(JSON.parse(String(feed.params['attached_media']))).toEqual(ids.map((id) => ({ media_fbid: id })));
    expect(feed.params['message']).toBe('Our week\n\nhttps://cornercafe.example');
    expect(feed.params).not.toHaveProperty('link');
    expect(fake.posts).toHaveLength(1);
    expect(ids.map((id) => fake.photos.get(id)!.attachedTo)).toEqual([fake.posts[0]!.id, fake.posts[0]!.id, fake.posts[0]!.id]);
  });

  it('a video with a title and a cover: Resumable Upload API (OAuth header, file_offset), resumed after a dropped connection, then /videos with the handle and the thumb', async () => {
    const cover = await photoMedia(files.dir, 'vcover', '', { width: 640, height: 360 });
    const video = await videoMedia(files.dir, 'clip', { seconds: 3, cover: { atMs: null, image: { path: cover.path, mime: cover.mime, width: 640, height: 360, bytes: cover.bytes } } });
    fake.dropUploadAfter = 20_000;
    const c = ctx('Watch us open', [video], 'facebook_post', { settings: { title: 'Opening day' } });
    // The dropped connection costs the first try; the toolkit asks Meta what it holds and sends the rest.
    const result = await fb.publish(c);
    const sends = calls('POST', /\/upload:/);
    expect(sends.map((e) => e.headers['file_offset'])).toEqual(['20000']);
    expect(sends[0]!.headers['authorization']).toMatch(/^OAuth user-token-/);
    expect(calls('GET', /\/upload:/).map((e) => e.response)).toEqual([{ id: expect.stringMatching(/^upload:/), file_offset: 20_000 }]);
    const publish = calls('POST', /\/videos$/)[0]!;
    expect(publish.params).toMatchObject({ title: 'Opening day', description: 'Watch us open', fbuploader_video_file_chunk: expect.stringMatching(/^4::/) });
    expect(publish.files.map((f) => f.field)).toEqual(['thumb']);
    const [made] = [...fake.videos.values()];
    expect(made).toMatchObject({ kind: 'video', title: 'Opening day', state: 'published', sha256: sha(readFileSync(video.path)) });
    expect(made!.thumbSha256).toBe(publish.files[0]!.sha256);
    expect(result).toEqual({ platformPostId: made!.id, platformUrl: `https://www.facebook.com/cornercafe/videos/${made!.id}/` });
    expect(c.reported.at(-1)).toEqual([video.bytes, video.bytes]);
    // The app id came from one GET /app, kept for next time.
    expect(calls('GET', /\/app$/)).toHaveLength(1);
    expect(c.progress.state!['appId']).toBe(fake.fbApp.id);
  });

  it('a reel with a cover: start, the bytes to the upload URL, the thumbnail, finish; waits until Meta published it', async () => {
    const cover = await photoMedia(files.dir, 'rcover', '', { width: 1080, height: 1920 });
    const video = await videoMedia(files.dir, 'reel', { cover: { atMs: null, image: { path: cover.path, mime: cover.mime, width: 1080, height: 1920, bytes: cover.bytes } } });
    const result = await fb.publish(ctx('A day behind the counter', [video], 'facebook_reel', { settings: { title: 'Behind the counter' } }));
    const [reel] = [...fake.videos.values()];
    expect(reel).toMatchObject({ kind: 'reel', state: 'published', description: 'A day behind the counter', title: 'Behind the counter', sha256: sha(readFileSync(video.path)) });
    expect(reel!.thumbSha256).not.toBeNull();
    const upload = calls('POST', /^\/video-upload\//)[0]!;
    expect(upload.headers).toMatchObject({ offset: '0', file_size: String(video.bytes), authorization: expect.stringMatching(/^OAuth page-token-/) });
    expect(calls('POST', /\/video_reels$/).map((e) => e.params['upload_phase'])).toEqual(['start', 'finish']);
    expect(result).toEqual({ platformPostId: reel!.id, platformUrl: `https://www.facebook.com/reel/${reel!.id}` });
    // It asked until publishing was complete.
    const last = calls('GET', new RegExp(`/${reel!.id}$`)).at(-1)!.response as { status: { publishing_phase: { status: string } } };
    expect(last.status.publishing_phase.status).toBe('complete');
  });

  it('a reel Meta cannot process: permanent with its reason, and a retry uploads afresh instead of calling it published', async () => {
    fake.nextVideoError = 'The video could not be processed: its audio track is corrupt.';
    const video = await videoMedia(files.dir, 'broken-reel');
    const c = ctx('Broken', [video], 'facebook_reel');
    const failure = (await fb.publish(c).catch((e: unknown) => e)) as PublishError;
    expect(failure.kind).toBe('permanent');
    expect(failure.message).toBe('Facebook could not process the video: The video could not be processed: its audio track is corrupt. It was not published.');
    expect(c.progress.state).toMatchObject({ result: null });
    expect(c.progress.state).not.toHaveProperty('reel');
    await fb.publish(c);
    expect(calls('POST', /\/video_reels$/).filter((e) => e.params['upload_phase'] === 'start')).toHaveLength(2);
    // One reel went out: the second upload; the first never left processing.
    expect([...fake.videos.values()].map((v) => v.processingError)).toEqual(['The video could not be processed: its audio track is corrupt.', null]);
  });

  it('a Page that cannot post reels through the API: permanent, in Meta\'s words; nothing uploaded', async () => {
    const video = await videoMedia(files.dir, 'noreel');
    const c = context({ account: { ...FB_PAGE, platformUserId: '100000000000002', meta: { pageId: '100000000000002' } }, credentials: pageTokens(fake, '100000000000002'), text: 'x', media: [video], contentType: 'facebook_reel', apiBase: fake.url, clock });
    await expect(fb.publish(c)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/^This Page cannot publish reels through the API: .*Reels are not available for this Page yet/) });
    expect(calls('POST', /^\/video-upload\//)).toEqual([]);
  });

  it('stories: a photo through photo_stories, a video through video_stories', async () => {
    const image = await photoMedia(files.dir, 'story', '', { width: 1080, height: 1920 });
    const photoStory = await fb.publish(ctx('', [image], 'facebook_story'));
    const video = await videoMedia(files.dir, 'vstory');
    const videoStory = await fb.publish(ctx('', [video], 'facebook_story'));
    expect(calls('POST', /\/photo_stories$/)).toHaveLength(1);
    expect(calls('POST', /\/video_stories$/).map((e) => e.params['upload_phase'])).toEqual(['start', 'finish']);
    expect(photoStory.platformPostId).toBe(fake.posts.find((p) => p.kind === 'story')!.id);
    expect(videoStory.platformPostId).toBe([...fake.videos.values()][0]!.postId);
  });

  it('refuses what Facebook cannot take before any request', async () => {
    const image = await photoMedia(files.dir, 'mix');
    const video = await videoMedia(files.dir, 'mixv');
    await expect(fb.publish(ctx('x', [image, video]))).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/^parts\.0\.media: Facebook takes photos or one video/) });
    await expect(fb.publish(ctx('x', [image], 'facebook_reel'))).rejects.toMatchObject({ message: expect.stringMatching(/reel is one video/) });
    await expect(fb.publish(ctx('', []))).rejects.toMatchObject({ message: expect.stringMatching(/^parts\.0\.text: a Facebook post needs words, a link or media/) });
    expect(fake.exchanges).toEqual([]);
  });

  it.each([
    [190, 'auth'],
    [4, 'rate_limited'],
    [17, 'rate_limited'],
    [32, 'rate_limited'],
    [613, 'rate_limited'],
    [100, 'permanent'],
  ] as const)('Graph error code %i on /feed is %s with Meta\'s message', async (code, kind) => {
    fake.failNext({ method: 'POST', path: /\/feed$/, status: 400, graph: { code, message: `Facebook says ${code}` } });
    const error = (await fb.publish(ctx('Hello')).catch((e: unknown) => e)) as PublishError;
    expect(error).toMatchObject({ kind, message: expect.stringContaining(`Facebook says ${code}`) });
    expect(fake.posts).toEqual([]);
  });
});

describe('exactly once without an idempotency key', () => {
  it('the answer to /feed is lost after Facebook made the post: found on the Page, published once', async () => {
    fake.failNext({ method: 'POST', path: /\/feed$/, status: 200, drop: true, afterHandling: true });
    const c = ctx('Lost answer');
    const result = await fb.publish(c);
    expect(fake.posts).toHaveLength(1);
    expect(result.platformPostId).toBe(fake.posts[0]!.id);
    expect(calls('GET', /\/published_posts$/)).toHaveLength(1);
    expect(c.progress.state).toMatchObject({ inflight: null, result: { id: fake.posts[0]!.id } });
  });

  it('the request never reached Facebook: the Page shows nothing, so it is retried as transient (not "maybe sent") and posts once', async () => {
    fake.failNext({ method: 'POST', path: /\/feed$/, status: 0, drop: true });
    const c = ctx('Never arrived');
    const error = (await fb.publish(c).catch((e: unknown) => e)) as PublishError;
    expect(error).toMatchObject({ kind: 'transient', maybeSent: false, message: expect.stringMatching(/Facebook made nothing; sending again/) });
    await fb.publish(c);
    expect(fake.posts.map((p) => p.message)).toEqual(['Never arrived']);
  });

  it('a photo-only post whose answer is lost cannot be told apart on the Page: "maybe sent" (the engine says check Facebook)', async () => {
    fake.failNext({ method: 'POST', path: /\/photos$/, status: 200, drop: true, afterHandling: true });
    const error = (await fb.publish(ctx('', [await photoMedia(files.dir, 'silent')])).catch((e: unknown) => e)) as PublishError;
    expect(error).toMatchObject({ kind: 'transient', maybeSent: true });
    expect(fb.idempotent).toBe(false);
  });

  it('reconcile after a crash: a post in flight is found on the Page; one that is not there is safe to send again', async () => {
    const progress = new MemoryProgress();
    progress.state = { photos: [], appId: null, coverSet: false, result: null, remote: null, inflight: { kind: 'feed', at: clock.now(), message: 'Crashed mid-post', title: '' } };
    expect(await fb.reconcile!(ctx('Crashed mid-post', [], 'facebook_post', { progress }))).toBeNull();
    await fb.publish(ctx('Crashed mid-post', [], 'facebook_post', { progress: new MemoryProgress() }));
    progress.state = { ...progress.state, inflight: { kind: 'feed', at: clock.now(), message: 'Crashed mid-post', title: '' } };
    expect(await fb.reconcile!(ctx('Crashed mid-post', [], 'facebook_post', { progress }))).toEqual({ platformPostId: fake.posts[0]!.id, platformUrl: expect.stringContaining('/posts/') });
    progress.state = { ...progress.state, result: null, inflight: { kind: 'story', at: clock.now(), message: '', title: '' } };
    await expect(fb.reconcile!(ctx('', [], 'facebook_story', { progress }))).rejects.toThrow(/cannot tell/);
  });
});

describe("the Page's scheduler (published=false + scheduled_publish_time)", () => {
  it('schedule, reschedule, status, cancel; the Page publishes at the time', async () => {
    const c = ctx('Later today', [], 'facebook_post', { settings: { link: 'https://cornercafe.example' } });
    const at = clock.now() + 60 * 60_000;
    const { remoteId } = await fb.remote.schedule(c, at);
    expect(fake.posts[0]).toMatchObject({ id: remoteId, published: false, scheduledAt: at, link: 'https://cornercafe.example' });
    const feed = calls('POST', /\/feed$/)[0]!;
    expect(feed.params).toMatchObject({ published: 'false', scheduled_publish_time: String(at / 1000) });
    expect(await fb.remote.status(c, remoteId)).toEqual({ state: 'scheduled', at });
    await fb.remote.reschedule(c, remoteId, at + 30 * 60_000);
    expect(fake.posts[0]!.scheduledAt).toBe(at + 30 * 60_000);
    clock.set(at + 31 * 60_000);
    expect(await fb.remote.status(c, remoteId)).toEqual({ state: 'published', result: { platformPostId: remoteId, platformUrl: expect.stringContaining('/posts/') } });

    const d = ctx('Cancel me');
    const second = await fb.remote.schedule(d, clock.now() + 20 * 60_000);
    await fb.remote.cancel(d, second.remoteId);
    expect(fake.posts.map((p) => p.id)).toEqual([remoteId]);
    await fb.remote.cancel(d, second.remoteId); // already gone: fine
    expect(await fb.remote.status(d, second.remoteId)).toEqual({ state: 'missing' });
  });

  it('photos are uploaded as temporary unpublished photos and attached to the scheduled post; a video is scheduled on /videos', async () => {
    const c = ctx('Two photos later', [await photoMedia(files.dir, 's1'), await photoMedia(files.dir, 's2')]);
    await fb.remote.schedule(c, clock.now() + 2 * 3_600_000);
    expect(calls('POST', /\/photos$/).map((e) => [e.params['published'], e.params['temporary']])).toEqual([
      ['false', 'true'],
      ['false', 'true'],
    ]);
    expect(fake.posts[0]).toMatchObject({ published: false, photos: c.progress.state!['photos'] });
    const v = ctx('Video later', [await videoMedia(files.dir, 'sv')]);
    const { remoteId } = await fb.remote.schedule(v, clock.now() + 3 * 3_600_000);
    expect(fake.videos.get(remoteId)).toMatchObject({ state: 'scheduled' });
    expect(await fb.remote.status(v, remoteId)).toEqual({ state: 'scheduled', at: clock.now() + 3 * 3_600_000 });
  });

  it('the window: at least 10 minutes and at most 30 days ahead; stories cannot be scheduled', async () => {
    await expect(fb.remote.schedule(ctx('soon'), clock.now() + 9 * 60_000)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/at least 10 minutes/) });
    await expect(fb.remote.schedule(ctx('far'), clock.now() + 31 * 86_400_000)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/at most 30 days/) });
    await expect(fb.remote.schedule(ctx('', [await photoMedia(files.dir, 'st')], 'facebook_story'), clock.now() + 3_600_000)).rejects.toMatchObject({ message: expect.stringMatching(/cannot schedule stories/) });
    expect(fake.posts).toEqual([]);
  });

  it('find: a scheduled post whose answer was lost is found by its time and text; one the Page published is found there; otherwise missing', async () => {
    const at = clock.now() + 45 * 60_000;
    fake.failNext({ method: 'POST', path: /\/feed$/, status: 200, drop: true, afterHandling: true });
    const c = ctx('Answer lost');
    await expect(fb.remote.schedule(c, at)).rejects.toMatchObject({ maybeSent: true });
    expect(await fb.remote.find(c, at)).toEqual({ state: 'scheduled', remoteId: fake.posts[0]!.id });
    clock.set(at + 60_000);
    expect(await fb.remote.find(c, at)).toEqual({ state: 'published', result: { platformPostId: fake.posts[0]!.id, platformUrl: expect.any(String) } });
    expect(await fb.remote.find(ctx('Never scheduled'), at)).toEqual({ state: 'missing' });
  });
});

describe('the spec checker itself', () => {
  it('flags an undocumented parameter, a wrong type, a missing required one and an unknown field', () => {
    const base: MetaExchange = { method: 'POST', path: '/v23.0/1/feed', params: {}, files: [], headers: {}, status: 200, response: {}, spec: { node: 'Page', edge: 'feed' } };
    expect(metaGraphSpec().validate({ ...base, params: { message: 'ok', published: 'maybe', colour: 'red' } })).toEqual([
      'POST /v23.0/1/feed: published="maybe" is not a bool',
      'POST /v23.0/1/feed: colour is not a parameter of POST Page/feed',
    ]);
    expect(metaGraphSpec().validate({ ...base, path: '/v23.0/1/media_publish', params: {}, spec: { node: 'IGUser', edge: 'media_publish' } })).toEqual(['POST /v23.0/1/media_publish: required creation_id is missing']);
    expect(metaGraphSpec().validate({ ...base, method: 'GET', path: '/v23.0/1_2', params: { fields: 'message,likes_total' }, response: { id: '1_2', message: 'x', nope: 1 }, spec: { node: 'PagePost', edge: '' } })).toEqual([
      'GET /v23.0/1_2: likes_total is not a field of PagePost',
      "GET /v23.0/1_2: the answer's nope is not a documented field",
    ]);
  });
});
