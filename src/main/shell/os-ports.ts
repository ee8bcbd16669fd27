import type { Clock, NetworkMonitor, OpenBrowser, PowerMonitor, TimerHandle } from '../core/ports/ports';
import { isSafeExternalUrl } from './hardening';

/** The part of Electron's powerMonitor the power port listens to. */
export interface PowerMonitorLike {
  on(event: 'suspend' | 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'suspend' | 'resume' | 'unlock-screen', listener: () => void): unknown;
}

/**
 * The engine's PowerMonitor port over Electron's powerMonitor. Unlocking the screen counts as
 * a wake too: on some systems `resume` is missed or comes long before the network is back, and
 * the engine's catch-up is idempotent, so a second "resume" costs one database query.
 */
export function createPowerPort(powerMonitor: PowerMonitorLike): PowerMonitor {
  return {
    subscribe(listener) {
      const onSuspend = () => listener('suspend');
      const onResume = () => listener('resume');
      powerMonitor.on('suspend', onSuspend);
      powerMonitor.on('resume', onResume);
      powerMonitor.on('unlock-screen', onResume);
      return () => {
        powerMonitor.removeListener('suspend', onSuspend);
        powerMonitor.removeListener('resume', onResume);
        powerMonitor.removeListener('unlock-screen', onResume);
      };
    },
  };
}

/** How often the network port asks Electron whether the machine is online, while the engine waits for it. */
export const NETWORK_POLL_MS = 5_000;

/**
 * The engine's NetworkMonitor port over Electron's `net.isOnline()`. The main process has no
 * online/offline events (only pages do, and the window may not exist), so the port asks when the
 * engine asks (`isOnline()`, before every claim and after a network error), at once on `check()`
 * (the shell calls it on wake), and on a timer only while it is offline and the engine waits for
 * the network (`watch(true)`): an idle app in the tray never polls.
 */
export function createNetworkPort(net: { isOnline(): boolean }, clock: Clock, pollMs = NETWORK_POLL_MS): NetworkMonitor & { check(): void } {
  const listeners = new Set<(online: boolean) => void>();
  let online = net.isOnline();
  let timer: TimerHandle | null = null;
  let waiting = false;
  const poll = () => {
    const wanted = waiting && !online && listeners.size > 0;
    if (wanted && !timer) {
      timer = clock.setTimeout(() => {
        timer = null;
        try {
          check();
        } finally {
          poll();
        }
      }, pollMs);
    } else if (!wanted && timer) {
      timer.cancel();
      timer = null;
    }
  };
  function check() {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      for (const listener of [...listeners]) listener(now);
    }
    poll();
  }
  return {
    isOnline: () => {
      check();
      return online;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        poll();
      };
    },
    watch(on) {
      waiting = on;
      poll();
    },
    check,
  };
}

/** The engine's OpenBrowser port (OAuth consent pages): the system browser, http(s) only. */
export function createOpenBrowser(openExternal: (url: string) => Promise<void>): OpenBrowser {
  return async (url) => {
    if (!isSafeExternalUrl(url)) throw new Error(`Refused to open ${url.slice(0, 80)}: only http(s) pages open in the browser`);
    await openExternal(url);
  };
}
