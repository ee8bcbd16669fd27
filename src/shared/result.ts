/** Error codes every channel may answer with (DESIGN.md §3). */
export const ERROR_CODES = [
  'not_found',
  'conflict',
  'validation',
  'unauthorized',
  'offline',
  'rate_limited',
  'internal',
] as const;

/** One of the contract's error codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A problem with one field of a payload; `path` is dotted (`schedule.at`, `parts.0.text`). */
export interface Issue {
  path: string;
  message: string;
  platform?: string;
}

/** The error half of a Result. */
export interface ResultError {
  code: ErrorCode;
  message: string;
  issues?: Issue[];
}

/** What every channel resolves to: never a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ResultError };

/** Builds a successful Result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed Result. */
export function fail<T = never>(code: ErrorCode, message: string, issues?: Issue[]): Result<T> {
  return { ok: false, error: issues && issues.length > 0 ? { code, message, issues } : { code, message } };
}
