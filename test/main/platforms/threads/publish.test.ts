// The Threads adapter against the Threads fake (written from Meta's docs, test/fakes/threads.ts)
// and a real S3-compatible bucket (@20minutes/s3rver): the fake fetches every image and video from
// the presigned link the adapter hands it. Every exchange is checked against the documented
// parameters and answers (`threadsSpecProblems`).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createThreadsAdapter, PROCESSING_DEADLINE_MS } from '../../../../src/main/platforms/threads/publish';
import { PublishError, type PublishContext, type PublishPart } from '../../../../src/main/platforms/types';
import { publicLinksOf } from '../../../../src/main/platforms/media/hosting';
import { startThreadsFake, threadsSpecProblems, type ThreadsFake } from '../../../fakes/threads';
import { tempDir } from '../../../support/core';
import { clip, photo, RecordedProgress, startBucket, TestTime, threadsContext, type Bucket } from './helpers';

let fake: ThreadsFake;
let bucket: Bucket;
let time: TestTime;
const files = tempDir('outbox-threads-media-');

beforeAll(async () => {
  fake = await startThreadsFake({ now: () => time.now() });
  bucket = await startBucket();
});
afterAll(async () => {
  await fake.close();
  await bucket.close();
  files.remove();
});
// Each test three days after the one before, so one test's posts never count in the next one's quota.
let day = 0;
beforeEach(() => {
  time = new TestTime(Date.parse('2026-03-02T09:00:00Z') + 3 * 86_400_000 * day++, () => fake.idle());
  fake.exchanges.length = 0;
});
afterEach(() => {
  expect(threadsSpecProblems(fake.exchanges)).toEqual([]);
});

function context(parts: PublishPart[], o: { settings?: Record<string, unknown>; progress?: RecordedProgress; links?: PublishContext['publicLinks']; token?: string } = {}) {
  return threadsContext({ token: o.token ?? fake.issueToken(), userId: fake.userId, apiBase: fake.url, parts, now: time.now, settings: o.settings, progress: o.progress, links: o.links === undefined ? bucket.links : o.links });
}

const adapter = () => createThreadsAdapter({ sleep: time.sleep });
const requests = (path: RegExp, method = 'POST') => fake.exchanges.filter((e) => e.method === method && path.test(e.path));
async function failure(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof PublishError)) throw new Error(`expected a PublishError, got ${String(error)}`);
  return error;
}

describe('posts', () => {
  it('a text post with a link preview, a topic tag and reply control: one container, published, its permalink read', async () => {
    const ctx = context([{ text: 'New prints are up. Details in the card 👇', media: [] }], { settings: { replyControl: 'accounts_you_follow', linkAttachment: 'https://shop.example/prints', topicTag: 'Printmaking' } });
    const result = await adapter().publish(ctx);
    const post = fake.posts.find((p) => p.id === result.platformPostId)!;
    expect(post).toMatchObject({ mediaType: 'TEXT_POST', text: 'New prints are up. Details in the card 👇', replyControl: 'accounts_you_follow', linkAttachment: 'https://shop.example/prints', topicTag: 'Printmaking', replyToId: null });
    expect(result.platformUrl).toBe(post.permalink);
    expect(requests(/\/threads$/)[0]!.body).toMatchObject({ media_type: 'TEXT', reply_control: 'accounts_you_follow', link_attachment: 'https://shop.example/prints', topic_tag: 'Printmaking' });
    // The token travels in the Authorization header, never in a URL or a form.
    expect(fake.exchanges.every((e) => !(e.body as Record<string, string>)['access_token'])).toBe(true);
  });

  it('an image with alt text: fitted, put in the bucket, fetched by Threads through the presigned link, deleted once processed', async () => {
    const image = await photo(files.dir, 'harbour', { width: 2400, height: 1600, altText: 'The harbour at dawn' });
    const ctx = context([{ text: 'Morning at the harbour', media: [image] }]);
    const result = await adapter().publish(ctx);
    const post = fake.posts.find((p) => p.id === result.platformPostId)!;
    expect(post).toMatchObject({ mediaType: 'IMAGE', text: 'Morning at the harbour', media: [{ kind: 'IMAGE', altText: 'The harbour at dawn' }] });
    const create = requests(/\/threads$/)[0]!.body as Record<string, string>;
    expect(create).toMatchObject({ media_type: 'IMAGE', alt_text: 'The harbour at dawn', text: 'Morning at the harbour' });
    expect(create['image_url']).toContain('X-Amz-Signature');
    // Threads really fetched it: a fitted PNG no wider than Threads keeps (1,440 px).
    const fetched = fake.fetches.find((f) => f.url === create['image_url'])!;
    expect(fetched).toMatchObject({ ok: true, status: 200, width: 1440, height: 960 });
    expect(fetched.bytes).toBeGreaterThan(0);
    // Published only once FINISHED, and the object is gone from the bucket.
    const finished = fake.exchanges.findIndex((e) => e.method === 'GET' && (e.response as { status?: string } | null)?.status === 'FINISHED');
    const published = fake.exchanges.findIndex((e) => e.path.endsWith('/threads_publish'));
    expect(finished).toBeGreaterThan(-1);
    expect(published).toBeGreaterThan(finished);
    expect(await bucket.keys()).toEqual([]);
  });

  it('a carousel of two images and a video: the items first, then the CAROUSEL container, one post', async () => {
    const media = [await photo(files.dir, 'c1', { altText: 'First' }), await clip(files.dir, 'c2', 1, 'A short clip'), await photo(files.dir, 'c3', { format: 'jpeg' })];
    const result = await adapter().publish(context([{ text: 'Three from the studio', media }]));
    const post = fake.posts.find((p) => p.id === result.platformPostId)!;
    expect(post).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', text: 'Three from the studio' });
    expect(post.media.map((m) => [m.kind, m.altText])).toEqual([
      ['IMAGE', 'First'],
      ['VIDEO', 'A short clip'],
      ['IMAGE', null],
    ]);
    const creates = requests(/\/threads$/).map((e) => e.body as Record<string, string>);
    expect(creates.map((b) => [b['media_type'], b['is_carousel_item'] ?? null])).toEqual([
      ['IMAGE', 'true'],
      ['VIDEO', 'true'],
      ['IMAGE', 'true'],
      ['CAROUSEL', null],
    ]);
    expect(creates[3]!['children']!.split(',')).toHaveLength(3);
    expect(fake.posts.filter((p) => p.text === 'Three from the studio')).toHaveLength(1);
    expect(await bucket.keys()).toEqual([]);
  });

  it('a 3-part thread: each part a reply to the one before, each saved in progress before the next is made', async () => {
    const progress = new RecordedProgress();
    const image = await photo(files.dir, 'part2');
    const ctx = context(
      [
        { text: '1/ How I plan a week of posts', media: [] },
        { text: '2/ Monday: sketch', media: [image] },
        { text: '3/ The rest: https://blog.example/week', media: [] },
      ],
      { progress, settings: { replyControl: 'mentioned_only' } },
    );
    const result = await adapter().publish(ctx);
    const chain = fake.chain(result.platformPostId);
    expect(chain.map((p) => p.text)).toEqual(['1/ How I plan a week of posts', '2/ Monday: sketch', '3/ The rest: https://blog.example/week']);
    expect(chain.map((p) => p.replyControl)).toEqual(['mentioned_only', 'mentioned_only', 'mentioned_only']);
    expect(chain[1]!.replyToId).toBe(chain[0]!.id);
    expect(chain[2]!.replyToId).toBe(chain[1]!.id);
    // Part 2's container was made only after part 1's id was committed.
    const firstWithPart1 = progress.saves.findIndex((s) => (s['parts'] as Array<{ mediaId?: string }>)[0]?.mediaId === chain[0]!.id);
    const firstWithPart2Container = progress.saves.findIndex((s) => Boolean((s['parts'] as Array<{ containerId?: string } | null>)[1]?.containerId));
    expect(firstWithPart1).toBeGreaterThanOrEqual(0);
    expect(firstWithPart2Container).toBeGreaterThan(firstWithPart1);
    // The 250-a-day limit is read once, before the first post; replies have their own quota.
    expect(fake.exchanges.filter((e) => e.path.endsWith('/threads_publishing_limit'))).toHaveLength(1);
  });

  it('a failed part 3 keeps parts 1-2: publishing again continues from part 3 without posting them twice', async () => {
    const progress = new RecordedProgress();
    const parts = [
      { text: 'one', media: [] },
      { text: 'two', media: [] },
      { text: 'three', media: [] },
    ];
    fake.graphError({ method: 'POST', path: /\/threads$/, code: 2, message: 'Service temporarily unavailable', times: 1 });
    // The first container attempt fails: nothing is sent.
    expect((await failure(adapter().publish(context(parts, { progress })))).kind).toBe('transient');
    fake.graphError({ method: 'POST', path: /\/threads$/, code: 1, message: 'An unknown error occurred', times: 1, skip: 2 });
    const again = await failure(adapter().publish(context(parts, { progress })));
    expect(again.kind).toBe('transient');
    expect(fake.posts.slice(-2).map((p) => p.text)).toEqual(['one', 'two']);
    const before = fake.posts.length;
    const result = await adapter().publish(context(parts, { progress }));
    expect(fake.posts.length).toBe(before + 1);
    expect(fake.chain(result.platformPostId).map((p) => p.text)).toEqual(['one', 'two', 'three']);
  });

  it('a part refused for good half way: the message says which parts are on Threads', async () => {
    fake.graphError({ method: 'POST', path: /\/threads$/, code: 100, message: 'Invalid parameter', userMessage: 'The post you are replying to is no longer available', skip: 1 });
    const error = await failure(adapter().publish(context([{ text: 'first', media: [] }, { text: 'second', media: [] }])));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('Preparing part 2 of 2 on Threads: The post you are replying to is no longer available — Invalid parameter. Part 1 is on Threads; publishing again continues from part 2.');
  });
});

describe('exactly once', () => {
  it('the answer of threads_publish lost after Threads published: the retry finds the post by its container, one post', async () => {
    const progress = new RecordedProgress();
    const parts = [{ text: `Exactly once ${Math.random()}`, media: [] }];
    fake.failNext({ method: 'POST', path: /\/threads_publish$/, status: 0, drop: true, afterHandling: true });
    const lost = await failure(adapter().publish(context(parts, { progress })));
    expect(lost).toMatchObject({ kind: 'transient', maybeSent: true });
    const published = fake.posts.filter((p) => p.text === parts[0]!.text);
    expect(published).toHaveLength(1);

    // After a crash the engine asks reconcile first: the container says PUBLISHED.
    const found = await adapter().reconcile!(context(parts, { progress }));
    expect(found).toEqual({ platformPostId: published[0]!.id, platformUrl: published[0]!.permalink });
    // And publishing again (the engine's retry) sends nothing more.
    const sent = requests(/\/threads_publish$/).length;
    expect(await adapter().publish(context(parts, { progress }))).toEqual(found);
    expect(requests(/\/threads_publish$/)).toHaveLength(sent);
    expect(fake.posts.filter((p) => p.text === parts[0]!.text)).toHaveLength(1);
  });

  it('a lost answer for part 2 of a thread: the reply is found among the account’s replies to part 1', async () => {
    const progress = new RecordedProgress();
    const tag = Math.random().toString(36).slice(2);
    const parts = [
      { text: `root ${tag}`, media: [] },
      { text: `reply ${tag}`, media: [] },
    ];
    fake.failNext({ method: 'POST', path: /\/threads_publish$/, status: 0, drop: true, afterHandling: true, skip: 1 });
    await failure(adapter().publish(context(parts, { progress })));
    const result = await adapter().publish(context(parts, { progress }));
    expect(fake.chain(result.platformPostId).map((p) => p.text)).toEqual([`root ${tag}`, `reply ${tag}`]);
    expect(fake.posts.filter((p) => p.text.endsWith(tag))).toHaveLength(2);
  });

  it('reconcile with nothing sent says so (null): safe to send', async () => {
    expect(await adapter().reconcile!(context([{ text: 'never sent', media: [] }]))).toBeNull();
  });

  it('a 5xx answer to threads_publish is in doubt until the container says it is not published: the next attempt publishes that same container once', async () => {
    const progress = new RecordedProgress();
    const parts = [{ text: `after a hiccup ${Math.random()}`, media: [] }];
    fake.graphError({ method: 'POST', path: /\/threads_publish$/, code: 2, message: 'Service temporarily unavailable' });
    expect(await failure(adapter().publish(context(parts, { progress })))).toMatchObject({ kind: 'transient', maybeSent: true });
    expect((progress.committed!['parts'] as Array<{ publishing?: number | null }>)[0]!.publishing).toEqual(expect.any(Number));
    await adapter().publish(context(parts, { progress }));
    expect(fake.posts.filter((p) => p.text === parts[0]!.text)).toHaveLength(1);
    // The same container both times: nothing was made twice.
    expect(requests(/\/threads$/)).toHaveLength(1);
  });

  it('a 4xx answer to threads_publish (Threads refused it): not in doubt, the mark is cleared', async () => {
    const progress = new RecordedProgress();
    fake.graphError({ method: 'POST', path: /\/threads_publish$/, code: 4, message: 'Application request limit reached' });
    expect((await failure(adapter().publish(context([{ text: 'refused', media: [] }], { progress })))).kind).toBe('rate_limited');
    expect((progress.committed!['parts'] as Array<{ publishing?: number | null }>)[0]!.publishing).toBeNull();
  });
});

describe('containers that do not finish', () => {
  it('ERROR is permanent with Meta’s reason in words; the bucket object is deleted and nothing published', async () => {
    const video = await clip(files.dir, 'bad', 1);
    fake.failProcessing((c) => c.mediaType === 'VIDEO' && c.params['text'] === 'Too long?', 'INVALID_DURATION');
    const progress = new RecordedProgress();
    const error = await failure(adapter().publish(context([{ text: 'Too long?', media: [video] }], { progress })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('the video is longer than Threads takes (5 minutes) (INVALID_DURATION)');
    expect(error.message).toContain('Nothing was published');
    expect(fake.posts.some((p) => p.text === 'Too long?')).toBe(false);
    expect(await bucket.keys()).toEqual([]);
    // A re-publish starts afresh (the failed container is forgotten).
    expect((progress.committed!['parts'] as unknown[])[0]).toEqual({});
  });

  it('an expired presigned link: Threads cannot download the video (FAILED_DOWNLOADING_VIDEO), permanent', async () => {
    const video = await clip(files.dir, 'late', 1);
    // Links signed two hours ago with the default one-hour expiry: S3 refuses them (403).
    const stale = bucket.hostAt(() => Date.now() - 2 * 3_600_000);
    const error = await failure(adapter().publish(context([{ text: 'Stale link', media: [video] }], { links: publicLinksOf(stale) })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('FAILED_DOWNLOADING_VIDEO');
    expect(fake.fetches.at(-1)).toMatchObject({ ok: false, status: 403 });
    expect(await bucket.keys()).toEqual([]);
  });

  it('still IN_PROGRESS: each attempt waits its share and hands back (transient); past the deadline it fails with a clear message, nothing published', async () => {
    const video = await clip(files.dir, 'stuck', 1);
    fake.stick((c) => c.params['text'] === 'Stuck');
    const progress = new RecordedProgress();
    const kinds: string[] = [];
    let last: PublishError | null = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      last = await failure(adapter().publish(context([{ text: 'Stuck', media: [video] }], { progress })));
      kinds.push(last.kind);
      if (last.kind === 'permanent') break;
      time.at += 30_000; // the engine's backoff
    }
    expect(kinds.slice(0, -1).every((k) => k === 'transient')).toBe(true);
    expect(kinds.at(-1)).toBe('permanent');
    expect(last!.message).toMatch(/still processing the media of the post 10 minutes after Outbox sent it/);
    // One container for all the attempts, never published.
    expect(requests(/\/threads$/).length).toBe(1);
    expect(requests(/\/threads_publish$/)).toHaveLength(0);
    expect(time.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(PROCESSING_DEADLINE_MS);
    expect(await bucket.keys()).toEqual([]);
  });

  it('EXPIRED (not published within 24 hours, e.g. a publish that failed and a retry a day later): made again, published once', async () => {
    const progress = new RecordedProgress();
    const text = `Kept waiting ${Math.random()}`;
    fake.graphError({ method: 'POST', path: /\/threads_publish$/, code: 2, message: 'Service temporarily unavailable' });
    expect((await failure(adapter().publish(context([{ text, media: [] }], { progress })))).kind).toBe('transient');
    time.at += 25 * 3_600_000;
    await adapter().publish(context([{ text, media: [] }], { progress }));
    expect(requests(/\/threads$/)).toHaveLength(2);
    expect(fake.posts.filter((p) => p.text === text)).toHaveLength(1);
    const [first, second] = requests(/\/threads$/).map((e) => (e.response as { id: string }).id);
    expect(fake.containers.get(first!)!.publishedMediaId).toBeNull();
    expect(fake.containers.get(second!)!.publishedMediaId).toEqual(expect.any(String));
  });
});

describe('the publishing limit', () => {
  it('at 250 posts in 24 hours: rate_limited until the oldest leaves the window, nothing published', async () => {
    const start = time.now();
    fake.seedPosts(250, start - 2 * 3_600_000);
    const error = await failure(adapter().publish(context([{ text: 'One too many', media: [] }])));
    expect(error.kind).toBe('rate_limited');
    // The oldest of the window was 2 hours ago: 22 hours (and a minute) to wait.
    expect(error.retryAfterMs).toBe(22 * 3_600_000 + 60_000);
    expect(error.message).toMatch(/Threads allows 250 posts through its API in 24 hours/);
    // Read before anything is made: no container, nothing in the bucket.
    expect(requests(/\/threads$/)).toHaveLength(0);
    expect(requests(/\/threads_publish$/)).toHaveLength(0);
    time.at += error.retryAfterMs!;
  });

  it('a publish refused over the limit anyway (code 4) is rate_limited too', async () => {
    fake.graphError({ method: 'POST', path: /\/threads_publish$/, code: 4, message: 'Application request limit reached' });
    expect(await failure(adapter().publish(context([{ text: 'raced', media: [] }])))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 15 * 60_000 });
  });
});

describe('errors are classified', () => {
  it.each([
    [4, 'rate_limited'],
    [17, 'rate_limited'],
    [32, 'rate_limited'],
    [613, 'rate_limited'],
    [1, 'transient'],
    [2, 'transient'],
    [100, 'permanent'],
    [190, 'auth'],
  ] as const)('Graph code %i -> %s', async (code, kind) => {
    fake.graphError({ method: 'POST', path: /\/threads$/, code, message: `(#${code}) Something about ${code}`, userMessage: code === 100 ? 'The text contains a link Threads does not allow' : undefined });
    const error = await failure(adapter().publish(context([{ text: `code ${code}`, media: [] }])));
    expect(error.kind).toBe(kind);
    if (code === 100) expect(error.message).toContain('The text contains a link Threads does not allow');
  });

  it('an expired token: auth, with Meta’s message (the engine refreshes once, then asks to reconnect)', async () => {
    const token = fake.issueToken({ seconds: 60 });
    time.at += 120_000;
    const error = await failure(adapter().publish(context([{ text: 'late token', media: [] }], { token })));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/Session has expired/);
  });

  it('a refused parameter (100) comes back with Meta’s message', async () => {
    // The fake counts like Threads: 126 rocket emoji are 504 "characters".
    const error = await failure(adapter().publish(context([{ text: '🚀'.repeat(126), media: [] }])));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/text is 504 characters; the limit is 500/);
  });

  it('no bucket: media cannot go, permanent with what to set up; nothing is sent', async () => {
    const image = await photo(files.dir, 'nobucket');
    const error = await failure(adapter().publish(context([{ text: 'pic', media: [image] }], { links: null })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/set up Media hosting/);
    expect(requests(/\/threads$/)).toHaveLength(0);
  });

  it('a permalink read that fails never fails a published post: published, link left empty', async () => {
    fake.graphError({ method: 'GET', path: /^\/v1\.0\/179\d+$/, code: 2, message: 'Service temporarily unavailable' });
    const result = await adapter().publish(context([{ text: `no link ${Math.random()}`, media: [] }]));
    expect(result.platformUrl).toBeNull();
    expect(fake.posts.some((p) => p.id === result.platformPostId)).toBe(true);
  });
});
