// posts:calendar (issue 21): a month's chips in one answer, exactly the posts posts:list gives for
// the same range; and keyset paging (`after`) for posts:list, its total counted with the first page.
import { afterEach, describe, expect, it } from 'vitest';
import { calendarChip, type CalendarPost } from '../../../../src/shared/ipc/posts';
import type { Post } from '../../../../src/shared/domain';
import type { Core } from '../../../../src/main/core/create-core';
import { makeTestCore, type TestCore } from '../../../support/core';
import { PublishingFixture, TestCredentials } from '../../../support/publishing-fixture';
import { ScriptedAdapter } from '../../../support/scripted-adapter';
import { value } from './helpers';

const MIN = 60_000;
const DAY = 86_400_000;

let t: TestCore | null = null;
let fx: PublishingFixture | null = null;
afterEach(async () => {
  fx?.close();
  await t?.dispose();
  t = null;
  fx = null;
});

async function engine() {
  const adapter = new ScriptedAdapter('mastodon', true);
  t = await makeTestCore({ adapters: { mastodon: adapter }, credentials: new TestCredentials(() => fx ?? undefined) });
  fx = new PublishingFixture(t.dataDir);
  const accounts = [fx.account('mastodon'), fx.account('mastodon')];
  return { core: t.core, clock: t.clock, adapter, accounts };
}

/** Every post of [from, to) through posts:list, page by page (`after`). */
async function listAll(core: Core, from: string, to: string, view?: 'all'): Promise<Post[]> {
  const posts: Post[] = [];
  let after: string | undefined;
  for (;;) {
    const page = value(await core.invoke('posts:list', { from, to, limit: 7, ...(view ? { view } : {}), ...(after ? { after } : {}) }));
    posts.push(...page.posts);
    if (!page.next) return posts;
    after = page.next;
  }
}

const facts = (posts: Array<{ id: string; status: string; at: string }>) => posts.map((p) => `${p.id} ${p.status} ${p.at}`).sort();

describe('posts:calendar', () => {
  it('answers exactly what posts:list gives for the range: publish-now, failed, partly published, handed-over times, drafts left out', async () => {
    const { core, clock, adapter, accounts } = await engine();
    const [a, b] = accounts as [string, string];
    const start = clock.now();
    const at = (ms: number) => new Date(start + ms).toISOString();
    const create = async (text: string, schedule: { mode: 'at'; at: string } | { mode: 'draft' } | { mode: 'now' }, targets = [a]) =>
      value(await core.invoke('posts:create', { parts: [{ text }], targets: targets.map((accountId) => ({ accountId })), schedule })).post;

    const scheduled = await create('Later this week: the long read 😀 '.repeat(6), { mode: 'at', at: at(5 * DAY) });
    await create('a draft has no moment', { mode: 'draft' });
    const moved = await create('planned for next week, sent now instead', { mode: 'at', at: at(8 * DAY) });
    const failed = await create('this one fails', { mode: 'at', at: at(2 * DAY) });
    const partly = await create('half of it goes out', { mode: 'at', at: at(2 * DAY + 5 * MIN) }, [a, b]);
    // Outside the range: a month later.
    await create('outside the range', { mode: 'at', at: at(40 * DAY) });
    // Publish now: on the calendar at the moment it went out (not at its old planned time).
    await clock.advance(MIN);
    value(await core.invoke('posts:publish', { id: moved.id }));
    const now = await create('published with Publish now', { mode: 'now' });
    await clock.advance(0);
    // A failure, and a post that fails on one of its two accounts.
    adapter.scriptFor(a, { fail: 'permanent', message: 'refused' });
    adapter.scriptFor(b, { fail: 'permanent', message: 'refused' });
    await clock.advance(3 * DAY);

    const statuses = Object.fromEntries(await Promise.all([scheduled, moved, failed, partly, now].map(async (p) => [p.id, value(await core.invoke('posts:get', { id: p.id })).status])));
    expect(statuses).toEqual({ [scheduled.id]: 'scheduled', [moved.id]: 'published', [failed.id]: 'failed', [partly.id]: 'partially_published', [now.id]: 'published' });

    const from = at(-DAY);
    const to = at(30 * DAY);
    const listed = await listAll(core, from, to);
    const chips = value(await core.invoke('posts:calendar', { from, to })).posts;
    expect(listed).toHaveLength(5);
    expect(facts(chips)).toEqual(facts(listed.map((p) => ({ id: p.id, status: p.status, at: p.calendarAt! }))));
    // Each chip is what the whole post makes (entries' platform, status and link, labels, first words), in calendar order.
    const byId = new Map(listed.map((p) => [p.id, p]));
    for (const chip of chips) expect(chip).toEqual(calendarChip(byId.get(chip.id)!));
    expect(chips.map((c) => c.at)).toEqual([...chips.map((c) => c.at)].sort());
    // Publish now moved it to the moment it went out.
    expect(chips.find((c) => c.id === moved.id)!.at).toBe(new Date(start + MIN).toISOString());
    expect(chips.find((c) => c.id === partly.id)!.entries.map((e) => e.status)).toEqual(['published', 'failed']);
    expect(chips.find((c) => c.id === now.id)!.entries[0]!.url).toMatch(/^https:\/\//);
    // The first words only: 100 characters (code points) of the first part.
    expect(Array.from(chips.find((c) => c.id === scheduled.id)!.text)).toHaveLength(100);
    // The same posts as the Posts view's All tab for that range.
    expect(facts(chips)).toEqual(facts((await listAll(core, from, to, 'all')).map((p) => ({ id: p.id, status: p.status, at: p.calendarAt! }))));
  });

  it('with ids, answers only those still in the range (what a posts:changed event named)', async () => {
    const { core, clock, accounts } = await engine();
    const at = (days: number) => new Date(clock.now() + days * DAY).toISOString();
    const create = async (text: string, when: string) => value(await core.invoke('posts:create', { parts: [{ text }], targets: [{ accountId: accounts[0]! }], schedule: { mode: 'at', at: when } })).post;
    const stays = await create('stays', at(2));
    const leaves = await create('leaves', at(3));
    await create('not named', at(4));
    value(await core.invoke('posts:update', { id: leaves.id, scheduledAt: at(60) }));
    const chips: CalendarPost[] = value(await core.invoke('posts:calendar', { from: at(0), to: at(30), ids: [stays.id, leaves.id, 'gone'] })).posts;
    expect(chips.map((c) => c.id)).toEqual([stays.id]);
  });

  it('refuses a backwards or too long range, naming the field, and changes nothing', async () => {
    const { core } = await engine();
    const backwards = await core.invoke('posts:calendar', { from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' });
    expect(!backwards.ok && backwards.error.issues?.[0]?.path).toBe('to');
    const long = await core.invoke('posts:calendar', { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(!long.ok && long.error.code).toBe('validation');
    expect(!long.ok && long.error.message).toMatch(/at most 100 days/);
  });
});

describe('posts:list keyset paging', () => {
  it('every order pages with `after` through every post once, the total counted on the first page only', async () => {
    const { core, clock, adapter, accounts } = await engine();
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      // Same times in pairs (the tie-break must hold), drafts, sent and failed posts mixed in.
      const schedule = i % 5 === 0 ? { mode: 'draft' as const } : { mode: 'at' as const, at: new Date(clock.now() + (1 + Math.floor(i / 2)) * DAY).toISOString() };
      if (i % 7 === 3) adapter.scriptFor(accounts[0]!, { fail: 'permanent', message: 'no' });
      ids.push(value(await core.invoke('posts:create', { parts: [{ text: `post number ${i} kettle` }], targets: [{ accountId: accounts[0]! }], schedule })).post.id);
      await clock.advance(1000);
    }
    await clock.advance(6 * DAY);
    for (const view of [undefined, 'upcoming', 'drafts', 'published', 'failed', 'all'] as const) {
      for (const query of [undefined, 'kettle']) {
        const filter = { ...(view ? { view } : {}), ...(query ? { query } : {}) };
        const whole = value(await core.invoke('posts:list', { ...filter, limit: 100 }));
        const paged: string[] = [];
        let after: string | undefined;
        let pages = 0;
        for (;;) {
          const page = value(await core.invoke('posts:list', { ...filter, limit: 4, ...(after ? { after } : {}) }));
          expect(page.total).toBe(after ? null : whole.total);
          paged.push(...page.posts.map((p) => p.id));
          pages++;
          if (!page.next) break;
          after = page.next;
        }
        expect({ view, query, ids: paged }).toEqual({ view, query, ids: whole.posts.map((p) => p.id) });
        expect(pages).toBe(Math.max(1, Math.ceil(whole.posts.length / 4)));
      }
    }
  });

  it('a page after a deleted post still continues where it was; offset still works; a foreign or bad cursor is refused', async () => {
    const { core, clock, accounts } = await engine();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(value(await core.invoke('posts:create', { parts: [{ text: `p${i}` }], targets: [{ accountId: accounts[0]! }], schedule: { mode: 'at', at: new Date(clock.now() + (i + 1) * DAY).toISOString() } })).post.id);
    const first = value(await core.invoke('posts:list', { limit: 2 }));
    expect(first.posts.map((p) => p.id)).toEqual(ids.slice(0, 2));
    // The cursor's post goes away: the next page still starts after where it was.
    value(await core.invoke('posts:delete', { id: ids[1]! }));
    const second = value(await core.invoke('posts:list', { limit: 2, after: first.next! }));
    expect(second.posts.map((p) => p.id)).toEqual(ids.slice(2, 4));
    // Octopost-style offset paging keeps its meaning and its total.
    const offset = value(await core.invoke('posts:list', { limit: 2, offset: 2 }));
    expect(offset.posts.map((p) => p.id)).toEqual(ids.slice(3, 5));
    expect(offset.total).toBe(5);
    // A cursor of another order, garbage, or both ways at once: a validation error naming `after`.
    const foreign = await core.invoke('posts:list', { view: 'drafts', limit: 2, after: first.next! });
    expect(!foreign.ok && foreign.error.issues?.[0]?.path).toBe('after');
    const garbage = await core.invoke('posts:list', { limit: 2, after: 'bm90IGEgY3Vyc29y' });
    expect(!garbage.ok && garbage.error.issues?.[0]?.path).toBe('after');
    const both = await core.invoke('posts:list', { limit: 2, offset: 2, after: first.next! });
    expect(!both.ok && both.error.issues?.[0]?.path).toBe('after');
  });
});
