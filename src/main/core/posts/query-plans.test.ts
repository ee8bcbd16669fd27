import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/core';
import { openDatabase, type Db } from '../db/database';
import { loadMigrations, migrate } from '../db/migrate';
import { createPostStore } from './post-store.repo';

// Without statistics (Outbox never runs ANALYZE) SQLite weighs every one-column equality alike,
// and picked `entries_by_due (status=?)` for the entries of each post in a loop over posts: every
// pending entry of the database read once per scheduled post. With 100,000 posts the engine's
// first arm never finished. The plans do not depend on the data (no statistics), so a fresh
// database shows them; this keeps every statement of the store off that path.

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

/** A migrated database in a temp folder, removed after the test. */
function freshDb(): Db {
  const dir = tempDir();
  const db = openDatabase(join(dir.dir, 'outbox.db'));
  cleanup.push(dir.remove, () => db.close());
  migrate(db, loadMigrations());
  return db;
}

/** A post store over `db` that records every statement it prepares. */
function spiedStore(db: Db): { store: ReturnType<typeof createPostStore>; sql: string[] } {
  const sql: string[] = [];
  const prepare = db.prepare.bind(db);
  const spy = Object.create(db) as Db;
  spy.prepare = ((source: string) => {
    sql.push(source);
    return prepare(source);
  }) as Db['prepare'];
  return { store: createPostStore(spy), sql };
}

function storeStatements(db: Db): string[] {
  const { store, sql } = spiedStore(db);
  // The list statements are built per filter: one of each shape.
  for (const view of [undefined, 'upcoming', 'drafts', 'published', 'failed', 'all'] as const) {
    store.list({ limit: 10, offset: 0, view, from: 0, to: 1, labelId: 'l', accountId: 'a', status: 'scheduled', overdue: false });
    store.list({ limit: 10, offset: 0, view, match: '"x"*' });
  }
  store.calendar(0, 1);
  return sql;
}

function planOf(db: Db, sql: string): string[] {
  const params: Record<string, unknown> = {};
  for (const [, name] of sql.matchAll(/@(\w+)/g)) params[name!] = /ids|platforms|accounts/.test(name!) ? '[]' : 1;
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
}

it('no statement reads the entries of each post through the status index (one scan of all pending entries per post)', () => {
  const db = freshDb();
  const statements = storeStatements(db);
  expect(statements.length).toBeGreaterThan(50);
  const bad: string[] = [];
  for (const sql of statements) {
    const plan = planOf(db, sql);
    const postsLoop = plan.findIndex((line) => /^(SCAN|SEARCH) (p|posts)\b/.test(line));
    const byStatus = plan.findIndex((line) => /^SEARCH (e|entries)\b.*entries_by_due \(status=\?\)/.test(line));
    if (postsLoop >= 0 && byStatus > postsLoop) bad.push(`${sql.replace(/\s+/g, ' ').slice(0, 140)}\n    ${plan.join(' | ')}`);
  }
  expect(bad).toEqual([]);
});

it('the engine finds its next moment from indexes, whatever the number of posts', () => {
  const db = freshDb();
  const statements = storeStatements(db);
  const nextRemote = statements.find((s) => s.includes('SELECT MIN(at) AS at FROM ('))!;
  // The hand-off part's next check starts from the few entries with a check time (a partial index), not from every scheduled post.
  expect(planOf(db, nextRemote).join(' | ')).toMatch(/SEARCH e USING INDEX entries_by_remote_check/);
  const runnable = statements.find((s) => s.includes("p.status = 'publishing'") && s.includes('ORDER BY COALESCE(e.next_attempt_at, 0)'))!;
  expect(planOf(db, runnable).join(' | ')).toMatch(/SEARCH e USING INDEX entries_by_post \(post_id=\?\)/);
});

it('the All tab walks an index in its order, first page and later ones alike (no sort of every post per page)', () => {
  const db = freshDb();
  const { store, sql } = spiedStore(db);
  store.list({ limit: 10, offset: 0, view: 'all' });
  // A later page: its cursor names the order and the last row's keys (moment, rowid).
  store.list({ limit: 10, offset: 0, view: 'all', after: Buffer.from(JSON.stringify(['all', 5, 3])).toString('base64url') });
  const pages = sql.filter((s) => s.includes('ORDER BY COALESCE(p.calendar_at, p.updated_at) DESC'));
  expect(pages).toHaveLength(2);
  for (const page of pages) {
    const plan = planOf(db, page).join(' | ');
    expect(plan).toMatch(/(SCAN|SEARCH) p USING INDEX posts_by_moment/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  }
});
