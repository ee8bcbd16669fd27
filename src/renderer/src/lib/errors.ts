import type { ResultError } from '../../../shared/result';

/** An engine error in plain words, with the fields it names. */
export function plainError(error: ResultError): string {
  if (error.code === 'internal' && / is not built yet$/.test(error.message)) {
    return `This part of Outbox is not available yet (${error.message.replace(/ is not built yet$/, '')}).`;
  }
  const issues = error.issues ?? [];
  if (issues.length === 0) return error.message;
  return issues.map((i) => (i.platform ? `${i.message}` : i.message)).join(' · ');
}
