// The shell's adapters driving the real engine: Electron's powerMonitor and net (faked) through
// the shell's ports, the tray following real posts, and Quit through the engine's drain.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreOptions } from '../../../src/main/core/create-core';
import { flushPromises, ManualClock } from '../../../src/main/core/ports/doubles';
import type { Clock, TimerHandle } from '../../../src/main/core/ports/ports';
import { createNetworkPort, createPowerPort, NETWORK_POLL_MS } from '../../../src/main/shell/os-ports';
import { createQuitController } from '../../../src/main/shell/quit';
import { createTrayService, type TrayMenuItem } from '../../../src/main/shell/tray';
import { makeTestCore, type TestCore } from '../../support/core';
import { PublishingFixture, TestCredentials } from '../../support/publishing-fixture';
import { gate, ScriptedAdapter } from '../../support/scripted-adapter';
import { FakeEvent } from './fakes';

const MIN = 60_000;

/**
 * A clock whose timers count awake time only, like Node's timers (monotonic clock) across a
 * suspend: `sleep(ms)` moves the wall clock and leaves armed timers where they were. With it,
 * only the wake signal can make the engine notice what fell due during sleep.
 */
class SleepyClock implements Clock {
  private wall = Date.UTC(2026, 0, 1, 12);
  private awake = 0;
  private timers: Array<{ due: number; fn: () => void }> = [];
  now() {
    return this.wall;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { due: this.awake + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }
  sleep(ms: number) {
    this.wall += ms;
  }
  async advance(ms: number) {
    const target = this.awake + ms;
    for (;;) {
      await flushPromises();
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.wall += next.due - this.awake;
      this.awake = next.due;
      next.fn();
    }
    this.wall += target - this.awake;
    this.awake = target;
    await flushPromises();
  }
}

interface Rig {
  t: TestCore;
  fx: PublishingFixture;
  clock: ManualClock;
  masto: ScriptedAdapter;
  close(): Promise<void>;
}
let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function start(clock: ManualClock, overrides: Partial<CoreOptions> = {}): Promise<Rig> {
  const masto = new ScriptedAdapter('mastodon', false);
  let fx: PublishingFixture | undefined;
  const t = await makeTestCore({ clock, adapters: { mastodon: masto }, credentials: new TestCredentials(() => fx), drainTimeoutMs: 100, ...overrides } as Partial<CoreOptions>);
  fx = new PublishingFixture(t.dataDir);
  const f = fx;
  rig = { t, fx: f, clock, masto, close: async () => (f.close(), await t.dispose()) };
  return rig;
}

async function schedule(r: Rig, inMs: number, text = 'hello from the shell test') {
  const accountId = r.fx.account('mastodon');
  const at = new Date(r.clock.now() + inMs).toISOString();
  const created = await r.t.core.invoke('posts:create', { parts: [{ text, media: [] }], targets: [{ accountId }], schedule: { mode: 'at', at } });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.post.id;
}

describe('power port -> engine', () => {
  it.each([
    [true, 'published'],
    [false, 'scheduled'],
  ])("a post due during sleep goes out when Electron reports the wake (resume reported: %s -> %s)", async (reported, expected) => {
    const monitor = new EventEmitter();
    const clock = new SleepyClock();
    const r = await start(clock as unknown as ManualClock, { power: createPowerPort(monitor) });
    const id = await schedule(r, 10 * MIN);
    monitor.emit('suspend');
    clock.sleep(20 * MIN);
    if (reported) monitor.emit('resume');
    await clock.advance(1_000);
    expect(r.fx.postRow(id).status).toBe(expected);
  });

  it('unlocking the screen counts as a wake too', async () => {
    const monitor = new EventEmitter();
    const clock = new SleepyClock();
    const r = await start(clock as unknown as ManualClock, { power: createPowerPort(monitor) });
    const id = await schedule(r, 5 * MIN);
    clock.sleep(6 * MIN);
    monitor.emit('unlock-screen');
    await clock.advance(1_000);
    expect(r.fx.postRow(id).status).toBe('published');
  });
});

describe('network port -> engine', () => {
  it('offline, a due post waits; when net.isOnline() is true again it goes out within one poll', async () => {
    const net = { online: false, isOnline() {
      return this.online;
    } };
    const clock = new ManualClock();
    const r = await start(clock, { network: createNetworkPort(net, clock) });
    const id = await schedule(r, MIN);
    await clock.advance(2 * MIN);
    expect(r.masto.calls).toHaveLength(0);
    net.online = true;
    await clock.advance(NETWORK_POLL_MS);
    expect(r.fx.postRow(id).status).toBe('published');
  });
});

describe('tray -> engine', () => {
  it('lists the real next posts from posts:list and follows a new one', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    const r = await start(clock);
    await r.t.core.invoke('settings:update', { timeZone: 'UTC', publishingPaused: true });
    await schedule(r, 30 * MIN, 'first one');
    let menu: TrayMenuItem[] = [];
    const tray = createTrayService<string, TrayMenuItem[]>({
      tray: { setImage() {}, setToolTip() {}, setContextMenu: (m) => void (menu = m ?? []), on() {}, destroy() {} },
      buildMenu: (template) => template,
      image: (state) => state,
      core: r.t.core,
      now: () => clock.now(),
      open() {},
      quit() {},
      platform: 'linux',
      locale: 'en-GB',
    });
    await tray.refresh();
    expect(menu.slice(0, 2).map((i) => i.label)).toEqual(['Next posts', '09:30  first one']);
    await schedule(r, 15 * MIN, 'jumps the queue');
    await clock.advance(0);
    await tray.refresh();
    expect(menu.slice(0, 3).map((i) => i.label)).toEqual(['Next posts', '09:15  jumps the queue', '09:30  first one']);
    expect(menu.map((i) => i.label)).toContain('Resume publishing');
    tray.dispose();
  });
});

describe('quit -> engine', () => {
  it('Quit holds the app while the engine drains, records the publish still in flight, then exits', async () => {
    const clock = new ManualClock();
    const r = await start(clock);
    const held = gate();
    r.masto.script({ gate: held });
    const id = await schedule(r, MIN);
    await clock.advance(MIN);
    expect(r.fx.entries(id)[0]!.status).toBe('publishing');

    let exited!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    const app = Object.assign(new EventEmitter(), {
      quit() {
        const event = new FakeEvent();
        app.emit('before-quit', event);
        if (!event.defaultPrevented) exited(0);
      },
      exit: (code = 0) => exited(code),
    });
    const quit = createQuitController({ app, closeEngine: () => r.t.core.close(), clock: new ManualClock() });
    app.quit();
    expect(quit.phase()).toBe('draining');
    expect(await exit).toBe(0);
    const entry = r.fx.entries(id)[0]!;
    expect(r.fx.attempts(entry.id)[0]).toMatchObject({ outcome: 'in_flight', message: expect.stringMatching(/quit while this request was in flight/) });
  });
});
