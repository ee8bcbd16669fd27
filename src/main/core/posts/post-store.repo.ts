import { randomUUID } from 'node:crypto';
import type { Attempt, PlatformEntry, PlatformId, Post, PostPart, PostStatus, Repeat } from '../../../shared/domain';
import type { Db } from '../db/database';
import type { ThreadMode } from '../../../shared/platforms/thread-mode';
import type { CalendarPost } from '../../../shared/ipc/posts';
import { parseJson } from '../db/json';

import { afterClause, decodeCursor, encodeCursor, listParams, listShape } from './store/list-query';
import {
  CALENDAR_SELECT,
  iso,
  laneOf,
  toAttemptRecord,
  toCalendarPost,
  toEntryRecord,
  toPostRecord,
  toRemoteWork,
  type AttemptRow,
  type CalendarRow,
  type EntryRow,
  type PostRow,
  type RemoteRow,
} from './store/records';

// The post aggregate (posts, entries, attempts, post_labels) has one owner: this store and the
// files beside it in store/ (records and mappers, the lists' SQL, whole-database history). Every
// SQL statement on those tables lives there, with named parameters, and leaves as a parsed
// camelCase record; the posts service and the publishing engine both work through it.
import type { AttemptOutcome, AttemptRecord, ClaimedEntry, EntryRecord, ImportedPost, ListFilter, ListPage, NewEntry, NewPost, PostRecord, RemoteCancel, RemoteWork, Settlement } from './store/records';
export type { AttemptOutcome, AttemptRecord, ClaimedEntry, EntryRecord, ImportedPost, ListFilter, ListPage, NewEntry, NewPost, PostRecord, RemoteCancel, RemoteWork, Settlement };
export type { ListView } from './store/records';
export { applyPublishHistory, countLatePostsIn, countPostsIn, holdPostsDueBetween, openPublishHistory, type PublishHistory } from './store/history';

/** The post store: every statement on posts, entries, attempts and post_labels. */
export function createPostStore(db: Db) {
  // Plain function types keep better-sqlite3's Transaction type out of this module's exports.
  const tx = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) => db.transaction(fn) as unknown as (...args: A) => R;
  const s = {
    post: db.prepare('SELECT * FROM posts WHERE id = @id'),
    postsByIds: db.prepare('SELECT * FROM posts WHERE id IN (SELECT value FROM json_each(@ids))'),
    insertPost: db.prepare(
      `INSERT INTO posts (id, status, scheduled_at, parts, repeat, overdue, created_at, updated_at, published_at)
       VALUES (@id, @status, @scheduledAt, @parts, @repeat, 0, @now, @now, NULL)`,
    ),
    // A post planned again (a draft, or scheduled) is no longer one that went out by hand.
    updatePost: db.prepare(
      `UPDATE posts SET status = @status, scheduled_at = @scheduledAt, parts = @parts, repeat = @repeat, overdue = @overdue, updated_at = @now,
         publish_now_at = CASE WHEN @status IN ('draft', 'scheduled') THEN NULL ELSE publish_now_at END
       WHERE id = @id`,
    ),
    deletePost: db.prepare('DELETE FROM posts WHERE id = @id'),
    entry: db.prepare('SELECT * FROM entries WHERE id = @id'),
    entriesOf: db.prepare('SELECT * FROM entries WHERE post_id = @postId ORDER BY position, id'),
    insertEntry: db.prepare(
      `INSERT INTO entries (id, post_id, account_id, platform, content_type, enabled, status, settings, text_override, position, hand_off, thread_mode)
       VALUES (@id, @postId, @accountId, @platform, @contentType, @enabled, 'pending', @settings, @textOverride, @position, @handOff, @threadMode)`,
    ),
    updateEntry: db.prepare(
      'UPDATE entries SET content_type = @contentType, enabled = @enabled, settings = @settings, text_override = @textOverride, position = @position, hand_off = @handOff, thread_mode = @threadMode WHERE id = @id',
    ),
    // A failed entry goes back to the queue when its post is rescheduled.
    resetFailedEntry: db.prepare(
      "UPDATE entries SET status = 'pending', error_message = NULL, attempt_key = NULL, attempt_count = 0, next_attempt_at = NULL WHERE id = @id AND status = 'failed'",
    ),
    deleteEntry: db.prepare('DELETE FROM entries WHERE id = @id'),
    deleteLabels: db.prepare('DELETE FROM post_labels WHERE post_id = @postId'),
    insertLabel: db.prepare('INSERT OR IGNORE INTO post_labels (post_id, label_id) VALUES (@postId, @labelId)'),
    labelsOf: db.prepare('SELECT label_id FROM post_labels WHERE post_id = @postId ORDER BY label_id'),
    postsWithLabel: db.prepare('SELECT post_id FROM post_labels WHERE label_id = @labelId'),
    postsOfAccount: db.prepare('SELECT DISTINCT post_id FROM entries WHERE account_id = @accountId'),
    // Posts keep media ids in their parts JSON (no foreign key to follow), a video's cover image too.
    postsUsingMedia: db.prepare(
      `SELECT p.id FROM posts p
       WHERE EXISTS (SELECT 1 FROM json_each(p.parts) part, json_each(part.value, '$.media') m
                     WHERE json_extract(m.value, '$.mediaId') = @mediaId OR json_extract(m.value, '$.cover.mediaId') = @mediaId)
       ORDER BY p.created_at LIMIT @limit`,
    ),
    mediaInUse: db.prepare(
      `SELECT json_extract(m.value, '$.mediaId') AS id FROM posts p, json_each(p.parts) part, json_each(part.value, '$.media') m
       UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM posts p, json_each(p.parts) part, json_each(part.value, '$.media') m`,
    ),
    // Only the columns a Post shows: building row objects is most of a page's cost.
    entriesFor: db.prepare(
      `SELECT id, post_id, account_id, platform, content_type, enabled, status, platform_post_id, platform_url, error_message, settings, text_override, position,
         hand_off, remote_id, remote_at, remote_note, thread_mode
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

    // The calendar's chips: one statement, each post's entries and labels folded into JSON arrays
    // (what a chip shows of them only), the first part's opening words cut in SQL.
    calendar: db.prepare(`${CALENDAR_SELECT} WHERE p.calendar_at >= @from AND p.calendar_at < @to ORDER BY p.calendar_at, p.created_at, p.rowid`),
    calendarOf: db.prepare(
      `${CALENDAR_SELECT} WHERE p.id IN (SELECT value FROM json_each(@ids)) AND p.calendar_at >= @from AND p.calendar_at < @to ORDER BY p.calendar_at, p.created_at, p.rowid`,
    ),

    // The engine's statements.
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
       WHERE p.status = 'publishing' AND e.enabled = 1 AND +e.status = 'pending' AND COALESCE(e.next_attempt_at, 0) <= @now
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
       WHERE account_id = @accountId AND +status = 'pending' AND enabled = 1 AND post_id IN (SELECT id FROM posts WHERE status = 'publishing')`,
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
    nextScheduled: db.prepare("SELECT MIN(scheduled_at) AS at FROM posts WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at IS NOT NULL"),
    nextRetry: db.prepare(
      `SELECT MIN(COALESCE(e.next_attempt_at, 0)) AS at FROM posts p CROSS JOIN entries e ON e.post_id = p.id
       WHERE p.status = 'publishing' AND e.enabled = 1 AND +e.status = 'pending'`,
    ),
    // A post whose entries a platform holds (or that went out already) has nothing for Outbox to
    // send late: it is not overdue, its entries settle from the platforms' answers.
    lateScheduled: db.prepare(
      `SELECT id FROM posts WHERE status = 'scheduled' AND overdue = 0 AND scheduled_at IS NOT NULL AND scheduled_at <= @cutoff
         AND EXISTS (SELECT 1 FROM entries e WHERE e.post_id = posts.id AND e.enabled = 1 AND +e.status = 'pending')
       ORDER BY scheduled_at`,
    ),
    markOverdue: db.prepare('UPDATE posts SET overdue = 1, updated_at = @now WHERE id = @id'),
    entriesInFlight: db.prepare("SELECT * FROM entries WHERE status = 'publishing' ORDER BY post_id, position"),
    publishingPosts: db.prepare("SELECT id FROM posts WHERE status = 'publishing'"),
    futureScheduled: db.prepare("SELECT id, scheduled_at FROM posts WHERE status = 'scheduled' AND scheduled_at > @now ORDER BY scheduled_at"),
    moveScheduled: db.prepare("UPDATE posts SET scheduled_at = @at, updated_at = @now WHERE id = @id AND status = 'scheduled'"),
    takenSlots: db.prepare("SELECT scheduled_at FROM posts WHERE status != 'draft' AND scheduled_at >= @from AND scheduled_at <= @to"),
    // Progress is kept: what an adapter saved (thread parts already sent, record keys) lets a
    // re-publish continue where the last one stopped instead of posting earlier parts again.
    // A handed-off entry comes back too: the runner takes it back from the platform first.
    resetForPublish: db.prepare(
      `UPDATE entries SET status = 'pending', attempt_key = CASE WHEN status = 'handed_off' THEN attempt_key END, attempt_count = 0, next_attempt_at = NULL,
         error_message = NULL, remote_check_at = NULL
       WHERE post_id = @postId AND enabled = 1 AND status IN ('pending', 'failed', 'handed_off')`,
    ),

    // The hand-off part's statements.
    handOffCandidates: db.prepare(
      `SELECT e.id, e.post_id, e.account_id, e.platform, e.status, p.status AS post_status, p.scheduled_at FROM posts p CROSS JOIN entries e ON e.post_id = p.id
       WHERE p.status = 'scheduled' AND p.overdue = 0 AND p.scheduled_at > @now AND +e.status = 'pending' AND e.enabled = 1 AND e.hand_off = 'auto'
         AND e.remote_note IS NULL AND (e.remote_check_at IS NULL OR e.remote_check_at <= @now)
         AND e.platform IN (SELECT value FROM json_each(@platforms)) AND +e.account_id IN (SELECT value FROM json_each(@accounts))
       ORDER BY p.scheduled_at LIMIT @limit`,
    ),
    remoteDue: db.prepare(
      `SELECT e.id, e.post_id, e.account_id, e.platform, e.status, p.status AS post_status, p.scheduled_at FROM entries e JOIN posts p ON p.id = e.post_id
       WHERE e.remote_check_at <= @now AND +e.status IN ('handed_off', 'publishing') AND e.account_id IS NOT NULL ORDER BY e.remote_check_at LIMIT @limit`,
    ),
    // Exactly what the hand-off part acts on (else the timer would wake for nothing, again and again).
    nextRemoteCheck: db.prepare(
      `SELECT MIN(at) AS at FROM (
         SELECT MIN(remote_check_at) AS at FROM entries WHERE remote_check_at IS NOT NULL AND status IN ('handed_off', 'publishing') AND account_id IS NOT NULL
         UNION ALL
         SELECT MIN(e.remote_check_at) FROM entries e CROSS JOIN posts p ON p.id = e.post_id
         WHERE e.remote_check_at IS NOT NULL AND p.status = 'scheduled' AND p.overdue = 0 AND p.scheduled_at > @now AND +e.status = 'pending' AND e.enabled = 1
           AND e.hand_off = 'auto' AND e.remote_note IS NULL
           AND e.platform IN (SELECT value FROM json_each(@platforms)) AND +e.account_id IN (SELECT value FROM json_each(@accounts))
       )`,
    ),
    beginHandOff: db.prepare(
      "UPDATE entries SET status = 'publishing', attempt_key = @key, remote_at = @at, remote_id = NULL, remote_check_at = NULL WHERE id = @id AND status = 'pending'",
    ),
    handedOff: db.prepare(
      "UPDATE entries SET status = 'handed_off', remote_id = @remoteId, remote_at = @at, remote_hash = @hash, remote_note = NULL, remote_check_at = @checkAt, error_message = NULL WHERE id = @id",
    ),
    remoteBack: db.prepare(
      `UPDATE entries SET status = 'pending', remote_id = NULL, remote_at = NULL, remote_hash = NULL, remote_note = @note, remote_check_at = @checkAt,
         attempt_key = NULL, progress = CASE WHEN @keepProgress = 1 THEN progress END WHERE id = @id`,
    ),
    remoteMoved: db.prepare('UPDATE entries SET remote_at = @at, remote_check_at = @checkAt WHERE id = @id'),
    remoteCleared: db.prepare('UPDATE entries SET remote_id = NULL, remote_at = NULL, remote_hash = NULL, remote_check_at = NULL WHERE id = @id'),
    remoteCheck: db.prepare('UPDATE entries SET remote_check_at = @at WHERE id = @id'),
    remoteNote: db.prepare('UPDATE entries SET remote_note = @note, remote_check_at = NULL WHERE id = @id'),
    remotePublished: db.prepare(
      "UPDATE entries SET status = 'published', platform_post_id = @platformPostId, platform_url = @platformUrl, error_message = NULL, remote_check_at = NULL WHERE id = @id",
    ),
    remoteFailed: db.prepare("UPDATE entries SET status = 'failed', error_message = @message, remote_check_at = NULL WHERE id = @id"),
    // Something about the post changed: its hand-offs are looked at again on the next turn.
    touchRemote: db.prepare(
      `UPDATE entries SET remote_check_at = CASE WHEN status = 'handed_off' THEN @now END, remote_note = NULL
       WHERE post_id = @postId AND (status = 'handed_off' OR remote_note IS NOT NULL OR (status = 'pending' AND remote_check_at IS NOT NULL))`,
    ),
    touchRemoteOfAccount: db.prepare(
      `UPDATE entries SET remote_check_at = CASE WHEN status = 'handed_off' THEN @now END, remote_note = NULL
       WHERE account_id = @accountId AND (status = 'handed_off' OR remote_note IS NOT NULL OR (status = 'pending' AND remote_check_at IS NOT NULL))`,
    ),
    verifyHandedOff: db.prepare("UPDATE entries SET remote_check_at = @now WHERE status = 'handed_off' AND (remote_check_at IS NULL OR remote_check_at > @now)"),
    handedOffOf: db.prepare("SELECT id, account_id, platform, remote_id, progress FROM entries WHERE post_id = @postId AND status IN ('handed_off', 'publishing') AND remote_id IS NOT NULL"),
    insertCancel: db.prepare(
      `INSERT OR REPLACE INTO remote_cancels (entry_id, account_id, platform, remote_id, progress, created_at, tries, next_try_at)
       VALUES (@entryId, @accountId, @platform, @remoteId, @progress, @now, 0, @now)`,
    ),
    cancelsDue: db.prepare('SELECT entry_id, account_id, platform, remote_id, progress, tries FROM remote_cancels WHERE next_try_at <= @now ORDER BY next_try_at LIMIT @limit'),
    cancelDone: db.prepare('DELETE FROM remote_cancels WHERE entry_id = @entryId'),
    cancelRetry: db.prepare('UPDATE remote_cancels SET tries = tries + 1, next_try_at = @at, last_error = @error WHERE entry_id = @entryId'),
    nextCancel: db.prepare('SELECT MIN(next_try_at) AS at FROM remote_cancels'),
    existingPosts: db.prepare('SELECT id FROM posts WHERE id IN (SELECT value FROM json_each(@ids))'),
    existingEntries: db.prepare('SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(@ids))'),
    importPost: db.prepare(
      `INSERT INTO posts (id, status, scheduled_at, parts, repeat, overdue, created_at, updated_at, published_at)
       VALUES (@id, @status, @scheduledAt, @parts, @repeat, @overdue, @createdAt, @updatedAt, @publishedAt)`,
    ),
    importEntry: db.prepare(
      `INSERT INTO entries (id, post_id, account_id, platform, content_type, enabled, status, platform_post_id, platform_url, error_message, settings, text_override, position)
       VALUES (@id, @postId, @accountId, @platform, @contentType, @enabled, @status, @platformPostId, @platformUrl, @errorMessage, @settings, @textOverride, @position)`,
    ),
    importAttempt: db.prepare(
      'INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, http_status, message) VALUES (@entryId, @key, @startedAt, @endedAt, @outcome, @httpStatus, @message)',
    ),
    // Published by hand: its moment on the calendar is now.
    postToPublishingAny: db.prepare("UPDATE posts SET status = 'publishing', overdue = 0, published_at = NULL, publish_now_at = @now, updated_at = @now WHERE id = @id"),

    // A platform's daily quota, estimated from the attempt log (YouTube: platforms/youtube/quota.ts).
    // An upload is a claim or a hand-off (an attempt key) of an entry; it started where its first
    // attempt row did. Driven from the platform's entries through attempts_by_entry.
    uploadsStarted: db.prepare(
      `SELECT COUNT(*) AS n FROM (
         SELECT DISTINCT a.entry_id, a.attempt_key FROM entries e JOIN attempts a ON a.entry_id = e.id
         WHERE e.platform = @platform AND a.started_at >= @from AND a.started_at < @to
           AND NOT EXISTS (SELECT 1 FROM attempts b WHERE b.entry_id = a.entry_id AND b.attempt_key = a.attempt_key AND b.started_at < @from)
       )`,
    ),
    // The platform said its quota ran out: a 403 classified rate_limited (a hand-off records no status, only the message).
    quotaRefused: db.prepare(
      `SELECT EXISTS (SELECT 1 FROM entries e JOIN attempts a ON a.entry_id = e.id
         WHERE e.platform = @platform AND a.outcome = 'rate_limited' AND a.started_at >= @from AND a.started_at < @to
           AND (a.http_status = 403 OR a.message LIKE '%quota%')) AS hit`,
    ),
    pendingOfPlatform: db.prepare(
      `SELECT p.id AS post_id, p.scheduled_at, e.account_id, e.hand_off, e.settings FROM posts p CROSS JOIN entries e ON e.post_id = p.id
       WHERE p.status = 'scheduled' AND p.overdue = 0 AND p.scheduled_at IS NOT NULL AND p.scheduled_at < @until
         AND e.platform = @platform AND e.enabled = 1 AND +e.status = 'pending' AND e.account_id IS NOT NULL`,
    ),
  };

  const postRow = (id: string) => s.post.get({ id }) as PostRow | undefined;
  const entryRow = (id: string) => s.entry.get({ id }) as EntryRow | undefined;
  const entryRows = (postId: string) => s.entriesOf.all({ postId }) as EntryRow[];

  /** Turns rows into contract Posts with three batched queries (entries, labels, attempts), never one per post. */
  function hydrate(rows: PostRow[]): Post[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const entries = s.entriesFor.all({ ids }) as EntryRow[];
    const labels = s.labelsFor.all({ ids }) as Array<{ post_id: string; label_id: string }>;
    const attempts = entries.length === 0 ? [] : (s.attemptsFor.all({ ids: JSON.stringify(entries.map((e) => e.id)) }) as AttemptRow[]);
    const group = <T, V>(items: T[], key: (item: T) => string, value: (item: T) => V) => {
      const out = new Map<string, V[]>();
      for (const item of items) {
        let list = out.get(key(item));
        if (!list) out.set(key(item), (list = []));
        list.push(value(item));
      }
      return out;
    };
    const attemptsByEntry = group(attempts, (a) => a.entry_id, (a): Attempt => ({ startedAt: iso(a.started_at)!, endedAt: iso(a.ended_at), outcome: a.outcome, httpStatus: a.http_status, message: a.message }));
    const entriesByPost = group(
      entries,
      (e) => e.post_id,
      (e): PlatformEntry => ({
        id: e.id,
        accountId: e.account_id,
        platform: e.platform,
        contentType: e.content_type,
        enabled: e.enabled === 1,
        status: e.status,
        platformPostId: e.platform_post_id,
        platformUrl: e.platform_url,
        errorMessage: e.error_message,
        settings: parseJson<Record<string, unknown>>(e.settings, {}),
        textOverride: e.text_override,
        handOff: e.hand_off,
        remote: e.status === 'handed_off' && e.remote_id !== null && e.remote_at !== null ? { id: e.remote_id, at: iso(e.remote_at)! } : null,
        remoteNote: e.remote_note,
        threadMode: e.thread_mode ?? null,
        attempts: attemptsByEntry.get(e.id) ?? [],
      }),
    );
    const labelsByPost = group(labels, (l) => l.post_id, (l) => l.label_id);
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
      calendarAt: iso(r.calendar_at),
    }));
  }

  const statementCache = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statementCache.get(sql);
    if (!statement) statementCache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  /** A page of the list; null when `after` is not a cursor of this list. */
  function listPage(f: ListFilter): ListPage | null {
    const shape = listShape(f);
    const params = listParams(f);
    let after: unknown[] | null = null;
    if (f.after !== undefined) {
      after = decodeCursor(f.after, shape);
      if (!after) return null;
      after.forEach((v, i) => (params[`k${i}`] = v));
    }
    // One row more than asked tells whether a next page exists.
    const rows = prepared(shape.page(after ? afterClause(shape.keys, after) : null)).all({ ...params, limit: f.limit + 1 }) as Array<PostRow & Record<`k${number}`, unknown>>;
    const more = rows.length > f.limit;
    if (more) rows.length = f.limit;
    const last = rows.at(-1);
    const next = more && last ? encodeCursor(shape.order, shape.keys.map((_, i) => last[`k${i}`])) : null;
    // Counted once per filter: an `after` page leaves it to the first; a short first page is its own count.
    let total: number | null = null;
    if (after === null) total = !more && (rows.length > 0 || f.offset === 0) ? f.offset + rows.length : (prepared(shape.count).get(params) as { n: number }).n;
    return { posts: hydrate(rows), total, next };
  }

  function insertEntry(e: NewEntry): string {
    const id = randomUUID();
    s.insertEntry.run({
      id,
      postId: e.postId,
      accountId: e.accountId,
      platform: e.platform,
      contentType: e.contentType,
      enabled: e.enabled ? 1 : 0,
      settings: JSON.stringify(e.settings),
      textOverride: e.textOverride,
      position: e.position,
      handOff: e.handOff,
      threadMode: e.threadMode,
    });
    return id;
  }

  function insertPost(p: NewPost) {
    s.insertPost.run({ id: p.id, status: p.status, scheduledAt: p.scheduledAt, parts: JSON.stringify(p.parts), repeat: p.repeat ? JSON.stringify(p.repeat) : null, now: p.now });
  }

  function setLabels(postId: string, labelIds: string[]) {
    s.deleteLabels.run({ postId });
    for (const labelId of labelIds) s.insertLabel.run({ postId, labelId });
  }

  /**
   * The one post copier: a new post with the source's parts, labels and entries (fresh, pending),
   * for "Duplicate" and for the next occurrence of a repeating post.
   */
  function copyPost(sourceId: string, copy: { status: PostStatus; scheduledAt: number | null; repeat: Repeat | null; now: number; withoutAccountlessEntries: boolean }): string {
    const source = postRow(sourceId);
    if (!source) throw new Error(`copyPost: no post ${sourceId}`);
    const id = randomUUID();
    s.insertPost.run({ id, status: copy.status, scheduledAt: copy.scheduledAt, parts: source.parts, repeat: copy.repeat ? JSON.stringify(copy.repeat) : null, now: copy.now });
    for (const { label_id } of s.labelsOf.all({ postId: sourceId }) as Array<{ label_id: string }>) s.insertLabel.run({ postId: id, labelId: label_id });
    let position = 0;
    for (const e of entryRows(sourceId)) {
      if (copy.withoutAccountlessEntries && e.account_id === null) continue;
      s.insertEntry.run({
        id: randomUUID(),
        postId: id,
        accountId: e.account_id,
        platform: e.platform,
        contentType: e.content_type,
        enabled: e.enabled,
        settings: e.settings,
        textOverride: e.text_override,
        position: position++,
        handOff: e.hand_off,
        threadMode: e.thread_mode ?? null,
      });
    }
    return id;
  }

  /**
   * The claim, in one transaction: due scheduled posts go `scheduled` -> `publishing` with their
   * enabled pending entries freshened, then every runnable pending entry of a publishing post
   * goes `pending` -> `publishing` with an attempt key (fresh unless a retry keeps its claim's).
   * Entries without an account fail here with "Account disconnected".
   */
  const claimDue = tx((now: number, limit: number) => {
    const posts = s.dueScheduled.all({ now, limit }) as Array<{ id: string }>;
    for (const p of posts) if (s.postToPublishing.run({ id: p.id, now }).changes > 0) s.freshenEntries.run({ postId: p.id });
    const rows = s.runnable.all({ now, limit: limit * 20 }) as Array<{ id: string; post_id: string; account_id: string | null }>;
    const claimed: ClaimedEntry[] = [];
    const touched = new Set(posts.map((p) => p.id));
    for (const row of rows) {
      if (s.claimEntry.run({ id: row.id, key: randomUUID() }).changes === 0) continue;
      touched.add(row.post_id);
      if (row.account_id === null) {
        const message = 'Account disconnected: reconnect the account or remove it from this post';
        s.failEntry.run({ id: row.id, message });
        s.logAttempt.run({ entryId: row.id, key: entryRow(row.id)!.attempt_key, now, outcome: 'permanent', message });
        continue;
      }
      claimed.push({ entryId: row.id, postId: row.post_id, laneKey: laneOf(row) });
    }
    return { claimed, touched: [...touched], full: posts.length >= limit || rows.length >= limit * 20 };
  });

  /** Settles a publishing post whose enabled entries have all settled, creating its next repeat. */
  const settlePost = tx((postId: string, now: number, nextOccurrence: (post: PostRecord) => number | null): Settlement | null => {
    const row = postRow(postId);
    if (!row || row.status !== 'publishing') return null;
    const entries = entryRows(postId).filter((e) => e.enabled === 1);
    if (entries.some((e) => e.status === 'pending' || e.status === 'publishing' || e.status === 'handed_off')) return null;
    const published = entries.filter((e) => e.status === 'published').length;
    const status = published === 0 ? 'failed' : published === entries.length ? 'published' : 'partially_published';
    s.setPostFinal.run({ id: postId, status, now });
    const post = toPostRecord(row);
    let nextPostId: string | null = null;
    if (post.repeat && post.repeat.remaining > 0 && post.repeatNextId === null) {
      const at = nextOccurrence(post);
      if (at !== null) {
        nextPostId = copyPost(postId, { status: 'scheduled', scheduledAt: at, repeat: { ...post.repeat, remaining: post.repeat.remaining - 1 }, now, withoutAccountlessEntries: false });
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
      const open = e.attempt_key ? s.openAttempt.get({ entryId: e.id, key: e.attempt_key }) : undefined;
      if (e.remote_at !== null && e.remote_id === null) {
        // A hand-off whose answer never came: the hand-off part asks the platform first.
        if (open) s.remoteCheck.run({ id: e.id, at: now });
        else s.remoteBack.run({ id: e.id, note: null, checkAt: null, keepProgress: 1 });
        continue;
      }
      if (!open) {
        s.retryEntry.run({ id: e.id, at: now, attemptCount: e.attempt_count });
        requeued.push(e.post_id);
      } else toReconcile.push({ entryId: e.id, postId: e.post_id, laneKey: laneOf(e) });
    }
    return { toReconcile, requeued };
  });

  /** Moves claimed entries that never started back to `pending` (engine closing). */
  const unclaim = tx((entryIds: string[], now: number) => {
    for (const id of entryIds) {
      const e = entryRow(id);
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

  return {
    /** Runs `fn` in one transaction (nested ones become savepoints). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },

    // ---- Reads ----
    /** A post's record, or undefined. */
    post: (id: string): PostRecord | undefined => {
      const row = postRow(id);
      return row ? toPostRecord(row) : undefined;
    },
    /** A post as the contract shows it (entries, labels, attempt log). */
    get: (id: string): Post | undefined => {
      const row = postRow(id);
      return row ? hydrate([row])[0] : undefined;
    },
    /** Posts by id, in the order asked (missing ones left out). */
    getMany(ids: string[]): Post[] {
      const rows = s.postsByIds.all({ ids: JSON.stringify(ids) }) as PostRow[];
      const order = new Map(ids.map((id, i) => [id, i]));
      return hydrate(rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!));
    },
    /** A page of posts (keyset with `after`, else from `offset`); null when `after` is not a cursor of this list. */
    list: listPage,
    /** Every post whose calendar moment is in [from, to) as a chip (optionally only `ids`), in one statement. */
    calendar(from: number, to: number, ids?: string[]): CalendarPost[] {
      const rows = (ids === undefined ? s.calendar.all({ from, to }) : s.calendarOf.all({ from, to, ids: JSON.stringify(ids) })) as CalendarRow[];
      return rows.map(toCalendarPost);
    },
    entry: (id: string): EntryRecord | undefined => {
      const row = entryRow(id);
      return row ? toEntryRecord(row) : undefined;
    },
    entries: (postId: string): EntryRecord[] => entryRows(postId).map(toEntryRecord),
    /** Posts that carry a label (the labels service tells them when it changes). */
    postIdsWithLabel: (labelId: string): string[] => (s.postsWithLabel.all({ labelId }) as Array<{ post_id: string }>).map((r) => r.post_id),
    /** Posts with an entry for an account (the accounts service tells them when it goes). */
    postIdsOfAccount: (accountId: string): string[] => (s.postsOfAccount.all({ accountId }) as Array<{ post_id: string }>).map((r) => r.post_id),
    /** Posts (at most `limit`) whose parts name a media item (it cannot be deleted while they do). */
    postIdsUsingMedia: (mediaId: string, limit = 20): string[] => (s.postsUsingMedia.all({ mediaId, limit }) as Array<{ id: string }>).map((r) => r.id),
    /** Every media id some post names (as media or a video's cover), drafts included: the library sweep keeps them. */
    mediaIdsInUse: (): Set<string> => new Set((s.mediaInUse.all() as Array<{ id: string | null }>).flatMap((r) => (typeof r.id === 'string' ? [r.id] : []))),
    /** Times already taken by a non-draft post between `from` and `to` (queue slots). */
    takenTimes: (from: number, to: number): Set<number> => new Set((s.takenSlots.all({ from, to }) as Array<{ scheduled_at: number }>).map((r) => r.scheduled_at)),
    publishingPostIds: (): string[] => (s.publishingPosts.all() as Array<{ id: string }>).map((r) => r.id),
    /** The earliest moment something is due: a scheduled post or a waiting entry; null if none. */
    nextDueAt(): number | null {
      const a = (s.nextScheduled.get() as { at: number | null }).at;
      const b = (s.nextRetry.get() as { at: number | null }).at;
      if (a === null) return b;
      if (b === null) return a;
      return Math.min(a, b);
    },

    /** Every post id the filter matches, in list order (exports). */
    ids(f: Omit<ListFilter, 'limit' | 'offset' | 'after'>): string[] {
      const shape = listShape({ ...f, limit: -1, offset: 0 });
      return (prepared(`SELECT id FROM (${shape.page(null)})`).all(listParams({ ...f, limit: -1, offset: 0 })) as Array<{ id: string }>).map((r) => r.id);
    },
    /** Which of these post ids exist (imports keep the ids of an export). */
    existingPostIds: (ids: string[]): Set<string> => new Set((s.existingPosts.all({ ids: JSON.stringify(ids) }) as Array<{ id: string }>).map((r) => r.id)),
    /** Which of these entry ids exist. */
    existingEntryIds: (ids: string[]): Set<string> => new Set((s.existingEntries.all({ ids: JSON.stringify(ids) }) as Array<{ id: string }>).map((r) => r.id)),
    /** Uploads to `platform` (claims and hand-offs of its entries) whose first attempt started in [from, to). */
    uploadsStarted: (platform: PlatformId, from: number, to: number): number => (s.uploadsStarted.get({ platform, from, to }) as { n: number }).n,
    /** Whether `platform` refused an attempt for its quota in [from, to). */
    quotaRefused: (platform: PlatformId, from: number, to: number): boolean => (s.quotaRefused.get({ platform, from, to }) as { hit: number }).hit === 1,
    /** Pending entries of `platform` on scheduled posts due before `until` (what is still to be sent). */
    pendingOfPlatform(platform: PlatformId, until: number): Array<{ postId: string; accountId: string; scheduledAt: number; handOff: 'auto' | 'off'; settings: Record<string, unknown> }> {
      return (s.pendingOfPlatform.all({ platform, until }) as Array<{ post_id: string; scheduled_at: number; account_id: string; hand_off: 'auto' | 'off'; settings: string }>).map((r) => ({
        postId: r.post_id,
        accountId: r.account_id,
        scheduledAt: r.scheduled_at,
        handOff: r.hand_off,
        settings: parseJson<Record<string, unknown>>(r.settings, {}),
      }));
    },

    // ---- The post lifecycle ----
    insertPost,
    updatePost(p: { id: string; status: PostStatus; scheduledAt: number | null; parts: PostPart[]; repeat: Repeat | null; overdue: boolean; now: number }) {
      s.updatePost.run({ id: p.id, status: p.status, scheduledAt: p.scheduledAt, parts: JSON.stringify(p.parts), repeat: p.repeat ? JSON.stringify(p.repeat) : null, overdue: p.overdue ? 1 : 0, now: p.now });
    },
    /** Deletes a post; schedules a platform holds for it are queued for cancelling in the same transaction. */
    deletePost: tx((id: string, now: number) => {
      for (const e of s.handedOffOf.all({ postId: id }) as Array<{ id: string; account_id: string | null; platform: PlatformId; remote_id: string; progress: string | null }>) {
        if (e.account_id !== null) s.insertCancel.run({ entryId: e.id, accountId: e.account_id, platform: e.platform, remoteId: e.remote_id, progress: e.progress, now });
      }
      s.deletePost.run({ id });
    }),
    insertEntry,
    updateEntry(e: { id: string; contentType: string; enabled: boolean; settings: Record<string, unknown>; textOverride: string | null; position: number; handOff: 'auto' | 'off'; threadMode: ThreadMode | null }) {
      s.updateEntry.run({ id: e.id, contentType: e.contentType, enabled: e.enabled ? 1 : 0, settings: JSON.stringify(e.settings), textOverride: e.textOverride, position: e.position, handOff: e.handOff, threadMode: e.threadMode });
    },
    /** Scheduled posts whose time is after `now`, soonest first (a time zone change moves them). */
    futureScheduled: (now: number): Array<{ id: string; scheduledAt: number }> =>
      (s.futureScheduled.all({ now }) as Array<{ id: string; scheduled_at: number }>).map((r) => ({ id: r.id, scheduledAt: r.scheduled_at })),
    /** Moves a scheduled post to `at` (its hand-offs follow: see touchRemote). */
    moveScheduled: (id: string, at: number, now: number) => void s.moveScheduled.run({ id, at, now }),
    /** Something about a post changed: its hand-offs are looked at again on the engine's next turn. */
    touchRemote: (postId: string, now: number) => void s.touchRemote.run({ postId, now }),
    /** An account's hand-off setting changed: the same for its entries. */
    touchRemoteOfAccount: (accountId: string, now: number) => void s.touchRemoteOfAccount.run({ accountId, now }),
    resetFailedEntry: (id: string) => void s.resetFailedEntry.run({ id }),
    deleteEntry: (id: string) => void s.deleteEntry.run({ id }),
    setLabels,
    copyPost,

    /**
     * Writes a post exactly as an export recorded it (ids, states, history), for imports of the
     * JSON export format. The caller runs it inside its transaction and has checked the content.
     */
    importPost(p: ImportedPost) {
      s.importPost.run({
        id: p.id,
        status: p.status,
        scheduledAt: p.scheduledAt,
        parts: JSON.stringify(p.parts),
        repeat: p.repeat ? JSON.stringify(p.repeat) : null,
        overdue: p.overdue ? 1 : 0,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        publishedAt: p.publishedAt,
      });
      p.entries.forEach((e, position) => {
        s.importEntry.run({
          id: e.id,
          postId: p.id,
          accountId: e.accountId,
          platform: e.platform,
          contentType: e.contentType,
          enabled: e.enabled ? 1 : 0,
          status: e.status,
          platformPostId: e.platformPostId,
          platformUrl: e.platformUrl,
          errorMessage: e.errorMessage,
          settings: JSON.stringify(e.settings),
          textOverride: e.textOverride,
          position,
        });
        for (const a of e.attempts) s.importAttempt.run({ entryId: e.id, key: a.attemptKey, startedAt: a.startedAt, endedAt: a.endedAt, outcome: a.outcome, httpStatus: a.httpStatus, message: a.message });
      });
      setLabels(p.id, p.labelIds);
    },

    // ---- The transactional outbox (the publishing engine) ----
    claimDue,
    settlePost,
    recover,
    unclaim,
    markOverdue,
    /** `posts:publish`: readies a post's enabled entries that are not published and sets it `publishing`. */
    preparePublish: tx((postId: string, now: number) => {
      s.resetForPublish.run({ postId });
      s.postToPublishingAny.run({ id: postId, now });
    }),
    /** Opens an attempt row (committed before the request leaves); returns its id. */
    startAttempt: (entryId: string, key: string, now: number): number => Number(s.startAttempt.run({ entryId, key, now }).lastInsertRowid),
    /** Opens several attempt rows in one transaction (one fsync for a fan-out); ids in order. */
    startAttempts: tx((starts: Array<{ entryId: string; key: string }>, now: number): Array<number | null> =>
      starts.map(({ entryId, key }) => {
        try {
          return Number(s.startAttempt.run({ entryId, key, now }).lastInsertRowid);
        } catch (error) {
          // The entry was deleted meanwhile (foreign key): only that one is not started.
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return null;
          throw error;
        }
      }),
    ),
    endAttempt: (id: number, now: number, outcome: AttemptOutcome, httpStatus: number | null, message: string | null) => void s.endAttempt.run({ id, now, outcome, httpStatus, message }),
    noteAttempt: (id: number, message: string) => void s.noteAttempt.run({ id, message }),
    logAttempt: (entryId: string, key: string, now: number, outcome: AttemptOutcome, message: string) => void s.logAttempt.run({ entryId, key, now, outcome, message }),
    openAttempt(entryId: string, key: string): AttemptRecord | undefined {
      const row = s.openAttempt.get({ entryId, key }) as AttemptRow | undefined;
      return row ? toAttemptRecord(row) : undefined;
    },
    countOutcome: (entryId: string, key: string, outcome: AttemptOutcome): number => (s.countOutcome.get({ entryId, key, outcome }) as { n: number }).n,
    firstAttemptAt: (entryId: string, key: string): number | null => (s.firstAttemptAt.get({ entryId, key }) as { at: number | null }).at,
    /** Records a publish: the entry and its attempt in one transaction. */
    published: tx((entryId: string, attemptId: number, now: number, platformPostId: string, platformUrl: string | null, httpStatus: number | null, outcome: AttemptOutcome = 'published', message: string | null = null) => {
      s.publishEntry.run({ id: entryId, platformPostId, platformUrl });
      s.endAttempt.run({ id: attemptId, now, outcome, httpStatus, message });
    }),
    failed: (entryId: string, message: string) => void s.failEntry.run({ id: entryId, message }),
    /**
     * Closes an attempt and fails its entry in one transaction: with the attempt closed and the
     * entry still `publishing`, recovery would take it for never sent and send it again.
     */
    failWithAttempt: tx((entryId: string, attemptId: number, now: number, outcome: AttemptOutcome, httpStatus: number | null, attemptMessage: string, entryMessage: string) => {
      s.endAttempt.run({ id: attemptId, now, outcome, httpStatus, message: attemptMessage });
      s.failEntry.run({ id: entryId, message: entryMessage });
    }),
    retryAt: (entryId: string, at: number, attemptCount: number) => void s.retryEntry.run({ id: entryId, at, attemptCount }),
    deferAccount: (accountId: string, until: number) => void s.deferAccount.run({ accountId, until }),
    saveProgress: (entryId: string, progress: unknown) => void s.saveProgress.run({ id: entryId, progress: JSON.stringify(progress) }),

    // ---- Hand-off to the platforms' schedulers ----
    /** Pending entries of future scheduled posts that could be handed to their platform's scheduler. */
    handOffCandidates(now: number, platforms: PlatformId[], accountIds: string[], limit: number): RemoteWork[] {
      if (platforms.length === 0 || accountIds.length === 0) return [];
      return (s.handOffCandidates.all({ now, platforms: JSON.stringify(platforms), accounts: JSON.stringify(accountIds), limit }) as RemoteRow[]).map(toRemoteWork);
    },
    /** Handed-off entries (and hand-offs whose answer was lost) whose platform is to be asked now. */
    remoteDue: (now: number, limit: number): RemoteWork[] => (s.remoteDue.all({ now, limit }) as RemoteRow[]).map(toRemoteWork),
    /** The next moment the hand-off part has something to do, or null. */
    nextRemoteAt(now: number, platforms: PlatformId[], accountIds: string[]): number | null {
      const a = (s.nextRemoteCheck.get({ now, platforms: JSON.stringify(platforms), accounts: JSON.stringify(accountIds) }) as { at: number | null }).at;
      const b = (s.nextCancel.get() as { at: number | null }).at;
      return a === null ? b : b === null ? a : Math.min(a, b);
    },
    /** Commits a hand-off before its request leaves: the entry `publishing` for `at`, an attempt open. Null if it changed meanwhile. */
    beginHandOff: tx((entryId: string, key: string, at: number, now: number, message: string): number | null => {
      if (s.beginHandOff.run({ id: entryId, key, at }).changes === 0) return null;
      const id = Number(s.startAttempt.run({ entryId, key, now }).lastInsertRowid);
      s.noteAttempt.run({ id, message });
      return id;
    }),
    /** The platform holds the entry: its schedule id, committed with the attempt that got it. */
    handedOff: tx((entryId: string, attemptId: number | null, remote: { id: string; at: number; hash: string; checkAt: number }, now: number, message: string) => {
      s.handedOff.run({ id: entryId, remoteId: remote.id, at: remote.at, hash: remote.hash, checkAt: remote.checkAt });
      const key = entryRow(entryId)?.attempt_key ?? 'hand-off';
      if (attemptId !== null) s.endAttempt.run({ id: attemptId, now, outcome: 'handed_off', httpStatus: null, message });
      else s.logAttempt.run({ entryId, key, now, outcome: 'handed_off', message });
    }),
    /**
     * The entry is back with Outbox (the platform refused it, lost it, or the hand-off was
     * cancelled): `note` says why it stays (null: it may be handed off again), `checkAt` when to try.
     */
    remoteBack: tx((entryId: string, change: { note: string | null; checkAt: number | null; attempt?: { id: number | null; outcome: AttemptOutcome; message: string }; keepProgress?: boolean }, now: number) => {
      const key = entryRow(entryId)?.attempt_key ?? 'hand-off';
      if (change.attempt?.id) s.endAttempt.run({ id: change.attempt.id, now, outcome: change.attempt.outcome, httpStatus: null, message: change.attempt.message });
      else if (change.attempt) s.logAttempt.run({ entryId, key, now, outcome: change.attempt.outcome, message: change.attempt.message });
      // Kept when the platform holds nothing yet but an unfinished upload: the next hand-off resumes it.
      s.remoteBack.run({ id: entryId, note: change.note, checkAt: change.checkAt, keepProgress: change.keepProgress ? 1 : 0 });
    }),
    /** The platform moved the schedule to `at`. */
    remoteMoved: tx((entryId: string, at: number, checkAt: number, now: number, message: string) => {
      s.remoteMoved.run({ id: entryId, at, checkAt });
      s.logAttempt.run({ entryId, key: entryRow(entryId)?.attempt_key ?? 'hand-off', now, outcome: 'handed_off', message });
    }),
    /** The platform no longer holds an entry Outbox is about to send itself (publish now). */
    remoteCleared: tx((entryId: string, now: number, message: string) => {
      s.remoteCleared.run({ id: entryId });
      s.logAttempt.run({ entryId, key: entryRow(entryId)?.attempt_key ?? 'hand-off', now, outcome: 'handed_off', message });
    }),
    /** Asks the platform again at `at` (null: not until something changes). */
    remoteCheckAt: (entryId: string, at: number | null) => void s.remoteCheck.run({ id: entryId, at }),
    /** The entry stays with Outbox for good (until the post changes), with the reason. */
    remoteNote: (entryId: string, note: string) => void s.remoteNote.run({ id: entryId, note }),
    /** The platform published a handed-off entry: recorded like a local publish, with its attempt row. */
    remotePublished: tx((entryId: string, result: { platformPostId: string; platformUrl: string | null }, now: number, message: string) => {
      s.remotePublished.run({ id: entryId, platformPostId: result.platformPostId, platformUrl: result.platformUrl });
      s.logAttempt.run({ entryId, key: entryRow(entryId)?.attempt_key ?? 'hand-off', now, outcome: 'published', message });
    }),
    /** The platform did not publish a handed-off entry at its time. */
    remoteFailed: tx((entryId: string, message: string, now: number) => {
      s.remoteFailed.run({ id: entryId, message });
      s.logAttempt.run({ entryId, key: entryRow(entryId)?.attempt_key ?? 'hand-off', now, outcome: 'unknown', message });
    }),
    /** After start, wake or reconnect: every handed-off entry is checked on its platform now. */
    verifyHandedOff: (now: number) => void s.verifyHandedOff.run({ now }),
    cancelsDue: (now: number, limit: number): RemoteCancel[] =>
      (s.cancelsDue.all({ now, limit }) as Array<{ entry_id: string; account_id: string; platform: PlatformId; remote_id: string; progress: string | null; tries: number }>).map((r) => ({
        entryId: r.entry_id,
        accountId: r.account_id,
        platform: r.platform,
        remoteId: r.remote_id,
        progress: parseJson<Record<string, unknown> | null>(r.progress, null),
        tries: r.tries,
      })),
    cancelDone: (entryId: string) => void s.cancelDone.run({ entryId }),
    cancelRetry: (entryId: string, at: number, error: string) => void s.cancelRetry.run({ entryId, at, error }),
  };
}

/** The post store. */
export type PostStore = ReturnType<typeof createPostStore>;
