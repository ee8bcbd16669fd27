import type { Clock, NetworkMonitor, Notifier, OpenBrowser, PowerMonitor, TimerHandle } from './ports';

// Node's timers cap at 2^31-1 ms (about 24.8 days); longer waits are chained.
const MAX_TIMEOUT = 2_147_483_647;

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    let handle: ReturnType<typeof setTimeout>;
    const due = Date.now() + Math.max(0, ms);
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMEOUT ? arm : fn, Math.min(Math.max(0, left), MAX_TIMEOUT));
      handle.unref?.();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** A network that is always online (the default until the shell feeds the real signal). */
export const alwaysOnline: NetworkMonitor = {
  isOnline: () => true,
  subscribe: () => () => {},
};

/** A machine that never sleeps (the default until the shell reports power events). */
export const neverSleeps: PowerMonitor = {
  subscribe: () => () => {},
};

/** A notifier that drops everything (the default outside the shell). */
export const silentNotifier: Notifier = {
  notify: () => {},
};

/** Refuses to open a browser: flows that need one fail with a clear message. */
export const noBrowser: OpenBrowser = async (url) => {
  throw new Error(`No browser is available to open ${url}`);
};

export type { TimerHandle };
