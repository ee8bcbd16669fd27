// Idle cost (issue 21): the engine wired as the shell wires it (src/main/shell's real network and
// power ports over fakes of Electron's `net` and `powerMonitor`, the daily backup and integrity
// timers on), on a clock that moves an hour at once and counts every timer that fires: each one
// is a wake-up of the real process. CPU time is what the process spent while the hour passed
// (the wake-ups' own work, the daily backup included when it falls in the hour).
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../src/main/core/create-core';
import { MemorySecretStore } from '../src/main/core/ports/doubles';
import { createNetworkPort, createPowerPort } from '../src/main/shell/os-ports';
import { countingAdapter } from '../test/fakes/counting-platform';
import { CountingClock, PublishingFixture } from '../test/support/publishing-fixture';

const HOUR = 3_600_000;
const credentials = { get: async () => ({}), refresh: async () => false, markExpired: async () => {} };

async function idleEngine() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-idle-'));
  const clock = new CountingClock('2026-03-02T09:00:00Z');
  const net = { online: true, isOnline: () => net.online };
  const power = new EventEmitter();
  const core = await createCore({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    credentials,
    clock,
    network: createNetworkPort(net, clock),
    power: createPowerPort(power),
    adapters: { mastodon: countingAdapter('mastodon', 'http://127.0.0.1:9', { idempotent: false }) },
    dailyUpkeep: true,
  });
  const fx = new PublishingFixture(dir);
  const account = fx.account('mastodon');
  await clock.advance(0);
  return {
    core,
    clock,
    net,
    account,
    async dispose() {
      fx.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function schedule(core: Core, accountId: string, at: number) {
  const res = await core.invoke('posts:create', { parts: [{ text: 'later', media: [] }], targets: [{ accountId }], schedule: { mode: 'at', at: new Date(at).toISOString() } });
  if (!res.ok) throw new Error(res.error.message);
}

/** Wake-ups and CPU ms over `hours` hours of the clock. */
async function measure(clock: CountingClock, hours: number) {
  const fired = clock.fired;
  const cpu = process.cpuUsage();
  for (let h = 0; h < hours; h++) await clock.advance(HOUR);
  const used = process.cpuUsage(cpu);
  return { wakeUps: clock.fired - fired, cpuMs: (used.user + used.system) / 1000 };
}

export async function run() {
  // Online, the next post a week away: the first hour (it holds the first daily backup and
  // integrity check), then a whole day.
  {
    const e = await idleEngine();
    try {
      await schedule(e.core, e.account, e.clock.now() + 7 * 24 * HOUR);
      const first = await measure(e.clock, 1);
      const day = await measure(e.clock, 24);
      console.log(`idle, shell ports, online, nothing due: first hour ${first.wakeUps} wake-ups, ${first.cpuMs.toFixed(0)} ms CPU (the first daily backup and integrity check fall in it); next 24 h ${(day.wakeUps / 24).toFixed(1)} wake-ups/h, ${(day.cpuMs / 24).toFixed(1)} ms CPU/h (goal <= 12 wake-ups/h)`);
    } finally {
      await e.dispose();
    }
  }
  // Offline with nothing due: the network port must not poll.
  {
    const e = await idleEngine();
    try {
      await schedule(e.core, e.account, e.clock.now() + 7 * 24 * HOUR);
      e.net.online = false;
      await measure(e.clock, 1);
      const hour = await measure(e.clock, 1);
      console.log(`idle, shell ports, offline, nothing due: ${hour.wakeUps} wake-ups/h, ${hour.cpuMs.toFixed(0)} ms CPU/h`);
    } finally {
      await e.dispose();
    }
  }
  // Offline with a post overdue: the port polls until the network is back (the one case it should).
  {
    const e = await idleEngine();
    try {
      e.net.online = false;
      await schedule(e.core, e.account, e.clock.now() + 60_000);
      await measure(e.clock, 1);
      const hour = await measure(e.clock, 1);
      console.log(`offline with a post waiting: ${hour.wakeUps} wake-ups/h while it waits (polling the network), ${hour.cpuMs.toFixed(0)} ms CPU/h`);
    } finally {
      await e.dispose();
    }
  }
}
