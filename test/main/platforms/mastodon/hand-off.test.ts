// Posts that go out with the computer off (issue 17): through the whole engine, on a ManualClock,
// against the Mastodon fake (every exchange validated against the published OpenAPI description).
// The fake's own scheduler publishes scheduled statuses when its clock reaches their time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { makeTestCore, type TestCore } from '../../../support/core';
import { mastodonSpec } from '../../../support/openapi';

const MIN = 60_000;

describe('hand-off to the Mastodon instance', () => {
  let clock: ManualClock;
  let fake: MastodonFake;
  let t: TestCore;
  let account: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
    fake = await startMastodonFake({ now: () => clock.now() });
    t = await makeTestCore({ clock, platforms: { mastodon: { redirectPort: '0' } } });
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'mastodon', instanceUrl: fake.url });
    const consent = await fetch(await opened, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!);
    const connected = await answer;
    if (!connected.ok || connected.value.status !== 'connected') throw new Error('not connected');
    account = connected.value.account.id;
    expect(connected.value.account.handOff).toBe(true);
  });

  afterEach(async () => {
    expect(mastodonSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await t.dispose();
    await fake.close();
  });

  /** Lets real sockets answer between clock steps (turns of the event loop, no sleeping). */
  async function run(ms: number, step = 30_000) {
    for (let done = 0; done < ms; done += step) {
      await clock.advance(Math.min(step, ms - done));
      await flushPromises(10);
    }
    await clock.advance(0);
    await flushPromises(10);
  }

  async function get(id: string): Promise<Post> {
    const got = await t.core.invoke('posts:get', { id });
    if (!got.ok) throw new Error(got.error.message);
    return got.value;
  }

  async function schedule(text: string | string[], inMs: number, extra: Record<string, unknown> = {}): Promise<string> {
    const parts = (Array.isArray(text) ? text : [text]).map((t) => ({ text: t, media: [] }));
    const created = await t.core.invoke('posts:create', { parts, targets: [{ accountId: account, ...extra }], schedule: { mode: 'at', at: new Date(clock.now() + inMs).toISOString() } });
    if (!created.ok) throw new Error(created.error.message);
    return created.value.post.id;
  }

  async function update(payload: Record<string, unknown>) {
    const answer = await t.core.invoke('posts:update', payload as never);
    if (!answer.ok) throw new Error(answer.error.message);
    await run(0);
  }

  it('a scheduled post is handed off: one scheduled status, the entry handed_off with the schedule id in its attempt log; it settles published from the instance', async () => {
    const id = await schedule('Goes out while the laptop sleeps', 60 * MIN);
    await run(0);
    expect(fake.scheduled.size).toBe(1);
    const [remote] = [...fake.scheduled.values()];
    expect(remote!.scheduledAt).toBe(clock.now() + 60 * MIN);
    let post = await get(id);
    expect(post.status).toBe('scheduled');
    expect(post.entries[0]).toMatchObject({ status: 'handed_off', remote: { id: remote!.id } });
    expect(post.entries[0]!.attempts.at(-1)).toMatchObject({ outcome: 'handed_off', message: expect.stringContaining(`schedule ${remote!.id}`) });

    await run(62 * MIN);
    post = await get(id);
    expect(post.status).toBe('published');
    expect(fake.statuses).toHaveLength(1);
    expect(fake.statuses[0]!.scheduledId).toBe(remote!.id);
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: fake.statuses[0]!.id, platformUrl: fake.statusUrl(fake.statuses[0]!) });
    expect(post.publishedAt).not.toBeNull();
  });

  it('reschedule, edit, unschedule and delete follow the post on the instance', async () => {
    const id = await schedule('First words', 60 * MIN);
    await run(0);
    const firstId = [...fake.scheduled.keys()][0]!;

    await update({ id, scheduledAt: new Date(clock.now() + 120 * MIN).toISOString() });
    expect([...fake.scheduled.values()].map((s) => [s.id, s.scheduledAt])).toEqual([[firstId, clock.now() + 120 * MIN]]);

    await update({ id, parts: [{ text: 'Better words', media: [] }] });
    await run(0);
    expect(fake.scheduled.size).toBe(1);
    const replaced = [...fake.scheduled.values()][0]!;
    expect(replaced.id).not.toBe(firstId);
    expect(replaced.params['text']).toBe('Better words');
    expect(replaced.scheduledAt).toBe(clock.now() + 120 * MIN);

    await update({ id, scheduledAt: null });
    expect(fake.scheduled.size).toBe(0);
    expect((await get(id)).entries[0]!.status).toBe('pending');

    await update({ id, scheduledAt: new Date(clock.now() + 30 * MIN).toISOString() });
    await run(0);
    expect(fake.scheduled.size).toBe(1);
    const deleted = await t.core.invoke('posts:delete', { id });
    expect(deleted.ok).toBe(true);
    await run(0);
    expect(fake.scheduled.size).toBe(0);
    await run(40 * MIN);
    expect(fake.statuses).toHaveLength(0);
  });

  it('turning the setting off (account or one post) takes posts back; Outbox then sends them itself, once', async () => {
    const a = await schedule('Account setting', 60 * MIN);
    const b = await schedule('Just this post', 90 * MIN, { handOff: 'off' });
    await run(0);
    expect(fake.scheduled.size).toBe(1);
    expect((await get(b)).entries[0]!.status).toBe('pending');

    const off = await t.core.invoke('accounts:setHandOff', { id: account, handOff: false });
    expect(off.ok && off.value.handOff).toBe(false);
    await run(0);
    expect(fake.scheduled.size).toBe(0);
    await run(95 * MIN);
    expect((await get(a)).status).toBe('published');
    expect((await get(b)).status).toBe('published');
    expect(fake.statuses.map((s) => s.text).sort()).toEqual(['Account setting', 'Just this post']);
  });

  it('a sign-in missing from the keychain: nothing leaves, the post says why, and the hand-off is tried again hourly, not every minute', async () => {
    t.secrets.values.clear();
    const id = await schedule('Waits for a sign-in', 6 * 60 * MIN);
    await run(0);
    let post = await get(id);
    expect(fake.scheduled.size).toBe(0);
    expect(post.entries[0]!.status).toBe('pending');
    expect(post.entries[0]!.attempts.at(-1)).toMatchObject({ outcome: 'auth', message: expect.stringMatching(/^Could not hand it to Mastodon: .*missing from the keychain/) });
    // Two hours later: two more tries at most (one an hour), never one a minute.
    await run(2 * 60 * MIN, 5 * MIN);
    post = await get(id);
    expect(post.entries[0]!.attempts.length).toBeGreaterThanOrEqual(2);
    expect(post.entries[0]!.attempts.length).toBeLessThanOrEqual(3);
    expect(fake.scheduled.size).toBe(0);
  });

  it('a thread stays with Outbox and says why; it goes out as a thread at its time', async () => {
    const id = await schedule(['One', 'Two'], 30 * MIN);
    await run(0);
    expect(fake.scheduled.size).toBe(0);
    const entry = (await get(id)).entries[0]!;
    expect(entry.status).toBe('pending');
    expect(entry.remoteNote).toMatch(/cannot hold a thread/);
    await run(31 * MIN);
    expect((await get(id)).status).toBe('published');
    expect(fake.statuses.map((s) => s.text)).toEqual(['One', 'Two']);
  });

  it('a hand-off whose answer is lost, then a crash: exactly one scheduled status after restart, and it settles', async () => {
    fake.failNext({ method: 'POST', path: '/api/v1/statuses', status: 200, drop: true, afterHandling: true });
    const id = await schedule('Answer lost', 60 * MIN);
    await run(0);
    expect(fake.scheduled.size).toBe(1);
    await t.restart();
    await run(2 * MIN);
    expect(fake.scheduled.size).toBe(1);
    const post = await get(id);
    expect(post.entries[0]).toMatchObject({ status: 'handed_off', remote: { id: [...fake.scheduled.keys()][0] } });
    await run(60 * MIN);
    expect((await get(id)).status).toBe('published');
    expect(fake.statuses).toHaveLength(1);
  });

  it('the instance deletes the scheduled status: the check at start finds it gone, and Outbox publishes it once at its time', async () => {
    const id = await schedule('Deleted on the instance', 60 * MIN);
    await run(0);
    fake.scheduled.clear();
    await t.restart();
    await run(0);
    const entry = (await get(id)).entries[0]!;
    expect(entry.status).toBe('pending');
    expect(entry.remoteNote).toMatch(/no longer holds it/);
    expect(t.notifier.notifications.map((n) => n.title)).toContain('Mastodon lost a scheduled post');
    await run(61 * MIN);
    expect((await get(id)).status).toBe('published');
    expect(fake.statuses.map((s) => s.text)).toEqual(['Deleted on the instance']);
  });

  it('Outbox closed across the due time: at start the entry settles published from the instance and catch-up sends nothing', async () => {
    const id = await schedule('While closed', 10 * MIN);
    await run(0);
    await t.core.close();
    // Eight hours later (beyond the catch-up grace): the instance published it meanwhile.
    await clock.advance(8 * 60 * MIN);
    t.core = await (await import('../../../../src/main/core/create-core')).createCore({ dataDir: t.dataDir, clock, secrets: t.secrets, notifier: t.notifier, network: t.network, power: t.power, openBrowser: t.browser.open, platforms: { mastodon: { redirectPort: '0' } } });
    await run(2 * MIN);
    const post = await get(id);
    expect(post.status).toBe('published');
    expect(post.overdue).toBe(false);
    expect(fake.statuses).toHaveLength(1);
    expect(t.notifier.notifications.map((n) => n.kind)).not.toContain('missed_posts');
  });
});
