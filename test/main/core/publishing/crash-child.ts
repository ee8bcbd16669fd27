// The publishing engine as a separate process for the crash test: started, SIGKILLed at random
// moments, restarted. It builds the engine exactly as createCore does (same database, lock,
// migrations, settings and engine) but without the other domains, whose imports (the Bluesky
// SDK, sharp) would cost seconds per start on a busy machine; the test bundles it with esbuild.
// Usage: node child.mjs <dataDir> <fakeUrl> <migrationsDir>
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
import { countingAdapter, countingScheduler } from '../../../fakes/counting-platform';

const [dataDir, fakeUrl, migrationsDir] = process.argv.slice(2) as [string, string, string];
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
  platforms: {},
  bus,
  settings,
  credentials: { get: async () => ({}), refresh: async () => false, markExpired: async () => {} },
  folder: { verify: () => lock.verify(), holds: () => ownership.holds() },
  // Mastodon's entries are handed to the fake's own scheduler (posts a few seconds ahead qualify).
  schedulers: { mastodon: countingScheduler('mastodon', fakeUrl, 200) },
  handOffPolicy: { settleGraceMs: 100, lateLimitMs: 60_000, leaseMs: 150, retryMs: [100, 300, 1000] },
  publishers: {
    bluesky: countingAdapter('bluesky', fakeUrl, { idempotent: true, reconcile: true }),
    telegram: countingAdapter('telegram', fakeUrl, { idempotent: false }),
    mastodon: countingAdapter('mastodon', fakeUrl, { idempotent: false }),
  },
  drainTimeoutMs: 2000,
});
engine.start();
process.stdout.write('ready\n');
// The engine's timer is unref'd (it never keeps a process alive); this one keeps the child up.
const keepAlive = setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => {
  void engine.close().then(() => {
    clearInterval(keepAlive);
    db.close();
    lock.release();
    process.exit(0);
  });
});
