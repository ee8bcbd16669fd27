import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './database';

/** Every SQLite database file starts with these 16 bytes (sqlite.org/fileformat.html, 1.3). */
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** A database file is at least one page; the header alone is 100 bytes. */
const HEADER_BYTES = 100;

/** How a database file looks before the engine uses it. */
export type FileHealth =
  /** No file, a 0-byte file, or a database without any table: nothing of the creator's is in it. */
  | { state: 'new'; detail: string }
  | { state: 'ok' }
  | { state: 'damaged'; detail: string };

/** SQLite's findings, shortened for a message (quick_check can list thousands of pages). */
function summarise(rows: string[]): string {
  const lines = rows.flatMap((r) => r.split('\n')).filter((l) => l.trim() !== '' && !l.startsWith('***'));
  return lines.slice(0, 5).join('; ') + (lines.length > 5 ? ` (and ${lines.length - 5} more findings)` : '');
}

/** True for the errors SQLite raises on a damaged file (as opposed to a busy, full or unreadable disk). */
export function isCorruption(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
}

/**
 * Runs `PRAGMA <check>` and answers null when the database is sound, else SQLite's findings.
 * Errors that are not about damage (busy, I/O) are thrown: they say nothing about the file.
 */
export function runCheck(db: Db, check: 'quick_check' | 'integrity_check'): string | null {
  try {
    const rows = (db.pragma(check) as Array<Record<string, string>>).map((r) => String(Object.values(r)[0]));
    return rows.length === 1 && rows[0] === 'ok' ? null : summarise(rows);
  } catch (error) {
    if (isCorruption(error)) return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    throw error;
  }
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const n = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a database file before the engine opens it for writing: its header, then
 * `PRAGMA quick_check` (every page and b-tree, without cross-checking indexes: a fraction of the
 * full integrity_check's time). Never changes the file.
 */
export function inspectDatabaseFile(file: string, nativeBinding?: string): FileHealth {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { state: 'new', detail: 'there is no database file' };
  }
  if (size === 0) return { state: 'new', detail: 'the database file is empty (0 bytes)' };
  const header = readHeader(file);
  if (header.length < HEADER_BYTES) return { state: 'damaged', detail: `the file is ${size} bytes long, shorter than a database header` };
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) return { state: 'damaged', detail: 'the file does not start with an SQLite header (file is not a database)' };
  let db: Db | null = null;
  try {
    // Read-write on purpose: a read-only connection cannot replay a WAL left by a crash when its
    // -shm is gone, and would call a sound database damaged. quick_check itself writes nothing.
    db = new Database(file, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const findings = runCheck(db, 'quick_check');
    if (findings) return { state: 'damaged', detail: findings };
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    return tables === 0 ? { state: 'new', detail: 'the database has no tables' } : { state: 'ok' };
  } catch (error) {
    if (isCorruption(error)) return { state: 'damaged', detail: `${(error as { code?: string }).code}: ${(error as Error).message}` };
    // Busy, I/O, permissions: nothing says the file is damaged; the caller refuses to start.
    throw error;
  } finally {
    db?.close();
  }
}
