import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/core';
import { openDatabase } from '../db/database';
import { loadMigrations, migrate } from '../db/migrate';
import { createPostStore } from './post-store.repo';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

it('migration 0016 gives the posts that existed before it their calendar moment, searches included', () => {
  const dir = tempDir();
  const db = openDatabase(join(dir.dir, 'outbox.db'));
  cleanup.push(dir.remove, () => db.close());
  const all = loadMigrations();
  migrate(db, all.filter((m) => m.version < 16));
  const post = db.prepare('INSERT INTO posts (id, status, scheduled_at, parts, created_at, updated_at, published_at) VALUES (@id, @status, @at, @parts, 0, 0, @published)');
  post.run({ id: 'planned', status: 'scheduled', at: 5_000, parts: '[{"text":"planned kettle","media":[]}]', published: null });
  post.run({ id: 'sent', status: 'published', at: null, parts: '[{"text":"sent kettle","media":[]}]', published: 7_000 });
  post.run({ id: 'draft', status: 'draft', at: null, parts: '[{"text":"draft kettle","media":[]}]', published: null });
  migrate(db, all);

  const store = createPostStore(db);
  const ids = (f: Partial<Parameters<typeof store.list>[0]>) => store.list({ limit: 10, offset: 0, ...f })!.posts.map((p) => p.id);
  expect(Object.fromEntries(['planned', 'sent', 'draft'].map((id) => [id, store.get(id)!.calendarAt]))).toEqual({
    planned: new Date(5_000).toISOString(),
    sent: new Date(7_000).toISOString(),
    draft: null,
  });
  // The calendar's range reads the moment, with and without a search (post_search was backfilled).
  expect(ids({ from: 0, to: 10_000 }).sort()).toEqual(['planned', 'sent']);
  expect(ids({ from: 6_000, to: 10_000, match: '"kettle"*' })).toEqual(['sent']);
  // Triggers keep the mirror in step afterwards: publishing by hand moves the moment.
  store.preparePublish('planned', 9_000);
  expect(ids({ from: 8_000, to: 10_000, match: '"planned"*' })).toEqual(['planned']);
});
