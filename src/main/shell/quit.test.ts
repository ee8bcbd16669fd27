import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeEvent } from '../../../test/main/shell/fakes';
import { ManualClock } from '../core/ports/doubles';
import { createQuitController, QUIT_DRAIN_MS } from './quit';

/** Electron's app as far as quitting goes: quit() emits before-quit and exits unless prevented. */
class FakeApp extends EventEmitter {
  exited: number | null = null;
  quitCalls = 0;
  quit() {
    this.quitCalls++;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exited = 0;
  }
  exit(code = 0) {
    this.exited = code;
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('quit', () => {
  it('waits for the engine to close (publishes in flight settle) before exiting', async () => {
    const app = new FakeApp();
    const clock = new ManualClock();
    const close = deferred();
    let closes = 0;
    const quit = createQuitController({ app, clock, closeEngine: () => (closes++, close.promise) });
    app.quit();
    expect(app.exited).toBeNull();
    expect(quit.phase()).toBe('draining');
    expect(quit.isQuitting()).toBe(true);
    app.quit(); // a second Quit click while draining changes nothing
    await clock.advance(QUIT_DRAIN_MS - 1);
    expect(app.exited).toBeNull();
    close.resolve();
    await clock.advance(0);
    expect(app.exited).toBe(0);
    expect(closes).toBe(1);
    expect(quit.phase()).toBe('exiting');
  });

  it('exits anyway when the engine has not closed 10 s (plus time to record) after Quit', async () => {
    const app = new FakeApp();
    const clock = new ManualClock();
    const logs: string[] = [];
    createQuitController({ app, clock, closeEngine: () => new Promise<void>(() => {}), log: (m) => logs.push(m) });
    app.quit();
    await clock.advance(QUIT_DRAIN_MS);
    expect(app.exited).toBeNull();
    await clock.advance(2_000);
    expect(app.exited).toBe(0);
    expect(logs[0]).toMatch(/did not close within 12000 ms/);
  });

  it('closes the window first (the page flushes what is being typed), then the engine', async () => {
    const app = new FakeApp();
    const clock = new ManualClock();
    const order: string[] = [];
    const windowClosed = deferred();
    createQuitController({
      app,
      clock,
      closeWindows: () => (order.push('window'), windowClosed.promise),
      closeEngine: async () => void order.push('engine'),
    });
    app.quit();
    await clock.advance(0);
    expect(order).toEqual(['window']);
    windowClosed.resolve();
    await clock.advance(0);
    expect(order).toEqual(['window', 'engine']);
    expect(app.exited).toBe(0);
  });

  it('an OS shutdown is delayed while the engine drains', async () => {
    const app = new FakeApp();
    const clock = new ManualClock();
    const quit = createQuitController({ app, clock, closeEngine: async () => {} });
    const shutdown = new FakeEvent();
    quit.onShutdown(shutdown);
    expect(shutdown.defaultPrevented).toBe(true);
    await clock.advance(0);
    expect(app.exited).toBe(0);
  });
});
