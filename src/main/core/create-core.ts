import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventMap, EventName } from '../../shared/ipc/events';
import { createApiRuntime, type ApiRuntime } from './api-settings/api-runtime';
import { createApiSettingsHandlers } from './api-settings/api-settings.handlers';
import { createAppHandlers } from './app/app.handlers';
import { openDatabase, type Db } from './db/database';
import { loadMigrations, migrate, type Migration } from './db/migrate';
import { createEventBus } from './events';
import type { Handlers } from './handlers';
import { createInvoke, type Invoke } from './invoke';
import { createLabelsHandlers } from './labels/labels.handlers';
import { createLabelsService } from './labels/labels.service';
import { createMediaHandlers } from './media/media.handlers';
import { createMediaService } from './media/media.service';
import { createKeychainSecretStore } from './ports/keychain';
import type { Clock, NetworkMonitor, Notifier, OpenBrowser, PlatformEndpoints, PowerMonitor, SecretStore } from './ports/ports';
import { alwaysOnline, neverSleeps, noBrowser, silentNotifier, systemClock } from './ports/system';
import { createPendingHandlers } from './pending.handlers';
import { createPostsHandlers } from './posts/posts.handlers';
import { createPostsService } from './posts/posts.service';
import { createSettingsHandlers } from './settings/settings.handlers';
import { createSettingsService } from './settings/settings.service';

/** What `createCore` needs; everything but `dataDir` has a production default. */
export interface CoreOptions {
  /** Folder for `outbox.db` and `media/`. */
  dataDir: string;
  /** Where tokens live; default: the OS keychain. */
  secrets?: SecretStore;
  /** Time and timers; default: the real clock. */
  clock?: Clock;
  /** User-facing notifications; default: dropped. */
  notifier?: Notifier;
  /** Online/offline signal; default: always online. */
  network?: NetworkMonitor;
  /** Sleep and wake; default: never sleeps. */
  power?: PowerMonitor;
  /** Opens the system browser for OAuth; default: refuses. */
  openBrowser?: OpenBrowser;
  /** Per-platform endpoint overrides (tests). */
  platforms?: PlatformEndpoints;
  /** The app version `app:info` reports. */
  version?: string;
  /** better-sqlite3's compiled binding, when it is not the default one (Electron in development). */
  nativeBinding?: string | undefined;
  /** Replaces the shipped migrations (tests of the migration runner). */
  migrations?: Migration[];
  /** Shared with the local API server so `api:status` can tell whether it runs; default: never running. */
  apiRuntime?: ApiRuntime;
}

/** The engine as the shell, the harness and tests see it. */
export interface Core {
  /** Runs one contract channel; always resolves to a Result. */
  invoke: Invoke;
  /** Subscribes to a push event; returns an unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** Stops timers, lets in-flight work settle or be recorded, closes the database. */
  close(): Promise<void>;
}

/** Everything a domain service may depend on. */
export interface CoreContext {
  db: Db;
  dataDir: string;
  clock: Clock;
  secrets: SecretStore;
  notifier: Notifier;
  network: NetworkMonitor;
  power: PowerMonitor;
  openBrowser: OpenBrowser;
  platforms: PlatformEndpoints;
  bus: ReturnType<typeof createEventBus>;
  /** Registers work to run (in reverse order) when the engine closes. */
  onClose(fn: () => void | Promise<void>): void;
}

/** Builds the whole engine over one data folder. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(join(dataDir, 'media'), { recursive: true });
  const db = openDatabase(join(dataDir, 'outbox.db'), options.nativeBinding);
  const closers: Array<() => void | Promise<void>> = [];
  let closed = false;
  try {
    const schemaVersion = migrate(db, options.migrations ?? loadMigrations());
    const bus = createEventBus();
    const ctx: CoreContext = {
      db,
      dataDir,
      clock: options.clock ?? systemClock,
      secrets: options.secrets ?? createKeychainSecretStore(),
      notifier: options.notifier ?? silentNotifier,
      network: options.network ?? alwaysOnline,
      power: options.power ?? neverSleeps,
      openBrowser: options.openBrowser ?? noBrowser,
      platforms: options.platforms ?? {},
      bus,
      onClose: (fn) => closers.push(fn),
    };
    const settings = createSettingsService(db, (keys) => bus.emit('settings:changed', { keys }));
    // The engine plugs its queue into posts with posts.setQueueSlotResolver(...).
    const posts = createPostsService({ db, clock: ctx.clock, bus });
    const labels = createLabelsService({ db, clock: ctx.clock, bus });
    const media = createMediaService({ db, dataDir, clock: ctx.clock });

    const handlers: Handlers = {
      ...createAppHandlers({ version: options.version ?? '0.0.0-dev', dataDir, schemaVersion }),
      ...createSettingsHandlers(settings),
      ...createPostsHandlers(posts),
      ...createLabelsHandlers(labels),
      ...createMediaHandlers(media),
      ...createApiSettingsHandlers({ settings, secrets: ctx.secrets, runtime: options.apiRuntime ?? createApiRuntime() }),
      ...createPendingHandlers(),
    };
    void ctx;

    const log = (message: string, error: unknown) => console.error(`[outbox] ${message}`, error);
    return {
      invoke: createInvoke(handlers, () => closed, log),
      on: bus.on,
      async close() {
        if (closed) return;
        closed = true;
        for (const fn of closers.reverse()) {
          try {
            await fn();
          } catch (error) {
            log('close step failed', error);
          }
        }
        bus.clear();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
