// The cost of the contract path itself: parse + handler + Result, for a read and a write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/create-core';
import { MemorySecretStore } from '../src/main/core/ports/doubles';
import { report, sample } from './stats';

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-'));
  const core = await createCore({ dataDir: dir, secrets: new MemorySecretStore() });
  try {
    report('invoke settings:get', await sample(() => core.invoke('settings:get'), 5000));
    let paused = false;
    report('invoke settings:update (fsync per commit)', await sample(() => core.invoke('settings:update', { publishingPaused: (paused = !paused) }), 300));
    report('invoke with a refused payload', await sample(() => core.invoke('settings:update', { timeZone: 'Nowhere/Land' }), 5000));
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
