import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BACKUP_KINDS, type BackupInfo, type BackupKind } from '../../../shared/ipc/backups';
import { createAccountsRepo } from '../accounts/accounts.repo';
import type { Db } from '../db/database';
import { runCheck } from '../db/integrity';
import { createLabelsRepo } from '../labels/labels.repo';
import { createMediaRepo } from '../media/media.repo';
import { countPostsIn } from '../posts/post-store.repo';
import { fileStamp, removeDatabaseFiles } from './data-folder';

/** What is written beside each backup (`<id>.json`), so listing never opens every backup. */
export interface BackupSidecar {
  version: 1;
  id: string;
  kind: BackupKind;
  createdAt: string;
  bytes: number;
  posts: number | null;
  scheduled: number | null;
  labels: number | null;
  accounts: number | null;
  /** The media files the backup's library references (content-addressed, `media/<sha256>.<ext>`). */
  media: Array<{ id: string; sha256: string; file: string }> | null;
  appVersion: string;
}

const NAME = new RegExp(`^outbox-(${BACKUP_KINDS.join('|')})-(\\d{8}T\\d{9}Z)(-\\d+)?$`);

/** A backup's kind and time from its id, or null for a name that is not a backup's. */
export function parseBackupId(id: string): { kind: BackupKind; createdAt: number } | null {
  const m = NAME.exec(id);
  if (!m) return null;
  const s = m[2]!;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : { kind: m[1] as BackupKind, createdAt: at };
}

/** The backup file of an id in a folder. */
export const backupFile = (dir: string, id: string) => join(dir, `${id}.db`);
const sidecarFile = (dir: string, id: string) => join(dir, `${id}.json`);

/** Flushes a file (or folder) to disk off the event loop: a large backup's fsync must not delay publishing. */
async function fsyncPath(path: string) {
  let handle: FileHandle | null = null;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Some file systems (and Windows folders) cannot fsync a directory: the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Counts what a database holds; parts it cannot read (an older schema, damage) stay null. */
export function describeDatabase(db: Db): Pick<BackupSidecar, 'posts' | 'scheduled' | 'labels' | 'accounts' | 'media'> {
  const attempt = <T>(fn: () => T): T | null => {
    try {
      return fn();
    } catch {
      return null;
    }
  };
  const posts = attempt(() => countPostsIn(db));
  return {
    posts: posts?.posts ?? null,
    scheduled: posts?.scheduled ?? null,
    labels: attempt(() => createLabelsRepo(db).all().length),
    accounts: attempt(() => createAccountsRepo(db).list().length),
    media: attempt(() => createMediaRepo(db).files()),
  };
}

function writeSidecar(dir: string, sidecar: BackupSidecar) {
  const path = sidecarFile(dir, sidecar.id);
  writeFileSync(`${path}.tmp`, JSON.stringify(sidecar));
  renameSync(`${path}.tmp`, path);
}

/**
 * A fresh id for a backup taken at `now`: a suffix when others share the millisecond, above
 * theirs (zero-padded, so names sort in the order they were taken, even after some were pruned).
 */
function freshId(dir: string, kind: BackupKind, now: number): string {
  const base = `outbox-${kind}-${fileStamp(now)}`;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(base) && n.endsWith('.db'));
  } catch {
    // No folder yet: the backup itself says why.
  }
  if (names.length === 0) return base;
  const highest = Math.max(1, ...names.map((n) => Number(/-(\d+)\.db$/.exec(n)?.[1] ?? 1)));
  return `${base}-${String(highest + 1).padStart(3, '0')}`;
}

/**
 * Takes an online backup of a live database with SQLite's backup API (better-sqlite3
 * `db.backup()`: pages are copied a hundred at a time between turns of the event loop, so
 * publishing goes on; writes made meanwhile by the same connection are carried into the copy).
 * The copy is written under a temporary name, switched to a self-contained rollback journal,
 * counted, synced to disk and only then renamed, so a crash never leaves a half backup that
 * looks whole.
 */
export async function writeBackup(source: Db, dir: string, kind: BackupKind, now: number, appVersion: string, nativeBinding?: string): Promise<BackupSidecar> {
  const id = freshId(dir, kind, now);
  const temp = join(dir, `.${id}.partial`);
  try {
    await source.backup(temp);
    const copy = new Database(temp, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    let facts: ReturnType<typeof describeDatabase>;
    try {
      // The copy carries the source's WAL mode in its header; a backup at rest is one file.
      copy.pragma('journal_mode = DELETE');
      facts = describeDatabase(copy);
    } finally {
      copy.close();
    }
    await fsyncPath(temp);
    const final = backupFile(dir, id);
    renameSync(temp, final);
    const sidecar: BackupSidecar = { version: 1, id, kind, createdAt: new Date(now).toISOString(), bytes: statSync(final).size, ...facts, appVersion };
    writeSidecar(dir, sidecar);
    await fsyncPath(dir);
    return sidecar;
  } finally {
    removeDatabaseFiles(temp);
  }
}

/**
 * Checks a backup file with `PRAGMA quick_check` (read-only: the backup is never changed).
 * Answers null when it is sound, else what is wrong.
 */
export function verifyBackup(path: string, nativeBinding?: string): string | null {
  let db: Db | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    return runCheck(db, 'quick_check');
  } catch (error) {
    return `${(error as { code?: string }).code ?? 'error'}: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
}

function readSidecar(dir: string, id: string): BackupSidecar | null {
  try {
    const value = JSON.parse(readFileSync(sidecarFile(dir, id), 'utf8')) as BackupSidecar;
    return value && value.version === 1 && value.id === id ? value : null;
  } catch {
    return null;
  }
}

/** A backup's facts: its sidecar, or (a copied-in file, a lost sidecar) what opening it tells. */
export function readBackup(dir: string, id: string, nativeBinding?: string): BackupSidecar | null {
  const parsed = parseBackupId(id);
  const path = backupFile(dir, id);
  if (!parsed || !existsSync(path)) return null;
  const known = readSidecar(dir, id);
  if (known) return known;
  let facts: ReturnType<typeof describeDatabase> = { posts: null, scheduled: null, labels: null, accounts: null, media: null };
  let db: Db | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    facts = describeDatabase(db);
  } catch {
    // Unreadable: listed with unknown counts; restore checks it and says why it cannot be used.
  } finally {
    db?.close();
  }
  return { version: 1, id, kind: parsed.kind, createdAt: new Date(parsed.createdAt).toISOString(), bytes: statSync(path).size, ...facts, appVersion: 'unknown' };
}

/** The contract's view of a backup. */
export function toBackupInfo(dir: string, s: BackupSidecar, location: BackupInfo['location']): BackupInfo {
  return {
    id: s.id,
    kind: s.kind,
    createdAt: s.createdAt,
    bytes: s.bytes,
    posts: s.posts,
    scheduled: s.scheduled,
    labels: s.labels,
    accounts: s.accounts,
    media: s.media ? s.media.length : null,
    location,
    path: backupFile(dir, s.id),
  };
}

/** Every backup in a folder, newest first. */
export function listBackups(dir: string, nativeBinding?: string): BackupSidecar[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.db') && parseBackupId(n.slice(0, -3)))
    .map((n) => readBackup(dir, n.slice(0, -3), nativeBinding))
    .filter((b): b is BackupSidecar => b !== null)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** Deletes a backup and its sidecar. */
export function deleteBackup(dir: string, id: string) {
  rmSync(backupFile(dir, id), { force: true });
  rmSync(sidecarFile(dir, id), { force: true });
}

/** Copies a sidecar to another folder (the mirror). */
export function copySidecar(from: string, to: string, id: string) {
  const sidecar = readBackup(from, id);
  if (sidecar) writeSidecar(to, sidecar);
}
