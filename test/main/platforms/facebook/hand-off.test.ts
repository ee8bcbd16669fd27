// Posts that go out with the computer off (issue 17) on a Facebook Page: through the whole engine,
// on a ManualClock, against the Graph fake, whose Page publishes its scheduled posts when the
// fake clock reaches their time (published=false + scheduled_publish_time). The scenarios of
// test/main/platforms/mastodon/hand-off.test.ts, for Facebook's own rules (10 minutes to 30 days
// ahead; stories cannot be scheduled). Every exchange is checked against Meta's node descriptions.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { createCore } from '../../../../src/main/core/create-core';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { createFacebookAdapter } from '../../../../src/main/platforms/facebook/publish';
import { startMetaGraphFake, type MetaGraphFake } from '../../../fakes/meta-graph';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { metaGraphSpec } from '../../../support/meta-graph-spec';
import { clockSleep, photo, startBucket } from '../meta-graph/helpers';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const files = tempDir('outbox-fb-handoff-');
let bucket: Awaited<ReturnType<typeof startBucket>>;

beforeAll(async () => {
  bucket = await startBucket();
});
afterAll(async () => {
  await bucket.close();
  files.remove();
});

describe('hand-off to the Facebook Page', () => {
  let clock: ManualClock;
  let fake: MetaGraphFake;
  let t: TestCore;
  let account: string;

  const options = () => {
    const facebook = createFacebookAdapter({ sleep: clockSleep(clock) });
    return {
      clock,
      platforms: { facebook: { apiBase: fake.url, authBase: fake.url, redirectPort: '0' } },
      modules: { facebook: { publisher: facebook, scheduler: facebook.remote } },
      publicLinks: async () => bucket.links,
    };
  };

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
    fake = await startMetaGraphFake({ now: () => clock.now() });
    t = await makeTestCore(options());
    await t.core.invoke('accounts:setAppCredentials', { platform: 'facebook', clientId: fake.fbApp.id, clientSecret: fake.fbApp.secret });
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'facebook' });
    const consent = await fetch(await opened, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!);
    const offered = await answer;
    if (!offered.ok || offered.value.status !== 'choose') throw new Error('expected a choice of Pages');
    const connected = await t.core.invoke('accounts:choose', { pendingId: offered.value.pendingId, optionId: '100000000000001' });
    if (!connected.ok || connected.value.status !== 'connected') throw new Error('not connected');
    account = connected.value.account.id;
    expect(connected.value.account.handOff).toBe(true);
  });

  afterEach(async () => {
    expect(metaGraphSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await t.dispose();
    await fake.close();
  });

  /** Lets real sockets answer between clock steps (a few milliseconds of the event loop; platform time is the ManualClock's). */
  async function run(ms: number, step = 30_000) {
    for (let done = 0; done < ms; done += step) {
      await clock.advance(Math.min(step, ms - done));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await flushPromises(10);
    }
    await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await flushPromises(10);
  }

  async function get(id: string): Promise<Post> {
    const got = await t.core.invoke('posts:get', { id });
    if (!got.ok) throw new Error(got.error.message);
    return got.value;
  }

  async function schedule(text: string, inMs: number, extra: Record<string, unknown> = {}, media: Array<{ mediaId: string; altText: string }> = []): Promise<string> {
    const created = await t.core.invoke('posts:create', { parts: [{ text, media }], targets: [{ accountId: account, ...extra }], schedule: { mode: 'at', at: new Date(clock.now() + inMs).toISOString() } } as never);
    if (!created.ok) throw new Error(created.error.message);
    return created.value.post.id;
  }

  async function update(payload: Record<string, unknown>) {
    const answer = await t.core.invoke('posts:update', payload as never);
    if (!answer.ok) throw new Error(answer.error.message);
    await run(0);
  }

  const scheduled = () => fake.posts.filter((p) => !p.published);
  const published = () => fake.posts.filter((p) => p.published);

  it('a scheduled post is handed off: one scheduled post on the Page, the entry handed_off with its id in the attempt log; it settles published from the Page', async () => {
    const id = await schedule('Goes out while the laptop sleeps', 60 * MIN, { settings: { link: 'https://cornercafe.example' } });
    await run(0);
    expect(scheduled()).toHaveLength(1);
    const [remote] = scheduled();
    expect(remote).toMatchObject({ scheduledAt: clock.now() + 60 * MIN, message: 'Goes out while the laptop sleeps', link: 'https://cornercafe.example' });
    let post = await get(id);
    expect(post.status).toBe('scheduled');
    expect(post.entries[0]).toMatchObject({ status: 'handed_off', remote: { id: remote!.id } });
    expect(post.entries[0]!.attempts.at(-1)).toMatchObject({ outcome: 'handed_off', message: expect.stringContaining(`schedule ${remote!.id}`) });

    await run(62 * MIN);
    post = await get(id);
    expect(post.status).toBe('published');
    expect(published().map((p) => p.id)).toEqual([remote!.id]);
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: remote!.id, platformUrl: expect.stringContaining('/posts/') });
    expect(post.publishedAt).not.toBeNull();
  });

  it('a post with photos is handed off with its photos attached (temporary, unpublished) and goes out with them', async () => {
    const imported = await t.core.invoke('media:import', { path: await photo(files.dir, 'handoff') });
    if (!imported.ok) throw new Error(imported.error.message);
    const id = await schedule('Photo later', 30 * MIN, {}, [{ mediaId: imported.value.id, altText: 'A shop front' }]);
    // Fitting and uploading the photo takes real milliseconds: small steps.
    await run(MIN, 1_000);
    expect(scheduled()).toHaveLength(1);
    expect([...fake.photos.values()]).toEqual([expect.objectContaining({ published: false, temporary: true, altText: 'A shop front', attachedTo: scheduled()[0]!.id })]);
    await run(32 * MIN);
    expect((await get(id)).status).toBe('published');
  });

  it('reschedule, edit, unschedule and delete follow the post on the Page', async () => {
    const id = await schedule('First words', 60 * MIN);
    await run(0);
    const firstId = scheduled()[0]!.id;

    await update({ id, scheduledAt: new Date(clock.now() + 120 * MIN).toISOString() });
    expect(scheduled().map((p) => [p.id, p.scheduledAt])).toEqual([[firstId, clock.now() + 120 * MIN]]);

    await update({ id, parts: [{ text: 'Better words', media: [] }] });
    await run(0);
    expect(scheduled()).toHaveLength(1);
    const replaced = scheduled()[0]!;
    expect(replaced.id).not.toBe(firstId);
    expect(replaced).toMatchObject({ message: 'Better words', scheduledAt: clock.now() + 120 * MIN });

    await update({ id, scheduledAt: null });
    expect(scheduled()).toHaveLength(0);
    expect((await get(id)).entries[0]!.status).toBe('pending');

    await update({ id, scheduledAt: new Date(clock.now() + 30 * MIN).toISOString() });
    await run(0);
    expect(scheduled()).toHaveLength(1);
    expect((await t.core.invoke('posts:delete', { id })).ok).toBe(true);
    await run(0);
    expect(scheduled()).toHaveLength(0);
    await run(40 * MIN);
    expect(published()).toHaveLength(0);
  });

  it('turning the setting off (account or one post) takes posts back; Outbox then sends them itself, once', async () => {
    const a = await schedule('Account setting', 60 * MIN);
    const b = await schedule('Just this post', 90 * MIN, { handOff: 'off' });
    await run(0);
    expect(scheduled()).toHaveLength(1);
    expect((await get(b)).entries[0]!.status).toBe('pending');

    const off = await t.core.invoke('accounts:setHandOff', { id: account, handOff: false });
    expect(off.ok && off.value.handOff).toBe(false);
    await run(0);
    expect(scheduled()).toHaveLength(0);
    await run(95 * MIN);
    expect((await get(a)).status).toBe('published');
    expect((await get(b)).status).toBe('published');
    expect(published().map((p) => p.message).sort()).toEqual(['Account setting', 'Just this post']);
  });

  it('a story stays with Outbox and says why (Facebook cannot schedule stories); it goes out as a story at its time', async () => {
    const imported = await t.core.invoke('media:import', { path: await photo(files.dir, 'story', { width: 1080, height: 1920 }) });
    if (!imported.ok) throw new Error(imported.error.message);
    const id = await schedule('', 30 * MIN, { contentType: 'facebook_story' }, [{ mediaId: imported.value.id, altText: '' }]);
    await run(0);
    expect(scheduled()).toHaveLength(0);
    const entry = (await get(id)).entries[0]!;
    expect(entry.status).toBe('pending');
    expect(entry.remoteNote).toMatch(/cannot schedule stories/);
    await run(29 * MIN);
    await run(3 * MIN, 1_000);
    expect((await get(id)).status).toBe('published');
    expect(fake.posts.map((p) => p.kind)).toEqual(['story']);
  });

  it('a post 40 days ahead is handed over once it is within 30 days', async () => {
    const id = await schedule('Far ahead', 40 * DAY);
    await run(0);
    expect(scheduled()).toHaveLength(0);
    expect((await get(id)).entries[0]!.status).toBe('pending');
    await run(10 * DAY + MIN, 12 * 60 * MIN);
    expect(scheduled()).toHaveLength(1);
    expect(scheduled()[0]!.scheduledAt).toBe(Date.parse((await get(id)).scheduledAt!));
  });

  it('a hand-off whose answer is lost, then a crash: exactly one scheduled post after restart, and it settles', async () => {
    fake.failNext({ method: 'POST', path: '/v23.0/100000000000001/feed', status: 200, drop: true, afterHandling: true });
    const id = await schedule('Answer lost', 60 * MIN);
    await run(0);
    expect(scheduled()).toHaveLength(1);
    await t.restart();
    await run(2 * MIN);
    expect(scheduled()).toHaveLength(1);
    const post = await get(id);
    expect(post.entries[0]).toMatchObject({ status: 'handed_off', remote: { id: scheduled()[0]!.id } });
    await run(60 * MIN);
    expect((await get(id)).status).toBe('published');
    expect(fake.posts).toHaveLength(1);
  });

  it('the Page deletes the scheduled post: the check at start finds it gone, and Outbox publishes it once at its time', async () => {
    const id = await schedule('Deleted on the Page', 60 * MIN);
    await run(0);
    fake.posts.splice(0);
    await t.restart();
    await run(0);
    const entry = (await get(id)).entries[0]!;
    expect(entry.status).toBe('pending');
    expect(entry.remoteNote).toMatch(/no longer holds it/);
    expect(t.notifier.notifications.map((n) => n.title)).toContain('Facebook lost a scheduled post');
    await run(61 * MIN);
    expect((await get(id)).status).toBe('published');
    expect(fake.posts.map((p) => p.message)).toEqual(['Deleted on the Page']);
  });

  it('Outbox closed across the due time: at start the entry settles published from the Page and catch-up sends nothing', async () => {
    const id = await schedule('While closed', 15 * MIN);
    await run(0);
    await t.core.close();
    // Eight hours later (beyond the catch-up grace): the Page published it meanwhile.
    await clock.advance(8 * 60 * MIN);
    t.core = await createCore({ dataDir: t.dataDir, secrets: t.secrets, notifier: t.notifier, network: t.network, power: t.power, openBrowser: t.browser.open, ...options() });
    await run(2 * MIN);
    const post = await get(id);
    expect(post.status).toBe('published');
    expect(post.overdue).toBe(false);
    expect(fake.posts).toHaveLength(1);
    expect(t.notifier.notifications.map((n) => n.kind)).not.toContain('missed_posts');
  });
});
