// Queue slots (schedule: { mode: 'queue' }) and repeating posts through the real channels.
import { afterEach, expect, it } from 'vitest';
import { rig, type Rig } from './helpers';

let r: Rig;
afterEach(async () => r?.close());

it("queue mode takes the first free weekly slot after now, in the creator's time zone", async () => {
  r = await rig({ start: '2026-01-05T00:30:00Z' }); // Monday 09:30 in Tokyo
  await r.t.core.invoke('settings:update', { timeZone: 'Asia/Tokyo', queueSlots: [{ day: 'mon', time: '09:00' }, { day: 'tue', time: '09:00' }] });
  const a = r.fx.account('bluesky');
  const create = () => r.t.core.invoke('posts:create', { parts: [{ text: 'q', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'queue' } });
  const first = await create();
  const second = await create();
  expect(first.ok && first.value.post.scheduledAt).toBe('2026-01-06T00:00:00.000Z'); // Tue 09:00 Tokyo
  expect(second.ok && second.value.post.scheduledAt).toBe('2026-01-12T00:00:00.000Z'); // next Mon 09:00
});

it('queue mode without slots is a validation error on schedule', async () => {
  r = await rig();
  await r.t.core.invoke('settings:update', { queueSlots: [] });
  const a = r.fx.account('bluesky');
  const res = await r.t.core.invoke('posts:create', { parts: [{ text: 'q', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'queue' } });
  expect(res.ok ? null : res.error.code).toBe('validation');
});

it('a repeating post creates its next occurrence every unit later at the same local time, remaining one less, none at 0', async () => {
  r = await rig({ start: '2026-03-27T12:00:00Z' });
  await r.t.core.invoke('settings:update', { timeZone: 'Europe/Paris' });
  const a = r.fx.account('bluesky');
  const res = await r.t.core.invoke('posts:create', {
    parts: [{ text: 'daily', media: [] }],
    targets: [{ accountId: a }],
    schedule: { mode: 'at', at: '2026-03-28T08:00:00.000Z' }, // 09:00 Paris (CET)
    repeat: { count: 3, every: 1, unit: 'days' },
  });
  expect(res.ok).toBe(true);
  await r.clock.advance(4 * 86_400_000);
  const rows = r.fx.db.prepare("SELECT scheduled_at, status, repeat FROM posts ORDER BY scheduled_at").all() as Array<{ scheduled_at: number; status: string; repeat: string }>;
  expect(rows.map((p) => [new Date(p.scheduled_at).toISOString(), p.status, JSON.parse(p.repeat).remaining])).toEqual([
    ['2026-03-28T08:00:00.000Z', 'published', 2],
    ['2026-03-29T07:00:00.000Z', 'published', 1], // 09:00 Paris (CEST)
    ['2026-03-30T07:00:00.000Z', 'published', 0],
  ]);
  expect(r.bsky.calls).toHaveLength(3);
});

it('re-publishing a failed repeating post does not create a second next occurrence', async () => {
  r = await rig();
  const a = r.fx.account('mastodon');
  r.masto.script({ fail: 'permanent', message: 'nope' });
  const at = new Date(r.clock.now() + 60_000).toISOString();
  const res = await r.t.core.invoke('posts:create', { parts: [{ text: 'weekly', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'at', at }, repeat: { count: 5, every: 1, unit: 'weeks' } });
  const id = res.ok ? res.value.post.id : '';
  await r.clock.advance(60_000);
  expect(r.fx.postRow(id).status).toBe('failed');
  await r.t.core.invoke('posts:publish', { id });
  await r.clock.advance(0);
  expect(r.fx.postRow(id).status).toBe('published');
  const count = r.fx.db.prepare('SELECT COUNT(*) AS n FROM posts').get() as { n: number };
  expect(count.n).toBe(2);
});
