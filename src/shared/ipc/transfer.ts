import { z } from 'zod';
import { POST_STATUSES } from '../domain';
import { IMPORT_COLUMNS, type ImportColumn } from '../import-format';
import { absoluteFolder } from './backups';
import { channel, isoUtc, noPayload } from './define';

/** Export formats: the full model as JSON, one CSV row per post, or JSON plus media files in a zip. */
export const EXPORT_FORMATS = ['json', 'csv', 'archive'] as const;
/** An export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Which posts to export (the posts:list filters); omitted: all. */
export const exportFilter = z.strictObject({
  status: z.enum(POST_STATUSES).optional(),
  labelId: z.string().min(1).max(100).optional(),
  accountId: z.string().min(1).max(100).optional(),
  from: isoUtc.optional(),
  to: isoUtc.optional(),
  query: z.string().max(500).optional(),
});

/** What an export wrote. */
export interface ExportResult {
  path: string;
  format: ExportFormat;
  posts: number;
  /** Media files bundled (archive only). */
  mediaFiles: number;
  bytes: number;
}

/** One CSV row's values, column by column (missing columns are empty). */
export type ImportRowValues = Partial<Record<ImportColumn, string>>;

const rowValues = z.strictObject(Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, z.string().max(100_000).optional()])) as Record<ImportColumn, z.ZodOptional<z.ZodString>>);

/** Where import rows come from: CSV text, the JSON export's text, a file path, or rows already previewed (after fixes). */
export const importSource = z.union([
  z.strictObject({ csv: z.string().max(20_000_000) }),
  z.strictObject({ json: z.string().max(50_000_000) }),
  z.strictObject({ path: z.string().min(1).max(4096) }),
  z.strictObject({ rows: z.array(z.strictObject({ row: z.number().int().min(1), values: rowValues })).max(50_000) }),
]);

export const importInput = z.strictObject({
  source: importSource,
  /** Row numbers the creator chose to skip. */
  skip: z.array(z.number().int().min(1)).max(50_000).default([]),
});

/** A problem with one field of one row. */
export interface ImportIssue {
  /** The CSV column (or, for JSON, the post field) to fix. */
  field: string;
  message: string;
}

/** One source row as the preview shows it. */
export interface ImportRowPreview {
  /** CSV: the line in the file (the header is line 1). JSON: the post's position (1-based). */
  row: number;
  /** Rows of one thread share it. */
  group: string | null;
  /** 1 for a post's first row; 2.. for later parts of a thread. */
  part: number;
  /** CSV: the values (editable). JSON: a summary of the post (read-only). */
  values: ImportRowValues;
  state: 'ok' | 'error' | 'skipped' | 'duplicate';
  issues: ImportIssue[];
  /** Problems that do not stop the import (a draft that is not complete yet). */
  warnings: ImportIssue[];
  /** When the post goes out (ISO UTC), once known; null for drafts. */
  scheduledAt: string | null;
  /** It takes the next free queue slot. */
  queued: boolean;
  /** Where it goes (`@handle on Bluesky`). */
  targets: string[];
  status: 'draft' | 'scheduled' | 'published' | 'partially_published' | 'failed';
}

/** What an import would do. */
export interface ImportPreview {
  format: 'csv' | 'json';
  rows: ImportRowPreview[];
  /** Posts the commit would create (bad and skipped rows left out). */
  posts: number;
  /** Rows with problems (not skipped). */
  bad: number;
  skipped: number;
  /** Labels the commit would create. */
  newLabels: string[];
  /** Problems with the file itself (no header, unknown columns). */
  fileIssues: ImportIssue[];
}

/** What a commit did. */
export interface ImportResult {
  created: number;
  postIds: string[];
  skipped: number[];
  labelsCreated: string[];
}

/** Transfer channels: export posts, and bulk import them (preview, then commit). */
export const transferChannels = {
  /** Writes the export into `folder` (default: the downloads folder) and answers where. */
  'transfer:export': channel(z.strictObject({ format: z.enum(EXPORT_FORMATS), filter: exportFilter.optional(), folder: absoluteFolder.optional() })).returns<ExportResult>(),
  /** Parses and checks every row against each target's rules; writes no post (media files a CSV names are added to the library to be checked). */
  'transfer:importPreview': channel(importInput).returns<ImportPreview>(),
  /** Checks again and creates every accepted row's post in one transaction; refuses if a row not skipped is bad. */
  'transfer:importCommit': channel(importInput).returns<ImportResult>(),
  /** The template CSV (header and example rows). */
  'transfer:template': channel(noPayload).returns<{ fileName: string; csv: string }>(),
};
