import { z } from 'zod';
import { channel, noPayload } from './define';

/** Why a backup was taken. */
export const BACKUP_KINDS = ['daily', 'manual', 'pre-migration', 'pre-restore'] as const;
/** Why a backup was taken. */
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** One backup of the database, as the Backups list and the recovery screen show it. */
export interface BackupInfo {
  /** The file's name without `.db` (`outbox-daily-20260131T090000000Z`): what restore takes. */
  id: string;
  kind: BackupKind;
  createdAt: string;
  bytes: number;
  /** What it holds (null when the backup cannot be read). */
  posts: number | null;
  scheduled: number | null;
  labels: number | null;
  accounts: number | null;
  /** Media files it references (kept from any sweep while the backup is kept). */
  media: number | null;
  /** Where it lives: the data folder's `backups/`, or only the second folder the creator chose. */
  location: 'local' | 'mirror';
  /** Absolute path of the file. */
  path: string;
}

/** The second copy of every backup, in a folder the creator picked (a synced folder, a USB drive). */
export interface BackupMirror {
  folder: string;
  lastCopiedAt: string | null;
  /** Why the last copy failed (drive unplugged, no space), or null. */
  error: string | null;
}

/** The last full integrity check of the running database. */
export interface IntegrityReport {
  at: string;
  ok: boolean;
  /** SQLite's first findings when it is not ok. */
  message: string | null;
}

/** Everything Settings -> Backups shows. */
export interface BackupsState {
  backups: BackupInfo[];
  /** `<data>/backups`. */
  folder: string;
  mirror: BackupMirror | null;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  lastIntegrityCheck: IntegrityReport | null;
  /** What is kept: the last 7 daily and 4 weekly backups, plus recent manual and safety ones. */
  retention: string;
}

/** What a restore did. */
export interface RestoreOutcome {
  restored: BackupInfo;
  /** The backup of the state just before the restore (null in recovery, where that state was damaged). */
  safetyBackup: BackupInfo | null;
  posts: number;
  /** Entries marked published or failed-for-review from what is known was sent after the backup was taken. */
  carriedOver: number;
  /** Posts whose time passed while they were in the backup: they follow the catch-up rules. */
  late: number;
}

/** A backup's id as backups:list gives it. */
export const backupId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^outbox-[a-z-]+-\d{8}T\d{9}Z(-\d+)?$/, 'must be a backup id from backups:list');

/** An absolute folder path (POSIX `/...`, Windows `C:\...` or `\\server\share`). */
export const absoluteFolder = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'must be the full path of a folder');

/** Backups channels. */
export const backupsChannels = {
  'backups:list': channel(noPayload).returns<BackupsState>(),
  /** Takes a backup now (SQLite's online backup: publishing goes on meanwhile). */
  'backups:create': channel(noPayload).returns<BackupInfo>(),
  /**
   * Restores a backup: backs up the current state first, stops the engine, swaps the database,
   * carries over what is known to have been sent since, and starts the engine again (its crash
   * recovery reconciles entries the backup holds as publishing).
   */
  'backups:restore': channel(z.strictObject({ id: backupId })).returns<RestoreOutcome>(),
  /** Sets (or with null, stops using) the second folder that receives a copy of every backup. */
  'backups:setMirror': channel(z.strictObject({ folder: absoluteFolder.nullable() })).returns<BackupsState>(),
};
