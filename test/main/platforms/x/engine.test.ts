// X through the whole engine: the account is connected for real (accounts:connect runs the PKCE
// loopback flow against the X fake; the test plays the browser), posts are scheduled and sent by
// the engine's timer. A 4-part thread, a poll, an expired token refreshed with the rotating
// refresh token, a rate limit waited out, and crashes around POST /2/tweets: never two posts.
// Every exchange is checked against X's OpenAPI description.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { startXFake, type XFake } from '../../../fakes/x';
import { makeTestCore, type TestCore } from '../../../support/core';
import { settlePost, xSpecProblems } from './helpers';

const MIN = 60_000;

/** Lets real sockets work until `done` (a request reached the fake), at most 10 s. */
async function until(done: () => boolean) {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!done()) throw new Error('the fake never saw the request');
}

describe('X through the engine', () => {
  let clock: ManualClock;
  let fake: XFake;
  let t: TestCore;

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-05-04T09:00:00Z'));
    fake = await startXFake({ now: () => clock.now() });
    t = await makeTestCore({ clock, drainTimeoutMs: 200, platforms: { x: { apiBase: fake.url, authBase: fake.url, redirectPort: '0' } } });
  });
  afterEach(async () => {
    expect(xSpecProblems(fake.exchanges)).toEqual([]);
    await t.dispose();
    await fake.close();
  });

  async function connect(): Promise<string> {
    const app = await t.core.invoke('accounts:setAppCredentials', { platform: 'x', clientId: 'outbox-x-client' });
    if (!app.ok) throw new Error(app.error.message);
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'x' });
    await fake.browse(await opened);
    const result = await answer;
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    expect(result.value.account).toMatchObject({ platform: 'x', handle: '@outbox_creator', connection: 'connected' });
    return result.value.account.id;
  }

  async function schedule(accountId: string, parts: string[], settings: Record<string, unknown> = {}, inMs = 10 * MIN) {
    const created = await t.core.invoke('posts:create', {
      parts: parts.map((text) => ({ text, media: [] })),
      targets: [{ accountId, settings }],
      schedule: { mode: 'at', at: new Date(clock.now() + inMs).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value.post.id;
  }

  it('is listed among the publishing platforms', async () => {
    const info = await t.core.invoke('app:info', undefined);
    expect(info.ok && info.value.publishingPlatforms).toEqual(expect.arrayContaining(['x', 'linkedin', 'linkedin-page']));
  });

  it('a 4-part thread goes out at its time, each part replying to the one before; the entry links to the first', async () => {
    const accountId = await connect();
    const parts = ['1/4 How I plan a week', '2/4 Monday: write', '3/4 Tuesday: edit', '4/4 The rest: https://example.com/week'];
    const id = await schedule(accountId, parts, { replySettings: 'following' });
    const post = await settlePost(t, id);
    expect(post.status).toBe('published');
    const thread = fake.posts;
    expect(thread.map((p) => p.sentText)).toEqual(parts);
    expect(thread.map((p) => p.replyTo)).toEqual([null, thread[0]!.id, thread[1]!.id, thread[2]!.id]);
    expect(thread.every((p) => p.replySettings === 'following')).toBe(true);
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: thread[0]!.id, platformUrl: `https://x.com/outbox_creator/status/${thread[0]!.id}` });
  });

  it('a poll goes out with its choices and length; a poll beside media is refused when scheduling, naming the field', async () => {
    const accountId = await connect();
    const id = await schedule(accountId, ['Which harbour at dawn?'], { poll: { options: ['North', 'South'], durationMinutes: 60 * 24 } });
    expect((await settlePost(t, id)).status).toBe('published');
    expect(fake.posts[0]!.poll).toEqual({ options: ['North', 'South'], durationMinutes: 1440 });
    const refused = await t.core.invoke('posts:create', {
      parts: [{ text: 'Poll', media: [] }],
      targets: [{ accountId, settings: { poll: { options: ['only one'], durationMinutes: 2 } } }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * MIN).toISOString() },
    });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['targets.0.settings.poll.options', 'targets.0.settings.poll.durationMinutes']));
  });

  it('an expired access token: 401, one refresh with the rotating refresh token, then published', async () => {
    const accountId = await connect();
    fake.expireAccessTokens();
    const id = await schedule(accountId, ['After a refresh']);
    const post = await settlePost(t, id);
    expect(post.status).toBe('published');
    expect(fake.stats.refreshes).toBe(1);
    expect(post.entries[0]!.attempts.map((a) => a.outcome)).toEqual(['auth', 'published']);
  });

  it('a 429 waits until x-rate-limit-reset, then publishes once', async () => {
    const accountId = await connect();
    const id = await schedule(accountId, ['Patiently']);
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 429, headers: { 'x-rate-limit-reset': String(Math.floor((clock.now() + 10 * MIN) / 1000) + 15 * 60) } });
    const post = await settlePost(t, id);
    expect(post.status).toBe('published');
    expect(post.entries[0]!.attempts.map((a) => a.outcome)).toEqual(['rate_limited', 'published']);
    expect(Date.parse(post.publishedAt!)).toBeGreaterThanOrEqual(clock.now() - 60_000);
    expect(fake.posts).toHaveLength(1);
  });

  it('a crash between POST /2/tweets being sent and its answer: at the next start it is found on X and recorded; one post', async () => {
    const accountId = await connect();
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 0, hold: true, afterHandling: true });
    const id = await schedule(accountId, ['Sent as Outbox died']);
    await clock.advance(10 * MIN);
    await until(() => fake.stats.held === 1);
    expect(fake.posts).toHaveLength(1);
    // Outbox stops while the request waits for its answer (the attempt stays open: in flight).
    await t.restart();
    const post = await settlePost(t, id);
    expect(post.status).toBe('published');
    expect(fake.posts).toHaveLength(1);
    expect(post.entries[0]).toMatchObject({ platformPostId: fake.posts[0]!.id, platformUrl: `https://x.com/outbox_creator/status/${fake.posts[0]!.id}` });
    expect(post.entries[0]!.attempts.at(-1)!.outcome).toBe('reconciled');
    expect(fake.exchanges.filter((e) => e.method === 'POST' && e.path === '/2/tweets')).toHaveLength(1);
  });

  it('a crash before X handled the request: right after the restart X cannot be sure, so the entry fails with "check X"; a retry later looks first and sends it once', async () => {
    const accountId = await connect();
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 0, hold: true });
    const id = await schedule(accountId, ['Lost on the way']);
    await clock.advance(10 * MIN);
    await until(() => fake.stats.held === 1);
    await t.restart();
    const failed = await settlePost(t, id);
    expect(failed.status).toBe('failed');
    expect(failed.entries[0]!.errorMessage).toMatch(/check X before retrying/);
    expect(fake.posts).toHaveLength(0);
    await clock.advance(5 * MIN);
    const again = await t.core.invoke('posts:publish', { id });
    if (!again.ok) throw new Error(again.error.message);
    const post = await settlePost(t, id);
    expect(post.status).toBe('published');
    expect(fake.posts.map((p) => p.sentText)).toEqual(['Lost on the way']);
  });

  it('Outbox closed for a while after a send that never reached X: at the next start X\'s listing is conclusive, so it is sent once', async () => {
    const accountId = await connect();
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 0, hold: true });
    const id = await schedule(accountId, ['Back after lunch']);
    await clock.advance(10 * MIN);
    await until(() => fake.stats.held === 1);
    await t.core.close();
    await clock.advance(45 * MIN);
    await t.restart();
    const post = await settlePost(t, id);
    expect(post.status).toBe('published');
    expect(fake.posts.map((p) => p.sentText)).toEqual(['Back after lunch']);
  });
});
