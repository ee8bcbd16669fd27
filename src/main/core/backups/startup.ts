import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/database';
import { inspectDatabaseFile } from '../db/integrity';
import { migrate, pendingMigrations, type Migration } from '../db/migrate';
import { listBackups, writeBackup } from './backup-files';
import { DATABASE_FILE, hasMarker, keepAside } from './data-folder';
import { DatabaseRecoveryError, DataFolderError } from './safety-errors';

/** What opening the data folder's database needs. */
export interface OpenDataOptions {
  dataDir: string;
  migrations: Migration[];
  now: number;
  appVersion: string;
  nativeBinding?: string | undefined;
  /** The creator chose "Start fresh" on the recovery screen: a new database is expected. */
  freshStartConfirmed?: boolean;
}

/** True when a backup in the folder holds something of the creator's. */
function backupsHoldData(backupsDir: string, nativeBinding?: string): boolean {
  return listBackups(backupsDir, nativeBinding).some((b) => (b.posts ?? 0) > 0 || (b.accounts ?? 0) > 0 || (b.labels ?? 0) > 0);
}

/**
 * Opens `outbox.db` only when it is sound (DESIGN.md "Data safety"): `PRAGMA quick_check`
 * before migrating; a damaged file is kept aside and a new database where Outbox had saved the
 * creator's data (the marker, or a backup holding posts) is refused, both with a
 * DatabaseRecoveryError for the recovery screen. Pending migrations run after a backup.
 */
export async function openDataSafely(o: OpenDataOptions): Promise<{ db: Db; schemaVersion: number }> {
  const file = join(o.dataDir, DATABASE_FILE);
  const backupsDir = join(o.dataDir, 'backups');
  const health = inspectDatabaseFile(file, o.nativeBinding);
  if (health.state === 'damaged') {
    const keptAs = keepAside(o.dataDir, o.now);
    throw new DatabaseRecoveryError('damaged', o.dataDir, file, keptAs, health.detail);
  }
  if (health.state === 'new' && !o.freshStartConfirmed && (hasMarker(o.dataDir) || backupsHoldData(backupsDir, o.nativeBinding))) {
    // A 0-byte or table-less file lost what it held: kept aside too, for the record.
    const keptAs = existsSync(file) ? keepAside(o.dataDir, o.now) : null;
    throw new DatabaseRecoveryError('emptied', o.dataDir, file, keptAs, health.detail);
  }
  const db = openDatabase(file, o.nativeBinding);
  try {
    if (pendingMigrations(db, o.migrations).length > 0) {
      try {
        await writeBackup(db, backupsDir, 'pre-migration', o.now, o.appVersion, o.nativeBinding);
      } catch (error) {
        throw new Error(`Outbox could not back up its database before updating it, so it did not update it: ${(error as Error).message}`, { cause: error });
      }
    }
    try {
      return { db, schemaVersion: migrate(db, o.migrations) };
    } catch (error) {
      if (String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_READONLY')) {
        throw new DataFolderError(file, 'read_only', `Outbox cannot save to ${file}: SQLite opened it read-only. Make the file and its folder writable, then start Outbox again.`);
      }
      throw error;
    }
  } catch (error) {
    db.close();
    throw error;
  }
}
