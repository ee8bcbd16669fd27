import type { PlatformId } from '../domain';

// The platform catalog: what each platform accepts, from the platforms' own developer docs
// (late 2025). Pure data, so the renderer can show limits and the engine can enforce them.

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

/** How a platform counts the length of a text. */
export type CountingMethod =
  /** twitter-text's weighted length: URLs 23, CJK and emoji 2, most Latin 1. */
  | 'x-weighted'
  /** User-perceived characters (Intl.Segmenter graphemes). */
  | 'graphemes'
  /** Graphemes after every http(s) URL is replaced by 23 characters and remote mentions lose their domain. */
  | 'mastodon'
  /** Unicode code points. */
  | 'code-points'
  /** UTF-16 code units (JavaScript's `length`), as Telegram and TikTok count. */
  | 'utf16';

/** Every content type Outbox publishes. */
export const CONTENT_TYPES = [
  'x_post',
  'bluesky_post',
  'mastodon_post',
  'threads_post',
  'linkedin_post',
  'instagram_post',
  'instagram_reel',
  'instagram_story',
  'instagram_carousel',
  'facebook_post',
  'facebook_reel',
  'facebook_story',
  'tiktok_video',
  'tiktok_photo',
  'youtube_video',
  'youtube_short',
  'pinterest_pin',
  'telegram_message',
] as const;
/** A content type, e.g. `instagram_reel`. */
export type ContentType = (typeof CONTENT_TYPES)[number];

/** What media one part of a post may carry for a content type. */
export interface MediaRules {
  /** At least `minItems` media items are required. */
  required: boolean;
  /** Fewest items when media is required (a carousel needs 2). */
  minItems: number;
  /** Most items of all kinds together. */
  maxItems: number;
  maxImages: number;
  maxVideos: number;
  /** Whether images and videos may be attached together. */
  mix: boolean;
  /** Largest accepted file per kind, in bytes. */
  imageMaxBytes: number;
  videoMaxBytes: number;
  /** Largest accepted GIF, when it differs from other images. */
  gifMaxBytes?: number;
  /** Video length bounds in seconds, where the platform sets them (checked when the length is known). */
  videoMinSeconds?: number;
  videoMaxSeconds?: number;
}

/** One content type of a platform. */
export interface ContentTypeSpec {
  id: ContentType;
  /** How a creator calls it. */
  label: string;
  media: MediaRules;
}

/** A text a platform limits, with how it counts. */
export interface TextLimit {
  limit: number;
  counting: CountingMethod;
}

/** Everything Outbox knows about what a platform accepts. */
export interface PlatformSpec {
  id: PlatformId;
  /** The platform's name as creators know it ("Publishing to X failed"): the one table of names. */
  name: string;
  /** How an account of this kind is listed where two kinds share a name ("Instagram (through Facebook)"). */
  label: string;
  /** The post text (the description on YouTube and Pinterest). */
  text: TextLimit & {
    /** What the text is called in messages ("description" on YouTube). */
    noun: string;
    /** The limit for a text sent as a media caption, when it is lower (Telegram: 1,024). */
    captionLimit?: number;
  };
  /** A separate title (YouTube, Pinterest), kept in the entry's settings as `title`. */
  title?: TextLimit & { required: boolean };
  /** Whether several parts can go out as a thread. */
  threads: boolean;
  /** Longest alt text per media item; null when the platform takes no alt text (not sent). */
  altTextLimit: number | null;
  contentTypes: ContentTypeSpec[];
  defaultContentType: ContentType;
  /** Where the platform can hold a scheduled post and publish it itself (Outbox hands it off). */
  handOff?: HandOffRule;
}

/** What a platform's own scheduler accepts. */
export interface HandOffRule {
  /** The earliest a post may be handed over, ahead of its time (Mastodon: 5 minutes). */
  minLeadMs: number;
  /** The latest: a post further ahead is handed over once it is within this window. */
  maxLeadMs?: number;
  /** Whether a thread of several parts can be held (each reply needs the post before it: no). */
  holdsThreads: boolean;
}

/**
 * Why an entry cannot be handed to its platform's scheduler, or null when it can: no scheduler,
 * a thread, or a time too soon. A time too far ahead is not a refusal (it is handed over later).
 */
export function handOffRefusal(platform: PlatformId, parts: number, scheduledAt: number | null, now: number, minLeadMs?: number): string | null {
  const spec = PLATFORM_SPECS[platform];
  const rule = spec.handOff;
  if (!rule) return `${spec.name} has no scheduler of its own`;
  if (scheduledAt === null) return 'not scheduled';
  if (parts > 1 && !rule.holdsThreads) return `${spec.name} cannot hold a thread (each reply needs the post before it), so Outbox sends it`;
  const lead = minLeadMs ?? rule.minLeadMs;
  if (scheduledAt - now < lead) return `${spec.name} only holds posts scheduled at least ${Math.max(1, Math.round(lead / 60_000))} minutes ahead, so Outbox sends this one`;
  return null;
}

function media(rules: Partial<MediaRules> & Pick<MediaRules, 'maxImages' | 'maxVideos' | 'imageMaxBytes' | 'videoMaxBytes'>): MediaRules {
  return {
    required: false,
    minItems: rules.required ? 1 : 0,
    maxItems: Math.max(rules.maxImages, rules.maxVideos),
    mix: false,
    ...rules,
  };
}

const x: PlatformSpec = {
  id: 'x',
  name: 'X',
  label: 'X',
  text: { limit: 280, counting: 'x-weighted', noun: 'text' },
  threads: true,
  altTextLimit: 1_000,
  contentTypes: [{ id: 'x_post', label: 'Post', media: media({ maxImages: 4, maxVideos: 1, imageMaxBytes: 5 * MB, gifMaxBytes: 15 * MB, videoMaxBytes: 512 * MB, videoMinSeconds: 0.5, videoMaxSeconds: 140 }) }],
  defaultContentType: 'x_post',
};

const bluesky: PlatformSpec = {
  id: 'bluesky',
  name: 'Bluesky',
  label: 'Bluesky',
  text: { limit: 300, counting: 'graphemes', noun: 'text' },
  threads: true,
  altTextLimit: 2_000,
  // Bluesky's blob limit for images is 1,000,000 bytes, but the adapter re-encodes larger images
  // under it (issue 6), so only files too big to decode sensibly are refused here.
  contentTypes: [{ id: 'bluesky_post', label: 'Post', media: media({ maxImages: 4, maxVideos: 1, imageMaxBytes: 50 * MB, videoMaxBytes: 100 * MB, videoMaxSeconds: 180 }) }],
  defaultContentType: 'bluesky_post',
};

/** Mastodon's defaults; an instance's own limits (account meta) replace them. */
export const MASTODON_DEFAULTS = {
  maxCharacters: 500,
  maxMediaAttachments: 4,
  charactersReservedPerUrl: 23,
  imageSizeLimit: 16 * MB,
  videoSizeLimit: 99 * MB,
  maxPollOptions: 4,
  maxPollOptionCharacters: 50,
} as const;

const mastodon: PlatformSpec = {
  id: 'mastodon',
  name: 'Mastodon',
  label: 'Mastodon',
  // Scheduled statuses: `scheduled_at` at least 5 minutes ahead (docs.joinmastodon.org/methods/statuses).
  handOff: { minLeadMs: 5 * 60_000, holdsThreads: false },
  text: { limit: MASTODON_DEFAULTS.maxCharacters, counting: 'mastodon', noun: 'text' },
  threads: true,
  altTextLimit: 1_500,
  contentTypes: [
    {
      id: 'mastodon_post',
      label: 'Post',
      media: media({ maxImages: 4, maxVideos: 1, imageMaxBytes: MASTODON_DEFAULTS.imageSizeLimit, videoMaxBytes: MASTODON_DEFAULTS.videoSizeLimit }),
    },
  ],
  defaultContentType: 'mastodon_post',
};

const threads: PlatformSpec = {
  id: 'threads',
  name: 'Threads',
  label: 'Threads',
  text: { limit: 500, counting: 'code-points', noun: 'text' },
  threads: true,
  altTextLimit: 1_000,
  contentTypes: [{ id: 'threads_post', label: 'Post', media: media({ maxItems: 10, maxImages: 10, maxVideos: 10, mix: true, imageMaxBytes: 8 * MB, videoMaxBytes: 1 * GB, videoMaxSeconds: 300 }) }],
  defaultContentType: 'threads_post',
};

function linkedin(id: 'linkedin' | 'linkedin-page', name: string): PlatformSpec {
  return {
    id,
    name,
    label: name,
    text: { limit: 3_000, counting: 'code-points', noun: 'text' },
    threads: false,
    altTextLimit: 4_086,
    contentTypes: [{ id: 'linkedin_post', label: 'Post', media: media({ maxImages: 20, maxVideos: 1, imageMaxBytes: 10 * MB, videoMaxBytes: 5 * GB, videoMinSeconds: 3, videoMaxSeconds: 1_800 }) }],
    defaultContentType: 'linkedin_post',
  };
}

function instagram(id: 'instagram' | 'instagram-facebook', name: string, label: string): PlatformSpec {
  return {
    id,
    name,
    label,
    text: { limit: 2_200, counting: 'code-points', noun: 'caption' },
    threads: false,
    altTextLimit: 1_000,
    contentTypes: [
      { id: 'instagram_post', label: 'Post', media: media({ required: true, maxImages: 1, maxVideos: 0, imageMaxBytes: 8 * MB, videoMaxBytes: 0 }) },
      { id: 'instagram_carousel', label: 'Carousel', media: media({ required: true, minItems: 2, maxItems: 10, maxImages: 10, maxVideos: 10, mix: true, imageMaxBytes: 8 * MB, videoMaxBytes: 100 * MB, videoMinSeconds: 3, videoMaxSeconds: 60 }) },
      { id: 'instagram_reel', label: 'Reel', media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 300 * MB, videoMinSeconds: 3, videoMaxSeconds: 900 }) },
      { id: 'instagram_story', label: 'Story', media: media({ required: true, maxItems: 1, maxImages: 1, maxVideos: 1, imageMaxBytes: 8 * MB, videoMaxBytes: 100 * MB, videoMinSeconds: 3, videoMaxSeconds: 60 }) },
    ],
    defaultContentType: 'instagram_post',
  };
}

const facebook: PlatformSpec = {
  id: 'facebook',
  name: 'Facebook',
  label: 'Facebook Page',
  text: { limit: 63_206, counting: 'code-points', noun: 'text' },
  threads: false,
  altTextLimit: null,
  contentTypes: [
    { id: 'facebook_post', label: 'Post', media: media({ maxImages: 10, maxVideos: 1, imageMaxBytes: 10 * MB, videoMaxBytes: 1 * GB }) },
    { id: 'facebook_reel', label: 'Reel', media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 1 * GB, videoMinSeconds: 3, videoMaxSeconds: 90 }) },
    { id: 'facebook_story', label: 'Story', media: media({ required: true, maxItems: 1, maxImages: 1, maxVideos: 1, imageMaxBytes: 10 * MB, videoMaxBytes: 1 * GB, videoMinSeconds: 3, videoMaxSeconds: 60 }) },
  ],
  defaultContentType: 'facebook_post',
};

const tiktok: PlatformSpec = {
  id: 'tiktok',
  name: 'TikTok',
  label: 'TikTok',
  text: { limit: 2_200, counting: 'utf16', noun: 'caption' },
  threads: false,
  altTextLimit: null,
  contentTypes: [
    { id: 'tiktok_video', label: 'Video', media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 4 * GB, videoMinSeconds: 3, videoMaxSeconds: 600 }) },
    { id: 'tiktok_photo', label: 'Photo post', media: media({ required: true, maxImages: 35, maxVideos: 0, imageMaxBytes: 20 * MB, videoMaxBytes: 0 }) },
  ],
  defaultContentType: 'tiktok_video',
};

const youtube: PlatformSpec = {
  id: 'youtube',
  name: 'YouTube',
  label: 'YouTube',
  text: { limit: 5_000, counting: 'code-points', noun: 'description' },
  title: { limit: 100, counting: 'code-points', required: true },
  threads: false,
  altTextLimit: null,
  contentTypes: [
    { id: 'youtube_video', label: 'Video', media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 256 * GB, videoMaxSeconds: 43_200 }) },
    { id: 'youtube_short', label: 'Short', media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 256 * GB, videoMaxSeconds: 180 }) },
  ],
  defaultContentType: 'youtube_video',
};

const pinterest: PlatformSpec = {
  id: 'pinterest',
  name: 'Pinterest',
  label: 'Pinterest',
  text: { limit: 500, counting: 'code-points', noun: 'description' },
  title: { limit: 100, counting: 'code-points', required: false },
  threads: false,
  altTextLimit: 500,
  contentTypes: [{ id: 'pinterest_pin', label: 'Pin', media: media({ required: true, maxItems: 1, maxImages: 1, maxVideos: 1, imageMaxBytes: 20 * MB, videoMaxBytes: 2 * GB, videoMinSeconds: 4, videoMaxSeconds: 900 }) }],
  defaultContentType: 'pinterest_pin',
};

const telegram: PlatformSpec = {
  id: 'telegram',
  name: 'Telegram',
  label: 'Telegram',
  text: { limit: 4_096, counting: 'utf16', noun: 'text', captionLimit: 1_024 },
  threads: false,
  altTextLimit: null,
  contentTypes: [{ id: 'telegram_message', label: 'Message', media: media({ maxItems: 10, maxImages: 10, maxVideos: 10, mix: true, imageMaxBytes: 10 * MB, videoMaxBytes: 50 * MB }) }],
  defaultContentType: 'telegram_message',
};

/** The catalog, by platform id. */
export const PLATFORM_SPECS: Record<PlatformId, PlatformSpec> = {
  x,
  bluesky,
  mastodon,
  threads,
  linkedin: linkedin('linkedin', 'LinkedIn'),
  'linkedin-page': linkedin('linkedin-page', 'LinkedIn Page'),
  instagram: instagram('instagram', 'Instagram', 'Instagram'),
  'instagram-facebook': instagram('instagram-facebook', 'Instagram', 'Instagram (through Facebook)'),
  facebook,
  tiktok,
  youtube,
  pinterest,
  telegram,
};

/** The spec of one platform. */
export function platformSpec(platform: PlatformId): PlatformSpec {
  return PLATFORM_SPECS[platform];
}

/** The spec of a content type on a platform, or undefined when the platform does not offer it. */
export function contentTypeSpec(platform: PlatformId, contentType: string): ContentTypeSpec | undefined {
  return PLATFORM_SPECS[platform].contentTypes.find((c) => c.id === contentType);
}

/** A duration as creators read it: "45 s", "2 min 20 s", "1 h". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${Math.round(seconds * 10) / 10} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', rest ? `${rest} s` : ''].filter(Boolean).join(' ');
}

/** A byte count as creators read it: "1 MB", "512 MB", "1.5 GB". */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [GB, 'GB'],
    [MB, 'MB'],
    [KB, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
