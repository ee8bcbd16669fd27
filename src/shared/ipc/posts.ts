import { z } from 'zod';
import { POST_STATUSES, REPEAT_UNITS, type EntryStatus, type PlatformId, type Post, type PostStatus } from '../domain';
import type { Issue } from '../result';
import { channel, isoUtc, timeZoneName } from './define';

const id = z.string().min(1).max(100);

/** The Posts view's tabs, as `posts:list { view }` takes them. */
export const POST_LIST_VIEWS = ['upcoming', 'drafts', 'published', 'failed', 'all'] as const;
/** A tab of the Posts view. */
export type PostListView = (typeof POST_LIST_VIEWS)[number];

/** One part as the creator writes it. Text may be empty in drafts. */
export const postPartInput = z.strictObject({
  text: z.string().max(100_000),
  // 35: TikTok photo posts take the most.
  media: z
    .array(
      z.strictObject({
        mediaId: id,
        altText: z.string().max(5_000).default(''),
        /** A video's cover: a frame time and/or an image from the library. */
        cover: z
          .strictObject({ atMs: z.number().int().min(0).max(86_400_000).nullable().default(null), mediaId: id.nullable().default(null) })
          .refine((c) => c.atMs !== null || c.mediaId !== null, { message: 'a cover needs a frame time or an image' })
          .nullable()
          .optional(),
        /** How an image outside the platform's aspect range is fitted. */
        aspect: z.enum(['crop', 'pad']).optional(),
      }),
    )
    .max(35)
    .default([]),
});

/** Which accounts a post goes to, with per-entry options. */
export const targetInput = z.strictObject({
  accountId: id,
  contentType: z.string().min(1).max(50).optional(),
  enabled: z.boolean().optional(),
  /** Per-platform options; validated by the platform's schema in the engine. */
  settings: z.record(z.string(), z.unknown()).optional(),
  textOverride: z.string().max(100_000).nullable().optional(),
  /** 'off' keeps this entry with Outbox although the account lets its platform publish scheduled posts. */
  handOff: z.enum(['auto', 'off']).optional(),
  /** A thread to a platform that cannot thread: 'first' part only, or every part 'joined' as one message (null: the default, joined). */
  threadMode: z.enum(['first', 'joined']).nullable().optional(),
});

/** When a new post goes out. */
export const scheduleInput = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('draft') }),
  z.strictObject({ mode: z.literal('at'), at: isoUtc }),
  z.strictObject({ mode: z.literal('now') }),
  z.strictObject({ mode: z.literal('queue') }),
]);

/** How a post repeats, as the creator sets it (`remaining` is derived). */
export const repeatInput = z.strictObject({
  count: z.number().int().min(2).max(1000),
  every: z.number().int().min(1).max(1000),
  unit: z.enum(REPEAT_UNITS),
});

export const postsCreateInput = z.strictObject({
  parts: z.array(postPartInput).min(1).max(50),
  /** Omitted: every active account. */
  targets: z.array(targetInput).max(100).optional(),
  labelIds: z.array(id).max(50).default([]),
  schedule: scheduleInput,
  repeat: repeatInput.nullable().optional(),
});

export const postsUpdateInput = z.strictObject({
  id,
  parts: z.array(postPartInput).min(1).max(50).optional(),
  targets: z.array(targetInput).max(100).optional(),
  labelIds: z.array(id).max(50).optional(),
  /** null turns a scheduled post back into a draft. */
  scheduledAt: isoUtc.nullable().optional(),
  /** true: schedule it into the next free queue slot (instead of `scheduledAt`). */
  queue: z.literal(true).optional(),
  repeat: repeatInput.nullable().optional(),
});

export const postsListInput = z
  .strictObject({
    status: z.enum(POST_STATUSES).optional(),
    labelId: id.optional(),
    accountId: id.optional(),
    from: isoUtc.optional(),
    to: isoUtc.optional(),
    query: z.string().max(500).optional(),
    overdue: z.boolean().optional(),
    /**
     * A tab of the Posts view, which picks statuses and the order: `upcoming` (scheduled and
     * publishing, soonest first), `drafts` (last edited first), `published` (partly published
     * too, newest first), `failed` (partly published too, latest failure first), `all` (newest
     * first). Without it: every status, by time, drafts first.
     */
    view: z.enum(POST_LIST_VIEWS).optional(),
    limit: z.number().int().min(1).max(100).default(10),
    /**
     * The next page: the `next` cursor of the page before, with the same filters (keyset paging:
     * each page costs the same however deep it is). Its answer has `total: null`: the total was
     * counted with the first page.
     */
    after: z.string().min(1).max(2_000).optional(),
    /** Skips this many posts (the local API's Octopost-style `offset`); `after` is the cheaper way on. */
    offset: z.number().int().min(0).default(0),
  })
  .refine((input) => input.after === undefined || input.offset === 0, { path: ['after'], message: 'cannot be combined with offset: use one or the other' })
  .default({ limit: 10, offset: 0 });

/** How far `posts:calendar` reaches at once: a month grid is 42 days, so a few months with room to spare. */
export const CALENDAR_MAX_DAYS = 100;

export const postsCalendarInput = z
  .strictObject({
    from: isoUtc,
    to: isoUtc,
    /** Only these posts (those a `posts:changed` event named): the ones still in the range come back. */
    ids: z.array(id).max(1_000).optional(),
  })
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { path: ['to'], message: 'must be after from' })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= CALENDAR_MAX_DAYS * 86_400_000, { path: ['to'], message: `must be at most ${CALENDAR_MAX_DAYS} days after from` });

/** One entry of a calendar chip. */
export interface CalendarEntry {
  /** The entry's id: upload progress (`publish:progress`) is reported per entry. */
  id: string;
  platform: PlatformId;
  /** `handed_off` while a platform's own scheduler holds it. */
  status: EntryStatus;
  /** Where it was published, once it was. */
  url: string | null;
  enabled: boolean;
}

/** A post as a calendar chip shows it (`posts:calendar`); opening the chip reads the whole post with `posts:get`. */
export interface CalendarPost {
  id: string;
  status: PostStatus;
  /** Its moment on the calendar (`Post.calendarAt`): when it was or will be published. */
  at: string;
  /** Its planned time: a move starts from it, and it takes that queue slot. */
  scheduledAt: string | null;
  overdue: boolean;
  /** The first 100 characters of its first part. */
  text: string;
  labelIds: string[];
  entries: CalendarEntry[];
}

/** How many characters of the first part a chip carries (posts:calendar cuts them in SQL, by code point). */
export const CHIP_TEXT_CHARS = 100;

/**
 * The chip a whole post makes: what `posts:calendar` answers for it, built from the post the
 * page already has (after an edit or a move); null for a post that is not on the calendar.
 */
export function calendarChip(post: Post): CalendarPost | null {
  if (post.calendarAt === null) return null;
  return {
    id: post.id,
    status: post.status,
    at: post.calendarAt,
    scheduledAt: post.scheduledAt,
    overdue: post.overdue,
    text: Array.from(post.parts[0]?.text ?? '').slice(0, CHIP_TEXT_CHARS).join(''),
    labelIds: post.labelIds,
    entries: post.entries.map((e) => ({ id: e.id, platform: e.platform, status: e.status, url: e.platformUrl, enabled: e.enabled })),
  };
}

export const postsValidateInput = z.strictObject({
  parts: z.array(postPartInput).min(1).max(50),
  targets: z.array(targetInput).max(100),
  /** When the post would go out (the composer's chosen time): checks that depend on the day (YouTube's daily quota). */
  scheduledAt: isoUtc.nullable().optional(),
  /** The post being edited, so its own entries are not counted twice in those checks. */
  postId: id.optional(),
});

const byId = z.strictObject({ id });

/** A post with the problems that did not stop it being saved (drafts may be incomplete). */
export interface PostWithWarnings {
  post: Post;
  warnings: Issue[];
}

/** What `posts:validate` says about one entry. */
export interface EntryValidation {
  accountId: string;
  platform: PlatformId;
  contentType: string;
  /**
   * The text length as the platform counts it and its limit, for the limit that binds most (the
   * part and unit closest to or furthest past its limit: Bluesky's bytes can bind before its
   * graphemes), and that limit's unit.
   */
  length: number;
  limit: number;
  unit: 'characters' | 'bytes';
  problems: Issue[];
  /** What may go wrong but does not stop sending (YouTube's daily upload quota running out that day). */
  warnings: Issue[];
}

/** Posts channels. */
export const postsChannels = {
  'posts:create': channel(postsCreateInput).returns<PostWithWarnings>(),
  'posts:update': channel(postsUpdateInput).returns<PostWithWarnings>(),
  'posts:delete': channel(byId).returns<{ id: string; message: string }>(),
  'posts:duplicate': channel(byId).returns<Post>(),
  'posts:get': channel(byId).returns<Post>(),
  /**
   * A page of posts. `total` counts every post the filters match (null on an `after` page: it was
   * counted with the first); `next` is the cursor for `after`, null on the last page.
   */
  'posts:list': channel(postsListInput).returns<{ posts: Post[]; total: number | null; next: string | null }>(),
  /** Every post whose calendar moment is in [from, to), as chips, in one answer (no paging, no count). */
  'posts:calendar': channel(postsCalendarInput).returns<{ posts: CalendarPost[] }>(),
  'posts:publish': channel(byId).returns<Post>(),
  'posts:validate': channel(postsValidateInput).returns<{ entries: EntryValidation[] }>(),
  /** The next free queue slots (ISO UTC), soonest first; fewer when the queue runs out. */
  /**
   * The creator's time zone changes: scheduled posts keep their `local_time` (09:30 stays 09:30)
   * or their `moment`, moved in one transaction with the setting. `moved`: posts whose time
   * changed; `keptMoment`: posts whose local time had already passed in the new zone.
   */
  'posts:changeTimeZone': channel(z.strictObject({ timeZone: timeZoneName, keep: z.enum(['local_time', 'moment']) })).returns<{ timeZone: string; moved: string[]; keptMoment: string[] }>(),
  'posts:nextSlots': channel(z.strictObject({ count: z.number().int().min(1).max(50).default(1) }).default({ count: 1 })).returns<{ slots: string[] }>(),
};
