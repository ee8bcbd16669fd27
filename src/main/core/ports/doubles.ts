import type { Clock, NetworkMonitor, Notification, Notifier, PowerMonitor, SecretStore, TimerHandle } from './ports';

/** A SecretStore in memory, for tests and the browser harness. Never used by the desktop app. */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

interface ManualTimer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * A clock that moves only when told. `advance(ms)` fires every timer that falls due on the way,
 * in order, letting promises settle between them, so tests never sleep for real.
 */
export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private nextId = 1;

  constructor(start: number | string | Date = Date.UTC(2026, 0, 1, 12)) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now() {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, due: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** How many timers are armed. */
  pending() {
    return this.timers.length;
  }

  /** When the earliest armed timer fires, or null. */
  nextDue(): number | null {
    return this.timers.length === 0 ? null : Math.min(...this.timers.map((t) => t.due));
  }

  /** Moves time forward by `ms`, firing due timers in order and flushing promises after each. */
  async advance(ms: number) {
    const target = this.current + ms;
    for (;;) {
      await flushPromises();
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
    await flushPromises();
  }

  /** Jumps to an absolute time (like waking from sleep) without firing timers on the way. */
  set(time: number | string | Date) {
    this.current = typeof time === 'number' ? time : new Date(time).getTime();
  }
}

/** Lets every queued promise callback and I/O callback run. */
export async function flushPromises(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A notifier that records what it is told. */
export class RecordingNotifier implements Notifier {
  readonly notifications: Notification[] = [];
  notify(notification: Notification) {
    this.notifications.push(notification);
  }
}

/** A network switch the test flips. */
export class FakeNetwork implements NetworkMonitor {
  private listeners = new Set<(online: boolean) => void>();
  constructor(private online = true) {}
  isOnline() {
    return this.online;
  }
  subscribe(listener: (online: boolean) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  set(online: boolean) {
    if (online === this.online) return;
    this.online = online;
    for (const l of this.listeners) l(online);
  }
}

/** Sleep and wake the test triggers. */
export class FakePower implements PowerMonitor {
  private listeners = new Set<(event: 'suspend' | 'resume') => void>();
  subscribe(listener: (event: 'suspend' | 'resume') => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  emit(event: 'suspend' | 'resume') {
    for (const l of this.listeners) l(event);
  }
}

/** Records the URLs the engine asked to open; a test reads them and drives the flow. */
export class RecordingBrowser {
  readonly opened: string[] = [];
  private waiters: Array<(url: string) => void> = [];
  readonly open = async (url: string) => {
    this.opened.push(url);
    this.waiters.shift()?.(url);
  };
  /** Resolves with the next URL opened (or the last one, if one is already waiting to be read). */
  next(): Promise<string> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
