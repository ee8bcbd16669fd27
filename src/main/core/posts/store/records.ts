// The post aggregate's records: what the post store hands out (parsed, camelCase, times in UTC
// ms), the rows it reads, and the mappers between them. No SQL on the aggregate's tables except
// the calendar's select, which the store runs.
import type { Attempt, EntryStatus, PlatformId, Post, PostPart, PostStatus, Repeat } from '../../../../shared/domain';
import type { ThreadMode } from '../../../../shared/platforms/thread-mode';
import { CHIP_TEXT_CHARS, type CalendarPost } from '../../../../shared/ipc/posts';
import { parseJson } from '../../db/json';

/** A post as the services see it (times in UTC ms, JSON columns parsed). */
export interface PostRecord {
  id: string;
  status: PostStatus;
  scheduledAt: number | null;
  parts: PostPart[];
  repeat: Repeat | null;
  overdue: boolean;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  /** The next occurrence of a repeating post, once created (so it is created once). */
  repeatNextId: string | null;
}

/** An entry (one account of a post), with the engine's bookkeeping. */
export interface EntryRecord {
  id: string;
  postId: string;
  accountId: string | null;
  platform: PlatformId;
  contentType: string;
  enabled: boolean;
  status: EntryStatus;
  platformPostId: string | null;
  platformUrl: string | null;
  errorMessage: string | null;
  settings: Record<string, unknown>;
  textOverride: string | null;
  /** The claim's key: fresh per claim, kept across that claim's retries. */
  attemptKey: string | null;
  attemptCount: number;
  nextAttemptAt: number | null;
  /** What the adapter saved between requests (thread parts sent, upload sessions, record keys). */
  progress: Record<string, unknown> | null;
  position: number;
  /** 'auto' follows the account's hand-off setting; 'off' keeps the entry with Outbox. */
  handOff: 'auto' | 'off';
  /** While handed off (or being handed off): the platform's schedule id and its time. */
  remoteId: string | null;
  remoteAt: number | null;
  /** A hash of what was handed over, to notice edits that must follow. */
  remoteHash: string | null;
  /** Why the entry stays with Outbox (the platform cannot hold it). */
  remoteNote: string | null;
  /** When the engine next asks the platform about the hand-off. */
  remoteCheckAt: number | null;
  /** A thread to a platform that cannot thread: part 1 only or every part joined (null: joined). */
  threadMode: ThreadMode | null;
}

/** An attempt log outcome (the attempts.outcome column). */
export type AttemptOutcome = Attempt['outcome'];

/** One row of the attempt log. */
export interface AttemptRecord {
  id: number;
  entryId: string;
  attemptKey: string;
  startedAt: number;
  endedAt: number | null;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  message: string | null;
}

/** An entry the engine has claimed and will send (or reconcile). */
export interface ClaimedEntry {
  entryId: string;
  postId: string;
  /** The lane it runs in: one request at a time per account. */
  laneKey: string;
}

/** How a post settled, when it did. */
export interface Settlement {
  postId: string;
  status: 'published' | 'partially_published' | 'failed';
  /** The next occurrence of a repeating post, when one was created. */
  nextPostId: string | null;
  failures: Array<{ platform: PlatformId; message: string }>;
}

/** What a new post is written with. */
export interface NewPost {
  id: string;
  status: PostStatus;
  scheduledAt: number | null;
  parts: PostPart[];
  repeat: Repeat | null;
  now: number;
}

/** What a new entry is written with. */
export interface NewEntry {
  postId: string;
  accountId: string | null;
  platform: PlatformId;
  contentType: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  textOverride: string | null;
  position: number;
  handOff: 'auto' | 'off';
  threadMode: ThreadMode | null;
}

/** An entry the hand-off part works on, with its post's time. */
export interface RemoteWork {
  entryId: string;
  postId: string;
  accountId: string;
  platform: PlatformId;
  status: EntryStatus;
  postStatus: PostStatus;
  scheduledAt: number | null;
  laneKey: string;
}

/** A schedule to cancel on a platform whose entry is gone. */
export interface RemoteCancel {
  entryId: string;
  accountId: string;
  platform: PlatformId;
  remoteId: string;
  progress: Record<string, unknown> | null;
  tries: number;
}

/** A post as an export recorded it, written back as it was (imports of the JSON export format). */
export interface ImportedPost {
  id: string;
  status: PostStatus;
  scheduledAt: number | null;
  parts: PostPart[];
  repeat: Repeat | null;
  overdue: boolean;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  labelIds: string[];
  entries: Array<{
    id: string;
    accountId: string | null;
    platform: PlatformId;
    contentType: string;
    enabled: boolean;
    /** Never `publishing`: the importer settles such entries first. */
    status: Exclude<EntryStatus, 'publishing'>;
    platformPostId: string | null;
    platformUrl: string | null;
    errorMessage: string | null;
    settings: Record<string, unknown>;
    textOverride: string | null;
    attempts: Array<{ attemptKey: string; startedAt: number; endedAt: number | null; outcome: Exclude<AttemptOutcome, 'in_flight'>; httpStatus: number | null; message: string | null }>;
  }>;
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
  /** A tab of the Posts view: which statuses, in which order (see ListView). */
  view?: ListView | undefined;
  limit: number;
  offset: number;
  /** A `next` cursor of this list (keyset paging: no OFFSET to walk through). */
  after?: string | undefined;
}

/** A page of posts: `total` only when counted (not on an `after` page), `next` unless it is the last. */
export interface ListPage {
  posts: Post[];
  total: number | null;
  next: string | null;
}

/** One sort key of a list: an SQL expression, its direction, and whether it may be NULL. */
export interface SortKey {
  sql: string;
  desc?: boolean;
  nullable?: boolean;
}

/**
 * The Posts view's tabs. `upcoming`: scheduled and publishing, soonest first; `drafts`: the last
 * edited first; `published` (partly published too): the newest first; `failed` (partly published
 * too): the latest failure first; `all`: by moment, the newest first, drafts without one by
 * their last edit.
 */
export type ListView = 'upcoming' | 'drafts' | 'published' | 'failed' | 'all';

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
  repeat_next_id: string | null;
  /** Generated (migration 0016): publish_now_at, else scheduled_at, else published_at. */
  calendar_at: number | null;
}

export interface EntryRow {
  id: string;
  post_id: string;
  account_id: string | null;
  platform: PlatformId;
  content_type: string;
  enabled: number;
  status: EntryStatus;
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
  hand_off: 'auto' | 'off';
  remote_id: string | null;
  remote_at: number | null;
  remote_hash: string | null;
  remote_note: string | null;
  remote_check_at: number | null;
  thread_mode: ThreadMode | null;
}

export interface AttemptRow {
  id: number;
  entry_id: string;
  attempt_key: string;
  started_at: number;
  ended_at: number | null;
  outcome: AttemptOutcome;
  http_status: number | null;
  message: string | null;
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const CALENDAR_SELECT = `SELECT p.id, p.status, p.calendar_at, p.scheduled_at, p.overdue,
    substr(COALESCE(json_extract(p.parts, '$[0].text'), ''), 1, ${CHIP_TEXT_CHARS}) AS text,
    (SELECT json_group_array(json_array(e.id, e.platform, e.status, e.platform_url, e.enabled) ORDER BY e.position, e.id) FROM entries e WHERE e.post_id = p.id) AS entries,
    (SELECT json_group_array(pl.label_id ORDER BY l.name COLLATE NOCASE) FROM post_labels pl JOIN labels l ON l.id = pl.label_id WHERE pl.post_id = p.id) AS labels
  FROM posts p`;

export interface CalendarRow {
  id: string;
  status: PostStatus;
  calendar_at: number;
  scheduled_at: number | null;
  overdue: number;
  text: string;
  entries: string;
  labels: string;
}

export function toCalendarPost(r: CalendarRow): CalendarPost {
  const entries = parseJson<Array<[string, PlatformId, EntryStatus, string | null, number]>>(r.entries, []);
  return {
    id: r.id,
    status: r.status,
    at: iso(r.calendar_at)!,
    scheduledAt: iso(r.scheduled_at),
    overdue: r.overdue === 1,
    text: r.text,
    labelIds: parseJson<string[]>(r.labels, []),
    entries: entries.map(([id, platform, status, url, enabled]) => ({ id, platform, status, url, enabled: enabled === 1 })),
  };
}

export function toPostRecord(r: PostRow): PostRecord {
  return {
    id: r.id,
    status: r.status,
    scheduledAt: r.scheduled_at,
    parts: parseJson<PostPart[]>(r.parts, []),
    repeat: parseJson<Repeat | null>(r.repeat, null),
    overdue: r.overdue === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    publishedAt: r.published_at,
    repeatNextId: r.repeat_next_id,
  };
}

export function toEntryRecord(r: EntryRow): EntryRecord {
  return {
    id: r.id,
    postId: r.post_id,
    accountId: r.account_id,
    platform: r.platform,
    contentType: r.content_type,
    enabled: r.enabled === 1,
    status: r.status,
    platformPostId: r.platform_post_id,
    platformUrl: r.platform_url,
    errorMessage: r.error_message,
    settings: parseJson<Record<string, unknown>>(r.settings, {}),
    textOverride: r.text_override,
    attemptKey: r.attempt_key,
    attemptCount: r.attempt_count,
    nextAttemptAt: r.next_attempt_at,
    progress: parseJson<Record<string, unknown> | null>(r.progress, null),
    position: r.position,
    handOff: r.hand_off,
    remoteId: r.remote_id,
    remoteAt: r.remote_at,
    remoteHash: r.remote_hash,
    remoteNote: r.remote_note,
    remoteCheckAt: r.remote_check_at,
    threadMode: r.thread_mode ?? null,
  };
}

export function toAttemptRecord(r: AttemptRow): AttemptRecord {
  return { id: r.id, entryId: r.entry_id, attemptKey: r.attempt_key, startedAt: r.started_at, endedAt: r.ended_at, outcome: r.outcome, httpStatus: r.http_status, message: r.message };
}

export const laneOf = (row: { id: string; account_id: string | null }) => row.account_id ?? `entry:${row.id}`;

export interface RemoteRow {
  id: string;
  post_id: string;
  account_id: string;
  platform: PlatformId;
  status: EntryStatus;
  post_status: PostStatus;
  scheduled_at: number | null;
}

export const toRemoteWork = (r: RemoteRow): RemoteWork => ({
  entryId: r.id,
  postId: r.post_id,
  accountId: r.account_id,
  platform: r.platform,
  status: r.status,
  postStatus: r.post_status,
  scheduledAt: r.scheduled_at,
  laneKey: r.account_id,
});
