import type { z } from 'zod';
import { contract, isChannel, type Channel, type OutputOf, type PayloadOf } from '../../shared/ipc/contract';
import { fail, ok, type Issue, type Result } from '../../shared/result';
import { isCorruption } from './db/integrity';
import { AppError } from './errors';
import type { Handlers } from './handlers';

/** Turns zod's issues into the contract's `{ path, message }` list. */
export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(payload)',
    message: issue.message,
  }));
}

/** Summarises issues in one sentence that names the fields. */
export function describeIssues(issues: Issue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  return shown.join('; ') + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : '');
}

/** The one validating path every channel goes through. */
export type Invoke = <C extends Channel>(channel: C, ...payload: undefined extends PayloadOf<C> ? [payload?: PayloadOf<C>] : [payload: PayloadOf<C>]) => Promise<Result<OutputOf<C>>>;

/**
 * Builds `invoke`: an unknown channel or a payload its schema refuses answers `validation`
 * before any handler runs, so nothing changes; handler errors become Results; nothing throws.
 */
export function createInvoke(handlers: Handlers, isClosed: () => boolean, log: (message: string, error: unknown) => void) {
  return async function invoke(channel: unknown, payload?: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) {
      const name = typeof channel === 'string' ? channel.slice(0, 80) : typeof channel;
      return fail('validation', `Unknown channel: ${name}`, [{ path: 'channel', message: `unknown channel ${name}` }]);
    }
    if (isClosed()) return fail('internal', 'Outbox is shutting down');
    const parsed = contract[channel].input.safeParse(payload);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      return fail('validation', describeIssues(issues), issues);
    }
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return ok(await handler(parsed.data));
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.issues);
      log(`${channel} failed`, error);
      // Damage found while running (the start-up check passed): say what to do, not SQLite's words alone.
      if (isCorruption(error)) return fail('internal', `Outbox's database is damaged (${(error as Error).message}). Restore the newest backup from Settings → Backups.`);
      return fail('internal', `Something went wrong in ${channel}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } as Invoke;
}
