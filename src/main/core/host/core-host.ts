import { join, resolve } from 'node:path';
import { contract, isChannel, type Channel } from '../../../shared/ipc/contract';
import { EVENT_NAMES, type EventMap, type EventName } from '../../../shared/ipc/events';
import type { BackupsState, RestoreOutcome } from '../../../shared/ipc/backups';
import type { RecoveryStatus } from '../../../shared/ipc/recovery';
import { settingsShape } from '../../../shared/ipc/settings';
import { fail, ok, type Result } from '../../../shared/result';
import { listBackups, parseBackupId, toBackupInfo, type BackupSidecar } from '../backups/backup-files';
import type { EngineRestarter } from '../backups/backups.service';
import { keptAsideFiles, removeMarker } from '../backups/data-folder';
import { bringMediaBack, mirrorDir, readMirror } from '../backups/mirror';
import { readIntegrity } from '../backups/integrity-record';
import { RETENTION_TEXT } from '../backups/retention';
import { swapDatabase } from '../backups/restore';
import { DatabaseRecoveryError } from '../backups/safety-errors';
import { createCore, type Core, type CoreOptions } from '../create-core';
import { loadMigrations } from '../db/migrate';
import { AppError } from '../errors';
import { describeIssues, zodIssues, type Invoke } from '../invoke';
import { systemClock } from '../ports/system';
import { acquireEngineLock, type EngineLock } from '../publishing/engine-lock';

/** The engine behind a host: running, or waiting on the recovery screen. */
export type HostMode = 'running' | 'recovery';

/** A Core that survives engine restarts (restores) and answers the recovery screen when the engine cannot start. */
export interface CoreHost extends Core {
  /** Starts the engine; answers 'recovery' when the database needs the creator (damaged or emptied). Other start errors are thrown. */
  start(): Promise<HostMode>;
  readonly mode: HostMode;
}

const HELD_EVENTS = EVENT_NAMES;

/**
 * The engine's host (DESIGN.md "Data safety"): runs `createCore`, and
 * - when the database is damaged or emptied, stays up in recovery mode and answers the recovery
 *   screen itself (`recovery:*`, `backups:list`): restore a backup, or start fresh when the
 *   creator says so; every other channel answers `conflict`;
 * - for a restore while running, stops the engine, lets the swap run with it stopped and starts
 *   a new engine, whose crash recovery reconciles the entries the backup holds as `publishing`.
 * Listeners subscribed through `on` follow every engine it starts.
 */
export function createCoreHost(options: CoreOptions): CoreHost {
  const dataDir = resolve(options.dataDir);
  const backupsDir = join(dataDir, 'backups');
  const clock = options.clock ?? systemClock;
  const migrations = options.migrations ?? loadMigrations();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let core: Core | null = null;
  let problem: DatabaseRecoveryError | null = null;
  let recoveryLock: EngineLock | null = null;
  let unbind: Array<() => void> = [];
  let switching: Promise<unknown> | null = null;
  let closed = false;

  function emit<E extends EventName>(event: E, payload: EventMap[E]) {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        (listener as (p: EventMap[E]) => void)(payload);
      } catch (error) {
        console.error(`[outbox] listener for ${event} threw`, error);
      }
    }
  }

  function bind(c: Core) {
    unbind = HELD_EVENTS.map((event) => c.on(event, (payload) => emit(event, payload as never)));
  }

  function unbindAll() {
    for (const off of unbind.splice(0)) off();
  }

  /** Runs `fn` alone: calls arriving meanwhile wait for it, then reach the engine it leaves running. */
  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    let done!: () => void;
    switching = new Promise<void>((r) => (done = r));
    try {
      return await fn();
    } finally {
      switching = null;
      done();
    }
  }

  const restarter: EngineRestarter = {
    restart: (swap) =>
      exclusive(async () => {
        const old = core;
        core = null;
        unbindAll();
        await old?.close();
        const swapped = await swap();
        let failure: unknown = null;
        try {
          if ((await boot(false)) !== 'running') failure = new Error(problem?.detail ?? 'the restored database cannot be used');
        } catch (error) {
          failure = error;
        }
        if (failure) {
          swapped.undo();
          await boot(false);
          throw new AppError('internal', `Outbox could not start on the restored backup, so it went back to the database it had: ${(failure as Error).message}`);
        }
        swapped.commit();
        return swapped;
      }),
  };

  /** Starts an engine; a damaged or emptied database puts the host in recovery mode. */
  async function boot(freshStart: boolean): Promise<HostMode> {
    recoveryLock?.release();
    recoveryLock = null;
    try {
      core = await createCore({ ...options, restarter, freshStart });
    } catch (error) {
      if (!(error instanceof DatabaseRecoveryError)) throw error;
      problem = error;
      // The folder stays this host's while the creator decides: a second Outbox must not start on it.
      recoveryLock = acquireEngineLock(dataDir, options.nativeBinding);
      return 'recovery';
    }
    problem = null;
    bind(core);
    // Everything the page shows may have changed (a restore): it refetches.
    emit('posts:changed', { ids: [] });
    emit('accounts:changed', { ids: [] });
    emit('settings:changed', { keys: Object.keys(settingsShape) });
    return 'running';
  }

  /** Local backups, then those only in the mirror folder, newest first. */
  function backups(): Array<{ sidecar: BackupSidecar; path: string; mirror: string | null }> {
    const local = listBackups(backupsDir, options.nativeBinding).map((s) => ({ sidecar: s, path: join(backupsDir, `${s.id}.db`), mirror: null as string | null }));
    const mirror = readMirror(backupsDir);
    const ids = new Set(local.map((b) => b.sidecar.id));
    const remote = mirror
      ? listBackups(mirrorDir(mirror.folder), options.nativeBinding)
          .filter((s) => !ids.has(s.id))
          .map((s) => ({ sidecar: s, path: join(mirrorDir(mirror.folder), `${s.id}.db`), mirror: mirror.folder }))
      : [];
    return [...local, ...remote].sort((a, b) => b.sidecar.createdAt.localeCompare(a.sidecar.createdAt));
  }

  function infos() {
    return backups().map((b) => toBackupInfo(b.mirror ? mirrorDir(b.mirror) : backupsDir, b.sidecar, b.mirror ? 'mirror' : 'local'));
  }

  function status(): RecoveryStatus {
    if (!problem) return { mode: 'running' };
    return {
      mode: 'recovery',
      reason: problem.reason,
      message:
        problem.reason === 'damaged'
          ? 'Outbox’s database is damaged, so Outbox did not start on it. The damaged file was kept aside. Restore a backup to carry on where it was taken.'
          : 'Outbox’s database is empty, although Outbox had saved your posts in this folder. Restore a backup to get them back.',
      detail: problem.detail,
      dataDir,
      database: problem.database,
      keptAside: keptAsideFiles(dataDir),
      backups: infos(),
    };
  }

  /** Restores a backup while no engine runs (recovery): what newer backups and the damaged file tell is carried over. */
  async function recoverFrom(id: string): Promise<RestoreOutcome> {
    const all = backups();
    const chosen = all.find((b) => b.sidecar.id === id);
    if (!chosen) throw new AppError('not_found', `Backup ${id} does not exist`, [{ path: 'id', message: 'no such backup' }]);
    const takenAt = parseBackupId(id)!.createdAt;
    // What happened after the backup: newer backups (oldest first), then the damaged file (best effort).
    const newer = all.filter((b) => parseBackupId(b.sidecar.id)!.createdAt > takenAt).reverse().map((b) => b.path);
    const damaged = keptAsideFiles(dataDir)[0];
    if (chosen.mirror) await bringMediaBack(chosen.mirror, dataDir, chosen.sidecar);
    const swapped = await swapDatabase({
      dataDir,
      backup: chosen.path,
      backupTakenAt: takenAt,
      migrations,
      now: clock.now(),
      historyFrom: damaged ? [...newer, damaged] : newer,
      // Without the damaged file's history (or an emptied one), what went out since the newest backup is unknown.
      lastStateReadable: problem?.reason === 'damaged' ? undefined : false,
      nativeBinding: options.nativeBinding,
    });
    const mode = await boot(false);
    if (mode !== 'running') {
      swapped.undo();
      throw new AppError('internal', `Outbox could not start on backup ${id}: ${problem?.detail ?? 'unknown reason'}. Choose another backup.`);
    }
    swapped.commit();
    return { restored: toBackupInfo(chosen.mirror ? mirrorDir(chosen.mirror) : backupsDir, chosen.sidecar, chosen.mirror ? 'mirror' : 'local'), safetyBackup: null, posts: swapped.posts, carriedOver: swapped.carriedOver, late: swapped.late };
  }

  async function recoveryAnswer(channel: Channel, payload: unknown): Promise<unknown> {
    switch (channel) {
      case 'recovery:status':
        return status();
      case 'recovery:restore':
        return exclusive(() => recoverFrom((payload as { id: string }).id));
      case 'recovery:startFresh':
        return exclusive(async () => {
          removeMarker(dataDir);
          const mode = await boot(true);
          if (mode !== 'running') throw new AppError('internal', `Outbox could not start a new database: ${problem?.detail ?? 'unknown reason'}`);
          return { started: true as const };
        });
      case 'backups:list': {
        const state: BackupsState = {
          backups: infos(),
          folder: backupsDir,
          mirror: readMirror(backupsDir),
          lastBackupAt: listBackups(backupsDir, options.nativeBinding)[0]?.createdAt ?? null,
          nextBackupAt: null,
          lastIntegrityCheck: readIntegrity(backupsDir),
          retention: RETENTION_TEXT,
        };
        return state;
      }
      case 'app:info':
        return { version: options.version ?? '0.0.0-dev', dataDir, schemaVersion: 0, publishingPlatforms: [] };
      default:
        throw new AppError('conflict', 'Outbox is waiting on its recovery screen: restore a backup (or start fresh) first');
    }
  }

  const invoke = (async (channel: unknown, payload?: unknown): Promise<Result<unknown>> => {
    if (switching) await switching;
    if (closed) return fail('internal', 'Outbox is shutting down');
    if (core) return core.invoke(channel as Channel, payload as never);
    if (!isChannel(channel)) return fail('validation', `Unknown channel: ${String(channel).slice(0, 80)}`, [{ path: 'channel', message: 'unknown channel' }]);
    const parsed = contract[channel].input.safeParse(payload);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      return fail('validation', describeIssues(issues), issues);
    }
    try {
      return ok(await recoveryAnswer(channel, parsed.data));
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.issues);
      console.error(`[outbox] ${channel} failed in recovery`, error);
      return fail('internal', `Something went wrong in ${channel}: ${(error as Error).message}`);
    }
  }) as Invoke;

  return {
    get mode(): HostMode {
      return core ? 'running' : 'recovery';
    },
    start: () => boot(false),
    invoke,
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
    async close() {
      if (switching) await switching;
      closed = true;
      unbindAll();
      await core?.close();
      core = null;
      recoveryLock?.release();
      recoveryLock = null;
      listeners.clear();
    },
  };
}
