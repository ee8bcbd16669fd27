import { afterEach, describe, expect, it } from 'vitest';
import { postsCore, setPostStatus, value } from './helpers';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});
async function setup() {
  const s = await postsCore([{ platform: 'x' }, { platform: 'bluesky' }]);
  dispose = () => s.t.dispose();
  const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 1, day, hour)).toISOString();
  const create = async (text: string, schedule: { mode: 'at'; at: string } | { mode: 'draft' }, extra: Record<string, unknown> = {}) =>
    value(await s.core.invoke('posts:create', { parts: [{ text }], schedule, ...extra } as never)).post;
  return { ...s, at, create };
}

describe('posts:list', () => {
  it('limit defaults to 10 and total counts every match', async () => {
    const s = await setup();
    for (let i = 0; i < 12; i++) await s.create(`post ${i}`, { mode: 'at', at: s.at(1 + i) });
    const page = value(await s.core.invoke('posts:list', {}));
    expect(page.posts).toHaveLength(10);
    expect(page.total).toBe(12);
    const second = value(await s.core.invoke('posts:list', { offset: 10 }));
    expect(second.posts).toHaveLength(2);
    expect(second.total).toBe(12);
    const beyond = value(await s.core.invoke('posts:list', { offset: 50 }));
    expect(beyond).toEqual({ posts: [], total: 12, next: null });
  });

  it('limit is at most 100', async () => {
    const s = await setup();
    const r = await s.core.invoke('posts:list', { limit: 101 });
    expect(!r.ok && r.error.code).toBe('validation');
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('limit');
  });

  it('sorted by scheduledAt then createdAt (posts without a time first)', async () => {
    const s = await setup();
    const late = await s.create('late', { mode: 'at', at: s.at(20) });
    await s.t.clock.advance(1000);
    const early = await s.create('early', { mode: 'at', at: s.at(5) });
    await s.t.clock.advance(1000);
    const sameTimeLater = await s.create('same time, created later', { mode: 'at', at: s.at(5) });
    const draft = await s.create('draft', { mode: 'draft' });
    const { posts } = value(await s.core.invoke('posts:list', {}));
    expect(posts.map((p) => p.id)).toEqual([draft.id, early.id, sameTimeLater.id, late.id]);
  });

  it('from/to select by scheduledAt: from inclusive, to exclusive (the calendar query)', async () => {
    const s = await setup();
    await s.create('jan', { mode: 'at', at: '2026-01-31T23:59:59.000Z' });
    const first = await s.create('feb 1', { mode: 'at', at: '2026-02-01T00:00:00.000Z' });
    const mid = await s.create('feb 14', { mode: 'at', at: s.at(14) });
    await s.create('mar 1', { mode: 'at', at: '2026-03-01T00:00:00.000Z' });
    await s.create('draft', { mode: 'draft' });
    const { posts, total } = value(await s.core.invoke('posts:list', { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z', limit: 100 }));
    expect(posts.map((p) => p.id)).toEqual([first.id, mid.id]);
    expect(total).toBe(2);
  });

  it('status filter', async () => {
    const s = await setup();
    const d = await s.create('draft', { mode: 'draft' });
    await s.create('sched', { mode: 'at', at: s.at(2) });
    const { posts } = value(await s.core.invoke('posts:list', { status: 'draft' }));
    expect(posts.map((p) => p.id)).toEqual([d.id]);
  });

  it('label filter', async () => {
    const s = await setup();
    const label = value(await s.core.invoke('labels:create', { name: 'Tips', color: '#00aa00' }));
    const tagged = await s.create('tagged', { mode: 'draft' }, { labelIds: [label.id] });
    await s.create('plain', { mode: 'draft' });
    const { posts, total } = value(await s.core.invoke('posts:list', { labelId: label.id }));
    expect(posts.map((p) => p.id)).toEqual([tagged.id]);
    expect(total).toBe(1);
  });

  it('account filter', async () => {
    const s = await setup();
    const onX = await s.create('x only', { mode: 'draft' }, { targets: [{ accountId: s.ids[0]! }] });
    await s.create('bsky only', { mode: 'draft' }, { targets: [{ accountId: s.ids[1]! }] });
    const { posts } = value(await s.core.invoke('posts:list', { accountId: s.ids[0]! }));
    expect(posts.map((p) => p.id)).toEqual([onX.id]);
  });

  it('overdue filter', async () => {
    const s = await setup();
    const late = await s.create('missed', { mode: 'at', at: s.at(2) });
    await s.create('fine', { mode: 'at', at: s.at(3) });
    setPostStatus(s.t.dataDir, late.id, 'scheduled', { overdue: 1 });
    expect(value(await s.core.invoke('posts:list', { overdue: true })).posts.map((p) => p.id)).toEqual([late.id]);
    expect(value(await s.core.invoke('posts:list', { overdue: false })).total).toBe(1);
  });

  it('query is a full-text search over every part, prefix-matched, case and accent blind', async () => {
    const s = await setup();
    const coffee = value(await s.core.invoke('posts:create', { parts: [{ text: 'Morning routine' }, { text: 'Café au lait, always' }], schedule: { mode: 'draft' } })).post;
    await s.create('Evening tea', { mode: 'draft' });
    expect(value(await s.core.invoke('posts:list', { query: 'cafe' })).posts.map((p) => p.id)).toEqual([coffee.id]);
    expect(value(await s.core.invoke('posts:list', { query: 'ROUT' })).posts.map((p) => p.id)).toEqual([coffee.id]);
    expect(value(await s.core.invoke('posts:list', { query: 'morning lait' })).total).toBe(1);
    expect(value(await s.core.invoke('posts:list', { query: 'morning tea' })).total).toBe(0);
  });

  it('query finds text overrides too, and follows edits and deletes', async () => {
    const s = await setup();
    const post = await s.create('plain words', { mode: 'draft' }, { targets: [{ accountId: s.ids[0]!, textOverride: 'special wording' }] });
    expect(value(await s.core.invoke('posts:list', { query: 'special' })).total).toBe(1);
    value(await s.core.invoke('posts:update', { id: post.id, parts: [{ text: 'rewritten' }], targets: [{ accountId: s.ids[0]!, textOverride: null }] }));
    expect(value(await s.core.invoke('posts:list', { query: 'special' })).total).toBe(0);
    expect(value(await s.core.invoke('posts:list', { query: 'plain' })).total).toBe(0);
    expect(value(await s.core.invoke('posts:list', { query: 'rewritten' })).total).toBe(1);
    value(await s.core.invoke('posts:delete', { id: post.id }));
    expect(value(await s.core.invoke('posts:list', { query: 'rewritten' })).total).toBe(0);
  });

  it('query syntax characters are searched as text, never as FTS5 operators', async () => {
    const s = await setup();
    await s.create('launch day', { mode: 'draft' });
    for (const query of ['"', 'launch OR', 'NEAR(launch', '*', 'launch"*', '-launch', 'col:launch', '!!!']) {
      const r = await s.core.invoke('posts:list', { query });
      expect(r.ok, query).toBe(true);
    }
    expect(value(await s.core.invoke('posts:list', { query: '!!!' }))).toEqual({ posts: [], total: 0, next: null });
    expect(value(await s.core.invoke('posts:list', { query: 'NEAR(launch' })).total).toBe(0);
  });

  it('a search filters on the status, time and overdue flag as the engine leaves them', async () => {
    const s = await setup();
    const post = await s.create('engine moved me', { mode: 'at', at: s.at(3) });
    setPostStatus(s.t.dataDir, post.id, 'published', { overdue: 1 });
    expect(value(await s.core.invoke('posts:list', { query: 'engine', status: 'scheduled' })).total).toBe(0);
    expect(value(await s.core.invoke('posts:list', { query: 'engine', status: 'published', overdue: true })).posts.map((p) => p.id)).toEqual([post.id]);
    value(await s.core.invoke('posts:delete', { id: post.id }));
    const copy = await s.create('engine moved me', { mode: 'draft' });
    value(await s.core.invoke('posts:update', { id: copy.id, scheduledAt: s.at(9) }));
    expect(value(await s.core.invoke('posts:list', { query: 'engine', from: s.at(9), to: s.at(10) })).posts.map((p) => p.id)).toEqual([copy.id]);
  });

  it('filters combine', async () => {
    const s = await setup();
    const label = value(await s.core.invoke('labels:create', { name: 'Promo', color: '#000000' }));
    const hit = await s.create('sale starts', { mode: 'at', at: s.at(10) }, { labelIds: [label.id] });
    await s.create('sale ends', { mode: 'at', at: s.at(10) });
    await s.create('sale later', { mode: 'at', at: '2026-04-01T00:00:00Z' }, { labelIds: [label.id] });
    const { posts, total } = value(await s.core.invoke('posts:list', { query: 'sale', labelId: label.id, status: 'scheduled', from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }));
    expect(posts.map((p) => p.id)).toEqual([hit.id]);
    expect(total).toBe(1);
  });
});
