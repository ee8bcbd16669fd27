import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Thrown by `createCore` when another engine already runs on the data folder. */
export class EngineLockedError extends Error {
  readonly code = 'engine_locked';
  constructor(readonly dataDir: string) {
    super(`Outbox is already running on ${dataDir}: only one engine may use a data folder at a time (two would publish the same posts twice).`);
    this.name = 'EngineLockedError';
  }
}

/** A held engine lock; `release()` lets the next engine start. */
export interface EngineLock {
  release(): void;
}

/**
 * Takes the one-engine-per-folder lock: an exclusive SQLite lock on `outbox.lock`. SQLite's
 * file locks are dropped by the OS when a process dies (even on SIGKILL or power loss), so a
 * crash never leaves a stale lock, and SQLite refuses a second holder in the same process too.
 */
export function acquireEngineLock(dataDir: string, nativeBinding?: string): EngineLock {
  const db = new Database(join(dataDir, 'outbox.lock'), nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new EngineLockedError(dataDir);
    throw error;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}
