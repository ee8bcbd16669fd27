import Database from 'better-sqlite3';

/** The engine's SQLite connection. */
export type Db = Database.Database;

/**
 * Opens `outbox.db` with the engine's pragmas: WAL for concurrent reads, `synchronous=FULL` so a
 * committed publish record survives power loss, foreign keys enforced.
 */
export function openDatabase(file: string, nativeBinding?: string): Db {
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
