import type { Issue, ResultError } from '../../shared/result';
import type { ApiErrorCode, ErrorObject } from './schemas';

/** A refused request: its HTTP status, the API's error code, and the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: Issue[],
    /** Extra response headers (Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body, in Octopost's shape: `{ error: message, code, details? }`. */
  body(): ErrorObject {
    return {
      error: this.message,
      code: this.code,
      ...(this.issues && this.issues.length > 0 ? { details: { issues: this.issues } } : {}),
    };
  }
}

/** An issue as the API tells it: X is `twitter`, as everywhere in the API. */
export function apiIssue(issue: Issue): Issue {
  return issue.platform === 'x' ? { ...issue, platform: 'twitter' } : issue;
}

/** A 422 about one request field. */
export function invalidField(path: string, message: string): ApiError {
  return new ApiError(422, 'validation', `${path}: ${message}`, [{ path, message }]);
}

const STATUS_OF: Record<ResultError['code'], [number, ApiErrorCode]> = {
  validation: [422, 'validation'],
  not_found: [404, 'not_found'],
  conflict: [409, 'conflict'],
  // The engine's `unauthorized` is about a social account (expired token), not this API's token.
  unauthorized: [422, 'account_unauthorized'],
  rate_limited: [429, 'rate_limited'],
  offline: [503, 'offline'],
  internal: [500, 'internal'],
};

/**
 * Turns an engine error into the API's: the code decides the status; field paths are renamed
 * from the engine's (`parts.0.text`) to the API's (`content`) by `renamePath`.
 */
export function fromEngineError(error: ResultError, renamePath: (path: string) => string = (p) => p): ApiError {
  const [status, code] = STATUS_OF[error.code];
  const issues = error.issues?.map((issue) => apiIssue({ ...issue, path: renamePath(issue.path) }));
  let message = error.message;
  for (const issue of error.issues ?? []) {
    const renamed = renamePath(issue.path);
    if (renamed !== issue.path) message = message.split(`${issue.path}:`).join(`${renamed}:`);
  }
  return new ApiError(status, code, message, issues);
}
