import { z } from 'zod';
import { CONTENT_TYPES } from '../../shared/platforms/catalog';
import { ENTRY_STATUSES, PLATFORMS, POST_STATUSES, REPEAT_UNITS, type PlatformId } from '../../shared/domain';
import { WEEKDAYS } from '../../shared/ipc/settings';

// The API's own shapes: Octopost's Posts API in snake_case, with Outbox's extensions named after
// PostSyncer / Post for Me where Octopost has no name. The server parses every request with these
// and builds every answer to them; openapi.ts turns the same schemas into the served OpenAPI
// document, so the two cannot drift.

const id = z.string().min(1).max(100);

/** Octopost calls X `twitter`: requests take both names, answers say `twitter` (Octopost's). */
export const PLATFORM_ALIASES: Record<string, PlatformId> = { twitter: 'x' };

/** The platform names answers use: Outbox's ids, with X as Octopost's `twitter`. */
export const API_PLATFORMS = PLATFORMS.map((p) => (p === 'x' ? 'twitter' : p)) as Array<Exclude<PlatformId, 'x'> | 'twitter'>;
/** A platform name as answers give it. */
export type ApiPlatform = (typeof API_PLATFORMS)[number];

/** The API's name for a platform id. */
export function apiPlatform(platform: PlatformId): ApiPlatform {
  return platform === 'x' ? 'twitter' : platform;
}
/** The platform id an API name means. */
export function platformOf(name: string): PlatformId {
  return PLATFORM_ALIASES[name] ?? (name as PlatformId);
}

const apiPlatformEnum = z.enum(API_PLATFORMS as [ApiPlatform, ...ApiPlatform[]]);

/** A platform id as requests may name it. */
export const platformName = z.enum([...PLATFORMS, 'twitter'] as [string, ...string[]]).meta({
  description: 'A platform id. Each one means every active account of that platform. `twitter` and `x` both mean X.',
});

/** Where a media file comes from: `http(s)://` (downloaded) or `file://` (inside the home folder). */
export const mediaUrl = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => {
    try {
      return ['http:', 'https:', 'file:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http://, https:// or file:// URL')
  .meta({
    description:
      'An `http(s)://` URL (downloaded with size and time limits; addresses on this machine or the private network only with "Allow local media URLs" on) or a `file://` URL inside your home folder.',
  });

export const imageInput = z.strictObject({
  url: mediaUrl,
  alt_text: z.string().max(5_000).optional().meta({ description: 'Alternative text for people using screen readers.' }),
});

export const videoInput = z.strictObject({
  url: mediaUrl,
  thumbnail_url: mediaUrl.optional().meta({ description: "An image (JPEG, PNG or WebP, same rules as `url`) used as the video's cover: the thumbnail YouTube, Instagram Reels and Facebook show. Not an image: 422." }),
});

export const mediaInput = z
  .strictObject({
    images: z.array(imageInput).min(1).max(4).nullable().optional(),
    video: videoInput.nullable().optional(),
  })
  .refine((m) => !(m.images && m.video), { message: 'give images or a video, never both', path: ['video'] })
  .meta({ description: 'Up to 4 images, or one video; never both.' });

/** One part of a thread: its text and its own media. */
export const partInput = z.strictObject({
  content: z.string().max(100_000),
  media: mediaInput.nullable().optional(),
});

const isoInstant = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 date-time with `Z` or an offset.' });

/** Options of the post on one platform or account (Outbox's entries). */
export const targetSettingsInput = z
  .strictObject({
    content: z.string().max(100_000).nullable().optional().meta({ description: 'Text used on this platform/account instead of `content` (null: none).' }),
    content_type: z.enum(CONTENT_TYPES).optional().meta({ description: 'What to publish as (e.g. `instagram_reel`); default: the platform\'s usual post.' }),
    enabled: z.boolean().optional().meta({ description: 'false keeps the account on the post without sending to it.' }),
    settings: z.record(z.string(), z.unknown()).optional().meta({ description: "The platform's own options (e.g. Mastodon `visibility`), checked by the platform's rules." }),
  })
  .meta({ description: 'Per-platform or per-account options.' });

export const repeatInput = z
  .strictObject({
    count: z.number().int().min(2).max(1000).meta({ description: 'Occurrences in all, this one included.' }),
    every: z.number().int().min(1).max(1000),
    unit: z.enum(REPEAT_UNITS),
  })
  .meta({ description: 'Repeats the post: `count` times, every `every` `unit` (local time kept across daylight saving).' });

export const SCHEDULE_TYPES = ['draft', 'schedule', 'publish_now', 'queue'] as const;

const postFields = {
  content: z
    .union([z.string().max(100_000), z.array(partInput).min(1).max(50)])
    .meta({ description: 'The text of the post, or (a thread) its parts in order: `[{ content, media }]`. Platform limits are checked when it is scheduled or published.' }),
  segments: z
    .array(partInput)
    .max(49)
    .nullable()
    .optional()
    .meta({ description: "Octopost's reply segments: the parts after `content`, each a reply to the one before (a thread). null: none." }),
  platforms: z.array(platformName).max(PLATFORMS.length + 1).optional(),
  accounts: z.array(id).max(100).optional().meta({ description: 'Account ids (see GET /v1/accounts). With neither `platforms` nor `accounts`, every active account.' }),
  media: mediaInput.nullable().optional(),
  labels: z.array(z.string().min(1).max(100)).max(50).optional().meta({ description: 'Label ids or names (see GET /v1/labels).' }),
  platform_settings: z
    .partialRecord(platformName, targetSettingsInput)
    .optional()
    .meta({ description: 'Options per platform (`twitter`, `bluesky`, ...), for every account of that platform on the post.' }),
  account_settings: z.record(id, targetSettingsInput).optional().meta({ description: 'Options per account id; they win over `platform_settings`.' }),
  repeatable: repeatInput.nullable().optional(),
};

export const createPostBody = z.strictObject({
  ...postFields,
  scheduled_for: isoInstant.nullable().optional().meta({ description: 'When to publish; must be in the future. Without it (and without `schedule_type`) the post is a draft.' }),
  schedule_type: z
    .enum(SCHEDULE_TYPES)
    .optional()
    .meta({
      description:
        '`draft`; `schedule` (needs `scheduled_for`); `publish_now` (created and sent at once); `queue` (the next free queue slot, see GET /v1/queue). Default: `schedule` when `scheduled_for` is given, else `draft`.',
    }),
});
/** What `POST /v1/posts` takes. */
export type CreatePostBody = z.infer<typeof createPostBody>;

export const updatePostBody = z.strictObject({
  ...postFields,
  content: postFields.content.optional(),
  scheduled_for: isoInstant.nullable().optional().meta({ description: 'A new time (must be in the future), or null to turn the post back into a draft.' }),
});
/** What `PUT /v1/posts/{id}` takes. */
export type UpdatePostBody = z.infer<typeof updatePostBody>;

/** What `POST /v1/posts/validate` takes: a post as it would be created, checked without saving. */
export const validatePostBody = z.strictObject({
  content: postFields.content,
  segments: postFields.segments,
  platforms: postFields.platforms,
  accounts: postFields.accounts,
  platform_settings: postFields.platform_settings,
  account_settings: postFields.account_settings,
});
/** What `POST /v1/posts/validate` takes. */
export type ValidatePostBody = z.infer<typeof validatePostBody>;

/** The query of `GET /v1/posts`. Query values arrive as strings. */
export const listPostsQuery = z.strictObject({
  status: z
    .enum([...POST_STATUSES])
    .optional()
    .meta({ description: '`published` means published on at least one platform (as in Octopost): it includes partially published posts; `partially_published` lists only those.' }),
  label: z.string().min(1).max(100).optional().meta({ description: 'A label id or name.' }),
  account: id.optional().meta({ description: 'Posts that go to this account id.' }),
  q: z.string().max(500).optional().meta({ description: 'Full-text search in the posts\' text.' }),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});

const dateTime = z.iso.datetime();

export const imageOutput = z.strictObject({
  url: z.string().meta({ description: 'Where this API describes the stored file (GET /v1/media/{id}).' }),
  alt_text: z.string(),
  media_id: z.string().meta({ description: 'The media library id (Outbox extension).' }),
});

export const videoOutput = z.strictObject({
  url: z.string(),
  thumbnail_url: z.string().nullable().meta({ description: "The video's cover image (GET /v1/media/{id}): the one given as `thumbnail_url`, or the frame chosen in the app; null without one." }),
  media_id: z.string(),
});

export const mediaOutput = z
  .strictObject({ images: z.array(imageOutput), video: videoOutput.nullable() })
  .nullable()
  .meta({ description: 'null when the post (or part) has no media, as in Octopost.' });

export const accountResult = z.strictObject({
  account_id: z.string().nullable(),
  status: z.enum(ENTRY_STATUSES),
  success: z.boolean(),
  post_id: z.string().nullable(),
  post_url: z.string().nullable(),
  error: z.string().nullable(),
  handed_off: z.boolean().meta({ description: "True while the platform's own scheduler holds this account's post: it goes out at its time even with this computer off (Outbox extension)." }),
  schedule_id: z.string().nullable().meta({ description: "The platform's id of the scheduled post while handed off (Mastodon's scheduled status id), else null." }),
  publishes_at: z.string().nullable().meta({ description: 'When the platform publishes it, while handed off (ISO 8601 UTC), else null.' }),
});

export const platformResult = z
  .strictObject({
    success: z.boolean().meta({ description: 'True when every finished account of this platform published.' }),
    post_id: z.string().optional().meta({ description: 'Present once an account of it published (the first one).' }),
    post_url: z.string().optional(),
    error: z.string().optional().meta({ description: 'Present when an account of it failed.' }),
    handed_off: z
      .literal(true)
      .optional()
      .meta({ description: "Present (true) while the platform's own scheduler holds the post for an account of it: it goes out even with this computer off (Outbox extension)." }),
    accounts: z.array(accountResult).meta({ description: 'One result per account of this platform (Outbox extension).' }),
  })
  .meta({ description: "Octopost's per-platform result: `{ success, post_id, post_url }` or `{ success: false, error }`, plus Outbox's per-account list." });

export const issueOutput = z.strictObject({
  path: z.string(),
  message: z.string(),
  platform: z.string().optional(),
});

export const segmentOutput = z.strictObject({ content: z.string(), media: mediaOutput });

export const labelObject = z.strictObject({ id: z.string(), name: z.string(), color: z.string() });

export const targetSettingsOutput = z.strictObject({
  platform: apiPlatformEnum,
  content: z.string().nullable(),
  content_type: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
});

export const repeatOutput = z.strictObject({ count: z.number().int(), every: z.number().int(), unit: z.enum(REPEAT_UNITS), remaining: z.number().int() });

/** Octopost's five statuses; Outbox's `partially_published` answers `published` (at least one platform). */
export const OCTOPOST_STATUSES = ['draft', 'scheduled', 'publishing', 'published', 'failed'] as const;

export const postObject = z.strictObject({
  id: z.string(),
  content: z.string().meta({ description: 'The text of the post (of its first part, for a thread).' }),
  platforms: z.array(apiPlatformEnum).meta({ description: 'Where it goes (X is `twitter`).' }),
  status: z.enum(OCTOPOST_STATUSES).meta({ description: '`published` means published on at least one platform; see `partially_published`.' }),
  scheduled_for: dateTime.nullable(),
  media: mediaOutput,
  segments: z.array(segmentOutput).nullable().meta({ description: 'The replies of a thread (parts after the first), or null.' }),
  platform_results: z.partialRecord(apiPlatformEnum, platformResult).nullable().meta({ description: 'Per platform, once an account of it has a result; null before.' }),
  created_at: dateTime,
  updated_at: dateTime,
  published_at: dateTime.nullable().meta({ description: 'When it went out; null unless something was published.' }),
  // Outbox extensions:
  partially_published: z.boolean().meta({ description: 'Published on some platforms and failed on others (`status` is then `published`).' }),
  accounts: z.array(z.string()).meta({ description: 'The account ids the post goes to.' }),
  labels: z.array(labelObject),
  account_settings: z.record(z.string(), targetSettingsOutput).meta({ description: 'Options per account, in the shape `account_settings` takes.' }),
  repeatable: repeatOutput.nullable(),
  warnings: z.array(issueOutput).optional().meta({ description: 'Problems that did not stop a draft being saved (on create and update).' }),
});
/** The post object the API answers with. */
export type PostObject = z.infer<typeof postObject>;

export const postList = z.strictObject({ posts: z.array(postObject), total: z.number().int().min(0) });

export const validationObject = z.strictObject({
  valid: z.boolean(),
  issues: z.array(issueOutput),
  accounts: z.array(
    z.strictObject({
      account_id: z.string(),
      platform: apiPlatformEnum,
      content_type: z.string(),
      length: z.number().int().meta({ description: 'The longest part as the platform counts it.' }),
      limit: z.number().int(),
      issues: z.array(issueOutput),
    }),
  ),
});

export const accountObject = z.strictObject({
  id: z.string(),
  platform: apiPlatformEnum,
  handle: z.string(),
  display_name: z.string(),
  avatar_url: z.string().nullable(),
  active: z.boolean().meta({ description: 'false: not used when a post names its platform or no account (PUT to change).' }),
  connection: z.enum(['connected', 'disconnected', 'token_expired']),
  created_at: dateTime,
});

export const accountList = z.strictObject({ accounts: z.array(accountObject) });

export const updateAccountBody = z.strictObject({ active: z.boolean() });

export const labelList = z.strictObject({ labels: z.array(labelObject) });
export const createLabelBody = z.strictObject({
  name: z.string().trim().min(1).max(50),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5').optional().meta({ description: 'Default #6366f1.' }),
});

export const queueObject = z.strictObject({
  time_zone: z.string(),
  slots: z.array(z.strictObject({ day: z.enum(WEEKDAYS), time: z.string() })),
  next_slot: dateTime.nullable().meta({ description: 'The time `schedule_type: "queue"` would take now; null when no slot is set or free.' }),
});

export const mediaObject = z.strictObject({
  id: z.string(),
  kind: z.enum(['image', 'video', 'document']),
  mime: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  sha256: z.string(),
  alt_text: z.string(),
});

/** Error codes the API answers with, beside the HTTP status. */
export const API_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'validation',
  'account_unauthorized',
  'rate_limited',
  'offline',
  'internal',
] as const;
/** An API error code. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const errorObject = z.strictObject({
  error: z.string().meta({ description: 'What went wrong, for people.' }),
  code: z.enum(API_ERROR_CODES).meta({ description: 'For programs.' }),
  details: z.strictObject({ issues: z.array(issueOutput) }).optional().meta({ description: 'On validation errors: each field at fault.' }),
}).meta({ description: "Octopost's error shape: `{ error, code, details? }`." });
/** The body of every error answer. */
export type ErrorObject = z.infer<typeof errorObject>;
