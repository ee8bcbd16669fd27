// Rules found at integration: a refresh that cannot reach the platform is not a verdict on the
// account, and re-publishing a failed entry continues from what the adapter saved.
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError, type PlatformAdapter } from '../../../../src/main/platforms/types';
import { getPost, rig, schedulePost, type Rig } from './helpers';

let r: Rig;
afterEach(async () => r?.close());

const MIN = 60_000;

describe('auth refresh that cannot reach the platform', () => {
  it('is retried later as transient instead of asking the creator to reconnect', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'auth', message: 'ExpiredToken', httpStatus: 401 });
    r.credentials.refreshThrows = new Error('getaddrinfo ENOTFOUND bsky.social');
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect(r.credentials.expired).toEqual([]);
    expect(r.fx.entries(id)[0]).toMatchObject({ status: 'pending' });
    // The backoff passes; the next attempt gets its own refresh, which now works.
    r.bsky.script({ fail: 'auth', message: 'ExpiredToken', httpStatus: 401 });
    await r.clock.advance(15 * MIN);
    expect(r.credentials.refreshed).toEqual([a, a]);
    expect(r.credentials.expired).toEqual([]);
    expect(r.fx.postRow(id).status).toBe('published');
    expect(r.fx.attempts(r.fx.entries(id)[0]!.id).map((x) => x.outcome)).toEqual(['transient', 'auth', 'published']);
  });
});

describe('posts:publish on a failed entry', () => {
  it('keeps what the adapter saved, so a thread continues instead of posting its first part again', async () => {
    const seen: unknown[] = [];
    const thread: PlatformAdapter = {
      platform: 'bluesky',
      idempotent: true,
      async publish(ctx) {
        seen.push(ctx.progress.get());
        if (seen.length === 1) {
          await ctx.progress.save({ partsSent: 1 });
          throw new PublishError('permanent', 'part 2 was refused');
        }
        return { platformPostId: 'at://root', platformUrl: null };
      },
    };
    r = await rig({ adapters: { bluesky: thread } });
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], MIN, [
      { text: 'one', media: [] },
      { text: 'two', media: [] },
    ]);
    await r.clock.advance(MIN);
    expect((await getPost(r, id)).status).toBe('failed');
    expect(await r.t.core.invoke('posts:publish', { id })).toMatchObject({ ok: true });
    await r.clock.advance(0);
    expect((await getPost(r, id)).status).toBe('published');
    expect(seen).toEqual([null, { partsSent: 1 }]);
  });
});

describe('posts:publish checks the content first', () => {
  it('a draft over a platform limit is a validation error naming the platform, and nothing is claimed', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const created = await r.t.core.invoke('posts:create', { parts: [{ text: 'x'.repeat(301), media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.post.id;
    const answer = await r.t.core.invoke('posts:publish', { id });
    expect(answer).toMatchObject({ ok: false, error: { code: 'validation', issues: [expect.objectContaining({ platform: 'bluesky' })] } });
    expect(!answer.ok && answer.error.message).toMatch(/301\/300/);
    await r.clock.advance(MIN);
    expect(r.bsky.calls).toHaveLength(0);
    expect((await getPost(r, id)).status).toBe('draft');
  });
});
