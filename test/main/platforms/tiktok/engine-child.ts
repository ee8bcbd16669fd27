// The publishing engine as a separate process for the TikTok upload crash test: built like
// createCore builds it (database, lock, migrations, settings, engine) with the shipped TikTok
// adapter, started, SIGKILLed in the middle of the upload, started again on the same folder.
// Usage: node child.mjs <dataDir> <tiktokApiBase> <migrationsDir> <accessToken>
import { join } from 'node:path';
import { createAccountsRepo } from '../../../../src/main/core/accounts/accounts.repo';
import { createMediaRepo } from '../../../../src/main/core/media/media.repo';
import { createPostStore } from '../../../../src/main/core/posts/post-store.repo';
import { openDatabase } from '../../../../src/main/core/db/database';
import { loadMigrations, migrate } from '../../../../src/main/core/db/migrate';
import { createEventBus } from '../../../../src/main/core/events';
import { alwaysOnline, neverSleeps, silentNotifier, systemClock } from '../../../../src/main/core/ports/system';
import { acquireEngineLock, claimOwnership } from '../../../../src/main/core/publishing/engine-lock';
import { createPublishingEngine } from '../../../../src/main/core/publishing/engine';
import { createSettingsService } from '../../../../src/main/core/settings/settings.service';
import { createTiktokAdapter } from '../../../../src/main/platforms/tiktok/publish';

const [dataDir, apiBase, migrationsDir, accessToken] = process.argv.slice(2) as [string, string, string, string];
const lock = acquireEngineLock(dataDir);
const db = openDatabase(join(dataDir, 'outbox.db'));
migrate(db, loadMigrations(migrationsDir));
const ownership = claimOwnership(db, lock, dataDir, Date.now());
const bus = createEventBus();
const settings = createSettingsService(db, (keys) => bus.emit('settings:changed', { keys }));
const engine = createPublishingEngine({
  store: createPostStore(db),
  accounts: createAccountsRepo(db),
  media: createMediaRepo(db),
  dataDir,
  clock: systemClock,
  notifier: silentNotifier,
  network: alwaysOnline,
  power: neverSleeps,
  platforms: { tiktok: { apiBase } },
  bus,
  settings,
  credentials: { get: async () => ({ accessToken }), refresh: async () => false, markExpired: async () => {} },
  folder: { verify: () => lock.verify(), holds: () => ownership.holds() },
  schedulers: {},
  // Short waits: the fake drops connections on purpose.
  publishers: { tiktok: createTiktokAdapter({ pollDelaysMs: [100], retry: { baseDelayMs: 20, maxDelayMs: 200, attempts: 20 } }) },
  drainTimeoutMs: 2000,
});
engine.start();
process.stdout.write('ready\n');
const keepAlive = setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => {
  void engine.close().then(() => {
    clearInterval(keepAlive);
    db.close();
    lock.release();
    process.exit(0);
  });
});
