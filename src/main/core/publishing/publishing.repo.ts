import { randomUUID } from 'node:crypto';
import type { Attempt, PlatformEntry, PlatformId, Repeat } from '../../../shared/domain';
import type { Db } from '../db/database';
import { parseJson } from '../db/json';
import type { PostRow as PostsRow } from '../posts/posts.repo';

/** An attempt log outcome (the attempts.outcome column). */
export type AttemptOutcome = Attempt['outcome'];

// The posts service's row shape, plus the column only the engine reads (migration 0004).
interface PostRow extends PostsRow {
  repeat_next_id: string | null;
}

interface EntryRow {
  id: string;
  post_id: string;
  account_id: string | null;
  platform: PlatformId;
  content_type: string;
  enabled: number;
  status: PlatformEntry['status'];
  platform_post_id: string | null;
  platform_url: string | null;
  error_message: string | null;
  settings: string;
  text_override: string | null;
  attempt_key: string | null;
  attempt_count: number;
  next_attempt_at: number | null;
  progress: string | null;
  position: number;
}

interface AccountRow {
  id: string;
  platform: PlatformId;
  platform_user_id: string;
  handle: string;
  instance_url: string;
  active: number;
  connection: 'connected' | 'disconnected' | 'token_expired';
  meta: string;
}

interface AttemptRow {
  id: number;
  entry_id: string;
  attempt_key: string;
  started_at: number;
  ended_at: number | null;
  outcome: AttemptOutcome;
  http_status: number | null;
  message: string | null;
}

interface MediaRow {
  id: string;
  kind: 'image' | 'video';
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  file: string;
  alt_text: string;
}

/** An entry the engine has claimed and will send (or reconcile). */
export interface ClaimedEntry {
  entryId: string;
  postId: string;
  /** The lane it runs in: one request at a time per account. */
  laneKey: string;
}

/** Everything one publish of one entry needs from the database. */
export interface EntryForPublish {
  entry: EntryRow;
  post: PostRow;
  account: AccountRow | null;
}

/** How a post settled, when it did. */
export interface Settlement {
  postId: string;
  status: 'published' | 'partially_published' | 'failed';
  /** The next occurrence of a repeating post, when one was created. */
  nextPostId: string | null;
  failures: Array<{ platform: PlatformId; message: string }>;
}

/** The outbox tables as the publishing engine reads and writes them. */
export function createPublishingRepo(db: Db) {
  // Plain function types keep better-sqlite3's Transaction type out of this module's exports.
  const tx = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) => db.transaction(fn) as unknown as (...args: A) => R;
  const s = {
    postById: db.prepare('SELECT * FROM posts WHERE id = @id'),
    entryById: db.prepare('SELECT * FROM entries WHERE id = @id'),
    accountById: db.prepare('SELECT id, platform, platform_user_id, handle, instance_url, active, connection, meta FROM accounts WHERE id = @id'),
    entriesOfPost: db.prepare('SELECT * FROM entries WHERE post_id = @postId ORDER BY position, id'),
    labelsOfPost: db.prepare('SELECT label_id FROM post_labels WHERE post_id = @postId ORDER BY label_id'),
    mediaById: db.prepare('SELECT id, kind, mime, bytes, width, height, duration_ms, file, alt_text FROM media WHERE id = @id'),

    dueScheduled: db.prepare(
      "SELECT id FROM posts WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at IS NOT NULL AND scheduled_at <= @now ORDER BY scheduled_at, created_at LIMIT @limit",
    ),
    postToPublishing: db.prepare("UPDATE posts SET status = 'publishing', published_at = NULL, updated_at = @now WHERE id = @id AND status = 'scheduled'"),
    freshenEntries: db.prepare(
      "UPDATE entries SET attempt_key = NULL, attempt_count = 0, next_attempt_at = NULL, progress = NULL, error_message = NULL WHERE post_id = @postId AND enabled = 1 AND status = 'pending'",
    ),
    // CROSS JOIN keeps SQLite starting from the few publishing posts (posts_by_status) instead of
    // every pending entry of every scheduled post: this runs on each re-arm.
    runnable: db.prepare(
      `SELECT e.id, e.post_id, e.account_id FROM posts p CROSS JOIN entries e ON e.post_id = p.id
       WHERE p.status = 'publishing' AND e.enabled = 1 AND e.status = 'pending' AND COALESCE(e.next_attempt_at, 0) <= @now
       ORDER BY COALESCE(e.next_attempt_at, 0), p.scheduled_at, p.created_at, e.position LIMIT @limit`,
    ),
    claimEntry: db.prepare(
      "UPDATE entries SET status = 'publishing', attempt_key = COALESCE(attempt_key, @key), next_attempt_at = NULL WHERE id = @id AND status = 'pending'",
    ),
    failEntry: db.prepare("UPDATE entries SET status = 'failed', error_message = @message, next_attempt_at = NULL WHERE id = @id"),
    publishEntry: db.prepare(
      "UPDATE entries SET status = 'published', platform_post_id = @platformPostId, platform_url = @platformUrl, error_message = NULL, next_attempt_at = NULL WHERE id = @id",
    ),
    retryEntry: db.prepare("UPDATE entries SET status = 'pending', next_attempt_at = @at, attempt_count = @attemptCount WHERE id = @id"),
    deferAccount: db.prepare(
      `UPDATE entries SET next_attempt_at = MAX(COALESCE(next_attempt_at, 0), @until)
       WHERE account_id = @accountId AND status = 'pending' AND enabled = 1 AND post_id IN (SELECT id FROM posts WHERE status = 'publishing')`,
    ),
    saveProgress: db.prepare('UPDATE entries SET progress = @progress WHERE id = @id'),

    startAttempt: db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, outcome) VALUES (@entryId, @key, @now, 'in_flight')"),
    endAttempt: db.prepare('UPDATE attempts SET ended_at = @now, outcome = @outcome, http_status = @httpStatus, message = @message WHERE id = @id'),
    noteAttempt: db.prepare('UPDATE attempts SET message = @message WHERE id = @id'),
    logAttempt: db.prepare(
      'INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, http_status, message) VALUES (@entryId, @key, @now, @now, @outcome, NULL, @message)',
    ),
    countOutcome: db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE entry_id = @entryId AND attempt_key = @key AND outcome = @outcome'),
    firstAttemptAt: db.prepare('SELECT MIN(started_at) AS at FROM attempts WHERE entry_id = @entryId AND attempt_key = @key'),
    openAttempt: db.prepare("SELECT * FROM attempts WHERE entry_id = @entryId AND attempt_key = @key AND outcome = 'in_flight' ORDER BY id DESC LIMIT 1"),

    setPostFinal: db.prepare('UPDATE posts SET status = @status, published_at = @now, updated_at = @now WHERE id = @id'),
    setRepeatNext: db.prepare('UPDATE posts SET repeat_next_id = @nextId WHERE id = @id'),
    insertPost: db.prepare(
      "INSERT INTO posts (id, status, scheduled_at, parts, repeat, overdue, created_at, updated_at) VALUES (@id, 'scheduled', @scheduledAt, @parts, @repeat, 0, @now, @now)",
    ),
    insertLabel: db.prepare('INSERT INTO post_labels (post_id, label_id) VALUES (@postId, @labelId)'),
    insertEntry: db.prepare(
      `INSERT INTO entries (id, post_id, account_id, platform, content_type, enabled, status, settings, text_override, position)
       VALUES (@id, @postId, @accountId, @platform, @contentType, @enabled, 'pending', @settings, @textOverride, @position)`,
    ),

    nextScheduled: db.prepare("SELECT MIN(scheduled_at) AS at FROM posts WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at IS NOT NULL"),
    nextRetry: db.prepare(
      `SELECT MIN(COALESCE(e.next_attempt_at, 0)) AS at FROM posts p CROSS JOIN entries e ON e.post_id = p.id
       WHERE p.status = 'publishing' AND e.enabled = 1 AND e.status = 'pending'`,
    ),
    lateScheduled: db.prepare("SELECT id FROM posts WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at IS NOT NULL AND scheduled_at <= @cutoff ORDER BY scheduled_at"),
    markOverdue: db.prepare('UPDATE posts SET overdue = 1, updated_at = @now WHERE id = @id'),

    entriesInFlight: db.prepare("SELECT * FROM entries WHERE status = 'publishing' ORDER BY post_id, position"),
    publishingPosts: db.prepare("SELECT id FROM posts WHERE status = 'publishing'"),
    takenSlots: db.prepare("SELECT scheduled_at FROM posts WHERE status != 'draft' AND scheduled_at >= @from AND scheduled_at <= @to"),

    // Progress is kept: what an adapter saved (thread parts already sent, record keys) lets a
    // re-publish continue where the last one stopped instead of posting earlier parts again.
    resetForPublish: db.prepare(
      `UPDATE entries SET status = 'pending', attempt_key = NULL, attempt_count = 0, next_attempt_at = NULL, error_message = NULL
       WHERE post_id = @postId AND enabled = 1 AND status IN ('pending', 'failed')`,
    ),
    postToPublishingAny: db.prepare("UPDATE posts SET status = 'publishing', overdue = 0, published_at = NULL, updated_at = @now WHERE id = @id"),
  };

  function readPostRow(id: string): PostRow | undefined {
    return s.postById.get({ id }) as PostRow | undefined;
  }

  function readEntryRow(id: string): EntryRow | undefined {
    return s.entryById.get({ id }) as EntryRow | undefined;
  }

  function laneOf(row: { id: string; account_id: string | null }) {
    return row.account_id ?? `entry:${row.id}`;
  }

  /**
   * The claim, in one transaction: due scheduled posts go `scheduled` -> `publishing` with their
   * enabled pending entries freshened, then every runnable pending entry of a publishing post
   * goes `pending` -> `publishing` with an attempt key (fresh unless a retry keeps its claim's).
   * Entries without an account fail here with "Account disconnected".
   */
  const claimDue = tx((now: number, limit: number) => {
    const posts = s.dueScheduled.all({ now, limit }) as Array<{ id: string }>;
    for (const p of posts) {
      if (s.postToPublishing.run({ id: p.id, now }).changes > 0) s.freshenEntries.run({ postId: p.id });
    }
    const rows = s.runnable.all({ now, limit: limit * 20 }) as Array<{ id: string; post_id: string; account_id: string | null }>;
    const claimed: ClaimedEntry[] = [];
    const touched = new Set(posts.map((p) => p.id));
    for (const row of rows) {
      const key = randomUUID();
      if (s.claimEntry.run({ id: row.id, key }).changes === 0) continue;
      touched.add(row.post_id);
      if (row.account_id === null) {
        const message = 'Account disconnected: reconnect the account or remove it from this post';
        s.failEntry.run({ id: row.id, message });
        s.logAttempt.run({ entryId: row.id, key: readEntryRow(row.id)!.attempt_key, now, outcome: 'permanent', message });
        continue;
      }
      claimed.push({ entryId: row.id, postId: row.post_id, laneKey: laneOf(row) });
    }
    return { claimed, touched: [...touched], full: posts.length >= limit || rows.length >= limit * 20 };
  });

  /** Settles a publishing post whose enabled entries have all settled, creating its next repeat. */
  const settlePost = tx((postId: string, now: number, nextOccurrence: (post: PostRow) => number | null): Settlement | null => {
    const post = readPostRow(postId);
    if (!post || post.status !== 'publishing') return null;
    const entries = (s.entriesOfPost.all({ postId }) as EntryRow[]).filter((e) => e.enabled === 1);
    if (entries.some((e) => e.status === 'pending' || e.status === 'publishing')) return null;
    const published = entries.filter((e) => e.status === 'published').length;
    const status = published === 0 ? 'failed' : published === entries.length ? 'published' : 'partially_published';
    s.setPostFinal.run({ id: postId, status, now });
    let nextPostId: string | null = null;
    const repeat = parseJson<Repeat | null>(post.repeat, null);
    if (repeat && repeat.remaining > 0 && post.repeat_next_id === null) {
      const at = nextOccurrence(post);
      if (at !== null) {
        nextPostId = randomUUID();
        s.insertPost.run({ id: nextPostId, scheduledAt: at, parts: post.parts, repeat: JSON.stringify({ ...repeat, remaining: repeat.remaining - 1 }), now });
        for (const { label_id } of s.labelsOfPost.all({ postId }) as Array<{ label_id: string }>) s.insertLabel.run({ postId: nextPostId, labelId: label_id });
        for (const e of s.entriesOfPost.all({ postId }) as EntryRow[]) {
          s.insertEntry.run({
            id: randomUUID(),
            postId: nextPostId,
            accountId: e.account_id,
            platform: e.platform,
            contentType: e.content_type,
            enabled: e.enabled,
            settings: e.settings,
            textOverride: e.text_override,
            position: e.position,
          });
        }
        s.setRepeatNext.run({ id: postId, nextId: nextPostId });
      }
    }
    const failures = entries.filter((e) => e.status === 'failed').map((e) => ({ platform: e.platform, message: e.error_message ?? 'failed' }));
    return { postId, status, nextPostId, failures } satisfies Settlement;
  });

  /**
   * Crash recovery, one transaction: an entry found `publishing` whose current attempt never
   * started (no in-flight attempt row) was never sent, so it goes back to `pending`. The others
   * (a request may have left) are returned for reconciliation through their adapter.
   */
  const recover = tx((now: number) => {
    const toReconcile: ClaimedEntry[] = [];
    const requeued: string[] = [];
    for (const e of s.entriesInFlight.all() as EntryRow[]) {
      const open = e.attempt_key ? (s.openAttempt.get({ entryId: e.id, key: e.attempt_key }) as AttemptRow | undefined) : undefined;
      if (!open) {
        s.retryEntry.run({ id: e.id, at: now, attemptCount: e.attempt_count });
        requeued.push(e.post_id);
      } else {
        toReconcile.push({ entryId: e.id, postId: e.post_id, laneKey: laneOf(e) });
      }
    }
    return { toReconcile, requeued };
  });

  /** Moves claimed entries that never started back to `pending` (engine closing). */
  const unclaim = tx((entryIds: string[], now: number) => {
    for (const id of entryIds) {
      const e = readEntryRow(id);
      if (!e || e.status !== 'publishing' || (e.attempt_key && s.openAttempt.get({ entryId: id, key: e.attempt_key }))) continue;
      s.retryEntry.run({ id, at: now, attemptCount: e.attempt_count });
    }
  });

  /** Marks scheduled posts due on or before `cutoff` as overdue; returns their ids. */
  const markOverdue = tx((cutoff: number, now: number) => {
    const ids = (s.lateScheduled.all({ cutoff }) as Array<{ id: string }>).map((r) => r.id);
    for (const id of ids) s.markOverdue.run({ id, now });
    return ids;
  });

  /** `posts:publish`: readies a post's enabled entries that are not published and sets it `publishing`. */
  const preparePublish = tx((postId: string, now: number) => {
    s.resetForPublish.run({ postId });
    s.postToPublishingAny.run({ id: postId, now });
  });

  return {
    /** Runs `fn` in one transaction (nested ones become savepoints). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    readPostRow,
    readEntryRow,
    claimDue,
    settlePost,
    recover,
    unclaim,
    markOverdue,
    preparePublish,

    entriesOfPost(postId: string): EntryRow[] {
      return s.entriesOfPost.all({ postId }) as EntryRow[];
    },

    /** Entries of publishing posts (used by posts:publish's checks and recovery). */
    publishingPostIds(): string[] {
      return (s.publishingPosts.all() as Array<{ id: string }>).map((r) => r.id);
    },

    loadForPublish(entryId: string): EntryForPublish | null {
      const entry = readEntryRow(entryId);
      if (!entry) return null;
      const post = readPostRow(entry.post_id);
      if (!post) return null;
      const account = entry.account_id ? ((s.accountById.get({ id: entry.account_id }) as AccountRow | undefined) ?? null) : null;
      return { entry, post, account };
    },

    media(id: string): MediaRow | undefined {
      return s.mediaById.get({ id }) as MediaRow | undefined;
    },

    /** Opens an attempt row (committed before the request leaves); returns its id. */
    startAttempt(entryId: string, key: string, now: number): number {
      return Number(s.startAttempt.run({ entryId, key, now }).lastInsertRowid);
    },
    /** Opens several attempt rows in one transaction (one fsync for a fan-out); ids in order. */
    startAttempts(starts: Array<{ entryId: string; key: string }>, now: number): Array<number | null> {
      return db.transaction(() =>
        starts.map(({ entryId, key }) => {
          try {
            return Number(s.startAttempt.run({ entryId, key, now }).lastInsertRowid);
          } catch {
            // The entry was deleted meanwhile (foreign key): only that one is not started.
            return null;
          }
        }),
      )();
    },
    endAttempt(id: number, now: number, outcome: AttemptOutcome, httpStatus: number | null, message: string | null) {
      s.endAttempt.run({ id, now, outcome, httpStatus, message });
    },
    noteAttempt(id: number, message: string) {
      s.noteAttempt.run({ id, message });
    },
    logAttempt(entryId: string, key: string, now: number, outcome: AttemptOutcome, message: string) {
      s.logAttempt.run({ entryId, key, now, outcome, message });
    },
    openAttempt(entryId: string, key: string): AttemptRow | undefined {
      return s.openAttempt.get({ entryId, key }) as AttemptRow | undefined;
    },
    countOutcome(entryId: string, key: string, outcome: AttemptOutcome): number {
      return (s.countOutcome.get({ entryId, key, outcome }) as { n: number }).n;
    },
    firstAttemptAt(entryId: string, key: string): number | null {
      return (s.firstAttemptAt.get({ entryId, key }) as { at: number | null }).at;
    },

    published(entryId: string, attemptId: number, now: number, platformPostId: string, platformUrl: string | null, httpStatus: number | null, outcome: AttemptOutcome = 'published') {
      db.transaction(() => {
        s.publishEntry.run({ id: entryId, platformPostId, platformUrl });
        s.endAttempt.run({ id: attemptId, now, outcome, httpStatus, message: null });
      })();
    },
    failed(entryId: string, message: string) {
      s.failEntry.run({ id: entryId, message });
    },
    /**
     * Closes an attempt and fails its entry in one transaction: with the attempt closed and the
     * entry still `publishing`, recovery would take it for never sent and send it again.
     */
    failWithAttempt(entryId: string, attemptId: number, now: number, outcome: AttemptOutcome, httpStatus: number | null, attemptMessage: string, entryMessage: string) {
      db.transaction(() => {
        s.endAttempt.run({ id: attemptId, now, outcome, httpStatus, message: attemptMessage });
        s.failEntry.run({ id: entryId, message: entryMessage });
      })();
    },
    retryAt(entryId: string, at: number, attemptCount: number) {
      s.retryEntry.run({ id: entryId, at, attemptCount });
    },
    deferAccount(accountId: string, until: number) {
      s.deferAccount.run({ accountId, until });
    },
    saveProgress(entryId: string, progress: unknown) {
      s.saveProgress.run({ id: entryId, progress: JSON.stringify(progress) });
    },

    /** The earliest moment something is due: a scheduled post or a waiting entry; null if none. */
    nextDueAt(): number | null {
      const a = (s.nextScheduled.get() as { at: number | null }).at;
      const b = (s.nextRetry.get() as { at: number | null }).at;
      if (a === null) return b;
      if (b === null) return a;
      return Math.min(a, b);
    },

    /** Times already taken by a non-draft post between `from` and `to` (queue slots). */
    takenTimes(from: number, to: number): Set<number> {
      return new Set((s.takenSlots.all({ from, to }) as Array<{ scheduled_at: number }>).map((r) => r.scheduled_at));
    },
  };
}

/** The publishing repo. */
export type PublishingRepo = ReturnType<typeof createPublishingRepo>;
