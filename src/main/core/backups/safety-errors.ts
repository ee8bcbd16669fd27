import type { RecoveryReason } from '../../../shared/ipc/recovery';

/** What stops Outbox from using its data folder or database file at all. */
export type DataFolderProblem = 'read_only' | 'no_permission' | 'not_a_folder';

/**
 * Thrown by `createCore` when the data folder or the database cannot be written: Outbox refuses
 * to start (every save would fail) and says which path and what to do.
 */
export class DataFolderError extends Error {
  readonly code = 'data_folder_unusable';
  constructor(
    /** The folder or file that cannot be written. */
    readonly path: string,
    readonly problem: DataFolderProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DataFolderError';
  }
}

/**
 * Thrown by `createCore` when the database is damaged, or is new although Outbox had been used
 * in this folder: the engine does not start. A damaged file has already been kept aside; the
 * host shows the recovery screen (restore a backup, or start fresh when the creator says so).
 */
export class DatabaseRecoveryError extends Error {
  readonly code = 'database_recovery';
  constructor(
    readonly reason: RecoveryReason,
    readonly dataDir: string,
    /** The database file Outbox uses. */
    readonly database: string,
    /** Where the damaged file now is (`outbox.db.damaged-<time>`), or null when nothing was kept. */
    readonly keptAs: string | null,
    /** SQLite's own words (or what was found), for support. */
    readonly detail: string,
  ) {
    super(
      reason === 'damaged'
        ? `Outbox's database ${database} is damaged (${detail}). It was kept aside as ${keptAs}; restore a backup or start fresh.`
        : `Outbox's database ${database} is empty although Outbox had saved posts in ${dataDir} (${detail}). Restore a backup or start fresh.`,
    );
    this.name = 'DatabaseRecoveryError';
  }
}
