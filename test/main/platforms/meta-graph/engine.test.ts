// Facebook Pages and Instagram (both logins) through the whole engine, on a ManualClock: accounts
// connected through accounts:connect (the loopback OAuth flow against the Graph fake, which
// issues and checks the tokens), media imported into the library, posts scheduled, published by
// the engine's timer, media shared through a real S3 peer that the fake fetches from. Every Graph
// exchange is checked against Meta's node descriptions.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { createFacebookAdapter } from '../../../../src/main/platforms/facebook/publish';
import { createInstagramAdapter } from '../../../../src/main/platforms/instagram/publish';
import { startMetaGraphFake, type MetaGraphFake } from '../../../fakes/meta-graph';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { metaGraphSpec } from '../../../support/meta-graph-spec';
import { makeVideo } from '../../../support/videos';
import { clockSleep, photo, startBucket } from './helpers';

const MIN = 60_000;
const files = tempDir('outbox-meta-engine-');
let bucket: Awaited<ReturnType<typeof startBucket>>;
let fake: MetaGraphFake;
let clock: ManualClock;
let t: TestCore;

beforeAll(async () => {
  bucket = await startBucket();
});
afterAll(async () => {
  await bucket.close();
  files.remove();
});

/** The engine with the Meta modules on the test clock, the bucket (unless `hosting: false`) and the fake's endpoints. */
async function engine(options: { hosting?: boolean } = {}) {
  const sleep = clockSleep(clock);
  const facebook = createFacebookAdapter({ sleep });
  const endpoints = { apiBase: fake.url, authBase: fake.url, redirectPort: '0' };
  return makeTestCore({
    clock,
    platforms: { facebook: endpoints, 'instagram-facebook': endpoints, instagram: { ...endpoints, tokenBase: fake.url } },
    modules: {
      facebook: { publisher: facebook, scheduler: facebook.remote },
      instagram: { publisher: createInstagramAdapter({ platform: 'instagram', sleep }) },
      'instagram-facebook': { publisher: createInstagramAdapter({ platform: 'instagram-facebook', sleep }) },
    },
    ...(options.hosting === false ? {} : { publicLinks: async () => bucket.links }),
    drainTimeoutMs: 200,
  });
}

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  fake = await startMetaGraphFake({ now: () => clock.now() });
});
afterEach(async () => {
  expect(metaGraphSpec().validateExchanges(fake.exchanges)).toEqual([]);
  await t?.dispose();
  await fake.close();
});

/** Plays the browser: the fake consents at once and redirects to Outbox's loopback listener. */
async function consent() {
  const url = await t.browser.next();
  const answer = await fetch(url, { redirect: 'manual' });
  await fetch(answer.headers.get('location')!);
}

/** Connects the Page, the Instagram account linked to it, and the Instagram Login account. */
async function connectAll(): Promise<{ page: string; igfb: string; ig: string }> {
  for (const [platform, app] of [
    ['facebook', fake.fbApp],
    ['instagram-facebook', fake.fbApp],
    ['instagram', fake.igApp],
  ] as const) {
    const set = await t.core.invoke('accounts:setAppCredentials', { platform, clientId: app.id, clientSecret: app.secret });
    if (!set.ok) throw new Error(set.error.message);
  }
  const fbAnswer = t.core.invoke('accounts:connect', { platform: 'facebook' });
  await consent();
  const offered = await fbAnswer;
  if (!offered.ok || offered.value.status !== 'choose') throw new Error(`expected a choice of Pages: ${JSON.stringify(offered)}`);
  expect(offered.value.options.map((o) => o.name)).toEqual(['Corner Café', 'Night Market']);
  const page = await t.core.invoke('accounts:choose', { pendingId: offered.value.pendingId, optionId: '100000000000001' });
  const igfbAnswer = t.core.invoke('accounts:connect', { platform: 'instagram-facebook' });
  await consent();
  const igfb = await igfbAnswer;
  const igAnswer = t.core.invoke('accounts:connect', { platform: 'instagram' });
  await consent();
  const ig = await igAnswer;
  if (!page.ok || page.value.status !== 'connected' || !igfb.ok || igfb.value.status !== 'connected' || !ig.ok || ig.value.status !== 'connected') throw new Error('expected three connected accounts');
  expect([page.value.account.handle, igfb.value.account.handle, ig.value.account.handle]).toEqual(['cornercafe', '@corner.cafe', '@solo.creator']);
  return { page: page.value.account.id, igfb: igfb.value.account.id, ig: ig.value.account.id };
}

/**
 * Moves the clock in steps. Between steps real work gets real time (sharp fitting an image, the
 * bucket, the fake fetching from it): a few milliseconds of the event loop, not a sleep standing
 * in for platform time, which only the ManualClock moves.
 */
async function run(ms: number, step = 2_000) {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await flushPromises(5);
  }
}

async function get(id: string): Promise<Post> {
  const got = await t.core.invoke('posts:get', { id });
  if (!got.ok) throw new Error(got.error.message);
  return got.value;
}

/** Runs the clock until the post is neither scheduled nor publishing (at most `limitMs` of fake time). */
async function settle(id: string, limitMs = 60 * MIN, step = 2_000): Promise<Post> {
  const end = clock.now() + limitMs;
  for (;;) {
    const post = await get(id);
    if (!['scheduled', 'publishing'].includes(post.status) || clock.now() > end) return post;
    // Nothing happens before the post's time: go there at once.
    const due = post.status === 'scheduled' && post.scheduledAt ? Date.parse(post.scheduledAt) : 0;
    if (due > clock.now() && !post.entries.some((e) => e.status === 'handed_off')) await run(due - clock.now(), due - clock.now());
    else await run(step, step);
  }
}

async function importFile(path: string): Promise<string> {
  const imported = await t.core.invoke('media:import', { path });
  if (!imported.ok) throw new Error(imported.error.message);
  return imported.value.id;
}

async function schedule(parts: Array<{ text: string; media: Array<Record<string, unknown>> }>, targets: Array<Record<string, unknown>>, inMs = 15 * MIN): Promise<string> {
  const created = await t.core.invoke('posts:create', { parts, targets, schedule: { mode: 'at', at: new Date(clock.now() + inMs).toISOString() } } as never);
  if (!created.ok) throw new Error(`${created.error.message} ${JSON.stringify(created.error.issues)}`);
  return created.value.post.id;
}

describe('Facebook Pages and Instagram through the engine', () => {
  it('all three publish (app:info lists them); one post with an image and alt text reaches the Page and both Instagrams, each entry with its link; the bucket is left empty', async () => {
    t = await engine();
    const info = await t.core.invoke('app:info');
    expect(info.ok && info.value.publishingPlatforms).toEqual(expect.arrayContaining(['facebook', 'instagram', 'instagram-facebook']));
    const { page, igfb, ig } = await connectAll();
    // These entries are about Outbox sending at the time; handing off to the Page has its own tests.
    await t.core.invoke('accounts:setHandOff', { id: page, handOff: false });
    const image = await importFile(await photo(files.dir, 'harbour', { width: 1600, height: 1000 }));
    const id = await schedule([{ text: 'Good morning from the harbour', media: [{ mediaId: image, altText: 'Boats at dawn' }] }], [{ accountId: page }, { accountId: igfb }, { accountId: ig }]);

    const post = await settle(id);
    expect(post.status).toBe('published');
    const by = Object.fromEntries(post.entries.map((e) => [e.platform, e]));
    const fbPost = fake.posts[0]!;
    expect(by['facebook']).toMatchObject({ status: 'published', platformPostId: fbPost.id, platformUrl: expect.stringContaining(`/posts/`) });
    expect([...fake.photos.values()][0]).toMatchObject({ altText: 'Boats at dawn', published: true, attachedTo: fbPost.id });
    expect(fbPost.message).toBe('Good morning from the harbour');
    const igMedia = (user: string) => fake.media.find((m) => m.igUserId === user)!;
    expect(by['instagram-facebook']).toMatchObject({ status: 'published', platformPostId: igMedia('17841400000000001').id, platformUrl: igMedia('17841400000000001').permalink });
    expect(by['instagram']).toMatchObject({ status: 'published', platformPostId: igMedia('17841400000000002').id, platformUrl: igMedia('17841400000000002').permalink });
    expect(fake.media.map((m) => [m.caption, m.altText])).toEqual([
      ['Good morning from the harbour', 'Boats at dawn'],
      ['Good morning from the harbour', 'Boats at dawn'],
    ]);
    // Meta fetched each image from the bucket, and Outbox removed them afterwards.
    expect(fake.fetches.map((f) => f.status)).toEqual([200, 200]);
    expect(await bucket.keys()).toEqual([]);
  });

  it('a carousel of 5 (four photos and a video) to Instagram: five items, one carousel, one post', async () => {
    t = await engine();
    const { ig } = await connectAll();
    const media: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 4; i++) media.push({ mediaId: await importFile(await photo(files.dir, `c${i}`, { width: 1080, height: 1080 })), altText: `Photo ${i + 1}` });
    media.push({ mediaId: await importFile(await makeVideo(join(files.dir, 'c4.mp4'), { container: 'mp4', seconds: 4, width: 360, height: 360 })), altText: '' });
    const id = await schedule([{ text: 'Five from the weekend', media }], [{ accountId: ig, contentType: 'instagram_carousel' }]);
    const post = await settle(id);
    expect(post.status).toBe('published');
    const carousel = fake.media[0]!;
    expect(fake.media).toHaveLength(1);
    expect(carousel).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', caption: 'Five from the weekend' });
    expect(fake.containers.get(carousel.containerId)!.children).toHaveLength(5);
    expect([...fake.containers.values()].filter((c) => c.isCarouselItem).map((c) => c.params['alt_text'] ?? null)).toEqual(['Photo 1', 'Photo 2', 'Photo 3', 'Photo 4', null]);
    expect(post.entries[0]).toMatchObject({ status: 'published', platformUrl: carousel.permalink });
  });

  it('a reel with a cover image to Instagram (share to feed off) and to the Page as a Facebook reel', async () => {
    t = await engine();
    const { page, ig } = await connectAll();
    await t.core.invoke('accounts:setHandOff', { id: page, handOff: false });
    const video = await importFile(await makeVideo(join(files.dir, 'reel.mp4'), { container: 'mp4', seconds: 4, width: 360, height: 640 }));
    const cover = await importFile(await photo(files.dir, 'reel-cover', { width: 1080, height: 1920, format: 'jpeg' }));
    const id = await schedule(
      [{ text: 'Behind the counter', media: [{ mediaId: video, altText: '', cover: { atMs: 1200, mediaId: cover } }] }],
      [
        { accountId: ig, contentType: 'instagram_reel', settings: { shareReelToFeed: false } },
        { accountId: page, contentType: 'facebook_reel', settings: { title: 'Counter' } },
      ],
    );
    const post = await settle(id);
    expect(post.status).toBe('published');
    const container = fake.containers.get(fake.media[0]!.containerId)!;
    expect(container.params).toMatchObject({ media_type: 'REELS', share_to_feed: 'false' });
    expect(container.fetched!.map((f) => [f.role, f.status])).toEqual([
      ['media', 200],
      ['cover', 200],
    ]);
    const reel = [...fake.videos.values()].find((v) => v.kind === 'reel')!;
    expect(reel).toMatchObject({ state: 'published', title: 'Counter', description: 'Behind the counter' });
    expect(reel.thumbSha256).not.toBeNull();
    expect(post.entries.find((e) => e.platform === 'facebook')).toMatchObject({ platformPostId: reel.id, platformUrl: `https://www.facebook.com/reel/${reel.id}` });
  });

  it('a crash after media_publish was sent: at the next start the container says PUBLISHED and the entry settles with the one post', async () => {
    t = await engine();
    const { igfb } = await connectAll();
    const hold = fake.holdNext({ method: 'POST', path: /\/media_publish$/ });
    const image = await importFile(await photo(files.dir, 'crash', { width: 1200, height: 1200 }));
    const id = await schedule([{ text: 'Sent as Outbox died', media: [{ mediaId: image, altText: 'A cup' }] }], [{ accountId: igfb }], 10 * MIN);
    await clock.advance(10 * MIN);
    for (let i = 0; i < 1000 && fake.media.length === 0; i++) await run(1_000);
    await hold.held;
    expect(fake.media).toHaveLength(1);
    expect((await get(id)).entries[0]!.status).toBe('publishing');
    // Outbox stops while the answer is on its way (it never arrives), then starts again.
    await t.restart();
    hold.release();
    const post = await settle(id, 10 * MIN);
    expect(post.status).toBe('published');
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: fake.media[0]!.id, platformUrl: fake.media[0]!.permalink });
    expect(fake.media).toHaveLength(1);
    expect(fake.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/media_publish'))).toHaveLength(1);
    expect(fake.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/media'))).toHaveLength(1);
    expect(post.entries[0]!.attempts.map((a) => a.outcome)).toContain('reconciled');
  });

  it('a container that stays IN_PROGRESS past the deadline: the entry fails saying so, media_publish is never sent, and publishing again makes one post', async () => {
    t = await engine();
    const { ig } = await connectAll();
    fake.nextContainers.push({ stuck: true });
    const image = await importFile(await photo(files.dir, 'stuck', { width: 1200, height: 1200 }));
    const id = await schedule([{ text: 'Slow day at Meta', media: [{ mediaId: image, altText: '' }] }], [{ accountId: ig }], 10 * MIN);
    const failed = await settle(id, 60 * MIN, 5_000);
    expect(failed.status).toBe('failed');
    expect(failed.entries[0]!.errorMessage).toMatch(/Instagram was still processing the image 1[2-4] minutes after Outbox sent it .*Nothing was published; publish the post again to retry/);
    expect(fake.exchanges.filter((e) => e.path.endsWith('/media_publish'))).toEqual([]);
    expect(fake.media).toEqual([]);
    expect(await bucket.keys()).toEqual([]);

    const again = await t.core.invoke('posts:publish', { id });
    expect(again.ok).toBe(true);
    const done = await settle(id, 10 * MIN);
    expect(done.status).toBe('published');
    expect(fake.media).toHaveLength(1);
    expect(fake.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/media'))).toHaveLength(2);
  });

  it('no bucket: the composer refuses Instagram before scheduling (the Page is fine); a draft keeps the warning; nothing reaches Meta', async () => {
    t = await engine({ hosting: false });
    const { page, igfb, ig } = await connectAll();
    const image = await importFile(await photo(files.dir, 'nobucket'));
    const parts = [{ text: 'No bucket yet', media: [{ mediaId: image, altText: '' }] }];
    const refused = await t.core.invoke('posts:create', { parts, targets: [{ accountId: page }, { accountId: igfb }, { accountId: ig }], schedule: { mode: 'at', at: new Date(clock.now() + 30 * MIN).toISOString() } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(!refused.ok && refused.error.issues?.map((i) => [i.path, i.platform])).toEqual([
      ['parts.0.media', 'instagram-facebook'],
      ['parts.0.media', 'instagram'],
    ]);
    expect(!refused.ok && refused.error.message).toMatch(/set up Media hosting/);
    const onlyPage = await t.core.invoke('posts:create', { parts, targets: [{ accountId: page }], schedule: { mode: 'at', at: new Date(clock.now() + 30 * MIN).toISOString() } });
    expect(onlyPage.ok).toBe(true);
    const draft = await t.core.invoke('posts:create', { parts, targets: [{ accountId: ig }], schedule: { mode: 'draft' } });
    expect(draft.ok && draft.value.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/Instagram fetches images and videos from a public link: set up Media hosting/)]);
    const now = await t.core.invoke('posts:publish', { id: draft.ok ? draft.value.post.id : '' });
    expect(now).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(fake.exchanges.filter((e) => e.path.includes('/media'))).toEqual([]);
  });
});
