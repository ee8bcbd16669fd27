// Threads through the whole engine: the account is connected with accounts:connect (the loopback
// OAuth flow against the Threads fake, this test playing the browser), media are imported, posts
// scheduled, and the engine's timer publishes them; the fake fetches the media from a real
// S3-compatible bucket. The engine's clock is a ManualClock: the test moves it only when the
// adapter waits on it (or nothing is being sent), and lets real I/O (sockets, S3) run otherwise.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { createThreadsAdapter } from '../../../../src/main/platforms/threads/publish';
import { startThreadsFake, threadsSpecProblems, type ThreadsFake } from '../../../fakes/threads';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { clip, clockSleep, photo, startBucket, type Bucket } from './helpers';

let clock: ManualClock;
let fake: ThreadsFake;
let bucket: Bucket;
let t: TestCore;
let sleep: ReturnType<typeof clockSleep>;
const files = tempDir('outbox-threads-engine-');

beforeAll(async () => {
  fake = await startThreadsFake({ now: () => clock.now() });
  bucket = await startBucket();
});
afterAll(async () => {
  await fake.close();
  await bucket.close();
  files.remove();
});

let day = 0;
async function engine(o: { bucket: boolean } = { bucket: true }) {
  // Each test on its own days, so one test's posts never count in another's quota.
  clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z') + 3 * 86_400_000 * day++);
  sleep = clockSleep(clock);
  t = await makeTestCore({
    clock,
    platforms: { threads: { apiBase: fake.url, authBase: fake.url, redirectPort: '0' } },
    adapters: { threads: createThreadsAdapter({ sleep }) },
    ...(o.bucket ? { publicLinks: async () => bucket.links } : {}),
    drainTimeoutMs: 200,
  });
}

beforeEach(() => {
  fake.exchanges.length = 0;
});
afterEach(async () => {
  expect(threadsSpecProblems(fake.exchanges)).toEqual([]);
  await t.dispose();
});

/** Connects the fake's account through the engine's own OAuth flow; returns its id. */
async function connect(): Promise<string> {
  expect(await t.core.invoke('accounts:setAppCredentials', { platform: 'threads', clientId: 'th-app', clientSecret: 'th-secret' })).toMatchObject({ ok: true });
  const opened = t.browser.next();
  const answer = t.core.invoke('accounts:connect', { platform: 'threads' });
  const consent = await fetch(await opened, { redirect: 'manual' });
  await fetch(consent.headers.get('location')!);
  const result = await answer;
  if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
  expect(result.value.account).toMatchObject({ platform: 'threads', handle: '@threader', connection: 'connected' });
  return result.value.account.id;
}

async function importMedia(path: string): Promise<string> {
  const imported = await t.core.invoke('media:import', { path });
  if (!imported.ok) throw new Error(imported.error.message);
  return imported.value.id;
}

async function get(id: string): Promise<Post> {
  const got = await t.core.invoke('posts:get', { id });
  if (!got.ok) throw new Error(got.error.message);
  return got.value;
}

/**
 * Runs the engine until the post settles: while an entry is being sent and the adapter is not
 * waiting on the clock, real I/O is under way (let it run); when the adapter waits, or nothing is
 * being sent, the clock moves to the next timer.
 */
async function settle(id: string, limitMs = 40 * 60_000): Promise<Post> {
  const deadline = clock.now() + limitMs;
  for (let turn = 0; turn < 50_000; turn++) {
    const post = await get(id);
    if (!['scheduled', 'publishing'].includes(post.status) || clock.now() > deadline) return post;
    const sending = post.entries.some((e) => e.status === 'publishing');
    if (sending && sleep.waiting() === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      continue;
    }
    await fake.idle();
    const due = clock.nextDue();
    await clock.advance(due === null ? 30_000 : Math.max(0, due - clock.now()));
    await flushPromises(3);
  }
  throw new Error('the post never settled');
}

const at = (minutes: number) => ({ mode: 'at' as const, at: new Date(clock.now() + minutes * 60_000).toISOString() });

describe('Threads through the engine', () => {
  it('a post with an image and alt text publishes with its link; Threads fetched the image from the bucket, which is emptied after', async () => {
    await engine();
    const accountId = await connect();
    const image = await photo(files.dir, 'harbour', { width: 1200, height: 900 });
    const mediaId = await importMedia(image.path);
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Morning at the harbour ⚓', media: [{ mediaId, altText: 'Boats at dawn in a grey harbour' }] }],
      targets: [{ accountId, settings: { topicTag: 'Harbours', replyControl: 'followers_only' } }],
      schedule: at(10),
    });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id);
    expect(post.status).toBe('published');
    const published = fake.posts.find((p) => p.id === post.entries[0]!.platformPostId)!;
    expect(published).toMatchObject({ mediaType: 'IMAGE', text: 'Morning at the harbour ⚓', topicTag: 'Harbours', replyControl: 'followers_only', media: [{ kind: 'IMAGE', altText: 'Boats at dawn in a grey harbour' }] });
    expect(post.entries[0]).toMatchObject({ status: 'published', platformUrl: published.permalink });
    expect(fake.fetches.at(-1)).toMatchObject({ ok: true, status: 200 });
    expect(await bucket.keys()).toEqual([]);
    // app:info lists Threads among the platforms that publish.
    const info = await t.core.invoke('app:info', undefined);
    expect(info.ok && info.value.publishingPlatforms).toContain('threads');
  });

  it('a 3-part thread goes out as a reply chain, in order', async () => {
    await engine();
    const accountId = await connect();
    const created = await t.core.invoke('posts:create', {
      parts: [
        { text: '1/ A week of printmaking, a thread 🧵', media: [] },
        { text: '2/ Monday: carving the block', media: [] },
        { text: '3/ Friday: the first proofs. More at https://studio.example', media: [] },
      ],
      targets: [{ accountId }],
      schedule: at(5),
    });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id);
    expect(post.status).toBe('published');
    const chain = fake.chain(post.entries[0]!.platformPostId!);
    expect(chain.map((p) => p.text)).toEqual(['1/ A week of printmaking, a thread 🧵', '2/ Monday: carving the block', '3/ Friday: the first proofs. More at https://studio.example']);
    expect(chain.slice(1).every((p, i) => p.replyToId === chain[i]!.id)).toBe(true);
  });

  it('at the 250-a-day limit the post waits (rate limited) until the oldest post leaves the window, then publishes once', async () => {
    await engine();
    const accountId = await connect();
    fake.seedPosts(250, clock.now() - 23 * 3_600_000);
    const created = await t.core.invoke('posts:create', { parts: [{ text: 'Post 251', media: [] }], targets: [{ accountId }], schedule: at(5) });
    if (!created.ok) throw new Error(created.error.message);
    const scheduled = clock.now() + 5 * 60_000;
    const post = await settle(created.value.post.id, 3 * 3_600_000);
    expect(post.status).toBe('published');
    expect(post.entries[0]!.attempts.map((a) => a.outcome)).toEqual(['rate_limited', 'published']);
    // The window freed an hour after the post was due (23 hours ago + 24 hours, plus a minute).
    expect(Date.parse(post.publishedAt!)).toBeGreaterThanOrEqual(scheduled + 55 * 60_000);
    expect(fake.posts.filter((p) => p.text === 'Post 251')).toHaveLength(1);
    expect(fake.exchanges.filter((e) => e.path.endsWith('/threads_publish'))).toHaveLength(1);
  });

  it('Outbox stops after threads_publish was sent and before the answer: after the restart the entry is reconciled from the container, one post', async () => {
    await engine();
    const accountId = await connect();
    const arrived = fake.hold('POST', /\/threads_publish$/);
    const created = await t.core.invoke('posts:create', { parts: [{ text: 'Sent right before a crash', media: [] }], targets: [{ accountId }], schedule: at(5) });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.post.id;
    // Drive the engine until Threads has the publish request (and has published), answer held back.
    let got = false;
    void arrived.then(() => (got = true));
    for (let i = 0; i < 20_000 && !got; i++) {
      if (sleep.waiting() > 0 || !(await get(id)).entries.some((e) => e.status === 'publishing')) {
        const due = clock.nextDue();
        await clock.advance(due === null ? 30_000 : Math.max(0, due - clock.now()));
      } else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(got).toBe(true);
    expect(fake.posts.filter((p) => p.text === 'Sent right before a crash')).toHaveLength(1);

    // The app quits with the request in flight; the next start finds the entry publishing.
    await t.restart();
    fake.release();
    const post = await settle(id);
    expect(post.status).toBe('published');
    const posts = fake.posts.filter((p) => p.text === 'Sent right before a crash');
    expect(posts).toHaveLength(1);
    expect(post.entries[0]).toMatchObject({ platformPostId: posts[0]!.id, platformUrl: posts[0]!.permalink });
    expect(fake.exchanges.filter((e) => e.path.endsWith('/threads_publish'))).toHaveLength(1);
    // Recorded as found after the restart, not as a fresh send.
    expect(post.entries[0]!.attempts.map((a) => a.outcome)).toEqual(['reconciled']);
  });

  it('a video Threads keeps IN_PROGRESS past the deadline: the entry fails saying so, nothing is published, the bucket is emptied', async () => {
    await engine();
    const accountId = await connect();
    const video = await clip(files.dir, 'stuck', 1);
    const mediaId = await importMedia(video.path);
    fake.stick((c) => c.mediaType === 'VIDEO' && c.params['text'] === 'A clip that never finishes');
    const created = await t.core.invoke('posts:create', { parts: [{ text: 'A clip that never finishes', media: [{ mediaId, altText: '' }] }], targets: [{ accountId }], schedule: at(5) });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id);
    expect(post.status).toBe('failed');
    expect(post.entries[0]!.errorMessage).toMatch(/Threads was still processing the media of the post 10 minutes after Outbox sent it.*Nothing was published/);
    expect(fake.posts.some((p) => p.text === 'A clip that never finishes')).toBe(false);
    expect(fake.exchanges.filter((e) => e.path.endsWith('/threads_publish'))).toHaveLength(0);
    // One container over all the attempts.
    expect(fake.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/threads'))).toHaveLength(1);
    expect(await bucket.keys()).toEqual([]);
    // The attempts that waited their share handed back; the last one gave up.
    const outcomes = post.entries[0]!.attempts.map((a) => a.outcome);
    expect(outcomes.at(-1)).toBe('permanent');
    expect(outcomes.slice(0, -1).every((o) => o === 'transient')).toBe(true);
  });

  it('an expired token: the engine tries one refresh (Threads refuses an expired token), then asks to reconnect; nothing is published', async () => {
    await engine();
    const accountId = await connect();
    fake.expireTokens();
    const created = await t.core.invoke('posts:create', { parts: [{ text: 'Too late for this token', media: [] }], targets: [{ accountId }], schedule: at(5) });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id);
    expect(post.status).toBe('failed');
    expect(post.entries[0]!.errorMessage).toBe('Reconnect your Threads account');
    const accounts = await t.core.invoke('accounts:list', undefined);
    expect(accounts.ok && accounts.value.find((a) => a.id === accountId)?.connection).toBe('token_expired');
    expect(fake.exchanges.some((e) => e.path === '/refresh_access_token')).toBe(true);
    expect(fake.posts.some((p) => p.text === 'Too late for this token')).toBe(false);
  });

  it('no bucket: media for Threads are refused before scheduling (the composer says what to set up); a draft keeps them with the warning', async () => {
    await engine({ bucket: false });
    const accountId = await connect();
    const image = await photo(files.dir, 'nobucket');
    const mediaId = await importMedia(image.path);
    const parts = [{ text: 'A picture', media: [{ mediaId, altText: '' }] }];
    const refused = await t.core.invoke('posts:create', { parts, targets: [{ accountId }], schedule: at(10) });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('validation');
    expect(refused.error.issues).toEqual([{ path: 'parts.0.media', platform: 'threads', message: 'Threads fetches images and videos from a public link: set up Media hosting (your own bucket) in Settings, or remove the media' }]);
    expect((await t.core.invoke('posts:list', {})).ok && ((await t.core.invoke('posts:list', {})) as { value: { total: number } }).value.total).toBe(0);
    // The composer's live check says the same.
    const check = await t.core.invoke('posts:validate', { parts, targets: [{ accountId }] });
    expect(check.ok && check.value.entries[0]!.problems.map((p) => p.path)).toEqual(['parts.0.media']);
    // A text-only post is fine, and a draft with the image saves with the warning.
    expect((await t.core.invoke('posts:create', { parts: [{ text: 'Just words', media: [] }], targets: [{ accountId }], schedule: at(10) })).ok).toBe(true);
    const draft = await t.core.invoke('posts:create', { parts, targets: [{ accountId }], schedule: { mode: 'draft' } });
    expect(draft.ok && draft.value.warnings.map((w) => w.path)).toEqual(['parts.0.media']);
    expect(fake.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/threads'))).toHaveLength(0);
  });
});
