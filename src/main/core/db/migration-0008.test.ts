import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/core';
import { openDatabase } from './database';
import { loadMigrations, migrate } from './migrate';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

// 0008 rebuilds entries and attempts (wider CHECKs for hand-off): every row, id and link survives,
// the search and webhook triggers that read entries still work, and foreign keys still cascade.
it('migration 0008 keeps every entry and attempt, the search over text overrides and the triggers', () => {
  const dir = tempDir();
  const db = openDatabase(join(dir.dir, 'outbox.db'));
  cleanup.push(dir.remove, () => db.close());
  const all = loadMigrations();
  migrate(db, all.filter((m) => m.version <= 7));
  db.prepare("INSERT INTO accounts (id, platform, platform_user_id, handle, created_at, updated_at) VALUES ('a', 'mastodon', 'u', 'h', 0, 0)").run();
  db.prepare(`INSERT INTO posts (id, status, parts, created_at, updated_at) VALUES ('p1', 'publishing', '[{"text":"ancient kettle","media":[]}]', 0, 0)`).run();
  db.prepare(
    `INSERT INTO entries (id, post_id, account_id, platform, content_type, status, text_override, settings, attempt_key, attempt_count, progress, position)
     VALUES ('e1', 'p1', 'a', 'mastodon', 'mastodon_post', 'published', 'overridden teapot', '{"visibility":"unlisted"}', 'k1', 2, '{"parts":[]}', 3)`,
  ).run();
  db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, http_status, message) VALUES ('e1', 'k1', 5, 6, 'transient', 502, 'Bad Gateway')").run();
  db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, http_status, message) VALUES ('e1', 'k1', 7, 8, 'published', 200, NULL)").run();
  const entriesBefore = db.prepare('SELECT * FROM entries').all();
  const attemptsBefore = db.prepare('SELECT * FROM attempts ORDER BY id').all();

  migrate(db, all.filter((m) => m.version <= 8));

  const entriesAfter = db.prepare('SELECT * FROM entries').all() as Array<Record<string, unknown>>;
  expect(entriesAfter).toEqual(
    (entriesBefore as Array<Record<string, unknown>>).map((e) => ({ ...e, hand_off: 'auto', remote_id: null, remote_at: null, remote_hash: null, remote_note: null, remote_check_at: null })),
  );
  expect(db.prepare('SELECT * FROM attempts ORDER BY id').all()).toEqual(attemptsBefore);
  expect((db.prepare("SELECT hand_off FROM accounts WHERE id = 'a'").get() as { hand_off: number }).hand_off).toBe(1);

  // The new states are accepted now.
  db.prepare("UPDATE entries SET status = 'handed_off' WHERE id = 'e1'").run();
  db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, outcome) VALUES ('e1', 'k2', 9, 'handed_off')").run();
  db.prepare("UPDATE entries SET status = 'published' WHERE id = 'e1'").run();

  // Search triggers on entries came back with the table.
  const search = (q: string) => (db.prepare('SELECT ps.post_id FROM posts_fts f JOIN post_search ps ON ps.id = f.rowid WHERE posts_fts MATCH @q').all({ q }) as Array<{ post_id: string }>).map((r) => r.post_id);
  expect(search('teapot')).toEqual(['p1']);
  db.prepare("UPDATE entries SET text_override = 'brand new words' WHERE id = 'e1'").run();
  expect(search('teapot')).toEqual([]);
  expect(search('brand')).toEqual(['p1']);

  // The webhook trigger (0007) reads entries: a final status still records its event.
  db.prepare("UPDATE posts SET status = 'published', published_at = 10 WHERE id = 'p1'").run();
  expect((db.prepare("SELECT count(*) AS n FROM webhook_events WHERE type = 'post.published'").get() as { n: number }).n).toBe(1);

  // Later migrations run over it as they would on a creator's machine.
  migrate(db, all);

  // Foreign keys are back on and still cascade.
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  db.prepare("DELETE FROM posts WHERE id = 'p1'").run();
  expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: 0 });
  expect(db.prepare('SELECT count(*) AS n FROM attempts').get()).toEqual({ n: 0 });
});
