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
  | 'utf16'
  /** UTF-8 bytes, as Bluesky's record schema (3,000) and YouTube's description (5,000) limit them. */
  | 'utf8-bytes'
  /** Graphemes, an emoji counting as its UTF-8 bytes (Threads: "Emojis are counted as the number of UTF-8 bytes"). */
  | 'threads';

/** What a creator calls the units a counting method counts. */
export function countingUnit(counting: CountingMethod): 'characters' | 'bytes' {
  return counting === 'utf8-bytes' ? 'bytes' : 'characters';
}

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

/** An image format as platforms name them (sharp's names). */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

/** A video container, as Outbox names it from the file's header. */
export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'mkv';

/** Width ÷ height bounds (Instagram's feed: 0.8 for 4:5 up to 1.91 for 1.91:1). */
export interface AspectRange {
  min: number;
  max: number;
}

/** How a platform takes an animated GIF (where it keeps the animation). */
export interface AnimatedGifRules {
  maxFrames?: number;
  maxWidth?: number;
  maxHeight?: number;
  /** Width x height x frames (X: 300 million). */
  maxPixelsTimesFrames?: number;
}

/** What a platform takes as an image beyond the byte limit: what the fitter (sharp) makes every image obey. */
export interface ImageRules {
  /** Formats sent as they are; anything else is re-encoded (JPEG for photos, PNG or WebP to keep transparency). */
  formats: ImageFormat[];
  /** Bytes the platform stores when below what the composer accepts (Bluesky's 1,000,000-byte blob). */
  maxBytes?: number;
  /** Longest side in pixels (the most the platform serves, or takes). */
  maxSide?: number;
  /** Widest image the platform takes (Instagram: 1,440). */
  maxWidth?: number;
  /** Most pixels (LinkedIn: 36,152,320). */
  maxPixels?: number;
  /** Largest width + height (Telegram photos: 10,000). */
  maxDimensionSum?: number;
  /** Width ÷ height the platform takes; outside it the image is cropped or padded (the creator's choice). */
  aspect?: AspectRange;
  /** Whether transparency shows on the platform; false: flattened onto white (JPEG). */
  transparency: boolean;
  /** Animated GIFs stay animated within these limits; false: only the first frame is sent. */
  animatedGif: false | AnimatedGifRules;
}

/** What a platform takes as a video beyond bytes and length, checked from the file's facts (ffprobe). */
export interface VideoRules {
  containers?: VideoContainer[];
  /** Video codecs by ffprobe name: h264, hevc, vp8, vp9, av1. */
  codecs?: string[];
  /** Audio codecs when the video has sound (aac, mp3, opus). */
  audioCodecs?: string[];
  minFps?: number;
  maxFps?: number;
}

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
  /** Most documents (PDF); absent or 0: the content type takes none (only LinkedIn posts take one). */
  maxDocuments?: number;
  /** Whether images and videos may be attached together (a document never goes with anything). */
  mix: boolean;
  /** Largest accepted file per kind, in bytes. */
  imageMaxBytes: number;
  videoMaxBytes: number;
  /** Largest accepted GIF, when it differs from other images. */
  gifMaxBytes?: number;
  /** Largest accepted document, where documents are taken. */
  documentMaxBytes?: number;
  /** Video length bounds in seconds, where the platform sets them (checked when the length is known). */
  videoMinSeconds?: number;
  videoMaxSeconds?: number;
  /** Formats, pixels, aspect and GIF rules for images (where images are taken). */
  image?: ImageRules;
  /** Containers, codecs and frame rates for videos (where the platform sets them). */
  video?: VideoRules;
}

/** One content type of a platform. */
export interface ContentTypeSpec {
  id: ContentType;
  /** How a creator calls it. */
  label: string;
  media: MediaRules;
  /**
   * The platform fetches this content type's media from a public URL instead of taking an upload
   * (Threads, Instagram, TikTok photos): Outbox needs the creator's bucket to send media.
   */
  mediaByUrl?: boolean;
}

/** A text a platform limits, with how it counts. */
export interface TextLimit {
  limit: number;
  counting: CountingMethod;
  /**
   * Further limits on the same text in other units, all checked when a post is scheduled (Bluesky:
   * 300 graphemes and 3,000 UTF-8 bytes). The counter shows whichever binds.
   */
  also?: Array<{ limit: number; counting: CountingMethod }>;
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

// Image and video rules, from each platform's media documentation (late 2025).
/** Meta (Instagram) takes JPEG only, 320-1,440 px wide (it rescales beyond). */
const INSTAGRAM_IMAGE: ImageRules = { formats: ['jpeg'], maxWidth: 1_440, transparency: false, animatedGif: false };
/** Meta's Reels and video specs: MOV or MP4, HEVC or H.264, AAC, 23-60 fps. */
const META_VIDEO: VideoRules = { containers: ['mp4', 'mov'], codecs: ['h264', 'hevc'], audioCodecs: ['aac'], minFps: 23, maxFps: 60 };

const x: PlatformSpec = {
  id: 'x',
  name: 'X',
  label: 'X',
  text: { limit: 280, counting: 'x-weighted', noun: 'text' },
  threads: true,
  altTextLimit: 1_000,
  contentTypes: [
    {
      id: 'x_post',
      label: 'Post',
      media: media({
        maxImages: 4, maxVideos: 1, imageMaxBytes: 5 * MB, gifMaxBytes: 15 * MB, videoMaxBytes: 512 * MB, videoMinSeconds: 0.5, videoMaxSeconds: 140,
        // X's media best practices: JPG, PNG, GIF, WEBP; GIFs up to 1280x1080 and 350 frames.
        image: { formats: ['jpeg', 'png', 'webp', 'gif'], maxSide: 4_096, transparency: true, animatedGif: { maxFrames: 350, maxWidth: 1_280, maxHeight: 1_080, maxPixelsTimesFrames: 300_000_000 } },
        video: { containers: ['mp4', 'mov'], codecs: ['h264'], audioCodecs: ['aac'], maxFps: 60 },
      }),
    },
  ],
  defaultContentType: 'x_post',
};

const bluesky: PlatformSpec = {
  id: 'bluesky',
  name: 'Bluesky',
  label: 'Bluesky',
  // app.bsky.feed.post (atproto lexicon): text maxGraphemes 300 and maxLength 3,000 (UTF-8 bytes).
  text: { limit: 300, counting: 'graphemes', also: [{ limit: 3_000, counting: 'utf8-bytes' }], noun: 'text' },
  threads: true,
  altTextLimit: 2_000,
  // Bluesky's blob limit for images is 1,000,000 bytes, but the adapter re-encodes larger images
  // under it (issue 6), so only files too big to decode sensibly are refused here.
  contentTypes: [
    {
      id: 'bluesky_post',
      label: 'Post',
      media: media({
        maxImages: 4, maxVideos: 1, imageMaxBytes: 50 * MB, videoMaxBytes: 100 * MB, videoMaxSeconds: 180,
        // The blob limit; the CDN serves at most 2,000 px and as JPEG (so transparency and animation do not show).
        image: { formats: ['jpeg', 'png', 'webp', 'gif'], maxBytes: 1_000_000, maxSide: 2_000, transparency: false, animatedGif: false },
        video: { containers: ['mp4'] },
      }),
    },
  ],
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
      media: media({
        maxImages: 4, maxVideos: 1, imageMaxBytes: MASTODON_DEFAULTS.imageSizeLimit, videoMaxBytes: MASTODON_DEFAULTS.videoSizeLimit,
        // image_matrix_limit of /api/v2/instance (33,177,600 by default); GIFs become looping videos there.
        image: { formats: ['jpeg', 'png', 'webp', 'gif'], maxPixels: 33_177_600, transparency: true, animatedGif: {} },
        video: { containers: ['mp4', 'mov', 'webm'], maxFps: 120 },
      }),
    },
  ],
  defaultContentType: 'mastodon_post',
};

// Threads (developers.facebook.com/documentation/threads/posts and /reference/publishing):
// 500 characters with emoji counted by their UTF-8 bytes; JPEG or PNG up to 8 MB, 320 to 1,440 px
// wide, aspect ratio up to 10:1; MOV or MP4 (H.264 or HEVC, AAC), 23-60 fps, up to 5 minutes and
// 1 GB; a carousel of 2 to 20 images and videos; media fetched by Threads from a public URL.
const threads: PlatformSpec = {
  id: 'threads',
  name: 'Threads',
  label: 'Threads',
  // Threads posts (developers.facebook.com/documentation/threads/posts): 500 characters; emojis
  // count as their UTF-8 bytes.
  text: { limit: 500, counting: 'threads', noun: 'text' },
  threads: true,
  altTextLimit: 1_000,
  contentTypes: [
    {
      id: 'threads_post',
      label: 'Post',
      mediaByUrl: true,
      media: media({
        maxItems: 20, maxImages: 20, maxVideos: 20, mix: true, imageMaxBytes: 8 * MB, videoMaxBytes: 1 * GB, videoMaxSeconds: 300,
        image: { formats: ['jpeg', 'png'], maxWidth: 1_440, aspect: { min: 0.1, max: 10 }, transparency: true, animatedGif: false },
        video: { ...META_VIDEO },
      }),
    },
  ],
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
    contentTypes: [
      {
        id: 'linkedin_post',
        label: 'Post',
        media: media({
          maxImages: 20, maxVideos: 1, imageMaxBytes: 10 * MB, videoMaxBytes: 5 * GB, videoMinSeconds: 3, videoMaxSeconds: 1_800,
          // Documents API: one PDF (a carousel), up to 100 MB and 300 pages, never beside other media.
          maxDocuments: 1, documentMaxBytes: 100 * MB,
          // Images API: JPG, GIF (up to 250 frames), PNG, under 36,152,320 pixels. Videos API: MP4.
          image: { formats: ['jpeg', 'png', 'gif'], maxPixels: 36_152_320, transparency: true, animatedGif: { maxFrames: 250 } },
          video: { containers: ['mp4'] },
        }),
      },
    ],
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
      { id: 'instagram_post', mediaByUrl: true, label: 'Post', media: media({ required: true, maxImages: 1, maxVideos: 0, imageMaxBytes: 8 * MB, videoMaxBytes: 0, image: { ...INSTAGRAM_IMAGE, aspect: { min: 0.8, max: 1.91 } } }) },
      { id: 'instagram_carousel', mediaByUrl: true, label: 'Carousel', media: media({ required: true, minItems: 2, maxItems: 10, maxImages: 10, maxVideos: 10, mix: true, imageMaxBytes: 8 * MB, videoMaxBytes: 100 * MB, videoMinSeconds: 3, videoMaxSeconds: 60, image: { ...INSTAGRAM_IMAGE, aspect: { min: 0.8, max: 1.91 } }, video: META_VIDEO }) },
      { id: 'instagram_reel', mediaByUrl: true, label: 'Reel', media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 300 * MB, videoMinSeconds: 3, videoMaxSeconds: 900, video: META_VIDEO }) },
      { id: 'instagram_story', mediaByUrl: true, label: 'Story', media: media({ required: true, maxItems: 1, maxImages: 1, maxVideos: 1, imageMaxBytes: 8 * MB, videoMaxBytes: 100 * MB, videoMinSeconds: 3, videoMaxSeconds: 60, image: INSTAGRAM_IMAGE, video: META_VIDEO }) },
    ],
    defaultContentType: 'instagram_post',
  };
}

/** Facebook shows photos at most 2,048 px on the long side; PNG transparency survives. */
const FACEBOOK_IMAGE: ImageRules = { formats: ['jpeg', 'png', 'gif', 'webp'], maxSide: 2_048, transparency: true, animatedGif: false };

const facebook: PlatformSpec = {
  id: 'facebook',
  name: 'Facebook',
  label: 'Facebook Page',
  // Scheduled Page posts: published=false with scheduled_publish_time "between 10 minutes and 30
  // days from the time of the API request" (developers.facebook.com/docs/pages-api/posts; the Page
  // feed reference says 75 days: the guide's 30 is the safe one). Posts further ahead are handed
  // over once they are within 30 days.
  handOff: { minLeadMs: 10 * 60_000, maxLeadMs: 30 * 24 * 60 * 60_000, holdsThreads: false },
  text: { limit: 63_206, counting: 'code-points', noun: 'text' },
  threads: false,
  // Page photos take `alt_text_custom`; Meta documents no length, so Outbox keeps Instagram's 1,000.
  altTextLimit: 1_000,
  contentTypes: [
    { id: 'facebook_post', label: 'Post', media: media({ maxImages: 10, maxVideos: 1, imageMaxBytes: 10 * MB, videoMaxBytes: 1 * GB, image: FACEBOOK_IMAGE }) },
    {
      id: 'facebook_reel',
      label: 'Reel',
      // Reels publishing: MP4 recommended, H.264/H.265/VP9/AV1, AAC audio, 24-60 fps, 3-90 s.
      media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 1 * GB, videoMinSeconds: 3, videoMaxSeconds: 90, video: { containers: ['mp4', 'mov'], codecs: ['h264', 'hevc', 'vp9', 'av1'], audioCodecs: ['aac'], minFps: 24, maxFps: 60 } }),
    },
    { id: 'facebook_story', label: 'Story', media: media({ required: true, maxItems: 1, maxImages: 1, maxVideos: 1, imageMaxBytes: 10 * MB, videoMaxBytes: 1 * GB, videoMinSeconds: 3, videoMaxSeconds: 60, image: FACEBOOK_IMAGE }) },
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
    {
      id: 'tiktok_video',
      label: 'Video',
      // Content Posting API video restrictions: MP4 (recommended), WebM, MOV; H.264, H.265, VP8, VP9; 23-60 fps.
      media: media({ required: true, maxImages: 0, maxVideos: 1, imageMaxBytes: 0, videoMaxBytes: 4 * GB, videoMinSeconds: 3, videoMaxSeconds: 600, video: { containers: ['mp4', 'webm', 'mov'], codecs: ['h264', 'hevc', 'vp8', 'vp9'], minFps: 23, maxFps: 60 } }),
    },
    {
      id: 'tiktok_photo',
      mediaByUrl: true,
      label: 'Photo post',
      // Photo restrictions: JPG, JPEG or WEBP, up to 1080p.
      media: media({ required: true, maxImages: 35, maxVideos: 0, imageMaxBytes: 20 * MB, videoMaxBytes: 0, image: { formats: ['jpeg', 'webp'], maxSide: 1_920, maxPixels: 1_920 * 1_080, transparency: false, animatedGif: false } }),
    },
  ],
  defaultContentType: 'tiktok_video',
};

const youtube: PlatformSpec = {
  id: 'youtube',
  name: 'YouTube',
  label: 'YouTube',
  // videos resource: snippet.description at most 5,000 bytes; snippet.title at most 100 characters.
  text: { limit: 5_000, counting: 'utf8-bytes', noun: 'description' },
  title: { limit: 100, counting: 'code-points', required: true },
  // status.publishAt on a private video: any time in the future (developers.google.com/youtube/v3/docs/videos#status.publishAt).
  handOff: { minLeadMs: 0, holdsThreads: false },
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
  // API v5 PinCreate: description 800, title 100, alt_text 500 (pinterest-v5-openapi.json).
  text: { limit: 800, counting: 'code-points', noun: 'description' },
  title: { limit: 100, counting: 'code-points', required: false },
  threads: false,
  altTextLimit: 500,
  contentTypes: [
    {
      id: 'pinterest_pin',
      label: 'Pin',
      // One image (image_base64), 2-5 images as a carousel (multiple_image_base64), or one video
      // (POST /v5/media). Base64 images are JPEG or PNG (the ContentType enum); the rest is re-encoded.
      media: media({
        required: true, maxItems: 5, maxImages: 5, maxVideos: 1, imageMaxBytes: 20 * MB, videoMaxBytes: 2 * GB, videoMinSeconds: 4, videoMaxSeconds: 900,
        image: { formats: ['jpeg', 'png'], transparency: true, animatedGif: false },
        video: { containers: ['mp4', 'mov'], codecs: ['h264', 'hevc'] },
      }),
    },
  ],
  defaultContentType: 'pinterest_pin',
};

const telegram: PlatformSpec = {
  id: 'telegram',
  name: 'Telegram',
  label: 'Telegram',
  text: { limit: 4_096, counting: 'utf16', noun: 'text', captionLimit: 1_024 },
  threads: false,
  altTextLimit: null,
  contentTypes: [
    {
      id: 'telegram_message',
      label: 'Message',
      media: media({
        maxItems: 10, maxImages: 10, maxVideos: 10, mix: true, imageMaxBytes: 10 * MB, videoMaxBytes: 50 * MB,
        // sendPhoto: width + height at most 10,000, ratio at most 20; photos are recompressed (no transparency); GIFs go as animations.
        image: { formats: ['jpeg', 'png', 'webp', 'gif'], maxDimensionSum: 10_000, aspect: { min: 1 / 20, max: 20 }, transparency: false, animatedGif: {} },
      }),
    },
  ],
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
