import type { Attempt, EntryStatus, PlatformEntry, PlatformId, Post, PostPart, PostStatus, Repeat } from '../../../shared/domain';
import type { Db } from '../db/database';
import { parseJson } from '../db/json';

/** A `posts` row. */
export interface PostRow {
  id: string;
  status: PostStatus;
  scheduled_at: number | null;
  parts: string;
  repeat: string | null;
  overdue: number;
  created_at: number;
  updated_at: number;
  published_at: number | null;
}

/** An `entries` row, as far as posts read and write it. */
export interface EntryRow {
  id: string;
  post_id: string;
  account_id: string | null;
  platform: string;
  content_type: string;
  enabled: number;
  status: EntryStatus;
  platform_post_id: string | null;
  platform_url: string | null;
  error_message: string | null;
  settings: string;
  text_override: string | null;
  position: number;
}

interface AttemptRow {
  entry_id: string;
  started_at: number;
  ended_at: number | null;
  outcome: Attempt['outcome'];
  http_status: number | null;
  message: string | null;
}

/** An account as posts need it: platform, whether it is used by default, its limits. */
export interface AccountFacts {
  id: string;
  platform: PlatformId;
  active: boolean;
  meta: Record<string, unknown>;
}

/** A media row as validation needs it. */
export interface MediaFactsRow {
  id: string;
  kind: 'image' | 'video';
  mime: string;
  bytes: number;
  duration_ms: number | null;
  original_name: string;
}

/** posts:list filters, times in UTC ms. */
export interface ListFilter {
  status?: PostStatus | undefined;
  labelId?: string | undefined;
  accountId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** An FTS5 MATCH expression (already made safe). */
  match?: string | undefined;
  overdue?: boolean | undefined;
  limit: number;
  offset: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** SQL for posts, entries, their labels and attempts. */
export function createPostsRepo(db: Db) {
  const s = {
    post: db.prepare('SELECT * FROM posts WHERE id = @id'),
    insertPost: db.prepare(
      `INSERT INTO posts (id, status, scheduled_at, parts, repeat, overdue, created_at, updated_at, published_at)
       VALUES (@id, @status, @scheduled_at, @parts, @repeat, @overdue, @created_at, @updated_at, @published_at)`,
    ),
    updatePost: db.prepare(
      `UPDATE posts SET status = @status, scheduled_at = @scheduled_at, parts = @parts, repeat = @repeat, overdue = @overdue, updated_at = @updated_at
       WHERE id = @id`,
    ),
    touchPost: db.prepare('UPDATE posts SET updated_at = @updated_at WHERE id = @id'),
    deletePost: db.prepare('DELETE FROM posts WHERE id = @id'),
    entriesOf: db.prepare('SELECT * FROM entries WHERE post_id = @postId ORDER BY position, id'),
    insertEntry: db.prepare(
      `INSERT INTO entries (id, post_id, account_id, platform, content_type, enabled, status, settings, text_override, position)
       VALUES (@id, @post_id, @account_id, @platform, @content_type, @enabled, @status, @settings, @text_override, @position)`,
    ),
    updateEntry: db.prepare(
      `UPDATE entries SET content_type = @content_type, enabled = @enabled, settings = @settings, text_override = @text_override, position = @position
       WHERE id = @id`,
    ),
    // A failed entry goes back to the queue when its post is rescheduled.
    resetEntry: db.prepare(
      `UPDATE entries SET status = 'pending', error_message = NULL, attempt_key = NULL, attempt_count = 0, next_attempt_at = NULL
       WHERE id = @id AND status = 'failed'`,
    ),
    deleteEntry: db.prepare('DELETE FROM entries WHERE id = @id'),
    deleteLabels: db.prepare('DELETE FROM post_labels WHERE post_id = @postId'),
    insertLabel: db.prepare('INSERT OR IGNORE INTO post_labels (post_id, label_id) VALUES (@postId, @labelId)'),
    // Only the columns a Post shows: building row objects is most of a page's cost.
    entriesFor: db.prepare(
      `SELECT id, post_id, account_id, platform, content_type, enabled, status, platform_post_id, platform_url, error_message, settings, text_override, position
       FROM entries WHERE post_id IN (SELECT value FROM json_each(@ids)) ORDER BY post_id, position, id`,
    ),
    labelsFor: db.prepare(
      `SELECT pl.post_id, pl.label_id FROM post_labels pl JOIN labels l ON l.id = pl.label_id
       WHERE pl.post_id IN (SELECT value FROM json_each(@ids)) ORDER BY l.name COLLATE NOCASE`,
    ),
    attemptsFor: db.prepare(
      `SELECT entry_id, started_at, ended_at, outcome, http_status, message FROM attempts
       WHERE entry_id IN (SELECT value FROM json_each(@ids)) ORDER BY entry_id, started_at, id`,
    ),
    postsByIds: db.prepare('SELECT * FROM posts WHERE id IN (SELECT value FROM json_each(@ids))'),
    accounts: db.prepare('SELECT id, platform, active, meta FROM accounts WHERE id IN (SELECT value FROM json_each(@ids))'),
    activeAccounts: db.prepare('SELECT id, platform, active, meta FROM accounts WHERE active = 1 ORDER BY created_at, id'),
    labelIds: db.prepare('SELECT id FROM labels WHERE id IN (SELECT value FROM json_each(@ids))'),
    media: db.prepare('SELECT id, kind, mime, bytes, duration_ms, original_name FROM media WHERE id IN (SELECT value FROM json_each(@ids))'),
  };
  const listCache = new Map<string, { page: ReturnType<Db['prepare']>; count: ReturnType<Db['prepare']> }>();

  function toAccount(row: { id: string; platform: string; active: number; meta: string }): AccountFacts {
    return { id: row.id, platform: row.platform as PlatformId, active: row.active === 1, meta: parseJson<Record<string, unknown>>(row.meta, {}) };
  }

  /** Turns rows into Posts with three batched queries (entries, labels, attempts), never one per post. */
  function hydrate(rows: PostRow[]): Post[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const entries = s.entriesFor.all({ ids }) as EntryRow[];
    const labels = s.labelsFor.all({ ids }) as Array<{ post_id: string; label_id: string }>;
    const attempts = entries.length === 0 ? [] : (s.attemptsFor.all({ ids: JSON.stringify(entries.map((e) => e.id)) }) as AttemptRow[]);

    const attemptsByEntry = new Map<string, Attempt[]>();
    for (const a of attempts) {
      let list = attemptsByEntry.get(a.entry_id);
      if (!list) attemptsByEntry.set(a.entry_id, (list = []));
      list.push({ startedAt: iso(a.started_at)!, endedAt: iso(a.ended_at), outcome: a.outcome, httpStatus: a.http_status, message: a.message });
    }
    const entriesByPost = new Map<string, PlatformEntry[]>();
    for (const e of entries) {
      let list = entriesByPost.get(e.post_id);
      if (!list) entriesByPost.set(e.post_id, (list = []));
      list.push({
        id: e.id,
        accountId: e.account_id,
        platform: e.platform as PlatformId,
        contentType: e.content_type,
        enabled: e.enabled === 1,
        status: e.status,
        platformPostId: e.platform_post_id,
        platformUrl: e.platform_url,
        errorMessage: e.error_message,
        settings: parseJson<Record<string, unknown>>(e.settings, {}),
        textOverride: e.text_override,
        attempts: attemptsByEntry.get(e.id) ?? [],
      });
    }
    const labelsByPost = new Map<string, string[]>();
    for (const l of labels) {
      let list = labelsByPost.get(l.post_id);
      if (!list) labelsByPost.set(l.post_id, (list = []));
      list.push(l.label_id);
    }
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      scheduledAt: iso(r.scheduled_at),
      parts: parseJson<PostPart[]>(r.parts, []),
      labelIds: labelsByPost.get(r.id) ?? [],
      entries: entriesByPost.get(r.id) ?? [],
      repeat: parseJson<Repeat | null>(r.repeat, null),
      overdue: r.overdue === 1,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
      publishedAt: iso(r.published_at),
    }));
  }

  function listStatements(f: ListFilter) {
    // A search filters and sorts its matches on post_search (a small mirror of the columns it
    // needs, see migration 0003) and reads posts rows for one page only.
    const t = f.match !== undefined ? 'ps' : 'p';
    const where: string[] = [];
    if (f.match !== undefined) where.push('posts_fts MATCH @match');
    if (f.status !== undefined) where.push(`${t}.status = @status`);
    if (f.from !== undefined) where.push(`${t}.scheduled_at >= @from`);
    if (f.to !== undefined) where.push(`${t}.scheduled_at < @to`);
    if (f.overdue !== undefined) where.push(f.overdue ? `${t}.overdue = 1` : `${t}.overdue = 0`);
    const postId = f.match !== undefined ? 'ps.post_id' : 'p.id';
    if (f.labelId !== undefined) where.push(`EXISTS (SELECT 1 FROM post_labels pl WHERE pl.post_id = ${postId} AND pl.label_id = @labelId)`);
    if (f.accountId !== undefined) where.push(`EXISTS (SELECT 1 FROM entries e WHERE e.post_id = ${postId} AND e.account_id = @accountId)`);
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const key = `${t}${filter}`;
    let cached = listCache.get(key);
    if (!cached) {
      // Posts without a time (drafts) sort first, as SQLite sorts NULL; the rowid tie-break keeps
      // the order total and lets the (scheduled_at, created_at) index give it without sorting.
      if (f.match !== undefined) {
        const from = 'posts_fts f JOIN post_search ps ON ps.id = f.rowid';
        cached = {
          page: db.prepare(
            `SELECT p.* FROM (SELECT ps.post_id, ps.scheduled_at, ps.created_at, ps.id FROM ${from}${filter}
               ORDER BY ps.scheduled_at, ps.created_at, ps.id LIMIT @limit OFFSET @offset) s
             JOIN posts p ON p.id = s.post_id ORDER BY s.scheduled_at, s.created_at, s.id`,
          ),
          count: db.prepare(`SELECT count(*) AS n FROM ${from}${filter}`),
        };
      } else {
        // One entry per account and post (UNIQUE (post_id, account_id)): counting an account's
        // entries counts its posts, from the account index instead of a scan of every post.
        const countSql = where.length === 1 && f.accountId !== undefined ? 'SELECT count(*) AS n FROM entries WHERE account_id = @accountId' : `SELECT count(*) AS n FROM posts p${filter}`;
        cached = {
          page: db.prepare(`SELECT p.* FROM posts p${filter} ORDER BY p.scheduled_at, p.created_at, p.rowid LIMIT @limit OFFSET @offset`),
          count: db.prepare(countSql),
        };
      }
      listCache.set(key, cached);
    }
    return cached;
  }

  function params(f: ListFilter) {
    const out: Record<string, unknown> = { limit: f.limit, offset: f.offset };
    if (f.match !== undefined) out.match = f.match;
    if (f.status !== undefined) out.status = f.status;
    if (f.from !== undefined) out.from = f.from;
    if (f.to !== undefined) out.to = f.to;
    if (f.labelId !== undefined) out.labelId = f.labelId;
    if (f.accountId !== undefined) out.accountId = f.accountId;
    return out;
  }

  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    getRow(id: string): PostRow | undefined {
      return s.post.get({ id }) as PostRow | undefined;
    },
    get(id: string): Post | undefined {
      const row = s.post.get({ id }) as PostRow | undefined;
      return row ? hydrate([row])[0] : undefined;
    },
    getMany(ids: string[]): Post[] {
      const rows = s.postsByIds.all({ ids: JSON.stringify(ids) }) as PostRow[];
      const order = new Map(ids.map((id, i) => [id, i]));
      return hydrate(rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!));
    },
    list(f: ListFilter): { posts: Post[]; total: number } {
      const { page, count } = listStatements(f);
      const p = params(f);
      const rows = page.all(p) as PostRow[];
      // The count only needs computing when the page does not already tell it.
      const total = rows.length < f.limit && (rows.length > 0 || f.offset === 0) ? f.offset + rows.length : (count.get(p) as { n: number }).n;
      return { posts: hydrate(rows), total };
    },
    insertPost(row: PostRow) {
      s.insertPost.run(row);
    },
    updatePost(row: Omit<PostRow, 'created_at' | 'published_at'>) {
      s.updatePost.run(row);
    },
    touch(id: string, at: number) {
      s.touchPost.run({ id, updated_at: at });
    },
    deletePost(id: string) {
      s.deletePost.run({ id });
    },
    entries(postId: string): EntryRow[] {
      return s.entriesOf.all({ postId }) as EntryRow[];
    },
    insertEntry(row: Pick<EntryRow, 'id' | 'post_id' | 'account_id' | 'platform' | 'content_type' | 'enabled' | 'status' | 'settings' | 'text_override' | 'position'>) {
      s.insertEntry.run(row);
    },
    updateEntry(row: Pick<EntryRow, 'id' | 'content_type' | 'enabled' | 'settings' | 'text_override' | 'position'>) {
      s.updateEntry.run(row);
    },
    resetFailedEntry(id: string) {
      s.resetEntry.run({ id });
    },
    deleteEntry(id: string) {
      s.deleteEntry.run({ id });
    },
    setLabels(postId: string, labelIds: string[]) {
      s.deleteLabels.run({ postId });
      for (const labelId of labelIds) s.insertLabel.run({ postId, labelId });
    },
    accounts(ids: string[]): AccountFacts[] {
      if (ids.length === 0) return [];
      return (s.accounts.all({ ids: JSON.stringify(ids) }) as Array<{ id: string; platform: string; active: number; meta: string }>).map(toAccount);
    },
    activeAccounts(): AccountFacts[] {
      return (s.activeAccounts.all() as Array<{ id: string; platform: string; active: number; meta: string }>).map(toAccount);
    },
    existingLabelIds(ids: string[]): Set<string> {
      if (ids.length === 0) return new Set();
      return new Set((s.labelIds.all({ ids: JSON.stringify(ids) }) as Array<{ id: string }>).map((r) => r.id));
    },
    media(ids: string[]): MediaFactsRow[] {
      if (ids.length === 0) return [];
      return s.media.all({ ids: JSON.stringify(ids) }) as MediaFactsRow[];
    },
  };
}

/** The posts repo. */
export type PostsRepo = ReturnType<typeof createPostsRepo>;
