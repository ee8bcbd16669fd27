import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertAccounts } from '../../../../test/support/accounts-fixture';
import { tempDir } from '../../../../test/support/core';
import { openDatabase, type Db } from '../db/database';
import { loadMigrations, migrate } from '../db/migrate';
import { createEventBus } from '../events';
import { ManualClock } from '../ports/doubles';
import { createPostsService, ftsQuery } from './posts.service';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

function service() {
  const dir = tempDir();
  const db: Db = openDatabase(join(dir.dir, 'outbox.db'));
  cleanup.push(dir.remove, () => db.close());
  migrate(db, loadMigrations());
  const clock = new ManualClock('2026-01-01T12:00:00Z');
  const posts = createPostsService({ db, clock, bus: createEventBus() });
  insertAccounts(dir.dir, [{ platform: 'x' }]);
  return { posts, clock };
}

describe('schedule mode queue', () => {
  it('without queue slots is a validation error on schedule', () => {
    const { posts } = service();
    expect(() => posts.create({ parts: [{ text: 'q', media: [] }], labelIds: [], schedule: { mode: 'queue' } })).toThrowError(/no queue slots are set/);
  });

  it('with the engine resolver, the post is scheduled at the next free slot', () => {
    const { posts, clock } = service();
    const asked: number[] = [];
    posts.setQueueSlotResolver((now) => {
      asked.push(now);
      return Date.parse('2026-01-02T09:00:00Z');
    });
    const { post } = posts.create({ parts: [{ text: 'q', media: [] }], labelIds: [], schedule: { mode: 'queue' } });
    expect(post.status).toBe('scheduled');
    expect(post.scheduledAt).toBe('2026-01-02T09:00:00.000Z');
    expect(asked).toEqual([clock.now()]);
  });

  it('a resolver with no free slot is a validation error on schedule', () => {
    const { posts } = service();
    posts.setQueueSlotResolver(() => null);
    try {
      posts.create({ parts: [{ text: 'q', media: [] }], labelIds: [], schedule: { mode: 'queue' } });
      expect.unreachable();
    } catch (error) {
      expect((error as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('schedule');
    }
  });
});

describe('ftsQuery', () => {
  it('quotes every word as a prefix term so FTS5 operators are plain text', () => {
    expect(ftsQuery('launch OR "day"')).toBe('"launch"* "OR"* "day"*');
    expect(ftsQuery('NEAR(x, y)')).toBe('"NEAR"* "x"* "y"*');
    expect(ftsQuery('!!! ---')).toBeNull();
  });
});
