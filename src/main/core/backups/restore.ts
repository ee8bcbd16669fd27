import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '../db/database';
import { migrate, type Migration } from '../db/migrate';
import { AppError } from '../errors';
import { applyPublishHistory, countLatePostsIn, countPostsIn, holdPostsDueBetween, openPublishHistory, type PublishHistory } from '../posts/post-store.repo';
import { verifyBackup } from './backup-files';
import { DATABASE_FILE, fileStamp, moveDatabaseFiles, removeDatabaseFiles } from './data-folder';

/** What swapping in a backup needs. */
export interface SwapPlan {
  dataDir: string;
  /** The backup file to restore. */
  backup: string;
  /** When the backup was taken (UTC ms). */
  backupTakenAt: number;
  migrations: Migration[];
  now: number;
  /**
   * Databases that know what happened after the backup (the database being replaced, newer
   * backups, a damaged file kept aside), oldest first: what they saw sent is carried over.
   */
  historyFrom: string[];
  /**
   * The newest of `historyFrom` is the last state before the restore; when it cannot be read
   * (a damaged file), posts due since the backup are held for the creator instead of caught up.
   */
  lastStateReadable?: boolean;
  nativeBinding?: string | undefined;
}

/** A swapped database, not yet final: the host starts the engine on it, then commits or undoes. */
export interface Swap {
  posts: number;
  carriedOver: number;
  late: number;
  /** Posts held for the creator because what happened to them cannot be known. */
  held: number;
  /** History sources that could not be read. */
  unreadable: string[];
  /** Drops the replaced database (the engine started on the restored one). */
  commit(): void;
  /** Puts the replaced database back (the engine could not start on the restored one). */
  undo(): void;
}

/** Opens what a database knows was sent; null when it cannot be opened at all. */
function historyOf(path: string, nativeBinding?: string): { db: Db; history: PublishHistory } | null {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    return { db, history: openPublishHistory(db) };
  } catch {
    return null;
  }
}

/**
 * Puts a backup in place of `outbox.db` while the engine is stopped. The backup is checked
 * (quick_check), copied with SQLite's backup API (the backup file itself never changes),
 * migrated to this version, and given what later databases know was sent (so nothing is sent
 * twice); the current database is moved aside until the host commits.
 */
export async function swapDatabase(plan: SwapPlan): Promise<Swap> {
  const findings = verifyBackup(plan.backup, plan.nativeBinding);
  if (findings) throw new AppError('validation', `This backup cannot be restored: it is damaged (${findings}). Choose another one.`, [{ path: 'id', message: `damaged: ${findings}` }]);

  const sources = plan.historyFrom.map((path) => ({ path, open: historyOf(path, plan.nativeBinding) }));
  const histories = sources.flatMap((s) => (s.open ? [s.open.history] : []));

  const current = join(plan.dataDir, DATABASE_FILE);
  const temp = join(plan.dataDir, `${DATABASE_FILE}.restoring`);
  removeDatabaseFiles(temp);
  let facts: Pick<Swap, 'posts' | 'carriedOver' | 'late' | 'held'>;
  try {
    const source = new Database(plan.backup, { readonly: true, fileMustExist: true, ...(plan.nativeBinding ? { nativeBinding: plan.nativeBinding } : {}) });
    try {
      await source.backup(temp);
    } finally {
      source.close();
    }
    const db = openDatabase(temp, plan.nativeBinding);
    try {
      migrate(db, plan.migrations);
      const { carriedOver } = applyPublishHistory(db, histories);
      // Without the last state, a post due since the backup may have gone out: the creator decides.
      const last = sources[sources.length - 1];
      const lastReadable = plan.lastStateReadable ?? (!last || (last.open !== null && !last.open.history.failed));
      const held = lastReadable ? 0 : holdPostsDueBetween(db, plan.backupTakenAt, plan.now);
      facts = { posts: countPostsIn(db).posts, carriedOver, late: countLatePostsIn(db, plan.now), held };
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } catch (error) {
    removeDatabaseFiles(temp);
    throw error;
  } finally {
    for (const s of sources) s.open?.db.close();
  }
  const unreadable = sources.filter((s) => !s.open || s.open.history.failed).map((s) => s.path);
  const replaced = join(plan.dataDir, `${DATABASE_FILE}.replaced-${fileStamp(plan.now)}`);
  removeDatabaseFiles(replaced);
  moveDatabaseFiles(current, replaced);
  moveDatabaseFiles(temp, current);
  return {
    ...facts,
    unreadable,
    commit: () => removeDatabaseFiles(replaced),
    undo: () => {
      removeDatabaseFiles(current);
      moveDatabaseFiles(replaced, current);
    },
  };
}
