import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { checksum, loadMigrations, migrate, MigrationError, type Migration } from './migrate';
import { tempDir } from '../../../../test/support/core';
import { join } from 'node:path';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const first: Migration = { version: 1, file: '0001-first.sql', sql: 'CREATE TABLE a (x INTEGER);' };
const second: Migration = { version: 2, file: '0002-second.sql', sql: 'CREATE TABLE b (y INTEGER);' };

function withDb<T>(fn: (file: string) => T): T {
  const { dir, remove } = tempDir();
  try {
    return fn(join(dir, 'outbox.db'));
  } finally {
    remove();
  }
}

describe('migration runner', () => {
  it('applies pending migrations in order and records their checksums', () =>
    withDb((file) => {
      const db = openDatabase(file);
      expect(migrate(db, [first, second])).toBe(2);
      const rows = db.prepare('SELECT version, file, checksum FROM schema_migrations').all();
      expect(rows).toEqual([
        { version: 1, file: '0001-first.sql', checksum: checksum(first.sql) },
        { version: 2, file: '0002-second.sql', checksum: checksum(second.sql) },
      ]);
      db.close();
    }));

  it('applies only what is new on a later start', () =>
    withDb((file) => {
      let db = openDatabase(file);
      migrate(db, [first]);
      db.close();
      db = openDatabase(file);
      expect(migrate(db, [first, second])).toBe(2);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeTruthy();
      db.close();
    }));

  it('refuses to start when a shipped migration changed, naming the file', () =>
    withDb((file) => {
      let db = openDatabase(file);
      migrate(db, [first]);
      db.close();
      db = openDatabase(file);
      const edited = { ...first, sql: 'CREATE TABLE a (x INTEGER, z TEXT);' };
      expect(() => migrate(db, [edited])).toThrow(MigrationError);
      expect(() => migrate(db, [edited])).toThrow(/0001-first\.sql has changed/);
      db.close();
    }));

  it('refuses a database migrated by a newer version', () =>
    withDb((file) => {
      let db = openDatabase(file);
      migrate(db, [first, second]);
      db.close();
      db = openDatabase(file);
      expect(() => migrate(db, [first])).toThrow(/0002-second\.sql is not known/);
      db.close();
    }));

  it('runs all pending migrations in one transaction: a failing one leaves nothing applied', () =>
    withDb((file) => {
      const db = openDatabase(file);
      const broken: Migration = { version: 2, file: '0002-broken.sql', sql: 'CREATE TABLE c (; nonsense' };
      expect(() => migrate(db, [first, broken])).toThrow(/0002-broken\.sql failed/);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeUndefined();
      expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
      db.close();
    }));

  it('checksums ignore line-ending style', () => {
    expect(checksum('a;\r\nb;')).toBe(checksum('a;\nb;'));
  });

  it('loads shipped files in order, and refuses repeated numbers and badly named ones', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    const { dir, remove } = tempDir();
    try {
      mkdirSync(join(dir, 'm'));
      writeFileSync(join(dir, 'm', '0001-ok.sql'), 'SELECT 1;');
      writeFileSync(join(dir, 'm', '0001-again.sql'), 'SELECT 1;');
      expect(() => loadMigrations(join(dir, 'm'))).toThrow(/share number 0001/);
      rmSync(join(dir, 'm', '0001-again.sql'));
      writeFileSync(join(dir, 'm', 'Bad Name.sql'), 'SELECT 1;');
      expect(() => loadMigrations(join(dir, 'm'))).toThrow(/Bad Name\.sql is not named NNNN-name\.sql/);
    } finally {
      remove();
    }
  });

  it('opens the database with WAL, synchronous=FULL and foreign keys on', () =>
    withDb((file) => {
      const db = openDatabase(file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      db.close();
    }));
});
