import type { ErrorCode, Issue } from '../../shared/result';

/**
 * An expected failure of a channel. Handlers throw it; `invoke` turns it into a failed Result.
 * Anything else thrown becomes `internal`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A `validation` error about one field. */
export function invalid(path: string, message: string, platform?: string): AppError {
  return new AppError('validation', `${path}: ${message}`, [{ path, message, ...(platform ? { platform } : {}) }]);
}

/** A `not_found` error for an entity. */
export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what} ${id} does not exist`);
}
