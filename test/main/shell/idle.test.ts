// A tray app that costs nothing idle (issue 21): the engine with the shell's real network and
// power ports over fakes of Electron's objects, on a clock that counts every timer armed.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, ManualClock } from '../../../src/main/core/ports/doubles';
import type { TimerHandle } from '../../../src/main/core/ports/ports';
import { createNetworkPort, createPowerPort } from '../../../src/main/shell/os-ports';
import { makeTestCore, type TestCore } from '../../support/core';
import { PublishingFixture, TestCredentials } from '../../support/publishing-fixture';
import { ScriptedAdapter } from '../../support/scripted-adapter';

const MIN = 60_000;

/** A ManualClock that counts the timers armed (each one is a future wake-up of the process). */
class ArmCountingClock extends ManualClock {
  armed = 0;
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    this.armed++;
    return super.setTimeout(fn, ms);
  }
}

let t: TestCore | null = null;
let fx: PublishingFixture | null = null;
afterEach(async () => {
  fx?.close();
  await t?.dispose();
  t = null;
  fx = null;
});

async function start() {
  const clock = new ArmCountingClock('2026-03-02T09:00:00Z');
  const net = { online: true, isOnline() {
    return this.online;
  } };
  const power = new EventEmitter();
  const adapter = new ScriptedAdapter('bluesky', true);
  // The real daily timers too (backup and integrity check): they are wake-ups of an idle app.
  t = await makeTestCore({ dailyUpkeep: true, clock, network: createNetworkPort(net, clock), power: createPowerPort(power), adapters: { bluesky: adapter }, credentials: new TestCredentials(() => fx ?? undefined) });
  fx = new PublishingFixture(t.dataDir);
  const account = fx.account('bluesky');
  await clock.advance(0);
  return { clock, net, power, adapter, account };
}

async function schedule(account: string, clock: ManualClock, inMs: number) {
  const created = await t!.core.invoke('posts:create', { parts: [{ text: 'later', media: [] }], targets: [{ accountId: account }], schedule: { mode: 'at', at: new Date(clock.now() + inMs).toISOString() } });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.post.id;
}

/** Waits for disk work a timer started (the daily backup is real I/O), up to two seconds. */
async function until(done: () => Promise<boolean>) {
  const end = Date.now() + 2000;
  while (!(await done()) && Date.now() < end) {
    await flushPromises(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('idle cost', () => {
  it('an idle hour arms at most 12 timers, the daily backup and integrity check included', async () => {
    const { clock } = await start();
    const before = clock.armed;
    await clock.advance(60 * MIN);
    // The first hour after start holds the first backup and the first full integrity check.
    const upkeep = async () => {
      const r = await t!.core.invoke('backups:list');
      return r.ok && r.value.backups.some((b) => b.kind === 'daily') && r.value.lastIntegrityCheck !== null && Date.parse(r.value.nextBackupAt ?? '') > clock.now();
    };
    await until(upkeep);
    expect(await upkeep()).toBe(true);
    expect(clock.armed - before).toBeLessThanOrEqual(12);
    // And any later idle hour.
    const later = clock.armed;
    await clock.advance(60 * MIN);
    expect(clock.armed - later).toBeLessThanOrEqual(12);
  });

  it('a post due in 3 hours wakes the engine at its time, not before (and at most 12 times an hour meanwhile)', async () => {
    const { clock, adapter, account } = await start();
    await schedule(account, clock, 3 * 60 * MIN);
    await clock.advance(0);
    const before = clock.armed;
    await clock.advance(3 * 60 * MIN - 1);
    expect(adapter.calls).toHaveLength(0);
    expect(clock.armed - before).toBeLessThanOrEqual(3 * 12);
    await clock.advance(1);
    expect(adapter.calls.map((c) => c.at)).toEqual([clock.now()]);
  });

  it('offline with a post due, the network port polls until it is back, then the post goes out within 5 s', async () => {
    const { clock, net, adapter, account } = await start();
    net.online = false;
    const id = await schedule(account, clock, 10 * MIN);
    await clock.advance(0);
    // Not due yet: the engine sleeps until the post's time, without polling the network.
    expect(clock.nextDue()! - clock.now()).toBe(10 * MIN);
    await clock.advance(30 * MIN);
    expect(adapter.calls).toHaveLength(0);
    // Offline and waiting: it polls (a timer stays armed a few seconds ahead), and nothing else.
    expect(clock.nextDue()! - clock.now()).toBeLessThanOrEqual(5000);
    net.online = true;
    const back = clock.now();
    await clock.advance(5000);
    expect(adapter.calls).toHaveLength(1);
    expect(adapter.calls[0]!.at - back).toBeLessThanOrEqual(5000);
    expect((await t!.core.invoke('posts:get', { id })).ok).toBe(true);
    // Back online with nothing due: no polling.
    await clock.advance(MIN);
    expect(clock.nextDue()! - clock.now()).toBeGreaterThan(5000);
  });

  it('offline with nothing due, the port does not poll', async () => {
    const { clock, net } = await start();
    net.online = false;
    const before = clock.armed;
    await clock.advance(60 * MIN);
    expect(clock.armed - before).toBeLessThanOrEqual(12);
  });
});
