import { z } from 'zod';
import { ENTRY_STATUSES, PLATFORMS, POST_STATUSES, REPEAT_UNITS } from '../../../shared/domain';

// The JSON export format ("outbox-export", version 1): the full model of the exported posts with
// the labels, accounts and media they reference. Imports parse it with this schema, so a file
// edited by hand gets errors naming the field.

const id = z.string().min(1).max(200);
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date');

const attempt = z.object({
  startedAt: iso,
  endedAt: iso.nullable(),
  outcome: z.enum(['in_flight', 'published', 'transient', 'rate_limited', 'auth', 'permanent', 'unknown', 'reconciled']),
  httpStatus: z.number().int().nullable(),
  message: z.string().nullable(),
});

const entry = z.object({
  id,
  accountId: id.nullable(),
  platform: z.enum(PLATFORMS),
  contentType: z.string().min(1).max(50),
  enabled: z.boolean(),
  status: z.enum(ENTRY_STATUSES),
  platformPostId: z.string().nullable(),
  platformUrl: z.string().nullable(),
  errorMessage: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  textOverride: z.string().max(100_000).nullable(),
  attempts: z.array(attempt).default([]),
});

const post = z.object({
  id,
  status: z.enum(POST_STATUSES),
  scheduledAt: iso.nullable(),
  parts: z
    .array(z.object({ text: z.string().max(100_000), media: z.array(z.object({ mediaId: id, altText: z.string().max(5_000).default('') })).max(35) }))
    .min(1)
    .max(50),
  labelIds: z.array(id).max(50),
  entries: z.array(entry).max(100),
  repeat: z.object({ count: z.number().int().min(2).max(1000), every: z.number().int().min(1).max(1000), unit: z.enum(REPEAT_UNITS), remaining: z.number().int().min(0) }).nullable(),
  overdue: z.boolean().default(false),
  createdAt: iso,
  updatedAt: iso,
  publishedAt: iso.nullable(),
});

/** The JSON export file. */
export const exportFileSchema = z.object({
  format: z.literal('outbox-export'),
  version: z.literal(1),
  exportedAt: iso,
  appVersion: z.string().optional(),
  timeZone: z.string().optional(),
  labels: z.array(z.object({ id, name: z.string().min(1).max(50), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) })).default([]),
  accounts: z.array(z.object({ id, platform: z.enum(PLATFORMS), handle: z.string(), displayName: z.string().default(''), instanceUrl: z.string().nullable().default(null) })).default([]),
  media: z
    .array(
      z.object({
        id,
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        kind: z.enum(['image', 'video']),
        mime: z.string(),
        bytes: z.number().int().min(0),
        altText: z.string().default(''),
        /** Relative to the export (archive: `media/<sha256>.<ext>`). */
        file: z.string().regex(/^media\/[0-9a-f]{64}\.[a-z0-9]{1,8}$/),
        originalName: z.string().default(''),
      }),
    )
    .default([]),
  posts: z.array(post),
});

/** A parsed JSON export. */
export type ExportFile = z.infer<typeof exportFileSchema>;
/** One post of a JSON export. */
export type ExportedPost = ExportFile['posts'][number];
