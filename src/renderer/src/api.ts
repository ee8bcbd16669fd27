import type { Result } from '../../shared/result';

/** The engine, reached only through the preload's named functions. */
export const outbox = () => window.outbox;

/** Unwraps a Result for code that shows the error message itself. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code, issues: result.error.issues });
  return result.value;
}
