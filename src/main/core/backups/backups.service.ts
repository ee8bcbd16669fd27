import { accessSync, constants, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { BackupInfo, BackupKind, BackupsState, IntegrityReport, RestoreOutcome } from '../../../shared/ipc/backups';
import type { Db } from '../db/database';
import { runCheck } from '../db/integrity';
import type { Migration } from '../db/migrate';
import { AppError, invalid, notFound } from '../errors';
import type { EventBus } from '../events';
import type { Clock, Notifier, TimerHandle } from '../ports/ports';
import type { PostStore } from '../posts/post-store.repo';
import { backupFile, describeDatabase, listBackups, parseBackupId, readBackup, toBackupInfo, verifyBackup, writeBackup, type BackupSidecar } from './backup-files';
import { DATABASE_FILE, hasMarker, writeMarker } from './data-folder';
import { readIntegrity, writeIntegrity } from './integrity-record';
import { bringMediaBack, copyToMirror, mirrorDir, pruneFolder, readMirror, writeMirror } from './mirror';
import { RETENTION_TEXT } from './retention';
import { swapDatabase, type Swap } from './restore';

/** Hours between automatic backups, and between full integrity checks. */
export const DAY_MS = 24 * 3_600_000;
/** The first automatic backup of a folder that has none waits this long after start (the app settles first). */
export const FIRST_BACKUP_DELAY_MS = 10 * 60_000;
/** After a failed backup, the next try. */
export const BACKUP_RETRY_MS = 3_600_000;
/** The full integrity check waits for a quiet moment: nothing publishing, nothing due this soon. */
export const IDLE_MARGIN_MS = 5 * 60_000;
/** When not idle, the integrity check looks again this much later. */
export const INTEGRITY_RETRY_MS = 10 * 60_000;

/** Stops the engine, runs the swap with it stopped, and starts a new engine (the host's part of a restore). */
export interface EngineRestarter {
  restart<T extends { commit(): void; undo(): void }>(swap: () => Promise<T>): Promise<T>;
}

/** What the backups service needs. */
export interface BackupsDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  notifier: Notifier;
  bus: EventBus;
  store: Pick<PostStore, 'publishingPostIds' | 'nextDueAt'>;
  timeZone: () => string;
  migrations: Migration[];
  appVersion: string;
  nativeBinding?: string | undefined;
  /** Given by the host; without one (tests of the bare engine) restore answers `conflict`. */
  restarter?: EngineRestarter | undefined;
  log: (message: string, error: unknown) => void;
}

/** Media the kept backups reference: never swept while a backup that needs them is kept. */
export interface BackupMediaReferences {
  ids: Set<string>;
  sha256: Set<string>;
  /** Paths relative to the data folder (`media/<sha256>.<ext>`). */
  files: Set<string>;
}

/**
 * The media every kept backup of a data folder references (its `backups/` and the mirror
 * folder's): a media sweep must keep these files even when no post uses them any more, or a
 * restore would bring back posts whose images are gone. Callable without a running engine.
 */
export function mediaReferencedByKeptBackups(dataDir: string, nativeBinding?: string): BackupMediaReferences {
  const dir = join(dataDir, 'backups');
  const mirror = readMirror(dir);
  const out: BackupMediaReferences = { ids: new Set(), sha256: new Set(), files: new Set() };
  for (const s of [...listBackups(dir, nativeBinding), ...(mirror ? listBackups(mirrorDir(mirror.folder), nativeBinding) : [])]) {
    for (const m of s.media ?? []) {
      out.ids.add(m.id);
      out.sha256.add(m.sha256);
      out.files.add(m.file);
    }
  }
  return out;
}

/**
 * Automatic and manual backups with SQLite's online backup API, their retention and second
 * copy, the daily full integrity check, restore, and the marker that tells a later start this
 * folder's database held the creator's data.
 */
export function createBackupsService(deps: BackupsDeps) {
  const { clock, db, dataDir } = deps;
  const dir = join(dataDir, 'backups');
  mkdirSync(dir, { recursive: true });
  let chain: Promise<unknown> = Promise.resolve();
  let backupTimer: TimerHandle | null = null;
  let integrityTimer: TimerHandle | null = null;
  let nextBackupAt: number | null = null;
  let closed = false;
  let damage: string | null = null;
  let lastIntegrityError = '';
  let markerTrouble = false;
  let markerWritten = hasMarker(dataDir);
  const offs: Array<() => void> = [];

  /** Serialises backups (two at once would only slow publishing). */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  function mirrorList(): BackupSidecar[] {
    const mirror = readMirror(dir);
    return mirror ? listBackups(mirrorDir(mirror.folder), deps.nativeBinding) : [];
  }

  /** Local backups, then mirror-only ones, newest first. */
  function all(): Array<{ sidecar: BackupSidecar; info: BackupInfo; folder: string }> {
    const local = listBackups(dir, deps.nativeBinding).map((s) => ({ sidecar: s, info: toBackupInfo(dir, s, 'local'), folder: dir }));
    const ids = new Set(local.map((b) => b.sidecar.id));
    const mirror = readMirror(dir);
    const remote = mirror
      ? mirrorList()
          .filter((s) => !ids.has(s.id))
          .map((s) => ({ sidecar: s, info: toBackupInfo(mirrorDir(mirror.folder), s, 'mirror' as const), folder: mirrorDir(mirror.folder) }))
      : [];
    return [...local, ...remote].sort((a, b) => b.info.createdAt.localeCompare(a.info.createdAt));
  }

  async function mirrorCopy(sidecar: BackupSidecar) {
    const mirror = readMirror(dir);
    if (!mirror) return;
    try {
      await copyToMirror(dir, dataDir, mirror.folder, sidecar, deps.timeZone());
      writeMirror(dir, { folder: mirror.folder, lastCopiedAt: new Date(clock.now()).toISOString(), error: null });
    } catch (error) {
      const message = `Could not copy the backup to ${mirror.folder}: ${(error as Error).message}`;
      if (mirror.error === null) deps.notifier.notify({ kind: 'info', title: 'Backup copy failed', body: `${message}. Outbox tries again with the next backup.` });
      writeMirror(dir, { ...mirror, error: message });
      deps.log('mirror copy failed', error);
    }
  }

  function prune(newest: string) {
    // While the database is known to be damaged, every older backup may be the good one.
    if (damage) return;
    pruneFolder(dir, deps.timeZone(), newest);
  }

  /** Takes a backup now; the automatic ones also prune and copy to the mirror. */
  function create(kind: BackupKind): Promise<BackupInfo> {
    return serial(async () => {
      const sidecar = await writeBackup(db, dir, kind, clock.now(), deps.appVersion, deps.nativeBinding);
      prune(sidecar.id);
      await mirrorCopy(sidecar);
      return toBackupInfo(dir, sidecar, 'local');
    });
  }

  function list(): BackupsState {
    const local = listBackups(dir, deps.nativeBinding);
    return {
      backups: all().map((b) => b.info),
      folder: dir,
      mirror: readMirror(dir),
      lastBackupAt: local[0]?.createdAt ?? null,
      nextBackupAt: nextBackupAt === null ? null : new Date(nextBackupAt).toISOString(),
      lastIntegrityCheck: readIntegrity(dir),
      retention: RETENTION_TEXT,
    };
  }

  function setMirror(folder: string | null): BackupsState {
    if (folder === null) {
      writeMirror(dir, null);
      return list();
    }
    const path = resolve(folder);
    const inside = relative(dataDir, path);
    if (!inside.startsWith('..') && !isAbsolute(inside)) throw invalid('folder', 'must be outside Outbox’s data folder (a copy on the same disk protects nothing)');
    try {
      if (!statSync(path).isDirectory()) throw invalid('folder', `${path} is not a folder`);
      accessSync(path, constants.W_OK);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw invalid('folder', code === 'ENOENT' ? `${path} does not exist` : `Outbox cannot write to ${path} (${code ?? 'error'})`);
    }
    writeMirror(dir, { folder: path, lastCopiedAt: null, error: null });
    // The newest backup goes there now; the following ones with each backup.
    const newest = listBackups(dir, deps.nativeBinding)[0];
    if (newest) void serial(() => mirrorCopy(newest));
    return list();
  }

  async function restore(id: string): Promise<RestoreOutcome> {
    const found = all().find((b) => b.sidecar.id === id);
    if (!found) throw notFound('Backup', id);
    const findings = verifyBackup(found.info.path, deps.nativeBinding);
    if (findings) throw new AppError('validation', `This backup cannot be restored: it is damaged (${findings}). Choose another one.`, [{ path: 'id', message: `damaged: ${findings}` }]);
    if (!deps.restarter) throw new AppError('conflict', 'Restoring a backup restarts the engine, which only the app (its host) can do');
    const safety = await create('pre-restore');
    const restarter = deps.restarter;
    const mirror = found.info.location === 'mirror' ? readMirror(dir) : null;
    const done: { swap?: Swap } = {};
    await restarter.restart(async () => {
      if (mirror) await bringMediaBack(mirror.folder, dataDir, found.sidecar);
      done.swap = await swapDatabase({
        dataDir,
        backup: found.info.path,
        backupTakenAt: parseBackupId(id)!.createdAt,
        migrations: deps.migrations,
        now: clock.now(),
        historyFrom: [join(dataDir, DATABASE_FILE)],
        nativeBinding: deps.nativeBinding,
      });
      return done.swap;
    });
    const s = done.swap!;
    return { restored: found.info, safetyBackup: safety, posts: s.posts, carriedOver: s.carriedOver, late: s.late };
  }

  // ---- timers: every callback catches, reports and re-arms ----

  function armBackup(delay: number) {
    if (closed) return;
    backupTimer?.cancel();
    nextBackupAt = clock.now() + delay;
    backupTimer = clock.setTimeout(() => void dailyBackup(), delay);
  }

  async function dailyBackup() {
    let next = DAY_MS;
    try {
      await create('daily');
    } catch (error) {
      next = BACKUP_RETRY_MS;
      deps.log('the daily backup failed', error);
      deps.notifier.notify({ kind: 'info', title: 'Outbox could not back up', body: `The daily backup failed (${(error as Error).message}). Outbox tries again in an hour.` });
    } finally {
      armBackup(next);
    }
  }

  function idle(): boolean {
    const due = deps.store.nextDueAt();
    return deps.store.publishingPostIds().length === 0 && (due === null || due - clock.now() > IDLE_MARGIN_MS);
  }

  function armIntegrity(delay: number) {
    if (closed) return;
    integrityTimer?.cancel();
    integrityTimer = clock.setTimeout(() => void dailyIntegrity(), delay);
  }

  function dailyIntegrity() {
    let next = DAY_MS;
    try {
      if (!idle()) {
        next = INTEGRITY_RETRY_MS;
        return;
      }
      // The full check reads every page and index: it runs only while nothing is about to publish.
      const findings = runCheck(db, 'integrity_check');
      const report: IntegrityReport = { at: new Date(clock.now()).toISOString(), ok: findings === null, message: findings };
      writeIntegrity(dir, report);
      if (findings && !damage) {
        deps.notifier.notify({
          kind: 'info',
          title: 'Outbox found damage in its database',
          body: 'Some of its data may be unreadable. Open Settings → Backups and restore the newest backup; older backups are kept until then.',
        });
      }
      damage = findings;
    } catch (error) {
      next = INTEGRITY_RETRY_MS;
      // Once per kind of trouble: it is retried every few minutes.
      const text = String(error);
      if (text !== lastIntegrityError) deps.log('the integrity check failed', error);
      lastIntegrityError = text;
    } finally {
      armIntegrity(next);
    }
  }

  /** Writes the marker once the database holds anything of the creator's. */
  function upkeepMarker() {
    if (markerWritten) return;
    try {
      const facts = describeDatabase(db);
      if ((facts.posts ?? 0) > 0 || (facts.accounts ?? 0) > 0 || (facts.labels ?? 0) > 0) {
        writeMarker(dataDir, clock.now());
        markerWritten = true;
      }
    } catch (error) {
      // Tried again on the next change; said once (a full disk would say it on every save).
      if (!markerTrouble) deps.log('could not write the data marker', error);
      markerTrouble = true;
    }
  }

  return {
    create,
    list,
    setMirror,
    restore,
    /** Keeps the marker, and (with `timers`) arms the daily backup and integrity check. */
    start(options: { timers: boolean } = { timers: true }) {
      // A backup interrupted by a crash leaves its temporary file: never a backup, so removed.
      try {
        for (const name of readdirSync(dir)) if (/^\..*\.partial(-wal|-shm|-journal)?$/.test(name)) rmSync(join(dir, name), { force: true });
      } catch (error) {
        deps.log('could not tidy the backups folder', error);
      }
      upkeepMarker();
      offs.push(
        deps.bus.on('posts:changed', upkeepMarker),
        deps.bus.on('accounts:changed', upkeepMarker),
      );
      if (!options.timers) return;
      const lastDaily = listBackups(dir, deps.nativeBinding).find((b) => b.kind === 'daily');
      const since = lastDaily ? clock.now() - Date.parse(lastDaily.createdAt) : Number.POSITIVE_INFINITY;
      armBackup(since >= DAY_MS ? FIRST_BACKUP_DELAY_MS : DAY_MS - since);
      const lastCheck = readIntegrity(dir);
      const checkedAgo = lastCheck ? clock.now() - Date.parse(lastCheck.at) : Number.POSITIVE_INFINITY;
      armIntegrity(checkedAgo >= DAY_MS ? FIRST_BACKUP_DELAY_MS * 2 : DAY_MS - checkedAgo);
    },
    /** The media every kept backup (local and mirror) references: the media sweep must keep them. */
    mediaReferencedByKeptBackups: (): BackupMediaReferences => mediaReferencedByKeptBackups(dataDir, deps.nativeBinding),
    /** Where a backup file is (tests, the recovery screen). */
    path: (id: string) => (readBackup(dir, id) ? backupFile(dir, id) : null),
    async close() {
      closed = true;
      backupTimer?.cancel();
      integrityTimer?.cancel();
      for (const off of offs.splice(0)) off();
      await chain;
    },
  };
}

/** The backups service. */
export type BackupsService = ReturnType<typeof createBackupsService>;
