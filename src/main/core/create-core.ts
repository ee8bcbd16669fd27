import { join, resolve } from 'node:path';
import type { PlatformId } from '../../shared/domain';
import type { EventMap, EventName } from '../../shared/ipc/events';
import { platformModules, publishingPlatforms } from '../platforms';
import type { PlatformAdapter, PlatformConnector, PlatformModule, PublicLinks } from '../platforms/types';
import { createAccountsHandlers } from './accounts/accounts.handlers';
import { createAccountsRepo } from './accounts/accounts.repo';
import { createAccountsService } from './accounts/accounts.service';
import { createApiRuntime, type ApiRuntime } from './api-settings/api-runtime';
import { createApiSettingsHandlers } from './api-settings/api-settings.handlers';
import { createAppHandlers } from './app/app.handlers';
import { createBackupsHandlers } from './backups/backups.handlers';
import { createBackupsService, type EngineRestarter } from './backups/backups.service';
import { checkDataFolder } from './backups/data-folder';
import { openDataSafely } from './backups/startup';
import type { Db } from './db/database';
import { loadMigrations, type Migration } from './db/migrate';
import { createEventBus } from './events';
import type { Handlers } from './handlers';
import { createHostingHandlers } from './hosting/hosting.handlers';
import { createHostingService } from './hosting/hosting.service';
import { createInvoke, type Invoke } from './invoke';
import { createLabelsHandlers } from './labels/labels.handlers';
import { createLabelsRepo } from './labels/labels.repo';
import { createLabelsService } from './labels/labels.service';
import { createMediaHandlers } from './media/media.handlers';
import { createMediaHygiene } from './media/media-hygiene';
import { createMediaRepo } from './media/media.repo';
import { mediaReferencedByKeptBackups } from './backups/backups.service';
import { createMediaService, type KeptMedia } from './media/media.service';
import type { CredentialsProvider } from './ports/credentials';
import { createKeychainSecretStore } from './ports/keychain';
import type { Clock, NetworkMonitor, Notifier, OpenBrowser, PlatformEndpoints, PowerMonitor, SecretStore } from './ports/ports';
import { alwaysOnline, neverSleeps, noBrowser, silentNotifier, systemClock } from './ports/system';
import { createPostStore, type PostStore } from './posts/post-store.repo';
import { createPostsHandlers } from './posts/posts.handlers';
import { createPostsService } from './posts/posts.service';
import { acquireEngineLock, claimOwnership } from './publishing/engine-lock';
import { createPublishingEngine } from './publishing/engine';
import { createSettingsHandlers } from './settings/settings.handlers';
import { createSettingsService } from './settings/settings.service';
import { createWebhooksHandlers } from './webhooks/webhooks.handlers';
import { createWebhooksService } from './webhooks/webhooks.service';
import { createExportService } from './transfer/export.service';
import { createImportService } from './transfer/import.service';
import { createTransferHandlers } from './transfer/transfer.handlers';

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
  /** Account secrets for publishing; default: the accounts service's (tests pass their own). */
  credentials?: CredentialsProvider;
  /** Account connectors replacing the platform modules' per platform (tests). `any`: each takes its own input. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connectors?: Partial<Record<PlatformId, PlatformConnector<any>>>;
  /** Publishers replacing the platform modules' per platform (tests plug in scripted adapters). */
  adapters?: Partial<Record<PlatformId, PlatformAdapter>>;
  /** Any other part of a platform module replaced per platform (tests: lookups, schedulers). */
  modules?: Partial<Record<PlatformId, Partial<Omit<PlatformModule, 'id'>>>>;
  /**
   * Public media links from the creator's bucket (tests pass one over a local S3 peer); default:
   * the bucket saved in Settings -> Media hosting. Given, media hosting counts as set up.
   */
  publicLinks?: () => Promise<PublicLinks | null>;
  /**
   * Whether the creator's bucket is set up, for the composer's rule that media for platforms
   * fetching from a URL (Threads, Instagram) need one; default: whether `publicLinks` is given.
   */
  mediaHosting?: () => boolean;
  /**
   * The media the kept backups reference, which the library sweep must keep (the backups
   * service's `mediaReferencedByKeptBackups`); default: read from this folder's backups.
   */
  mediaKeptByBackups?: () => KeptMedia | Promise<KeptMedia>;
  /** Wraps the post store (tests inject database faults through it). */
  instrumentStore?: (store: PostStore) => PostStore;
  /** How long `close()` waits for publishes in flight before recording them as interrupted (default 10 s). */
  drainTimeoutMs?: number;
  /** Shared with the local API server so `api:status` can tell whether it runs; default: never running. */
  apiRuntime?: ApiRuntime;
  /** Restarts the engine around a database swap (a restore); given by the host (`createCoreHost`). */
  restarter?: EngineRestarter;
  /** Where exports go when the creator names no folder; default `<dataDir>/exports` (the shell passes Downloads). */
  exportsDir?: string;
  /** The creator chose "Start fresh" on the recovery screen: a new database is expected (set by the host). */
  freshStart?: boolean;
  /** Arms the daily backup and the daily integrity check (default true; engine tests that count timers turn it off). */
  dailyUpkeep?: boolean;
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


/** The platform modules with the test overrides applied. */
function modulesWith(options: CoreOptions): Record<PlatformId, PlatformModule> {
  const out = { ...platformModules };
  for (const [id, connector] of Object.entries(options.connectors ?? {}) as Array<[PlatformId, PlatformConnector]>) out[id] = { ...out[id], connector };
  // A replaced publisher takes the module's scheduler with it (they share their saved progress);
  // a test that wants one gives it through `modules`.
  for (const [id, publisher] of Object.entries(options.adapters ?? {}) as Array<[PlatformId, PlatformAdapter]>) out[id] = { ...out[id], publisher, scheduler: undefined };
  for (const [id, parts] of Object.entries(options.modules ?? {}) as Array<[PlatformId, Partial<PlatformModule>]>) out[id] = { ...out[id], ...parts, id };
  return out;
}

/** Builds the whole engine over one data folder. Only wiring: the rules live in the services. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const dataDir = resolve(options.dataDir);
  // A folder Outbox cannot write is refused before anything opens it (DataFolderError).
  checkDataFolder(dataDir);
  // One engine per data folder: two would claim and publish the same posts.
  const lock = acquireEngineLock(dataDir, options.nativeBinding);
  const clock = options.clock ?? systemClock;
  const migrations = options.migrations ?? loadMigrations();
  const version = options.version ?? '0.0.0-dev';
  let db: Db;
  let schemaVersion: number;
  try {
    // quick_check, then migrations after a backup; a damaged or emptied database throws DatabaseRecoveryError.
    ({ db, schemaVersion } = await openDataSafely({ dataDir, migrations, now: clock.now(), appVersion: version, nativeBinding: options.nativeBinding, freshStartConfirmed: options.freshStart }));
  } catch (error) {
    lock.release();
    throw error;
  }
  const closers: Array<() => void | Promise<void>> = [];
  let closed = false;
  try {
    const ownership = claimOwnership(db, lock, dataDir, clock.now());
    const bus = createEventBus();
    const secrets = options.secrets ?? createKeychainSecretStore();
    const notifier = options.notifier ?? silentNotifier;
    const network = options.network ?? alwaysOnline;
    const platforms: PlatformEndpoints = options.platforms ?? {};
    const modules = modulesWith(options);
    const store = (options.instrumentStore ?? ((s: PostStore) => s))(createPostStore(db));
    const accountsRepo = createAccountsRepo(db);
    const mediaRepo = createMediaRepo(db);

    const log = (message: string, error: unknown) => console.error(`[outbox] ${message}`, error);
    // Closed after publishing (closers run in reverse): publishes in flight keep their bucket.
    const hosting = createHostingService({ db, secrets, clock, log, onChange: () => bus.emit('settings:changed', { keys: ['mediaHosting'] }) });
    closers.push(() => hosting.close());
    const accounts = createAccountsService({
      db,
      clock,
      secrets,
      notifier,
      network,
      openBrowser: options.openBrowser ?? noBrowser,
      platforms,
      bus,
      connectors: Object.fromEntries(Object.values(modules).map((m) => [m.id, m.connector])),
      lookups: Object.fromEntries(Object.values(modules).flatMap((m) => (m.lookups ? [[m.id, m.lookups]] : []))),
      posts: store,
    });
    closers.push(() => accounts.close());
    const settings = createSettingsService(db, (keys) => bus.emit('settings:changed', { keys }));
    const publishing = createPublishingEngine({
      store,
      accounts: accountsRepo,
      media: mediaRepo,
      dataDir,
      clock,
      notifier,
      network,
      power: options.power ?? neverSleeps,
      platforms,
      bus,
      settings,
      // With injected credentials (tests) the accounts service does not hold the secrets.
      credentials: options.credentials ?? accounts.credentials,
      publishers: Object.fromEntries(Object.values(modules).flatMap((m) => (m.publisher ? [[m.id, m.publisher]] : []))),
      schedulers: Object.fromEntries(Object.values(modules).flatMap((m) => (m.scheduler ? [[m.id, m.scheduler]] : []))),
      folder: { verify: () => lock.verify(), holds: () => ownership.holds() },
      publicLinks: options.publicLinks ?? (() => hosting.publicLinks()),
      drainTimeoutMs: options.drainTimeoutMs,
    });
    closers.push(() => publishing.close());
    // Tests that inject a bucket have one; otherwise Settings -> Media hosting says.
    const mediaHosting = options.mediaHosting ?? (options.publicLinks ? () => true : () => hosting.configured());
    const posts = createPostsService({ store, accounts: accountsRepo, media: mediaRepo, labels: createLabelsRepo(db), settings, clock, bus, publisher: publishing, mediaHosting });
    const labels = createLabelsService({ db, clock, bus, posts: store });
    const media = createMediaService({ db, dataDir, clock, posts: store, onUnnamed: () => hygiene.rearm() });
    // Media a kept backup still references are never swept (a restore needs them).
    const hygiene = createMediaHygiene({ media, clock, bus, log, mediaKeptByBackups: options.mediaKeptByBackups ?? (() => mediaReferencedByKeptBackups(dataDir, options.nativeBinding)) });
    closers.push(() => hygiene.close());
    const webhooks = createWebhooksService({ db, clock, secrets, bus, version: options.version });
    closers.push(() => webhooks.close());
    const backups = createBackupsService({
      db,
      dataDir,
      clock,
      notifier,
      bus,
      store,
      timeZone: () => settings.get().timeZone,
      migrations,
      appVersion: version,
      nativeBinding: options.nativeBinding,
      restarter: options.restarter,
      log,
    });
    closers.push(() => backups.close());
    const labelsRepo = createLabelsRepo(db);
    const exporter = createExportService({ store, labels: labelsRepo, accounts: accountsRepo, media: mediaRepo, settings, clock, dataDir, exportsDir: options.exportsDir ?? join(dataDir, 'exports'), appVersion: version });
    const importer = createImportService({ store, posts, accounts: accountsRepo, labels: labelsRepo, mediaRepo, media, settings, clock, bus });

    const handlers: Handlers = {
      ...createAppHandlers({ version, dataDir, schemaVersion, publishingPlatforms: publishingPlatforms(modules) }),
      ...createSettingsHandlers(settings),
      ...createPostsHandlers(posts),
      ...createLabelsHandlers(labels),
      ...createMediaHandlers(media),
      ...createHostingHandlers(hosting),
      ...createApiSettingsHandlers({ settings, secrets, runtime: options.apiRuntime ?? createApiRuntime() }),
      ...createAccountsHandlers(accounts),
      ...createWebhooksHandlers(webhooks),
      ...createBackupsHandlers(backups),
      ...createTransferHandlers(exporter, importer),
    };

    // Last, once every service is wired: recover, catch up, arm the timer.
    publishing.start();
    hosting.start();
    hygiene.start();
    closers.push(webhooks.start());
    // With injected credentials (tests) the accounts service does not hold the secrets: no daily check.
    if (!options.credentials) accounts.start();
    backups.start({ timers: options.dailyUpkeep ?? true });
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
        try {
          ownership.release();
        } catch (error) {
          log('could not clear the engine owner', error);
        }
        db.close();
        lock.release();
      },
    };
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
}
