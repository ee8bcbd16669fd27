// The Posts lists as SQL: each tab's filter and order, keyset cursors, and the statements a page
// and its count run (the store prepares and runs them; see listPage in post-store.repo.ts).
import type { ListFilter, ListView, SortKey } from './records';

/**
 * Where a list starts after the row with key values `values` (keyset paging), for keys sorted
 * as `keys` say: SQLite sorts NULL first ascending and last descending, so a NULL key value
 * changes the comparison (the statement is built per pattern of NULLs). The first key also
 * bounds the range, so an index on it seeks instead of scanning.
 */
export function afterClause(keys: SortKey[], values: unknown[]): string {
  const clause = (i: number): string => {
    const k = keys[i]!;
    const v = `@k${i}`;
    const isNull = values[i] === null;
    let gt: string;
    let eq: string;
    if (!k.desc) {
      gt = isNull ? `${k.sql} IS NOT NULL` : `${k.sql} > ${v}`;
      eq = isNull ? `${k.sql} IS NULL` : `${k.sql} = ${v}`;
    } else {
      gt = isNull ? '0' : k.nullable ? `(${k.sql} < ${v} OR ${k.sql} IS NULL)` : `${k.sql} < ${v}`;
      eq = isNull ? `${k.sql} IS NULL` : `${k.sql} = ${v}`;
    }
    return i === keys.length - 1 ? gt : `(${gt} OR (${eq} AND ${clause(i + 1)}))`;
  };
  const first = keys[0]!;
  const bound = values[0] === null ? null : first.desc ? (first.nullable ? null : `${first.sql} <= @k0`) : `${first.sql} >= @k0`;
  return bound ? `${bound} AND ${clause(0)}` : clause(0);
}

export const orderBy = (keys: SortKey[]) => keys.map((k) => `${k.sql}${k.desc ? ' DESC' : ''}`).join(', ');
export const keyColumns = (keys: SortKey[]) => keys.map((k, i) => `${k.sql} AS k${i}`).join(', ');

/** A list's shape: its order (named, for cursors), keys, and how to build its statements. */
export interface ListShape {
  order: string;
  keys: SortKey[];
  /** The page statement, with an extra WHERE term for keyset paging. */
  page(after: string | null): string;
  count: string;
}

/** A tab of the Posts view: its statuses and order, over posts (a search narrows it by id). */
export function viewShape(f: ListFilter & { view: ListView }): ListShape {
  const where: string[] = [];
  if (f.match !== undefined) where.push('p.id IN (SELECT ps.post_id FROM posts_fts f JOIN post_search ps ON ps.id = f.rowid WHERE posts_fts MATCH @match)');
  const statuses: Record<ListView, string | null> = {
    // Missed posts wait for the creator in their own list, not among what is coming.
    upcoming: "p.status IN ('scheduled', 'publishing') AND p.overdue = 0",
    drafts: "p.status = 'draft'",
    published: "p.status IN ('published', 'partially_published')",
    failed: "p.status IN ('failed', 'partially_published')",
    all: null,
  };
  const statusOf = statuses[f.view];
  if (statusOf) where.push(statusOf);
  if (f.status !== undefined) where.push('p.status = @status');
  if (f.from !== undefined) where.push('p.calendar_at >= @from');
  if (f.to !== undefined) where.push('p.calendar_at < @to');
  if (f.overdue !== undefined) where.push(f.overdue ? 'p.overdue = 1' : 'p.overdue = 0');
  if (f.labelId !== undefined) where.push('EXISTS (SELECT 1 FROM post_labels pl WHERE pl.post_id = p.id AND pl.label_id = @labelId)');
  if (f.accountId !== undefined) where.push('EXISTS (SELECT 1 FROM entries e WHERE e.post_id = p.id AND e.account_id = @accountId)');
  // The latest failure of a post: its newest failed attempt (an edit afterwards is not news).
  const failedAt = `COALESCE((SELECT MAX(COALESCE(a.ended_at, a.started_at)) FROM entries e JOIN attempts a ON a.entry_id = e.id
    WHERE e.post_id = p.id AND +e.status = 'failed' AND a.outcome NOT IN ('published', 'handed_off', 'in_flight')), p.updated_at)`;
  const keys: Record<ListView, SortKey[]> = {
    upcoming: [{ sql: 'p.calendar_at', nullable: true }, { sql: 'p.created_at' }, { sql: 'p.rowid' }],
    drafts: [{ sql: 'p.updated_at', desc: true }, { sql: 'p.rowid', desc: true }],
    published: [{ sql: 'p.calendar_at', desc: true, nullable: true }, { sql: 'p.rowid', desc: true }],
    failed: [{ sql: failedAt, desc: true }, { sql: 'p.rowid', desc: true }],
    all: [{ sql: 'COALESCE(p.calendar_at, p.updated_at)', desc: true }, { sql: 'p.rowid', desc: true }],
  };
  const k = keys[f.view];
  const filter = (extra: string | null) => {
    const all = extra ? [...where, extra] : where;
    return all.length ? ` WHERE ${all.join(' AND ')}` : '';
  };
  return {
    order: f.view,
    keys: k,
    page: (after) => `SELECT p.*, ${keyColumns(k)} FROM posts p${filter(after)} ORDER BY ${orderBy(k)} LIMIT @limit OFFSET @offset`,
    count: `SELECT count(*) AS n FROM posts p${filter(null)}`,
  };
}

export function listShape(f: ListFilter): ListShape {
  if (f.view !== undefined) return viewShape({ ...f, view: f.view });
  // A search filters and sorts its matches on post_search (a small mirror of the columns it
  // needs, see migration 0003) and reads posts rows for one page only.
  const t = f.match !== undefined ? 'ps' : 'p';
  const where: string[] = [];
  if (f.match !== undefined) where.push('posts_fts MATCH @match');
  if (f.status !== undefined) where.push(`${t}.status = @status`);
  // A post's time on the calendar: when it was or will be published (migration 0016).
  if (f.from !== undefined) where.push(`${t}.calendar_at >= @from`);
  if (f.to !== undefined) where.push(`${t}.calendar_at < @to`);
  if (f.overdue !== undefined) where.push(f.overdue ? `${t}.overdue = 1` : `${t}.overdue = 0`);
  const postId = f.match !== undefined ? 'ps.post_id' : 'p.id';
  if (f.labelId !== undefined) where.push(`EXISTS (SELECT 1 FROM post_labels pl WHERE pl.post_id = ${postId} AND pl.label_id = @labelId)`);
  if (f.accountId !== undefined) where.push(`EXISTS (SELECT 1 FROM entries e WHERE e.post_id = ${postId} AND e.account_id = @accountId)`);
  const filter = (extra: string | null) => {
    const all = extra ? [...where, extra] : where;
    return all.length ? ` WHERE ${all.join(' AND ')}` : '';
  };
  // Posts without a time (drafts) sort first, as SQLite sorts NULL; the rowid tie-break keeps
  // the order total and lets the (scheduled_at, created_at) index give it without sorting.
  if (f.match !== undefined) {
    const from = 'posts_fts f JOIN post_search ps ON ps.id = f.rowid';
    const keys: SortKey[] = [{ sql: 'ps.scheduled_at', nullable: true }, { sql: 'ps.created_at' }, { sql: 'ps.id' }];
    return {
      order: 'search',
      keys,
      page: (after) =>
        `SELECT p.*, s.k0, s.k1, s.k2 FROM (SELECT ps.post_id, ${keyColumns(keys)} FROM ${from}${filter(after)}
           ORDER BY ${orderBy(keys)} LIMIT @limit OFFSET @offset) s
         JOIN posts p ON p.id = s.post_id ORDER BY s.k0, s.k1, s.k2`,
      count: `SELECT count(*) AS n FROM ${from}${filter(null)}`,
    };
  }
  // One entry per account and post (UNIQUE (post_id, account_id)): counting an account's
  // entries counts its posts, from the account index instead of a scan of every post.
  const keys: SortKey[] = [{ sql: 'p.scheduled_at', nullable: true }, { sql: 'p.created_at' }, { sql: 'p.rowid' }];
  return {
    order: 'time',
    keys,
    page: (after) => `SELECT p.*, ${keyColumns(keys)} FROM posts p${filter(after)} ORDER BY ${orderBy(keys)} LIMIT @limit OFFSET @offset`,
    count: where.length === 1 && f.accountId !== undefined ? 'SELECT count(*) AS n FROM entries WHERE account_id = @accountId' : `SELECT count(*) AS n FROM posts p${filter(null)}`,
  };
}


/** A cursor: the list's order and the last row's sort keys, opaque to callers. */
export const encodeCursor = (order: string, values: unknown[]) => Buffer.from(JSON.stringify([order, ...values])).toString('base64url');
export function decodeCursor(cursor: string, shape: ListShape): unknown[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed[0] !== shape.order || parsed.length !== shape.keys.length + 1) return null;
  const values = parsed.slice(1);
  const fits = values.every((v, i) => typeof v === 'number' || typeof v === 'string' || (v === null && shape.keys[i]!.nullable === true));
  return fits ? values : null;
}

export function listParams(f: ListFilter) {
  const out: Record<string, unknown> = { limit: f.limit, offset: f.offset };
  for (const k of ['match', 'status', 'from', 'to', 'labelId', 'accountId'] as const) if (f[k] !== undefined) out[k] = f[k];
  return out;
}
