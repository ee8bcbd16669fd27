import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './database';

/** One migration file: `NNNN-name.sql`. */
export interface Migration {
  version: number;
  file: string;
  sql: string;
}

/** A migration problem that must stop the engine from starting. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE_PATTERN = /^(\d{4})-[a-z0-9-]+\.sql$/;

// In the source tree this is src/main/core/db/migrations/; electron-vite copies the folder
// next to the bundled main (out/main/migrations/), where the same relative URL points.
const DEFAULT_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reads the shipped migrations from a folder, sorted by version. */
export function loadMigrations(dir: string = DEFAULT_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new MigrationError(`Migration file ${file} is not named NNNN-name.sql`);
      return { version: Number(match[1]), file, sql: readFileSync(`${dir}/${file}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    const previous = migrations[i - 1];
    if (previous && previous.version === m.version) throw new MigrationError(`Migrations ${previous.file} and ${m.file} share number ${m.file.slice(0, 4)}: each number is used once`);
  });
  return migrations;
}

/** The checksum stored for a migration: sha256 of its text with line endings normalised. */
export function checksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Migrations this database has not applied yet; empty for a database with none applied (a new one). */
export function pendingMigrations(db: Db, migrations: Migration[]): Migration[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [];
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  return done.size === 0 ? [] : migrations.filter((m) => !done.has(m.version));
}

/**
 * Applies pending migrations in one transaction. Refuses to start when a migration that was
 * already applied has changed or disappeared (append-only: ship a new migration instead).
 * Returns the schema version.
 */
export function migrate(db: Db, migrations: Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = db.prepare('SELECT version, file, checksum FROM schema_migrations ORDER BY version').all() as Array<{
    version: number;
    file: string;
    checksum: string;
  }>;
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const shipped = byVersion.get(row.version);
    if (!shipped) {
      throw new MigrationError(`The database was migrated by a newer Outbox (migration ${row.file} is not known to this version). Update Outbox to open it.`);
    }
    if (checksum(shipped.sql) !== row.checksum) {
      throw new MigrationError(`Migration ${shipped.file} has changed since it was applied to this database (checksum mismatch). Shipped migrations are append-only: add a new migration instead.`);
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const pending = migrations.filter((m) => !done.has(m.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, file, checksum, applied_at) VALUES (@version, @file, @checksum, @appliedAt)');
  if (pending.length === 0) return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  // Foreign keys are off while migrating (SQLite's way to rebuild a table: a DROP of a parent
  // would otherwise cascade into its children) and checked in full before the commit.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  // A rebuilt table is renamed into place without re-checking triggers that name it (other
  // migrations' triggers keep pointing at it by name), as SQLite's table-rebuild recipe assumes.
  db.pragma('legacy_alter_table = ON');
  try {
    db.transaction(() => {
      for (const m of pending) {
        try {
          db.exec(m.sql);
        } catch (error) {
          throw new MigrationError(`Migration ${m.file} failed: ${(error as Error).message}`);
        }
        record.run({ version: m.version, file: m.file, checksum: checksum(m.sql), appliedAt: Date.now() });
      }
      const broken = db.pragma('foreign_key_check') as Array<{ table: string }>;
      if (broken.length > 0) throw new MigrationError(`Migrations left ${broken.length} rows pointing at nothing (first in ${broken[0]!.table}); nothing was changed.`);
    })();
  } finally {
    db.pragma('legacy_alter_table = OFF');
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}
