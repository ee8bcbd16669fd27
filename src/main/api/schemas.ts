import { z } from 'zod';
import { PLATFORMS, POST_STATUSES, ENTRY_STATUSES } from '../../shared/domain';

// The API's own shapes: Octopost's Posts API in snake_case. The server parses every request with
// these and builds every answer to them; openapi.ts turns the same schemas into the served
// OpenAPI document, so the two cannot drift.

const id = z.string().min(1).max(100);

/** Octopost calls X `twitter`; both names are accepted and mean Outbox's `x`. */
export const PLATFORM_ALIASES: Record<string, (typeof PLATFORMS)[number]> = { twitter: 'x' };

/** A platform id as requests may name it. */
export const platformName = z.enum([...PLATFORMS, ...(Object.keys(PLATFORM_ALIASES) as ['twitter'])]).meta({
  description: 'A platform id. Each one means every active account of that platform. `twitter` is accepted for `x`.',
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
  .meta({ description: 'An `http(s)://` URL (downloaded with size and time limits) or a `file://` URL inside your home folder.' });

export const imageInput = z.strictObject({
  url: mediaUrl,
  alt_text: z.string().max(5_000).optional().meta({ description: 'Alternative text for people using screen readers.' }),
});

export const videoInput = z.strictObject({
  url: mediaUrl,
  thumbnail_url: mediaUrl.optional().meta({ description: 'Accepted for Octopost compatibility; Outbox has no per-post cover yet and answers 422 when it is set.' }),
});

export const mediaInput = z
  .strictObject({
    images: z.array(imageInput).min(1).max(4).nullable().optional(),
    video: videoInput.nullable().optional(),
  })
  .refine((m) => !(m.images && m.video), { message: 'give images or a video, never both', path: ['video'] })
  .meta({ description: 'Up to 4 images, or one video; never both.' });

const isoInstant = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 date-time with `Z` or an offset.' });

export const createPostBody = z
  .strictObject({
    content: z.string().max(100_000).meta({ description: 'The text of the post. Platform limits are checked when it is scheduled or published.' }),
    platforms: z.array(platformName).max(PLATFORMS.length + 1).optional(),
    accounts: z.array(id).max(100).optional().meta({ description: 'Account ids (see GET /v1/accounts). With neither `platforms` nor `accounts`, every active account.' }),
    scheduled_for: isoInstant.nullable().optional().meta({ description: 'When to publish; must be in the future. Without it the post is a draft.' }),
    media: mediaInput.nullable().optional(),
  })
  ;
/** What `POST /v1/posts` takes. */
export type CreatePostBody = z.infer<typeof createPostBody>;

export const updatePostBody = z
  .strictObject({
    content: z.string().max(100_000).optional(),
    platforms: z.array(platformName).max(PLATFORMS.length + 1).optional(),
    accounts: z.array(id).max(100).optional(),
    scheduled_for: isoInstant.nullable().optional().meta({ description: 'A new time (must be in the future), or null to turn the post back into a draft.' }),
    media: mediaInput.nullable().optional().meta({ description: 'New media, or null to remove all media.' }),
  })
  ;
/** What `PUT /v1/posts/{id}` takes. */
export type UpdatePostBody = z.infer<typeof updatePostBody>;

/** The query of `GET /v1/posts`. Query values arrive as strings. */
export const listPostsQuery = z.strictObject({
  status: z.enum(POST_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});

const dateTime = z.iso.datetime();

export const imageOutput = z.strictObject({
  media_id: z.string(),
  url: z.string().meta({ description: 'Where this API describes the stored file (GET /v1/media/{id}).' }),
  alt_text: z.string(),
});

export const videoOutput = z.strictObject({
  media_id: z.string(),
  url: z.string(),
  thumbnail_url: z.string().nullable(),
});

export const accountResult = z.strictObject({
  account_id: z.string().nullable(),
  status: z.enum(ENTRY_STATUSES),
  success: z.boolean(),
  post_id: z.string().nullable(),
  post_url: z.string().nullable(),
  error: z.string().nullable(),
});

export const platformResult = z
  .strictObject({
    success: z.boolean().meta({ description: 'True when every finished account of this platform published.' }),
    post_id: z.string().nullable(),
    post_url: z.string().nullable(),
    error: z.string().nullable(),
    accounts: z.array(accountResult).meta({ description: 'One result per account of this platform (Outbox extension).' }),
  })
  ;

export const issueOutput = z.strictObject({
  path: z.string(),
  message: z.string(),
  platform: z.string().optional(),
});

export const postObject = z
  .strictObject({
    id: z.string(),
    content: z.string().meta({ description: 'The text of the post (of its first part, for a thread).' }),
    thread: z.array(z.string()).meta({ description: 'For a thread written in Outbox: the texts of the parts after the first (Outbox extension).' }),
    platforms: z.array(z.enum(PLATFORMS)),
    accounts: z.array(z.string()).meta({ description: 'The account ids the post goes to (Outbox extension).' }),
    status: z.enum(POST_STATUSES),
    scheduled_for: dateTime.nullable(),
    media: z.strictObject({ images: z.array(imageOutput), video: videoOutput.nullable() }),
    platform_results: z.record(z.string(), platformResult).meta({ description: 'Per platform, once an account of it has a result.' }),
    created_at: dateTime,
    updated_at: dateTime,
    published_at: dateTime.nullable(),
    warnings: z.array(issueOutput).optional().meta({ description: 'Problems that did not stop a draft being saved (on create and update).' }),
  })
  ;
/** The post object the API answers with. */
export type PostObject = z.infer<typeof postObject>;

export const postList = z.strictObject({ posts: z.array(postObject), total: z.number().int().min(0) });

export const accountObject = z
  .strictObject({
    id: z.string(),
    platform: z.enum(PLATFORMS),
    handle: z.string(),
    display_name: z.string(),
    active: z.boolean(),
    connection: z.enum(['connected', 'disconnected', 'token_expired']),
  })
  ;

export const accountList = z.strictObject({ accounts: z.array(accountObject) });

export const mediaObject = z
  .strictObject({
    id: z.string(),
    kind: z.enum(['image', 'video']),
    mime: z.string(),
    bytes: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    duration_ms: z.number().int().nullable(),
    sha256: z.string(),
    alt_text: z.string(),
  })
  ;

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

export const errorObject = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z.strictObject({ issues: z.array(issueOutput) }).optional(),
    }),
  })
  ;
/** The body of every error answer. */
export type ErrorObject = z.infer<typeof errorObject>;
