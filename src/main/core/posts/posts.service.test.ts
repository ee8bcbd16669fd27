import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertAccounts } from '../../../../test/support/accounts-fixture';
import { tempDir } from '../../../../test/support/core';
import { openDatabase, type Db } from '../db/database';
import { loadMigrations, migrate } from '../db/migrate';
import { createAccountsRepo } from '../accounts/accounts.repo';
import { createEventBus } from '../events';
import { createLabelsRepo } from '../labels/labels.repo';
import { createMediaRepo } from '../media/media.repo';
import { ManualClock } from '../ports/doubles';
import { createSettingsService } from '../settings/settings.service';
import { createPostStore } from './post-store.repo';
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
  const settings = createSettingsService(db, () => {});
  const published: string[] = [];
  const store = createPostStore(db);
  const posts = createPostsService({
    store,
    accounts: createAccountsRepo(db),
    media: createMediaRepo(db),
    labels: createLabelsRepo(db),
    settings,
    clock,
    bus: createEventBus(),
    publisher: { publishNow: (id) => void published.push(id) },
  });
  insertAccounts(dir.dir, [{ platform: 'x' }]);
  return { posts, clock, settings, published };
}

describe('schedule mode queue', () => {
  it('without queue slots is a validation error on schedule', () => {
    const { posts, settings } = service();
    settings.update({ queueSlots: [] });
    expect(() => posts.create({ parts: [{ text: 'q', media: [] }], labelIds: [], schedule: { mode: 'queue' } })).toThrowError(/no queue slots are set/);
  });

  it('takes the next free weekly slot in the creator\'s zone, skipping taken ones', () => {
    const { posts, settings } = service();
    settings.update({ timeZone: 'Europe/Berlin', queueSlots: [{ day: 'fri', time: '09:00' }, { day: 'fri', time: '17:00' }] });
    // 2026-01-01 is a Thursday; Friday 09:00 in Berlin is 08:00 UTC.
    const first = posts.create({ parts: [{ text: 'q1', media: [] }], labelIds: [], schedule: { mode: 'queue' } }).post;
    const second = posts.create({ parts: [{ text: 'q2', media: [] }], labelIds: [], schedule: { mode: 'queue' } }).post;
    expect([first.status, first.scheduledAt]).toEqual(['scheduled', '2026-01-02T08:00:00.000Z']);
    expect(second.scheduledAt).toBe('2026-01-02T16:00:00.000Z');
    expect(posts.nextSlots(2)).toEqual(['2026-01-09T08:00:00.000Z', '2026-01-09T16:00:00.000Z']);
  });

  it('a draft moves into the queue with update { queue: true }, and queue with scheduledAt is refused', () => {
    const { posts, settings } = service();
    settings.update({ timeZone: 'UTC', queueSlots: [{ day: 'fri', time: '09:00' }] });
    const draft = posts.create({ parts: [{ text: 'later', media: [] }], labelIds: [], schedule: { mode: 'draft' } }).post;
    expect(() => posts.update({ id: draft.id, queue: true, scheduledAt: '2026-03-01T00:00:00Z' })).toThrowError(/either scheduledAt or queue/);
    const { post } = posts.update({ id: draft.id, queue: true });
    expect([post.status, post.scheduledAt]).toEqual(['scheduled', '2026-01-02T09:00:00.000Z']);
  });

  it('publish now goes through the engine entry point, from create and from publish', () => {
    const { posts, published } = service();
    const now = posts.create({ parts: [{ text: 'now', media: [] }], labelIds: [], schedule: { mode: 'now' } }).post;
    const draft = posts.create({ parts: [{ text: 'draft', media: [] }], labelIds: [], schedule: { mode: 'draft' } }).post;
    posts.publish(draft.id);
    expect(published).toEqual([now.id, draft.id]);
  });
});

describe('ftsQuery', () => {
  it('quotes every word as a prefix term so FTS5 operators are plain text', () => {
    expect(ftsQuery('launch OR "day"')).toBe('"launch"* "OR"* "day"*');
    expect(ftsQuery('NEAR(x, y)')).toBe('"NEAR"* "x"* "y"*');
    expect(ftsQuery('!!! ---')).toBeNull();
  });
});
