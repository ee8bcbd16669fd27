import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createCore, type Core, type CoreOptions } from '../../src/main/core/create-core';
import { FakeNetwork, FakePower, ManualClock, MemorySecretStore, RecordingBrowser, RecordingNotifier } from '../../src/main/core/ports/doubles';

/** A fresh temp data folder, removed by the returned function. */
export function tempDir(prefix = 'outbox-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An engine over its own temp folder with every port replaced by a test double. */
export interface TestCore {
  core: Core;
  dataDir: string;
  clock: ManualClock;
  secrets: MemorySecretStore;
  notifier: RecordingNotifier;
  network: FakeNetwork;
  power: FakePower;
  browser: RecordingBrowser;
  /** Closes the engine and opens a new one on the same folder and doubles (a restart). */
  restart(overrides?: Partial<CoreOptions>): Promise<Core>;
  /** Closes the engine and removes the folder. */
  dispose(): Promise<void>;
}

/** Builds a TestCore; `overrides` go to createCore. */
export async function makeTestCore(overrides: Partial<CoreOptions> = {}): Promise<TestCore> {
  const temp = tempDir();
  // A test may put the data folder elsewhere (a small file system); the temp folder still goes.
  const dir = overrides.dataDir ?? temp.dir;
  const remove = temp.remove;
  const clock = (overrides.clock as ManualClock | undefined) ?? new ManualClock();
  const secrets = (overrides.secrets as MemorySecretStore | undefined) ?? new MemorySecretStore();
  const notifier = new RecordingNotifier();
  const network = new FakeNetwork();
  const power = new FakePower();
  const browser = new RecordingBrowser();
  const options = (): CoreOptions => ({
    dataDir: dir,
    clock,
    secrets,
    notifier,
    network,
    power,
    openBrowser: browser.open,
    // The daily backup and integrity timers would change the timer counts engine tests assert;
    // the backups tests turn them on.
    dailyUpkeep: false,
    ...overrides,
  });
  const test: TestCore = {
    core: await createCore(options()),
    dataDir: dir,
    clock,
    secrets,
    notifier,
    network,
    power,
    browser,
    async restart(more = {}) {
      await test.core.close();
      test.core = await createCore({ ...options(), ...more });
      return test.core;
    },
    async dispose() {
      await test.core.close();
      remove();
    },
  };
  return test;
}

/** Every row of every table of a database file, for "nothing changed" checks. */
export function snapshotDatabase(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{ name: string }>;
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) out[name] = db.prepare(`SELECT * FROM "${name}"`).all();
    return JSON.stringify(out);
  } finally {
    db.close();
  }
}
