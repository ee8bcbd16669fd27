import { z } from 'zod';

/** Every platform Outbox publishes to (DESIGN.md §3). */
export const PLATFORMS = [
  'x',
  'bluesky',
  'mastodon',
  'linkedin',
  'linkedin-page',
  'threads',
  'instagram',
  'instagram-facebook',
  'facebook',
  'tiktok',
  'youtube',
  'pinterest',
  'telegram',
] as const;
/** A platform id. */
export type PlatformId = (typeof PLATFORMS)[number];
/** Parses a platform id. */
export const platformId = z.enum(PLATFORMS);

/** Where a post is in its life. */
export const POST_STATUSES = ['draft', 'scheduled', 'publishing', 'published', 'partially_published', 'failed'] as const;
/** A post's status. */
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * Where one platform entry of a post is. `handed_off`: the platform's own scheduler holds it and
 * publishes it at its time, even with this computer off.
 */
export const ENTRY_STATUSES = ['pending', 'publishing', 'handed_off', 'published', 'failed'] as const;
/** An entry's status. */
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** How an account's connection stands. */
export const CONNECTION_STATES = ['connected', 'disconnected', 'token_expired'] as const;
/** An account's connection. */
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** Units a repeating post can step by. */
export const REPEAT_UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
/** A repeat unit. */
export type RepeatUnit = (typeof REPEAT_UNITS)[number];

/** One media item attached to a part. */
export interface PartMedia {
  mediaId: string;
  altText: string;
  /**
   * A video's cover, chosen in the composer: a frame (its time, and the frame drawn as an image
   * into the library) or an image of the creator's. TikTok takes the time; YouTube, Reels and
   * Facebook take the image.
   */
  cover?: VideoCover | null;
  /** How an image outside a platform's aspect range is fitted (Instagram 4:5 to 1.91:1). */
  aspect?: 'crop' | 'pad';
}

/** A video's cover: a frame time, an image from the library, or both (a frame drawn as an image). */
export interface VideoCover {
  /** The frame's time in the video, in milliseconds, when the cover is a frame. */
  atMs: number | null;
  /** The cover image (the drawn frame, or a picture), a media library item. */
  mediaId: string | null;
}

/** One part of a post; more than one part is a thread. */
export interface PostPart {
  text: string;
  media: PartMedia[];
}

/** How a post repeats: `count` occurrences in all, every `every` `unit`; `remaining` after this one. */
export interface Repeat {
  count: number;
  every: number;
  unit: RepeatUnit;
  remaining: number;
}

/** One publish attempt of an entry, as the attempt log keeps it. */
export interface Attempt {
  startedAt: string;
  endedAt: string | null;
  outcome: 'in_flight' | 'published' | 'transient' | 'rate_limited' | 'auth' | 'permanent' | 'unknown' | 'reconciled' | 'handed_off';
  httpStatus: number | null;
  message: string | null;
}

/** A post's entry for one account. */
export interface PlatformEntry {
  id: string;
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
  /** 'auto' follows the account's "let the platform publish" setting; 'off' keeps this entry with Outbox. */
  handOff: 'auto' | 'off';
  /** While handed off: the platform's id of the schedule and when the platform publishes it. */
  remote: { id: string; at: string } | null;
  /** Why this entry stays with Outbox although its account hands posts off (the platform cannot hold it). */
  remoteNote: string | null;
  /** A thread to a platform that cannot thread: part 1 only, or every part joined (null: the default, joined). */
  threadMode: 'first' | 'joined' | null;
  attempts: Attempt[];
}

/** A post: content written once, sent to several accounts. */
export interface Post {
  id: string;
  status: PostStatus;
  scheduledAt: string | null;
  parts: PostPart[];
  labelIds: string[];
  entries: PlatformEntry[];
  repeat: Repeat | null;
  /** Its time passed beyond the catch-up grace while Outbox was closed; waits for the creator. */
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  /**
   * Its moment on the calendar: when it was published by hand ("Publish now", "Retry"), else its
   * planned time, else when it settled; null for a draft without a time.
   */
  calendarAt: string | null;
}

/** A connected social account. Tokens are never part of it. */
export interface Account {
  id: string;
  platform: PlatformId;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  instanceUrl: string | null;
  active: boolean;
  connection: ConnectionState;
  tokenExpiresAt: string | null;
  lastCheckedAt: string | null;
  createdAt: string;
  /** "Let <platform> publish my scheduled posts"; null where the platform has no scheduler of its own. */
  handOff: boolean | null;
}

/** A label to group posts. */
export interface Label {
  id: string;
  name: string;
  color: string;
}

/** What a library file is: a picture, a video, or a document (a PDF, which only LinkedIn takes). */
export type MediaKind = 'image' | 'video' | 'document';

/** A file in the media library. */
export interface Media {
  id: string;
  kind: MediaKind;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  sha256: string;
  altText: string;
  // Facts read at import (null when unknown, e.g. imported before Outbox read them; optional so
  // older payloads still type-check).
  /** Video codec (ffprobe's name: h264, hevc, vp9, av1). */
  videoCodec?: string | null;
  /** Audio codec (aac, opus, mp3); null for a silent video. */
  audioCodec?: string | null;
  /** Average frames a second. */
  frameRate?: number | null;
  /** Clockwise degrees a player turns the video (width and height are already as shown). */
  rotation?: number | null;
  /** mp4, mov, webm or mkv. */
  container?: string | null;
  /** Frames of an animated image (1 for a still image). */
  frames?: number | null;
  /** Whether an image uses transparency. */
  hasAlpha?: boolean | null;
  /** An image's colour space (srgb, cmyk, b-w). */
  colorSpace?: string | null;
}
