import { PLATFORMS } from '../../shared/domain';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventMap, EventName } from '../../shared/ipc/events';
import { createApiRuntime, type ApiRuntime } from './api-settings/api-runtime';
import { createApiSettingsHandlers } from './api-settings/api-settings.handlers';
import { createAccountsHandlers } from './accounts/accounts.handlers';
import { createAccountsService } from './accounts/accounts.service';
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
import { createPostsHandlers } from './posts/posts.handlers';
import { createPostsService } from './posts/posts.service';
import { acquireEngineLock } from './publishing/engine-lock';
import { noCredentials } from './publishing/no-credentials';
import { createPublishingHandlers } from './publishing/publishing.handlers';
import { createPublishingEngine } from './publishing/publishing.service';
import type { CredentialsProvider } from './ports/credentials';
import { platformAdapters } from '../platforms/registry';
import { connectors } from '../platforms/connectors';
import type { PlatformConnector } from '../platforms/connect-types';
import type { PlatformAdapter } from '../platforms/types';
import type { PlatformId } from '../../shared/domain';
import { createSettingsHandlers } from './settings/settings.handlers';
import { createSettingsService } from './settings/settings.service';
import { createWebhooksHandlers } from './webhooks/webhooks.handlers';
import { createWebhooksService } from './webhooks/webhooks.service';

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
  /** Account connectors replacing the real ones per platform (tests). `any`: each takes its own input. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connectors?: Partial<Record<PlatformId, PlatformConnector<any>>>;
  /** Publish adapters replacing the real ones per platform (tests plug in scripted adapters). */
  adapters?: Partial<Record<PlatformId, PlatformAdapter>>;
  /** How long `close()` waits for publishes in flight before recording them as interrupted (default 10 s). */
  drainTimeoutMs?: number;
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
  /** Account secrets for publishing: get / refresh / markExpired (the accounts service). */
  credentials: CredentialsProvider;
  /** Registers work to run (in reverse order) when the engine closes. */
  onClose(fn: () => void | Promise<void>): void;
}

/** Builds the whole engine over one data folder. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(join(dataDir, 'media'), { recursive: true });
  // One engine per data folder: two would claim and publish the same posts.
  const lock = acquireEngineLock(dataDir, options.nativeBinding);
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(join(dataDir, 'outbox.db'), options.nativeBinding);
  } catch (error) {
    lock.release();
    throw error;
  }
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
      credentials: options.credentials ?? noCredentials,
      onClose: (fn) => closers.push(fn),
    };
    const accounts = createAccountsService({ ...ctx, connectors: { ...connectors, ...options.connectors } });
    ctx.onClose(() => accounts.close());
    if (!options.credentials) ctx.credentials = accounts.credentials;
    const settings = createSettingsService(db, (keys) => bus.emit('settings:changed', { keys }));
    // The engine plugs its queue into posts with posts.setQueueSlotResolver(...).
    const posts = createPostsService({ db, clock: ctx.clock, bus });
    const labels = createLabelsService({ db, clock: ctx.clock, bus });
    const media = createMediaService({ db, dataDir, clock: ctx.clock });

    const adapters = { ...platformAdapters, ...options.adapters };
    const publishing = createPublishingEngine({
      ...ctx,
      settings,
      credentials: ctx.credentials,
      adapters,
      readPost: (id) => posts.getMany([id])[0] ?? null,
      drainTimeoutMs: options.drainTimeoutMs,
    });
    ctx.onClose(() => publishing.close());
    posts.setQueueSlotResolver((nowMs) => publishing.queueSlotAt(nowMs));
    const webhooks = createWebhooksService({ db, clock: ctx.clock, secrets: ctx.secrets, bus, version: options.version });
    ctx.onClose(() => webhooks.close());

    const handlers: Handlers = {
      ...createAppHandlers({
        version: options.version ?? '0.0.0-dev',
        dataDir,
        schemaVersion,
        publishingPlatforms: PLATFORMS.filter((platform) => adapters[platform] !== undefined),
      }),
      ...createSettingsHandlers(settings),
      ...createPostsHandlers(posts),
      ...createLabelsHandlers(labels),
      ...createMediaHandlers(media),
      ...createApiSettingsHandlers({ settings, secrets: ctx.secrets, runtime: options.apiRuntime ?? createApiRuntime() }),
      ...createAccountsHandlers(accounts),
      ...createWebhooksHandlers(webhooks),
      ...createPublishingHandlers(publishing, (post) => {
        const toSend = post.entries.filter((e) => e.enabled && e.accountId !== null && (e.status === 'pending' || e.status === 'failed'));
        if (toSend.length === 0) return [];
        const targets = toSend.map((e) => ({ accountId: e.accountId!, contentType: e.contentType, settings: e.settings, textOverride: e.textOverride }));
        return posts.validate({ parts: post.parts, targets }).entries.flatMap((entry) => entry.problems);
      }),
    };
    void ctx;

    const log = (message: string, error: unknown) => console.error(`[outbox] ${message}`, error);
    // Last, once every service is wired: recover, catch up, arm the timer.
    publishing.start();
    ctx.onClose(webhooks.start());
    // With injected credentials (tests) the accounts service does not hold the secrets: no daily check.
    if (!options.credentials) accounts.start();
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
        lock.release();
      },
    };
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
}
