import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { snapshotDatabase } from '../../../support/core';
import { insertAccounts } from '../../../support/accounts-fixture';
import { MB, insertMedia, postsCore, setEntry, setPostStatus, value, withDb } from './helpers';

const FUTURE = '2026-02-01T10:00:00.000Z';
const LATER = '2026-03-01T10:00:00.000Z';
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});
async function setup(...args: Parameters<typeof postsCore>) {
  const s = await postsCore(...args);
  dispose = () => s.t.dispose();
  return s;
}

describe('posts:create', () => {
  it('a draft is saved even when incomplete or over limits, with the problems as warnings', async () => {
    const { core, ids } = await setup();
    const { post, warnings } = value(await core.invoke('posts:create', { parts: [{ text: 'x'.repeat(600) }], targets: [{ accountId: ids[0]! }], schedule: { mode: 'draft' } }));
    expect(post.status).toBe('draft');
    expect(post.scheduledAt).toBeNull();
    expect(post.parts[0]!.text).toHaveLength(600);
    expect(warnings).toContainEqual({ path: 'parts.0.text', message: 'X: 600/280 characters', platform: 'x' });
  });

  it('a draft may have no text and no accounts', async () => {
    const { core } = await setup([]);
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: '' }], schedule: { mode: 'draft' } }));
    expect(post.entries).toEqual([]);
  });

  it('schedule at makes a scheduled post at that time with pending entries', async () => {
    const { core, ids } = await setup();
    const { post, warnings } = value(await core.invoke('posts:create', { parts: [{ text: 'hello' }], targets: [{ accountId: ids[0]! }, { accountId: ids[1]! }], schedule: { mode: 'at', at: FUTURE } }));
    expect(post.status).toBe('scheduled');
    expect(post.scheduledAt).toBe(FUTURE);
    expect(post.entries.map((e) => [e.platform, e.contentType, e.status, e.enabled])).toEqual([
      ['x', 'x_post', 'pending', true],
      ['bluesky', 'bluesky_post', 'pending', true],
    ]);
    expect(warnings).toEqual([]);
  });

  it('a past or present time is a validation error on schedule.at, and nothing is saved', async () => {
    const { core, t } = await setup();
    const db = join(t.dataDir, 'outbox.db');
    const before = snapshotDatabase(db);
    for (const at of ['2025-12-31T12:00:00.000Z', new Date(t.clock.now()).toISOString()]) {
      const r = await core.invoke('posts:create', { parts: [{ text: 'hi' }], schedule: { mode: 'at', at } });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('validation');
        expect(r.error.issues?.[0]?.path).toBe('schedule.at');
      }
    }
    expect(snapshotDatabase(db)).toBe(before);
  });

  it('scheduling needs at least one enabled target', async () => {
    const { core, ids } = await setup();
    const r = await core.invoke('posts:create', { parts: [{ text: 'hi' }], targets: [{ accountId: ids[0]!, enabled: false }], schedule: { mode: 'at', at: FUTURE } });
    expect(!r.ok && r.error.code).toBe('validation');
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('targets');
  });

  it('scheduling refuses an enabled entry that breaks its platform rules, naming platform and field', async () => {
    const { core, ids, t } = await setup();
    const before = snapshotDatabase(join(t.dataDir, 'outbox.db'));
    const r = await core.invoke('posts:create', { parts: [{ text: 'a'.repeat(291) }], targets: [{ accountId: ids[0]! }, { accountId: ids[1]! }], schedule: { mode: 'at', at: FUTURE } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('validation');
      expect(r.error.issues).toEqual([{ path: 'parts.0.text', message: 'X: 291/280 characters', platform: 'x' }]);
    }
    expect(snapshotDatabase(join(t.dataDir, 'outbox.db'))).toBe(before);
  });

  it('a disabled entry that breaks its rules does not stop scheduling', async () => {
    const { core, ids } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'a'.repeat(291) }], targets: [{ accountId: ids[0]!, enabled: false }, { accountId: ids[1]! }], schedule: { mode: 'at', at: FUTURE } }));
    expect(post.entries.map((e) => e.enabled)).toEqual([false, true]);
  });

  it('targets omitted: the post goes to every active account', async () => {
    const { core, ids } = await setup([{ platform: 'x' }, { platform: 'bluesky', active: false }, { platform: 'mastodon' }]);
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'to all' }], schedule: { mode: 'at', at: FUTURE } }));
    expect(post.entries.map((e) => e.accountId)).toEqual([ids[0], ids[2]]);
  });

  it('schedule now makes the post publishing at the current time', async () => {
    const { core, t } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'now' }], schedule: { mode: 'now' } }));
    expect(post.status).toBe('publishing');
    expect(post.scheduledAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it('schedule now validates like schedule at', async () => {
    const { core } = await setup();
    const r = await core.invoke('posts:create', { parts: [{ text: 'a'.repeat(600) }], schedule: { mode: 'now' } });
    expect(!r.ok && r.error.code).toBe('validation');
  });

  it('an unknown account is a validation error on targets.N.accountId', async () => {
    const { core } = await setup();
    const r = await core.invoke('posts:create', { parts: [{ text: 'x' }], targets: [{ accountId: 'nope' }], schedule: { mode: 'draft' } });
    expect(!r.ok && r.error.code).toBe('validation');
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('targets.0.accountId');
  });

  it('the same account twice is a validation error', async () => {
    const { core, ids } = await setup();
    const r = await core.invoke('posts:create', { parts: [{ text: 'x' }], targets: [{ accountId: ids[0]! }, { accountId: ids[0]! }], schedule: { mode: 'draft' } });
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('targets.1.accountId');
  });

  it('an unknown label is a validation error on labelIds.N', async () => {
    const { core } = await setup();
    const r = await core.invoke('posts:create', { parts: [{ text: 'x' }], labelIds: ['nope'], schedule: { mode: 'draft' } });
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('labelIds.0');
  });

  it('a repeat is stored with remaining = count - 1', async () => {
    const { core } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'weekly' }], schedule: { mode: 'at', at: FUTURE }, repeat: { count: 4, every: 1, unit: 'weeks' } }));
    expect(post.repeat).toEqual({ count: 4, every: 1, unit: 'weeks', remaining: 3 });
  });

  it('a thread keeps its parts and media in order', async () => {
    const { core, ids, t } = await setup();
    const m = insertMedia(t.dataDir, { kind: 'image', bytes: 1000 });
    const { post } = value(
      await core.invoke('posts:create', {
        parts: [{ text: 'one', media: [{ mediaId: m, altText: 'a cat' }] }, { text: 'two' }],
        targets: [{ accountId: ids[0]! }],
        schedule: { mode: 'at', at: FUTURE },
      }),
    );
    expect(post.parts).toEqual([
      { text: 'one', media: [{ mediaId: m, altText: 'a cat' }] },
      { text: 'two', media: [] },
    ]);
  });

  it('every change emits posts:changed with the post id', async () => {
    const { core, events } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'x' }], schedule: { mode: 'draft' } }));
    value(await core.invoke('posts:update', { id: post.id, parts: [{ text: 'y' }] }));
    const copy = value(await core.invoke('posts:duplicate', { id: post.id }));
    value(await core.invoke('posts:delete', { id: post.id }));
    expect(events).toEqual([{ ids: [post.id] }, { ids: [post.id] }, { ids: [copy.id] }, { ids: [post.id] }]);
  });

  it('a refused create emits nothing', async () => {
    const { core, events } = await setup();
    await core.invoke('posts:create', { parts: [{ text: 'x' }], schedule: { mode: 'at', at: '2020-01-01T00:00:00Z' } });
    expect(events).toEqual([]);
  });
});

describe('posts:update', () => {
  async function scheduled(s: Awaited<ReturnType<typeof setup>>, text = 'hello') {
    return value(await s.core.invoke('posts:create', { parts: [{ text }], targets: [{ accountId: s.ids[0]! }, { accountId: s.ids[1]! }], schedule: { mode: 'at', at: FUTURE } })).post;
  }

  it('a scheduled post can change its text, targets, labels and time', async () => {
    const s = await setup();
    const post = await scheduled(s);
    const label = value(await s.core.invoke('labels:create', { name: 'Launch', color: '#112233' }));
    const { post: next } = value(
      await s.core.invoke('posts:update', { id: post.id, parts: [{ text: 'changed' }], targets: [{ accountId: s.ids[1]! }, { accountId: s.ids[2]! }], labelIds: [label.id], scheduledAt: LATER }),
    );
    expect(next.parts[0]!.text).toBe('changed');
    expect(next.entries.map((e) => e.accountId)).toEqual([s.ids[1], s.ids[2]]);
    // The kept account keeps its entry (and with it its attempt history).
    expect(next.entries[0]!.id).toBe(post.entries[1]!.id);
    expect(next.labelIds).toEqual([label.id]);
    expect(next.scheduledAt).toBe(LATER);
    expect(next.status).toBe('scheduled');
  });

  it('a target listed without options keeps its entry settings and override', async () => {
    const s = await setup();
    const { post } = value(
      await s.core.invoke('posts:create', { parts: [{ text: 'hi' }], targets: [{ accountId: s.ids[2]!, settings: { visibility: 'unlisted' }, textOverride: 'toot' }], schedule: { mode: 'draft' } }),
    );
    const { post: next } = value(await s.core.invoke('posts:update', { id: post.id, targets: [{ accountId: s.ids[2]! }] }));
    expect(next.entries[0]!.settings).toEqual({ visibility: 'unlisted' });
    expect(next.entries[0]!.textOverride).toBe('toot');
  });

  it('scheduledAt null turns a scheduled post back into a draft', async () => {
    const s = await setup();
    const post = await scheduled(s);
    const { post: next } = value(await s.core.invoke('posts:update', { id: post.id, scheduledAt: null }));
    expect(next.status).toBe('draft');
    expect(next.scheduledAt).toBeNull();
  });

  it('a draft given a future scheduledAt becomes scheduled', async () => {
    const s = await setup();
    const { post } = value(await s.core.invoke('posts:create', { parts: [{ text: 'hi' }], schedule: { mode: 'draft' } }));
    const { post: next } = value(await s.core.invoke('posts:update', { id: post.id, scheduledAt: FUTURE }));
    expect(next.status).toBe('scheduled');
  });

  it('a past scheduledAt is a validation error on scheduledAt', async () => {
    const s = await setup();
    const post = await scheduled(s);
    const r = await s.core.invoke('posts:update', { id: post.id, scheduledAt: '2020-01-01T00:00:00Z' });
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('scheduledAt');
  });

  it('validation as for create: a scheduled post cannot be edited over a platform limit, and nothing changes', async () => {
    const s = await setup();
    const post = await scheduled(s);
    const before = snapshotDatabase(join(s.t.dataDir, 'outbox.db'));
    const r = await s.core.invoke('posts:update', { id: post.id, parts: [{ text: 'b'.repeat(301) }] });
    expect(!r.ok && r.error.code).toBe('validation');
    expect(!r.ok && r.error.issues?.map((i) => i.message)).toEqual(['X: 301/280 characters', 'Bluesky: 301/300 characters']);
    expect(snapshotDatabase(join(s.t.dataDir, 'outbox.db'))).toBe(before);
  });

  it('a draft can be edited over limits and gets warnings', async () => {
    const s = await setup();
    const { post } = value(await s.core.invoke('posts:create', { parts: [{ text: 'hi' }], targets: [{ accountId: s.ids[0]! }], schedule: { mode: 'draft' } }));
    const { warnings } = value(await s.core.invoke('posts:update', { id: post.id, parts: [{ text: 'c'.repeat(300) }] }));
    expect(warnings.map((w) => w.message)).toEqual(['X: 300/280 characters']);
  });

  it('publishing and published posts return conflict', async () => {
    const s = await setup();
    for (const status of ['publishing', 'published']) {
      const post = await scheduled(s);
      setPostStatus(s.t.dataDir, post.id, status);
      const r = await s.core.invoke('posts:update', { id: post.id, parts: [{ text: 'nope' }] });
      expect(!r.ok && r.error.code).toBe('conflict');
    }
  });

  it('a missing post is not_found', async () => {
    const s = await setup();
    const r = await s.core.invoke('posts:update', { id: 'missing', parts: [{ text: 'x' }] });
    expect(!r.ok && r.error.code).toBe('not_found');
  });

  it('in a partially published post the published entries are locked', async () => {
    const s = await setup();
    const post = await scheduled(s);
    setPostStatus(s.t.dataDir, post.id, 'partially_published');
    setEntry(s.t.dataDir, post.entries[0]!.id, { status: 'published', platform_post_id: '123' });
    setEntry(s.t.dataDir, post.entries[1]!.id, { status: 'failed', error_message: 'boom' });
    const changeX = await s.core.invoke('posts:update', { id: post.id, targets: [{ accountId: s.ids[0]!, textOverride: 'edited' }, { accountId: s.ids[1]! }] });
    expect(!changeX.ok && changeX.error.code).toBe('conflict');
    const dropX = await s.core.invoke('posts:update', { id: post.id, targets: [{ accountId: s.ids[1]! }] });
    expect(!dropX.ok && dropX.error.code).toBe('conflict');
    const text = await s.core.invoke('posts:update', { id: post.id, parts: [{ text: 'new text' }] });
    expect(!text.ok && text.error.code).toBe('conflict');
  });

  it('in a partially published post the entries not yet published can change', async () => {
    const s = await setup();
    const post = await scheduled(s);
    setPostStatus(s.t.dataDir, post.id, 'partially_published');
    setEntry(s.t.dataDir, post.entries[0]!.id, { status: 'published', platform_post_id: '123' });
    setEntry(s.t.dataDir, post.entries[1]!.id, { status: 'failed', error_message: 'boom' });
    const { post: next } = value(
      await s.core.invoke('posts:update', { id: post.id, targets: [{ accountId: s.ids[0]! }, { accountId: s.ids[1]!, textOverride: 'bsky only', settings: { languages: ['en'] } }] }),
    );
    expect(next.status).toBe('partially_published');
    expect(next.entries[0]!.status).toBe('published');
    expect(next.entries[1]).toMatchObject({ textOverride: 'bsky only', settings: { languages: ['en'] }, status: 'failed' });
  });

  it('a failed post can be rescheduled: failed entries go back to pending, published ones stay', async () => {
    const s = await setup();
    const post = await scheduled(s);
    setPostStatus(s.t.dataDir, post.id, 'partially_published');
    setEntry(s.t.dataDir, post.entries[0]!.id, { status: 'published', platform_post_id: '123' });
    setEntry(s.t.dataDir, post.entries[1]!.id, { status: 'failed', error_message: 'boom' });
    const { post: next } = value(await s.core.invoke('posts:update', { id: post.id, scheduledAt: LATER }));
    expect(next.status).toBe('scheduled');
    expect(next.entries.map((e) => [e.status, e.errorMessage])).toEqual([
      ['published', null],
      ['pending', null],
    ]);
    expect(next.entries[0]!.platformPostId).toBe('123');
  });

  it('rescheduling clears the overdue flag', async () => {
    const s = await setup();
    const post = await scheduled(s);
    setPostStatus(s.t.dataDir, post.id, 'scheduled', { overdue: 1 });
    expect(value(await s.core.invoke('posts:get', { id: post.id })).overdue).toBe(true);
    const { post: next } = value(await s.core.invoke('posts:update', { id: post.id, scheduledAt: LATER }));
    expect(next.overdue).toBe(false);
  });

  it('repeat null removes the repeat', async () => {
    const s = await setup();
    const { post } = value(await s.core.invoke('posts:create', { parts: [{ text: 'r' }], schedule: { mode: 'draft' }, repeat: { count: 3, every: 2, unit: 'days' } }));
    const { post: next } = value(await s.core.invoke('posts:update', { id: post.id, repeat: null }));
    expect(next.repeat).toBeNull();
  });
});

describe('posts:delete', () => {
  it('a draft or scheduled post is deleted with its entries', async () => {
    const { core, t } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'bye' }], schedule: { mode: 'at', at: FUTURE } }));
    const r = value(await core.invoke('posts:delete', { id: post.id }));
    expect(r).toEqual({ id: post.id, message: 'Post deleted' });
    expect((await core.invoke('posts:get', { id: post.id })).ok).toBe(false);
    expect(withDb(t.dataDir, (db) => db.prepare('SELECT count(*) AS n FROM entries').get())).toEqual({ n: 0 });
  });

  it('deleting a publishing post is a conflict', async () => {
    const { core } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'go' }], schedule: { mode: 'now' } }));
    const r = await core.invoke('posts:delete', { id: post.id });
    expect(!r.ok && r.error.code).toBe('conflict');
  });

  it('deleting a published post removes only Outbox record and says so', async () => {
    const { core, t } = await setup();
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'out' }], schedule: { mode: 'at', at: FUTURE } }));
    setPostStatus(t.dataDir, post.id, 'published');
    for (const e of post.entries) setEntry(t.dataDir, e.id, { status: 'published', platform_post_id: 'p' });
    const r = value(await core.invoke('posts:delete', { id: post.id }));
    expect(r.message).toBe('Removed from Outbox only: the post stays on X, Bluesky, Mastodon. Delete it there if you want it gone.');
  });

  it('a missing post is not_found', async () => {
    const { core } = await setup();
    const r = await core.invoke('posts:delete', { id: 'missing' });
    expect(!r.ok && r.error.code).toBe('not_found');
  });
});

describe('posts:duplicate', () => {
  it('a new draft with the same parts, media, labels and targets; entries reset; the original untouched', async () => {
    const { core, ids, t } = await setup();
    const m = insertMedia(t.dataDir, { kind: 'image', bytes: 1000 });
    const label = value(await core.invoke('labels:create', { name: 'Promo', color: '#aa0000' }));
    const { post } = value(
      await core.invoke('posts:create', {
        parts: [{ text: 'orig', media: [{ mediaId: m, altText: 'alt' }] }],
        targets: [{ accountId: ids[0]! }, { accountId: ids[2]!, settings: { visibility: 'unlisted' }, textOverride: 'toot' }],
        labelIds: [label.id],
        schedule: { mode: 'at', at: FUTURE },
      }),
    );
    setPostStatus(t.dataDir, post.id, 'published');
    setEntry(t.dataDir, post.entries[0]!.id, { status: 'published', platform_post_id: '1' });
    setEntry(t.dataDir, post.entries[1]!.id, { status: 'published', platform_post_id: '2' });
    const original = value(await core.invoke('posts:get', { id: post.id }));
    const copy = value(await core.invoke('posts:duplicate', { id: post.id }));
    expect(copy.id).not.toBe(post.id);
    expect(copy.status).toBe('draft');
    expect(copy.scheduledAt).toBeNull();
    expect(copy.parts).toEqual(original.parts);
    expect(copy.labelIds).toEqual([label.id]);
    expect(copy.entries.map((e) => ({ a: e.accountId, s: e.status, id: e.platformPostId, set: e.settings, o: e.textOverride }))).toEqual([
      { a: ids[0], s: 'pending', id: null, set: {}, o: null },
      { a: ids[2], s: 'pending', id: null, set: { visibility: 'unlisted' }, o: 'toot' },
    ]);
    expect(copy.entries.map((e) => e.id)).not.toContain(original.entries[0]!.id);
    expect(value(await core.invoke('posts:get', { id: post.id }))).toEqual(original);
  });
});

describe('posts:get', () => {
  it('a missing post is not_found', async () => {
    const { core } = await setup();
    const r = await core.invoke('posts:get', { id: 'missing' });
    expect(!r.ok && r.error.code).toBe('not_found');
  });

  it('entries carry their attempts from the attempts table, newest last', async () => {
    const { core, t } = await setup([{ platform: 'x' }]);
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'x' }], schedule: { mode: 'at', at: FUTURE } }));
    const entryId = post.entries[0]!.id;
    withDb(t.dataDir, (db) => {
      const ins = db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, http_status, message) VALUES (@e, 'k', @s, @end, @o, @h, @m)");
      ins.run({ e: entryId, s: 2000, end: 2500, o: 'published', h: 201, m: null });
      ins.run({ e: entryId, s: 1000, end: 1500, o: 'transient', h: 503, m: 'unavailable' });
    });
    const got = value(await core.invoke('posts:get', { id: post.id }));
    expect(got.entries[0]!.attempts).toEqual([
      { startedAt: new Date(1000).toISOString(), endedAt: new Date(1500).toISOString(), outcome: 'transient', httpStatus: 503, message: 'unavailable' },
      { startedAt: new Date(2000).toISOString(), endedAt: new Date(2500).toISOString(), outcome: 'published', httpStatus: 201, message: null },
    ]);
  });
});

describe('accounts added later', () => {
  it('an account inserted after start is a valid target at once', async () => {
    const { core, t } = await setup([]);
    const [id] = insertAccounts(t.dataDir, [{ platform: 'telegram' }]);
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'hi' }], targets: [{ accountId: id! }], schedule: { mode: 'at', at: FUTURE } }));
    expect(post.entries[0]!.contentType).toBe('telegram_message');
  });
});

void MB;
