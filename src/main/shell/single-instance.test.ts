import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { claimSingleInstance } from './single-instance';

/** Two app processes sharing one OS-level lock, as Electron's requestSingleInstanceLock does. */
function machine() {
  let holder: FakeApp | null = null;
  class FakeApp extends EventEmitter {
    quitCalled = false;
    requestSingleInstanceLock() {
      if (holder && holder !== this) {
        holder.emit('second-instance', {}, ['outbox', '--from-second'], '/home/me');
        return false;
      }
      holder = this;
      return true;
    }
    quit() {
      this.quitCalled = true;
    }
  }
  return FakeApp;
}

describe('single instance', () => {
  it('a second launch quits and focuses the first one', () => {
    const FakeApp = machine();
    const first = new FakeApp();
    const focused: string[][] = [];
    expect(claimSingleInstance(first, (argv) => focused.push(argv))).toBe(true);
    const second = new FakeApp();
    expect(claimSingleInstance(second, () => focused.push(['wrong']))).toBe(false);
    expect(second.quitCalled).toBe(true);
    expect(first.quitCalled).toBe(false);
    expect(focused).toEqual([['outbox', '--from-second']]);
  });
});
