// Issue 18's engine parts: every post has a moment on the calendar (1), the Posts view's tabs
// come from the engine (1), threads to platforms without threads go out as chosen (2), and a time
// zone change keeps scheduled posts' local time or their moment (11).
import { afterEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { ScriptedAdapter } from '../../../support/scripted-adapter';
import { getPost, rig, schedulePost, type Rig } from '../publishing/helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

async function ok<T>(answer: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const a = await answer;
  if (!a.ok) throw new Error(a.error.message);
  return a.value;
}

async function inRange(rr: Rig, from: number, to: number): Promise<string[]> {
  const page = await ok(rr.t.core.invoke('posts:list', { from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: 100 }));
  return page.posts.map((p) => p.id);
}

describe('every post has a moment on the calendar', () => {
  it('a draft published with posts:publish sits at the moment publishing began, then stays there once published', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const draft = await ok(r.t.core.invoke('posts:create', { parts: [{ text: 'sent by hand', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } }));
    const began = r.clock.now();
    // A draft has no moment: not on the calendar.
    expect(await inRange(r, began - HOUR, began + HOUR)).toEqual([]);
    await ok(r.t.core.invoke('posts:publish', { id: draft.post.id }));
    expect(await inRange(r, began - HOUR, began + HOUR)).toEqual([draft.post.id]);
    await r.clock.advance(5_000);
    const post = await getPost(r, draft.post.id);
    expect(post.status).toBe('published');
    expect(post.scheduledAt).toBeNull();
    expect(await inRange(r, began, began + 1)).toEqual([draft.post.id]);
  });

  it('a scheduled post published early moves to when it went out; a failed one stays on the calendar', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const early = await schedulePost(r, [a], 3 * 24 * HOUR);
    const now = r.clock.now();
    await ok(r.t.core.invoke('posts:publish', { id: early }));
    await r.clock.advance(1_000);
    expect(await inRange(r, now - 1, now + MIN)).toContain(early);
    expect(await inRange(r, now + 2 * 24 * HOUR, now + 4 * 24 * HOUR)).not.toContain(early);

    r.bsky.script({ fail: 'permanent', message: 'refused' });
    const failing = await schedulePost(r, [a], HOUR);
    await r.clock.advance(HOUR);
    expect((await getPost(r, failing)).status).toBe('failed');
    expect(await inRange(r, now + HOUR - MIN, now + HOUR + 2 * MIN)).toContain(failing);
  });

  it('a post moved back to drafts leaves the calendar; rescheduled, it sits at its new time', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'permanent', message: 'refused' });
    const draft = await ok(r.t.core.invoke('posts:create', { parts: [{ text: 'try again', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } }));
    await ok(r.t.core.invoke('posts:publish', { id: draft.post.id }));
    await r.clock.advance(1_000);
    expect((await getPost(r, draft.post.id)).status).toBe('failed');
    const later = r.clock.now() + 2 * HOUR;
    await ok(r.t.core.invoke('posts:update', { id: draft.post.id, scheduledAt: new Date(later).toISOString() }));
    expect(await inRange(r, later - 1, later + 1)).toEqual([draft.post.id]);
    expect(await inRange(r, r.clock.now() - HOUR, r.clock.now() + HOUR)).toEqual([]);
  });
});

describe('posts:list views (the Posts view tabs)', () => {
  it('upcoming soonest first, drafts by last edit, published newest first, failed by latest failure, all', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const ids = (posts: Post[]) => posts.map((p) => p.id);
    const list = async (view: string) => ids((await ok(r!.t.core.invoke('posts:list', { view: view as 'all', limit: 100 }))).posts);

    const in3h = await schedulePost(r, [a], 3 * HOUR);
    const in1h = await schedulePost(r, [a], 1 * HOUR);
    const in2h = await schedulePost(r, [a], 2 * HOUR);
    const draftA = (await ok(r.t.core.invoke('posts:create', { parts: [{ text: 'draft a', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } }))).post.id;
    await r.clock.advance(1_000);
    const draftB = (await ok(r.t.core.invoke('posts:create', { parts: [{ text: 'draft b', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } }))).post.id;
    await r.clock.advance(1_000);
    // Editing draft a makes it the last edited.
    await ok(r.t.core.invoke('posts:update', { id: draftA, parts: [{ text: 'draft a, edited', media: [] }] }));

    expect(await list('upcoming')).toEqual([in1h, in2h, in3h]);
    expect(await list('drafts')).toEqual([draftA, draftB]);

    // in1h publishes, in2h fails, in3h publishes: published newest first, failed on its own.
    r.bsky.script({ ok: true }, { fail: 'permanent', message: 'nope' }, { ok: true });
    await r.clock.advance(3 * HOUR);
    expect(await list('upcoming')).toEqual([]);
    expect(await list('published')).toEqual([in3h, in1h]);
    expect(await list('failed')).toEqual([in2h]);
    const all = await list('all');
    expect(all.slice(0, 3)).toEqual([in3h, in2h, in1h]);
    expect(all).toHaveLength(5);

    // A later failure comes first in Failed, whatever the posts' times.
    r.bsky.script({ fail: 'permanent', message: 'again' });
    const publishNowFail = (await ok(r.t.core.invoke('posts:create', { parts: [{ text: 'now', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'now' } }))).post.id;
    await r.clock.advance(1_000);
    expect(await list('failed')).toEqual([publishNowFail, in2h]);
    // Views combine with the other filters and count their own total.
    const page = await ok(r.t.core.invoke('posts:list', { view: 'failed', query: 'now', limit: 10 }));
    expect({ ids: ids(page.posts), total: page.total }).toEqual({ ids: [publishNowFail], total: 1 });
  });
});

describe('threads to platforms that cannot thread', () => {
  async function telegramRig() {
    const tg = new ScriptedAdapter('telegram', false);
    const connectors = { telegram: { platform: 'telegram' as const, connect: async () => Promise.reject(new Error('not here')), check: async () => ({ connection: 'connected' as const }) } };
    r = await rig({ adapters: { telegram: tg }, connectors });
    return { rr: r, tg, account: r.fx.account('telegram') };
  }
  const thread = [
    { text: 'One', media: [] },
    { text: 'Two', media: [] },
    { text: 'Three', media: [] },
  ];

  it('sends every part joined as one message by default, or the first part only, exactly as validated', async () => {
    const { rr, tg, account } = await telegramRig();
    const joined = await schedulePost(rr, [account], HOUR, thread);
    const first = await schedulePost(rr, [account], 2 * HOUR, thread, { targets: [{ accountId: account, threadMode: 'first' }] });
    expect((await getPost(rr, first)).entries[0]!.threadMode).toBe('first');
    await rr.clock.advance(2 * HOUR);
    const byPost = new Map(tg.calls.map((c) => [c.postId, c.texts]));
    expect(byPost.get(joined)).toEqual(['One\n\nTwo\n\nThree']);
    expect(byPost.get(first)).toEqual(['One']);
  });

  it('the mode is kept on edits and copies, and changed by posts:update', async () => {
    const { rr, account } = await telegramRig();
    const id = await schedulePost(rr, [account], HOUR, thread, { targets: [{ accountId: account, threadMode: 'first' }] });
    await ok(rr.t.core.invoke('posts:update', { id, parts: [...thread, { text: 'Four', media: [] }] }));
    expect((await getPost(rr, id)).entries[0]!.threadMode).toBe('first');
    const copy = await ok(rr.t.core.invoke('posts:duplicate', { id }));
    expect(copy.entries[0]!.threadMode).toBe('first');
    await ok(rr.t.core.invoke('posts:update', { id, targets: [{ accountId: account, threadMode: 'joined' }] }));
    expect((await getPost(rr, id)).entries[0]!.threadMode).toBe('joined');
  });
});

describe('time zone changes', () => {
  it('keep the local time: 09:30 in Berlin becomes 09:30 in London, in one step with the setting', async () => {
    r = await rig({ start: '2026-03-02T06:00:00.000Z' });
    await ok(r.t.core.invoke('settings:update', { timeZone: 'Europe/Berlin' }));
    const a = r.fx.account('bluesky');
    // 09:30 Berlin (UTC+1 in March before the change) is 08:30 UTC.
    const berlin930 = Date.parse('2026-03-05T08:30:00.000Z');
    const id = await schedulePost(r, [a], berlin930 - r.clock.now());
    // Later today in Berlin (07:30 local, 06:30 UTC) would be 07:30 London = 07:30 UTC: still ahead, so it moves.
    const soon = await schedulePost(r, [a], 30 * MIN);
    const draft = (await ok(r.t.core.invoke('posts:create', { parts: [{ text: 'no time', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } }))).post.id;
    const answer = await ok(r.t.core.invoke('posts:changeTimeZone', { timeZone: 'Europe/London', keep: 'local_time' }));
    expect(answer.moved.sort()).toEqual([id, soon].sort());
    expect(answer.keptMoment).toEqual([]);
    expect((await getPost(r, id)).scheduledAt).toBe('2026-03-05T09:30:00.000Z');
    expect((await getPost(r, soon)).scheduledAt).toBe('2026-03-02T07:30:00.000Z');
    expect((await getPost(r, draft)).scheduledAt).toBeNull();
    expect((await ok(r.t.core.invoke('settings:get'))).timeZone).toBe('Europe/London');
  });

  it('keep the moment: nothing moves; a local time already past in the new zone keeps its moment', async () => {
    r = await rig({ start: '2026-03-02T06:00:00.000Z' });
    await ok(r.t.core.invoke('settings:update', { timeZone: 'Europe/London' }));
    const a = r.fx.account('bluesky');
    const at = r.clock.now() + 2 * HOUR;
    const id = await schedulePost(r, [a], 2 * HOUR);
    expect((await ok(r.t.core.invoke('posts:changeTimeZone', { timeZone: 'Asia/Tokyo', keep: 'moment' }))).moved).toEqual([]);
    expect(Date.parse((await getPost(r, id)).scheduledAt!)).toBe(at);
    await ok(r.t.core.invoke('settings:update', { timeZone: 'Europe/London' }));
    // 08:00 London; the same wall time in Tokyo (UTC+9) is 23:00 UTC the day before: already past.
    const answer = await ok(r.t.core.invoke('posts:changeTimeZone', { timeZone: 'Asia/Tokyo', keep: 'local_time' }));
    expect(answer).toEqual({ timeZone: 'Asia/Tokyo', moved: [], keptMoment: [id] });
    expect(Date.parse((await getPost(r, id)).scheduledAt!)).toBe(at);
  });

  it('an unknown zone is a validation error and changes nothing', async () => {
    r = await rig();
    const answer = await r.t.core.invoke('posts:changeTimeZone', { timeZone: 'Mars/Olympus', keep: 'local_time' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'validation', issues: [expect.objectContaining({ path: 'timeZone' })] } });
  });
});
