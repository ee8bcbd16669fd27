import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupMirror } from '../../../shared/ipc/backups';
import { backupFile, copySidecar, deleteBackup, listBackups, parseBackupId, type BackupSidecar } from './backup-files';
import { backupsToKeep } from './retention';

/** The folder inside the creator's chosen folder that holds Outbox's copies. */
export const MIRROR_SUBFOLDER = 'outbox-backups';
/** Where the mirror setting lives: beside the backups, so the recovery screen can read it without the database. */
const CONFIG = 'mirror.json';

/** The mirror's setting and last result, or null when none is set. */
export function readMirror(backupsDir: string): BackupMirror | null {
  try {
    const value = JSON.parse(readFileSync(join(backupsDir, CONFIG), 'utf8')) as BackupMirror;
    return typeof value.folder === 'string' && value.folder !== '' ? { folder: value.folder, lastCopiedAt: value.lastCopiedAt ?? null, error: value.error ?? null } : null;
  } catch {
    return null;
  }
}

/** Saves the mirror setting (null: none). */
export function writeMirror(backupsDir: string, mirror: BackupMirror | null) {
  const path = join(backupsDir, CONFIG);
  writeFileSync(`${path}.tmp`, JSON.stringify(mirror ?? { folder: '' }));
  renameSync(`${path}.tmp`, path);
}

/** The folder that holds the mirror's backup files. */
export const mirrorDir = (folder: string) => join(folder, MIRROR_SUBFOLDER);

async function sameSize(path: string, bytes: number | null): Promise<boolean> {
  try {
    const s = await stat(path);
    return bytes === null || s.size === bytes;
  } catch {
    return false;
  }
}

/** Copies through a temporary name, so an unplugged drive never leaves a half file that looks whole. */
async function copyAtomic(from: string, to: string) {
  const temp = `${to}.partial`;
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Copies one backup (a closed file, never the live database) and the media it references to
 * the mirror folder; media already there with the same size are not copied again (they are
 * content-addressed). Then applies the same retention there. Answers how many media files were
 * copied.
 */
export async function copyToMirror(backupsDir: string, dataDir: string, folder: string, backup: BackupSidecar, timeZone: string): Promise<number> {
  const target = mirrorDir(folder);
  await mkdir(join(target, 'media'), { recursive: true });
  let copied = 0;
  for (const m of backup.media ?? []) {
    const from = join(dataDir, m.file);
    const to = join(target, m.file);
    if (!existsSync(from)) continue;
    const bytes = (await stat(from)).size;
    if (await sameSize(to, bytes)) continue;
    await mkdir(join(to, '..'), { recursive: true });
    await copyAtomic(from, to);
    copied++;
  }
  await copyAtomic(backupFile(backupsDir, backup.id), backupFile(target, backup.id));
  copySidecar(backupsDir, target, backup.id);
  pruneFolder(target, timeZone, backup.id);
  return copied;
}

/** Deletes the backups retention does not keep in a folder (never `newest`, the one just taken). */
export function pruneFolder(dir: string, timeZone: string, newest?: string) {
  const all = listBackups(dir);
  const keep = backupsToKeep(
    all.map((b) => ({ id: b.id, kind: b.kind, createdAt: parseBackupId(b.id)!.createdAt })),
    timeZone,
  );
  for (const b of all) if (!keep.has(b.id) && b.id !== newest) deleteBackup(dir, b.id);
}

/** Copies the media a mirror backup references into the data folder where they are missing (restoring from the mirror). */
export async function bringMediaBack(folder: string, dataDir: string, backup: BackupSidecar): Promise<number> {
  let copied = 0;
  for (const m of backup.media ?? []) {
    const to = join(dataDir, m.file);
    if (existsSync(to)) continue;
    const from = join(mirrorDir(folder), m.file);
    if (!existsSync(from)) continue;
    await mkdir(join(to, '..'), { recursive: true });
    await copyAtomic(from, to);
    copied++;
  }
  return copied;
}
