import type { Notifier } from '../ports/ports';

/** True for an error SQLite raised (better-sqlite3's SqliteError carries `code: 'SQLITE_…'`). */
export function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** What the creator is told about a database that refuses writes. */
export function describeDatabaseError(error: unknown): string {
  const code = String((error as { code?: unknown }).code ?? '');
  if (code.startsWith('SQLITE_FULL')) return 'Outbox cannot write to its database: the disk is full. Free some space; publishing resumes by itself.';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'Outbox cannot write to its database: it is locked by another program (another Outbox on the same folder?). Publishing resumes by itself once it is free.';
  }
  if (code.startsWith('SQLITE_READONLY')) return 'Outbox cannot write to its database: the file or its folder became read-only. Publishing resumes by itself once it is writable.';
  if (code.startsWith('SQLITE_IOERR')) return 'Outbox cannot write to its database: the disk reported an error. Publishing resumes by itself once it answers again.';
  return `Outbox cannot use its database (${code || 'unknown error'}). Publishing resumes by itself once it answers again.`;
}

/** Waits between tries while the database refuses: short, so publishing resumes within seconds. */
const RETRY_STEPS_MS = [500, 1000, 2000, 4000];

/**
 * Keeps the engine going while its database refuses writes (disk full, locked): writes that must
 * land (a publish's outcome) wait in order and are run again on every scheduler turn; the creator
 * is told once when the trouble starts and once when it ends; the scheduler backs off meanwhile.
 */
export function createDatabaseGuard(notifier: Notifier, log: (message: string, error: unknown) => void) {
  const deferred: Array<{ what: string; run: () => void }> = [];
  let failures = 0;
  let told = false;
  let lastCode = '';

  function fault(what: string, error: unknown) {
    failures++;
    // Once per kind of trouble, not once per retry every few seconds.
    const code = String((error as { code?: unknown }).code ?? '');
    if (code !== lastCode) log(`database refused: ${what}`, error);
    lastCode = code;
    if (told) return;
    told = true;
    notifier.notify({ kind: 'info', title: 'Outbox cannot save its work', body: describeDatabaseError(error) });
  }

  function ok() {
    if (failures === 0) return;
    failures = 0;
    lastCode = '';
    if (told) {
      told = false;
      notifier.notify({ kind: 'info', title: 'Outbox can save again', body: 'Its database accepts writes again; publishing has resumed.' });
    }
  }

  return {
    /** True while the database refused the last try (the scheduler waits `retryDelayMs` before the next). */
    get failing() {
      return failures > 0;
    },
    retryDelayMs: () => RETRY_STEPS_MS[Math.min(failures, RETRY_STEPS_MS.length) - 1] ?? RETRY_STEPS_MS[0]!,
    fault,
    ok,
    /** Runs `write` now (then `after` with its result), or keeps both for later when the database refuses. */
    persist<T>(what: string, write: () => T, after?: (result: T) => void): boolean {
      const run = () => {
        const result = write();
        after?.(result);
      };
      if (deferred.length > 0) {
        deferred.push({ what, run });
        return false;
      }
      try {
        run();
        return true;
      } catch (error) {
        if (!isDatabaseError(error)) throw error;
        deferred.push({ what, run });
        fault(what, error);
        return false;
      }
    },
    /** Runs the kept writes in order; false when the database still refuses (the rest stay kept). */
    flush(): boolean {
      while (deferred.length > 0) {
        try {
          deferred[0]!.run();
        } catch (error) {
          if (!isDatabaseError(error)) {
            log(`dropping a kept write that cannot succeed: ${deferred[0]!.what}`, error);
            deferred.shift();
            continue;
          }
          fault(deferred[0]!.what, error);
          return false;
        }
        deferred.shift();
      }
      return true;
    },
    get pending() {
      return deferred.length;
    },
  };
}

/** The database guard. */
export type DatabaseGuard = ReturnType<typeof createDatabaseGuard>;
