import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFolderError } from './safety-errors';

/** The engine's database file in the data folder. */
export const DATABASE_FILE = 'outbox.db';
/** Written once the database holds something of the creator's: a new database beside it is then suspicious. */
export const MARKER_FILE = 'outbox.marker.json';
/** SQLite's companion files of a WAL database. */
const COMPANIONS = ['', '-wal', '-shm'];

/** A timestamp usable in a file name: `20260131T090000000Z`. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

function fix(code: string | undefined, path: string, what: 'folder' | 'file'): { problem: 'read_only' | 'no_permission'; text: string } {
  if (code === 'EROFS') {
    return { problem: 'read_only', text: `the disk it is on is mounted read-only. Remount that disk read-write (or move the data folder to a writable disk), then start Outbox again.` };
  }
  const chmod = what === 'folder' ? `chmod u+rwx "${path}"` : `chmod u+rw "${path}"`;
  const windows = what === 'folder' ? 'give your user Modify permission in its Security properties' : "untick Read-only in the file's Properties";
  return { problem: 'no_permission', text: `your user may not write to it. Make it writable (${chmod}; on Windows, ${windows}), then start Outbox again.` };
}

function mustWrite(path: string, what: 'folder' | 'file') {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    const { problem, text } = fix((error as NodeJS.ErrnoException).code, path, what);
    const lead = what === 'folder' ? `Outbox cannot save in its data folder ${path}:` : `Outbox cannot save to ${path}:`;
    throw new DataFolderError(path, problem, `${lead} ${text}`);
  }
}

function ensureFolder(path: string) {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      const { problem, text } = fix(code, path, 'folder');
      throw new DataFolderError(path, problem, `Outbox cannot create its folder ${path}: ${text}`);
    }
  }
  if (!statSync(path).isDirectory()) throw new DataFolderError(path, 'not_a_folder', `Outbox's data folder ${path} is a file, not a folder. Move that file away, then start Outbox again.`);
  mustWrite(path, 'folder');
}

/**
 * Refuses a data folder Outbox cannot write, before anything opens it: the folder itself, the
 * database and its companions, the lock file, `media/` and `backups/`. Without this a read-only
 * folder starts and then every save fails.
 */
export function checkDataFolder(dataDir: string) {
  ensureFolder(dataDir);
  for (const name of [...COMPANIONS.map((c) => DATABASE_FILE + c), 'outbox.lock', MARKER_FILE]) {
    const path = join(dataDir, name);
    if (existsSync(path)) mustWrite(path, 'file');
  }
  ensureFolder(join(dataDir, 'media'));
  ensureFolder(join(dataDir, 'backups'));
}

/** True when this folder's database has held something of the creator's. */
export function hasMarker(dataDir: string): boolean {
  return existsSync(join(dataDir, MARKER_FILE));
}

/** Records that the database holds the creator's data (written once, atomically). */
export function writeMarker(dataDir: string, now: number) {
  const path = join(dataDir, MARKER_FILE);
  if (existsSync(path)) return;
  const temp = `${path}.tmp`;
  writeFileSync(
    temp,
    JSON.stringify({ heldDataSince: new Date(now).toISOString(), why: 'Outbox keeps this file to know that outbox.db held your posts: a new, empty outbox.db beside it is not started silently.' }, null, 2),
  );
  renameSync(temp, path);
}

/** Forgets the marker (the creator chose to start fresh). */
export function removeMarker(dataDir: string) {
  rmSync(join(dataDir, MARKER_FILE), { force: true });
}

/**
 * Moves the database and its -wal/-shm aside as `outbox.db.damaged-<time>` (with `-wal`/`-shm`
 * after it, so SQLite tools open the set together). Returns the new path of the database.
 */
export function keepAside(dataDir: string, now: number): string {
  const kept = join(dataDir, `${DATABASE_FILE}.damaged-${fileStamp(now)}`);
  for (const c of COMPANIONS) {
    const from = join(dataDir, DATABASE_FILE + c);
    if (existsSync(from)) renameSync(from, kept + c);
  }
  return kept;
}

/** Removes a database and its companions (a new database nobody wrote to, or a replaced one). */
export function removeDatabaseFiles(path: string) {
  for (const c of COMPANIONS) rmSync(path + c, { force: true });
}

/** Renames a database with its companions. */
export function moveDatabaseFiles(from: string, to: string) {
  for (const c of COMPANIONS) if (existsSync(from + c)) renameSync(from + c, to + c);
}

/** Damaged databases kept aside in the folder, newest first. */
export function keptAsideFiles(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^outbox\.db\.damaged-\d{8}T\d{9}Z$/.test(n))
    .sort()
    .reverse()
    .map((n) => join(dataDir, n));
}
