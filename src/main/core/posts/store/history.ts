// Whole-database questions about the post aggregate, asked of backups and of the database a
// restore replaces: counts, what was sent, and carrying publish history into a restored database.
import type { PostStatus } from '../../../../shared/domain';
import type { Db } from '../../db/database';
import type { AttemptRow, EntryRow, PostRow } from './records';

// ---- Whole-database questions, asked of backups and of the database a restore replaces ----

/** What a database holds of the post aggregate (backups list these). */
export function countPostsIn(db: Db): { posts: number; scheduled: number } {
  return db.prepare("SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM posts WHERE status = 'scheduled') AS scheduled").get() as { posts: number; scheduled: number };
}

/** Scheduled posts whose time has passed (they follow the catch-up rules when the engine starts). */
export function countLatePostsIn(db: Db, now: number): number {
  return (db.prepare("SELECT count(*) AS n FROM posts WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at IS NOT NULL AND scheduled_at <= @now").get({ now }) as { n: number }).n;
}

/** One entry's publishing state in a database: what it did, and the post it belongs to. */
interface EntryHistory {
  entry: EntryRow;
  attempts: AttemptRow[];
  post: { status: PostStatus; publishedAt: number | null; repeatNextId: string | null };
}

/** One row of the sent log. */
interface SentRecord {
  postId: string;
  platformPostId: string | null;
  platformUrl: string | null;
  sentAt: number;
  accountId: string | null;
  platform: string;
}

/**
 * What one database knows was sent or attempted, looked up entry by entry (a restore asks only
 * about the entries its backup had not seen published). A damaged file may fail part-way:
 * `failed` then says the answers are incomplete.
 */
export interface PublishHistory {
  entry(id: string): EntryHistory | undefined;
  /** The sent log (migration 0009): published entries, even of posts deleted since. */
  sent(id: string): SentRecord | undefined;
  /** Copies its sent log into another database's (so a later restore still knows). */
  copySentLogInto(target: Db): void;
  readonly failed: boolean;
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name").get({ name }) !== undefined;
}

/** Opens a database's publishing history for lookups (the caller keeps `db` open while it asks). */
export function openPublishHistory(db: Db): PublishHistory {
  let failed = false;
  const guard = <T>(fn: () => T): T | undefined => {
    if (failed) return undefined;
    try {
      return fn();
    } catch {
      failed = true;
      return undefined;
    }
  };
  const statements = guard(() => ({
    entry: hasTable(db, 'entries')
      ? db.prepare(
          `SELECT e.*, p.status AS post_status, p.published_at AS post_published_at, p.repeat_next_id AS post_repeat_next_id
           FROM entries e JOIN posts p ON p.id = e.post_id WHERE e.id = @id`,
        )
      : null,
    attempts: hasTable(db, 'attempts') ? db.prepare('SELECT * FROM attempts WHERE entry_id = @entryId ORDER BY id') : null,
    sent: hasTable(db, 'sent_log') ? db.prepare('SELECT * FROM sent_log WHERE entry_id = @id') : null,
    allSent: hasTable(db, 'sent_log') ? db.prepare('SELECT * FROM sent_log') : null,
  }));
  type SentRow = { entry_id: string; post_id: string; account_id: string | null; platform: string; platform_post_id: string | null; platform_url: string | null; sent_at: number };
  return {
    get failed() {
      return failed || statements === undefined;
    },
    entry: (id) =>
      guard(() => {
        const r = statements?.entry?.get({ id }) as (EntryRow & { post_status: PostStatus; post_published_at: number | null; post_repeat_next_id: string | null }) | undefined;
        if (!r) return undefined;
        const { post_status, post_published_at, post_repeat_next_id, ...entry } = r;
        const attempts = (statements?.attempts?.all({ entryId: id }) ?? []) as AttemptRow[];
        // Nothing happened to it here beyond what any copy knows.
        if (entry.status === 'pending' && entry.attempt_count === 0 && attempts.length === 0) return undefined;
        return { entry, attempts, post: { status: post_status, publishedAt: post_published_at, repeatNextId: post_repeat_next_id } };
      }),
    sent: (id) =>
      guard(() => {
        const r = statements?.sent?.get({ id }) as SentRow | undefined;
        return r ? { postId: r.post_id, platformPostId: r.platform_post_id, platformUrl: r.platform_url, sentAt: r.sent_at, accountId: r.account_id, platform: r.platform } : undefined;
      }),
    copySentLogInto(target) {
      guard(() => {
        const insert = target.prepare(
          'INSERT OR IGNORE INTO sent_log (entry_id, post_id, account_id, platform, platform_post_id, platform_url, sent_at) VALUES (@entry_id, @post_id, @account_id, @platform, @platform_post_id, @platform_url, @sent_at)',
        );
        for (const r of (statements?.allSent?.iterate() ?? []) as Iterable<SentRow>) insert.run(r);
      });
    },
  };
}

const FINAL: PostStatus[] = ['published', 'partially_published', 'failed'];

/**
 * Brings what later databases know was sent into a restored one (one transaction), so a restore
 * never sends anything twice. `histories` go oldest first; later knowledge wins, except that a
 * published entry never goes back. For each entry of the restored database:
 * - a later database saw it leave `pending`: its state and attempts are carried over (a
 *   `publishing` entry with its open attempt is then reconciled by the engine's crash recovery);
 * - the sent log says it was published (its post was deleted since): it is marked published.
 * Posts whose entries moved are set `publishing` so the engine settles them at start (and sends
 * the entries that never left), or take the final state the later database recorded.
 * Returns how many entries changed and how many of them are published.
 */
export function applyPublishHistory(db: Db, histories: PublishHistory[]): { carriedOver: number; published: number } {
  const entries = db.prepare("SELECT * FROM entries WHERE status != 'published'").all() as EntryRow[];
  const setEntry = db.prepare(
    `UPDATE entries SET status = @status, platform_post_id = @platform_post_id, platform_url = @platform_url, error_message = @error_message,
       attempt_key = @attempt_key, attempt_count = @attempt_count, next_attempt_at = @next_attempt_at, progress = @progress,
       remote_id = @remote_id, remote_at = @remote_at, remote_hash = @remote_hash, remote_note = @remote_note, remote_check_at = @remote_check_at WHERE id = @id`,
  );
  const dropAttempts = db.prepare('DELETE FROM attempts WHERE entry_id = @entryId');
  const addAttempt = db.prepare(
    'INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, http_status, message) VALUES (@entry_id, @attempt_key, @started_at, @ended_at, @outcome, @http_status, @message)',
  );
  const markSent = db.prepare("UPDATE entries SET status = 'published', platform_post_id = @platformPostId, platform_url = @platformUrl, error_message = NULL, next_attempt_at = NULL WHERE id = @id");
  const postOf = db.prepare('SELECT * FROM posts WHERE id = @id');
  const countAttempts = db.prepare('SELECT count(*) AS n FROM attempts WHERE entry_id = @entryId');
  const postExists = db.prepare('SELECT 1 FROM posts WHERE id = @id');
  const setPost = db.prepare('UPDATE posts SET status = @status, published_at = @publishedAt, repeat_next_id = @repeatNextId, overdue = 0 WHERE id = @id');
  const toPublishing = db.prepare("UPDATE posts SET status = 'publishing', overdue = 0 WHERE id = @id");

  return db.transaction(() => {
    let carriedOver = 0;
    let published = 0;
    const touched = new Map<string, EntryHistory['post'] | null>();
    for (const e of entries) {
      let latest: EntryHistory | undefined;
      let sent: SentRecord | undefined;
      for (const h of histories) {
        const found = h.entry(e.id);
        // Later knowledge wins, but a published entry never goes back to unsent.
        if (found && !(latest?.entry.status === 'published' && found.entry.status !== 'published')) latest = found;
        sent = h.sent(e.id) ?? sent;
      }
      const attemptsHere = (countAttempts.get({ entryId: e.id }) as { n: number }).n;
      const moved = latest && (latest.entry.status !== e.status || latest.entry.attempt_key !== e.attempt_key || latest.attempts.length !== attemptsHere);
      if (latest && moved) {
        // A platform's hand-off comes over too (a later database may predate hand-off: nulls), checked at start.
        const handedOff = latest.entry.status === 'handed_off';
        const l = latest.entry as Partial<EntryRow>;
        setEntry.run({
          ...latest.entry,
          remote_id: l.remote_id ?? null,
          remote_at: l.remote_at ?? null,
          remote_hash: l.remote_hash ?? null,
          remote_note: l.remote_note ?? null,
          remote_check_at: handedOff ? 0 : null,
          id: e.id,
        });
        dropAttempts.run({ entryId: e.id });
        for (const a of latest.attempts) addAttempt.run({ ...a, entry_id: e.id });
        carriedOver++;
        if (latest.entry.status === 'published') published++;
        touched.set(e.post_id, latest.post);
      } else if (sent && latest?.entry.status !== 'published') {
        markSent.run({ id: e.id, platformPostId: sent.platformPostId, platformUrl: sent.platformUrl });
        carriedOver++;
        published++;
        if (!touched.has(e.post_id)) touched.set(e.post_id, null);
      }
    }
    for (const h of histories) h.copySentLogInto(db);
    for (const [postId, later] of touched) {
      const row = postOf.get({ id: postId }) as PostRow | undefined;
      if (!row) continue;
      const own = entryRows(postId).filter((x) => x.enabled === 1);
      const settled = own.every((x) => x.status === 'published' || x.status === 'failed');
      // Only handed off or still waiting: the post stays as scheduled; the platforms answer for theirs.
      if (!later?.status || later.status === 'scheduled') {
        if (row.status === 'scheduled' && own.every((x) => x.status === 'pending' || x.status === 'handed_off')) continue;
      }
      const nextKnown = later?.repeatNextId ? postExists.get({ id: later.repeatNextId }) !== undefined : true;
      if (later && FINAL.includes(later.status) && settled && nextKnown) setPost.run({ id: postId, status: later.status, publishedAt: later.publishedAt, repeatNextId: later.repeatNextId });
      // The engine settles it at start (creating a repeat's next occurrence) and sends what never left.
      else if (row.status !== 'publishing') toPublishing.run({ id: postId });
    }
    return { carriedOver, published };
  })();

  function entryRows(postId: string): EntryRow[] {
    return db.prepare('SELECT * FROM entries WHERE post_id = @postId').all({ postId }) as EntryRow[];
  }
}

/**
 * Holds scheduled posts due in `(from, to]` for the creator (overdue: they wait under Missed
 * instead of being caught up): after a restore from a damaged database, whether they went out
 * before the damage cannot be known. Returns how many.
 */
export function holdPostsDueBetween(db: Db, from: number, to: number): number {
  return db.prepare("UPDATE posts SET overdue = 1 WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at > @from AND scheduled_at <= @to").run({ from, to }).changes;
}
