import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '../db/database';
import { createEngineOwnerRepo } from './engine-owner.repo';

/** Thrown by `createCore` when another engine already runs on the data folder. */
export class EngineLockedError extends Error {
  readonly code = 'engine_locked';
  constructor(
    readonly dataDir: string,
    detail = '',
  ) {
    super(`Outbox is already running on ${dataDir}: only one engine may use a data folder at a time (two would publish the same posts twice).${detail ? ` ${detail}` : ''}`);
    this.name = 'EngineLockedError';
  }
}

/** A held engine lock. */
export interface EngineLock {
  /** True when `outbox.lock` was already there (its last holder is gone); false when this start created it. */
  readonly fileExisted: boolean;
  /**
   * Checks that `outbox.lock` is still the file this engine locked. If someone deleted or
   * replaced it, locks a new one in its place; 'lost' when another engine holds that one.
   */
  verify(): 'ok' | 'lost';
  release(): void;
}

interface HeldFile {
  db: Database.Database;
  ino: number;
  dev: number;
}

function lockFile(path: string, nativeBinding?: string): HeldFile | 'busy' {
  const db = new Database(path, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return 'busy';
    throw error;
  }
  const { ino, dev } = statSync(path);
  return { db, ino, dev };
}

/**
 * Takes the one-engine-per-folder lock: an exclusive SQLite lock on `outbox.lock`. SQLite's
 * file locks are dropped by the OS when a process dies (even on SIGKILL or power loss), so a
 * crash never leaves a stale lock, and SQLite refuses a second holder in the same process too.
 * The file can still be deleted while held; `verify()` notices and takes a new one, and the
 * engine_owner row (see `claimOwnership`) covers the moment in between.
 */
export function acquireEngineLock(dataDir: string, nativeBinding?: string): EngineLock {
  const path = join(dataDir, 'outbox.lock');
  const fileExisted = existsSync(path);
  const first = lockFile(path, nativeBinding);
  if (first === 'busy') throw new EngineLockedError(dataDir);
  let held: HeldFile | null = first;
  return {
    fileExisted,
    verify() {
      if (!held) return 'lost';
      try {
        const now = statSync(path);
        if (now.ino === held.ino && now.dev === held.dev) return 'ok';
      } catch {
        // Gone: lock a new one below.
      }
      const next = lockFile(path, nativeBinding);
      if (next === 'busy') return 'lost';
      held.db.close();
      held = next;
      return 'ok';
    },
    release() {
      held?.db.close();
      held = null;
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This engine's claim on the folder, recorded in the database. */
export interface Ownership {
  /** True while the engine_owner row still names this engine (checked inside the claim's transaction). */
  holds(): boolean;
  /** Forgets the claim (clean close). */
  release(): void;
}

/**
 * Records this engine as the folder's owner. When the lock file had to be created (someone
 * deleted it) and the recorded owner is a live process on this machine, another engine is
 * running without its lock file: refuse to start. Otherwise (a crash, a clean close) take over.
 */
export function claimOwnership(db: Db, lock: EngineLock, dataDir: string, now: number): Ownership {
  const repo = createEngineOwnerRepo(db);
  const token = randomUUID();
  const host = hostname();
  db.transaction(() => {
    const previous = repo.read();
    if (previous && !lock.fileExisted && previous.host === host && processAlive(previous.pid)) {
      throw new EngineLockedError(dataDir, `Process ${previous.pid} started it and is still running, but its lock file (outbox.lock) was deleted; quit that Outbox first.`);
    }
    repo.write({ token, pid: process.pid, host, startedAt: now });
  })();
  return {
    holds: () => repo.read()?.token === token,
    release: () => repo.clear(token),
  };
}
