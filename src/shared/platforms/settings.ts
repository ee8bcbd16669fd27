import { z } from 'zod';
import type { PlatformId } from '../domain';
import type { ContentType } from './catalog';

// Per-platform entry settings (`entry.settings`). Stored as the creator set them; adapters read
// them through `parsePlatformSettings`, which fills the defaults. Unknown keys are refused so a
// typo shows up in the composer instead of being silently ignored at publish time.

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}
const flag = (fallback: boolean) => z.boolean({ error: 'must be on or off' }).default(fallback);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be a web address starting with https://' }).max(2_048);

/** An X post given by its link (x.com or twitter.com `/status/<id>`) or its number. */
const X_POST_REF = /^(?:\d{1,19}|https?:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/(?:[A-Za-z0-9_]{1,15}|i(?:\/web)?)\/status(?:es)?\/(\d{1,19})(?:[/?#]\S*)?)$/;
/** An X Community given by its link (`x.com/i/communities/<id>`) or its number. */
const X_COMMUNITY_REF = /^(?:\d{1,19}|https?:\/\/(?:www\.)?(?:x|twitter)\.com\/i\/communities\/(\d{1,19})(?:[/?#]\S*)?)$/;
const xPostRef = z.string({ error: 'must be a post link or number' }).trim().regex(X_POST_REF, 'must be a post link like https://x.com/name/status/1234567890 or its number');

/** The numeric id in an X post link or number (settings keep what the creator pasted). */
export function xPostId(ref: string): string {
  const trimmed = ref.trim();
  return X_POST_REF.exec(trimmed)?.[1] ?? trimmed;
}

/** The numeric id in an X Community link or number. */
export function xCommunityId(ref: string): string {
  const trimmed = ref.trim();
  return X_COMMUNITY_REF.exec(trimmed)?.[1] ?? trimmed;
}

/**
 * X (PostSyncer's create-post options): who can reply, a poll, a quoted post, the post this one
 * replies to, a Community (optionally shared with all followers), and Super Followers only.
 */
export const xSettings = z
  .strictObject({
    replySettings: oneOf(['everyone', 'following', 'mentionedUsers', 'subscribers', 'verified']).default('everyone'),
    /** X polls: 2-4 choices of at most 25 characters, open 5 minutes to 7 days; never with media. */
    poll: z
      .strictObject({
        options: z
          .array(z.string({ error: 'must be text' }).trim().min(1, 'a poll choice must not be empty').max(25, 'a poll choice is at most 25 characters'), { error: 'must be a list of choices' })
          .min(2, 'a poll needs at least 2 choices')
          .max(4, 'a poll has at most 4 choices'),
        durationMinutes: z.number({ error: 'must be a number of minutes' }).int('must be whole minutes').min(5, 'must be at least 5 minutes').max(10_080, 'must be at most 7 days'),
      })
      .optional(),
    /** The post quoted by this one (its link or number). */
    quotePost: xPostRef.optional(),
    /** The post the first part replies to (its link or number). */
    replyTo: xPostRef.optional(),
    /** The Community the post goes to (its link or number). */
    community: z.string({ error: 'must be a Community link or number' }).trim().regex(X_COMMUNITY_REF, 'must be a Community link like https://x.com/i/communities/1234567890 or its number').optional(),
    /** A Community post also shown to all the creator's followers. */
    shareWithFollowers: flag(false),
    forSuperFollowersOnly: flag(false),
  })
  .refine((s) => !(s.shareWithFollowers && !s.community), { path: ['shareWithFollowers'], message: 'is only for Community posts: choose the Community' })
  .refine((s) => !(s.poll && s.quotePost), { path: ['poll'], message: 'cannot be combined with a quoted post' });

/** Bluesky: the post's languages (BCP 47, at most 3), so feeds can filter by language. */
export const blueskySettings = z.strictObject({
  languages: z.array(z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language code like en or pt-BR'), { error: 'must be a list of language codes' }).max(3, 'at most 3 languages').default([]),
  /** A link card (title, description, image from the page) for the first link of a part without images. */
  linkCard: flag(true),
});

/** Mastodon: visibility, content warning, language, poll. */
export const mastodonSettings = z.strictObject({
  visibility: oneOf(['public', 'unlisted', 'private', 'direct']).default('public'),
  /** The content warning; counts toward the instance's character limit. */
  spoilerText: z.string({ error: 'must be text' }).max(1_000, 'at most 1,000 characters').default(''),
  sensitive: flag(false),
  language: z.string().regex(/^[a-z]{2,3}$/, 'must be a two-letter language code like en').optional(),
  poll: z
    .strictObject({
      options: z.array(z.string().trim().min(1, 'a poll option must not be empty').max(200), { error: 'must be a list of choices' }).min(2, 'a poll needs at least 2 choices').max(20),
      /** Seconds the poll stays open: 5 minutes to 31 days. */
      expiresIn: z.number({ error: 'must be a number of seconds' }).int().min(300, 'must be at least 5 minutes').max(2_678_400, 'must be at most 31 days'),
      multiple: flag(false),
    })
    .optional(),
});

/**
 * Threads (developers.facebook.com/documentation/threads/reference/publishing): who can reply
 * (`reply_control`, on every post of a thread), a link preview card for a text-only first post
 * (`link_attachment`), and the first post's topic (`topic_tag`: 1 to 50 characters, no periods or
 * ampersands).
 */
export const threadsSettings = z.strictObject({
  replyControl: oneOf(['everyone', 'accounts_you_follow', 'mentioned_only', 'parent_post_author_only', 'followers_only']).default('everyone'),
  linkAttachment: httpUrl.optional(),
  topicTag: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(50, 'at most 50 characters')
    .refine((tag) => !/[.&]/.test(tag), 'cannot contain periods or ampersands')
    .optional(),
});

// LinkedIn's Posts API (learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api):
// `visibility`, `distribution.feedDistribution`, `isReshareDisabledByAuthor`, `content.article`
// (source, title, description) and a document's `content.media.title`.
const linkedinShared = {
  /** MAIN_FEED shows the post in feeds; NONE keeps it off them (reachable by its link only). */
  feedDistribution: oneOf(['main_feed', 'none']).default('main_feed'),
  disableReshares: flag(false),
  /** A link shown as an article card (`content.article`); not with media. */
  articleUrl: httpUrl.optional(),
  articleTitle: z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(400, 'at most 400 characters').optional(),
  articleDescription: z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(4_086, 'at most 4,086 characters').optional(),
  /** The title LinkedIn shows on a PDF carousel (required with a document). */
  documentTitle: z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(400, 'at most 400 characters').optional(),
};
type ArticleFields = { articleUrl?: string | undefined; articleTitle?: string | undefined; articleDescription?: string | undefined };
const articleNeedsUrl = (s: ArticleFields) => !((s.articleTitle || s.articleDescription) && !s.articleUrl);
// LinkedIn does not read the page (no scraping): an article card shows the title it is given.
const urlNeedsTitle = (s: ArticleFields) => !(s.articleUrl && !s.articleTitle);

/** LinkedIn profile: who sees the post, feeds, reshares, an article link, a document's title. */
export const linkedinSettings = z
  .strictObject({ visibility: oneOf(['public', 'connections', 'logged_in']).default('public'), ...linkedinShared })
  .refine(articleNeedsUrl, { path: ['articleUrl'], message: 'is needed for an article title or description' })
  .refine(urlNeedsTitle, { path: ['articleTitle'], message: 'is needed with an article link (LinkedIn shows it on the card)' });

/** LinkedIn page: the same, without connections (a page has followers). */
export const linkedinPageSettings = z
  .strictObject({ visibility: oneOf(['public', 'logged_in']).default('public'), ...linkedinShared })
  .refine(articleNeedsUrl, { path: ['articleUrl'], message: 'is needed for an article title or description' })
  .refine(urlNeedsTitle, { path: ['articleTitle'], message: 'is needed with an article link (LinkedIn shows it on the card)' });

/** Instagram: the post type (mirrors the entry's content type), reel options, location and collaborators. */
export const instagramSettings = z.strictObject({
  postType: oneOf(['post', 'carousel', 'reel', 'story']).optional(),
  /** Reels: also show the reel in the profile grid and feed (Meta's `share_to_feed`). */
  shareReelToFeed: flag(true),
  /** Accounts invited as collaborators (Meta's `collaborators`: up to 3 usernames; not on stories). */
  collaborators: z
    .array(z.string().trim().min(1).max(31).regex(/^@?[A-Za-z0-9._]{1,30}$/, 'must be Instagram usernames (letters, digits, dots and underscores)'), { error: 'must be a list of usernames' })
    .max(3, 'at most 3 collaborators')
    .default([]),
  /** The place shown on the post: the id of a Facebook Page for that location (Meta's `location_id`; not on stories). */
  locationId: z.string().trim().regex(/^\d{1,20}$/, 'must be the number of a Facebook place (a location Page id)').optional(),
});

/** Facebook page: the post type (mirrors the entry's content type), a link for text posts, a title for videos and reels. */
export const facebookSettings = z.strictObject({
  postType: oneOf(['post', 'reel', 'story']).optional(),
  /** A link shown as a preview card under a text post (with photos or a video it is added to the text). */
  link: httpUrl.optional(),
  /** The title of a video or reel. */
  title: z.string({ error: 'must be text' }).trim().max(255, 'at most 255 characters').optional(),
});

/** TikTok's privacy levels (creator_info says which of them an account offers). */
export const TIKTOK_PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;

/**
 * TikTok: what TikTok's content-sharing guidelines make the creator choose explicitly
 * (https://developers.tiktok.com/doc/content-sharing-guidelines): no privacy level chosen for
 * them, interactions off until turned on, and the commercial-content disclosure.
 */
export const tiktokSettings = z
  .strictObject({
    postType: oneOf(['video', 'photo']).optional(),
    /** DIRECT_POST publishes; MEDIA_UPLOAD sends it to the creator's TikTok inbox to finish in the app. */
    postMode: oneOf(['DIRECT_POST', 'MEDIA_UPLOAD']).default('DIRECT_POST'),
    /** No default: TikTok requires the creator to pick it (needed for a direct post). */
    privacyLevel: oneOf(TIKTOK_PRIVACY_LEVELS).optional(),
    allowComments: flag(false),
    /** Videos only. */
    allowDuet: flag(false),
    allowStitch: flag(false),
    /** "Disclose post content": the post promotes a brand, product or service. */
    discloseContent: flag(false),
    /** Paid partnership: promotes a third party (brand_content_toggle). */
    brandedContent: flag(false),
    /** Promotes the creator's own business (brand_organic_toggle). */
    yourBrand: flag(false),
    aiGenerated: flag(false),
    /** Photo posts: a title of their own (the text is the description). */
    title: z.string({ error: 'must be text' }).max(90, 'at most 90 characters').optional(),
    /** Photo posts: TikTok adds music. */
    autoAddMusic: flag(false),
  })
  .refine((s) => s.postMode !== 'DIRECT_POST' || s.privacyLevel !== undefined, { path: ['privacyLevel'], message: 'choose who can see it (TikTok asks the creator every time)' })
  .refine((s) => !(s.brandedContent && s.privacyLevel === 'SELF_ONLY'), { path: ['privacyLevel'], message: 'branded content cannot be private (only me)' })
  .refine((s) => !s.discloseContent || s.brandedContent || s.yourBrand, { path: ['discloseContent'], message: 'say whether the post promotes your brand, a third party (branded content), or both' });

/** YouTube: title, privacy, tags, audience, notification, embedding, licence (videos.insert's snippet and status). */
export const youtubeSettings = z
  .strictObject({
    postType: oneOf(['video', 'short']).optional(),
    title: z.string({ error: 'a video title is required' }).trim().min(1, 'a video title is required'),
    /** status.privacyStatus. */
    privacy: oneOf(['public', 'unlisted', 'private']).default('public'),
    tags: z.array(z.string().trim().min(1).max(100), { error: 'must be a list of tags' }).max(100).default([]),
    /** status.selfDeclaredMadeForKids: YouTube requires every uploader to say (COPPA). */
    madeForKids: z.boolean({ error: 'say whether the video is made for kids' }),
    notifySubscribers: flag(true),
    categoryId: z.string().regex(/^\d{1,3}$/, 'must be a YouTube category number').optional(),
    /** status.embeddable: other websites may embed the video. */
    embeddable: flag(true),
    /** status.license: the standard YouTube licence, or Creative Commons (attribution). */
    license: oneOf(['youtube', 'creativeCommon']).default('youtube'),
  })
  .refine((s) => !/[<>]/.test(s.title), { path: ['title'], message: 'cannot contain < or >' })
  // YouTube counts each tag plus 2 for quotes around tags with spaces, and commas between them.
  .refine((s) => s.tags.reduce((n, t) => n + t.length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, s.tags.length - 1) <= 500, { path: ['tags'], message: 'tags add up to more than 500 characters' });

/**
 * Pinterest: the board, the pin's title, link and private note (the text is the description,
 * alt text comes from each image). Pins cannot be kept as drafts through API v5: they publish.
 */
export const pinterestSettings = z.strictObject({
  boardId: z.string({ error: 'choose a board' }).trim().min(1, 'choose a board').max(100),
  /** The board's name when it was chosen (shown while the board list loads). */
  boardName: z.string().max(180).optional(),
  /** Counted against the catalog's title limit (100), which names the length in its message. */
  title: z.string({ error: 'must be text' }).max(1_000).optional(),
  link: httpUrl.optional(),
  /** A private note on the pin (only the creator and board collaborators see it). */
  note: z.string({ error: 'must be text' }).max(500, 'at most 500 characters').optional(),
});

/** Telegram: silent delivery, forwarding protection, link previews. */
export const telegramSettings = z.strictObject({
  silent: flag(false),
  protected: flag(false),
  linkPreview: flag(true),
});

/** The settings schema of each platform. */
export const PLATFORM_SETTINGS = {
  x: xSettings,
  bluesky: blueskySettings,
  mastodon: mastodonSettings,
  threads: threadsSettings,
  linkedin: linkedinSettings,
  'linkedin-page': linkedinPageSettings,
  instagram: instagramSettings,
  'instagram-facebook': instagramSettings,
  facebook: facebookSettings,
  tiktok: tiktokSettings,
  youtube: youtubeSettings,
  pinterest: pinterestSettings,
  telegram: telegramSettings,
} as const satisfies Record<PlatformId, z.ZodType>;

/** The parsed settings of a platform, defaults filled. */
export type PlatformSettings<P extends PlatformId> = z.output<(typeof PLATFORM_SETTINGS)[P]>;

/** Parses an entry's stored settings for a platform (adapters call this to get defaults filled). */
export function parsePlatformSettings<P extends PlatformId>(platform: P, settings: unknown) {
  return PLATFORM_SETTINGS[platform].safeParse(settings ?? {}) as z.ZodSafeParseResult<PlatformSettings<P>>;
}

const POST_TYPE_PREFIX: Partial<Record<PlatformId, string>> = {
  instagram: 'instagram',
  'instagram-facebook': 'instagram',
  facebook: 'facebook',
  tiktok: 'tiktok',
  youtube: 'youtube',
};

/** The content type a `settings.postType` stands for (`reel` on Instagram: `instagram_reel`), if any. */
export function contentTypeFromPostType(platform: PlatformId, settings: Record<string, unknown> | undefined): ContentType | undefined {
  const prefix = POST_TYPE_PREFIX[platform];
  const postType = settings?.postType;
  if (!prefix || typeof postType !== 'string') return undefined;
  return `${prefix}_${postType}` as ContentType;
}
