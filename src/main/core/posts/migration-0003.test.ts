import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/core';
import { openDatabase } from '../db/database';
import { loadMigrations, migrate } from '../db/migrate';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

it('migration 0003 indexes the posts and text overrides that existed before it', () => {
  const dir = tempDir();
  const db = openDatabase(join(dir.dir, 'outbox.db'));
  cleanup.push(dir.remove, () => db.close());
  const all = loadMigrations();
  migrate(db, all.filter((m) => m.version <= 2));
  db.prepare("INSERT INTO accounts (id, platform, platform_user_id, handle, created_at, updated_at) VALUES ('a', 'x', 'u', 'h', 0, 0)").run();
  db.prepare(`INSERT INTO posts (id, status, parts, created_at, updated_at) VALUES ('p1', 'draft', '[{"text":"ancient kettle","media":[]}]', 0, 0)`).run();
  db.prepare(`INSERT INTO posts (id, status, parts, created_at, updated_at) VALUES ('p2', 'draft', '[{"text":"other","media":[]}]', 0, 0)`).run();
  db.prepare("INSERT INTO entries (id, post_id, account_id, platform, content_type, text_override) VALUES ('e', 'p2', 'a', 'x', 'x_post', 'overridden teapot')").run();
  migrate(db, all.filter((m) => m.version <= 3));
  const search = (q: string) => (db.prepare('SELECT ps.post_id FROM posts_fts f JOIN post_search ps ON ps.id = f.rowid WHERE posts_fts MATCH @q').all({ q }) as Array<{ post_id: string }>).map((r) => r.post_id);
  expect(search('kettle')).toEqual(['p1']);
  expect(search('teapot')).toEqual(['p2']);
  expect(search('other')).toEqual(['p2']);
});
