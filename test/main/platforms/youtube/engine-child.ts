// The publishing engine with the YouTube adapter as a separate process, for the engine test that
// SIGKILLs it in the middle of an upload. Built like test/main/core/publishing/crash-child.ts
// (the engine exactly as createCore wires it, without the other domains); bundled by the test.
// Usage: node child.mjs <dataDir> <migrationsDir> <apiBase> <secretsJson>
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
import { createYouTubeAdapter } from '../../../../src/main/platforms/youtube/publish';

const [dataDir, migrationsDir, apiBase, secretsJson] = process.argv.slice(2) as [string, string, string, string];
const secrets = JSON.parse(secretsJson) as Record<string, unknown>;
const lock = acquireEngineLock(dataDir);
const db = openDatabase(join(dataDir, 'outbox.db'));
migrate(db, loadMigrations(migrationsDir));
const ownership = claimOwnership(db, lock, dataDir, Date.now());
const bus = createEventBus();
const settings = createSettingsService(db, (keys) => bus.emit('settings:changed', { keys }));
const adapter = createYouTubeAdapter({ retry: { baseDelayMs: 5, maxDelayMs: 50 }, processingWaitMs: 0 });
const engine = createPublishingEngine({
  store: createPostStore(db),
  accounts: createAccountsRepo(db),
  media: createMediaRepo(db),
  dataDir,
  clock: systemClock,
  notifier: silentNotifier,
  network: alwaysOnline,
  power: neverSleeps,
  platforms: { youtube: { apiBase } },
  bus,
  settings,
  credentials: { get: async () => secrets, refresh: async () => false, markExpired: async () => {} },
  folder: { verify: () => lock.verify(), holds: () => ownership.holds() },
  schedulers: {},
  publishers: { youtube: adapter },
  drainTimeoutMs: 2000,
});
bus.on('publish:progress', ({ sent, total }) => process.stdout.write(`progress ${sent}/${total}\n`));
engine.start();
process.stdout.write('ready\n');
// The engine's timer is unref'd (it never keeps a process alive); this one keeps the child up.
setInterval(() => {}, 1 << 30);
