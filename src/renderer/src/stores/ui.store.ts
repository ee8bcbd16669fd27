import { create } from 'zustand';
import type { SchedulerState } from '../../../shared/ipc/events';

/** The app's main views. */
export type View = 'calendar' | 'posts' | 'accounts' | 'settings';

/** A button on a toast ("Undo", "Open", "Retry failed"). */
export interface ToastAction {
  label: string;
  run(): void;
}

/** A short message at the bottom of the window. */
export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  actions: ToastAction[];
  /** How long it stays, in ms (paused while the pointer or the keyboard is on it). */
  duration: number;
  /** Called once when the toast goes away without one of its actions being taken. */
  onExpire?: () => void;
}

/** Options of a toast beyond its words. */
export interface ToastOptions {
  actions?: ToastAction[];
  duration?: number;
  onExpire?: () => void;
}

interface UiState {
  view: View;
  /** The browser's own online signal (drafting keeps working offline). */
  online: boolean;
  scheduler: SchedulerState | null;
  toasts: Toast[];
  notificationsOpen: boolean;
  setView(view: View): void;
  setOnline(online: boolean): void;
  setScheduler(state: SchedulerState): void;
  toast(text: string, tone?: Toast['tone'], options?: ToastOptions): number;
  /** Removes a toast; `expired` runs its onExpire (time ran out or it was dismissed). */
  dismissToast(id: number, expired?: boolean): void;
  /** Stops or restarts a toast's countdown (pointer or focus on it). */
  holdToast(id: number, held: boolean): void;
  setNotificationsOpen(open: boolean): void;
}

let nextToast = 1;
const timers = new Map<number, { timer: ReturnType<typeof setTimeout> | undefined; left: number; since: number }>();

/** Which view is shown, connectivity, and transient messages. */
export const useUiStore = create<UiState>((set, get) => {
  function arm(id: number, ms: number) {
    const entry = { timer: setTimeout(() => get().dismissToast(id, true), ms), left: ms, since: Date.now() };
    timers.set(id, entry);
  }
  return {
    view: 'calendar',
    online: typeof navigator === 'undefined' ? true : navigator.onLine,
    scheduler: null,
    toasts: [],
    notificationsOpen: false,
    setView: (view) => set({ view }),
    setOnline: (online) => set({ online }),
    setScheduler: (scheduler) => set({ scheduler }),
    toast(text, tone = 'info', options = {}) {
      const id = nextToast++;
      const actions = options.actions ?? [];
      // A toast with a button stays long enough to reach it by keyboard.
      const duration = options.duration ?? (actions.length > 0 ? 10_000 : tone === 'error' ? 8000 : 4000);
      const toast: Toast = { id, text, tone, actions, duration, onExpire: options.onExpire };
      // At most three at once; the oldest one goes (and counts as expired: an Undo window it held closes).
      const all = [...get().toasts, toast];
      const dropped = all.length > 3 ? all.slice(0, all.length - 3) : [];
      set({ toasts: all.slice(-3) });
      for (const old of dropped) {
        clearTimeout(timers.get(old.id)?.timer);
        timers.delete(old.id);
        old.onExpire?.();
      }
      arm(id, duration);
      return id;
    },
    dismissToast(id, expired = false) {
      const toast = get().toasts.find((t) => t.id === id);
      clearTimeout(timers.get(id)?.timer);
      timers.delete(id);
      if (!toast) return;
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
      if (expired) toast.onExpire?.();
    },
    holdToast(id, held) {
      const entry = timers.get(id);
      if (!entry) return;
      if (held && entry.timer !== undefined) {
        clearTimeout(entry.timer);
        entry.timer = undefined;
        entry.left = Math.max(1500, entry.left - (Date.now() - entry.since));
      } else if (!held && entry.timer === undefined) {
        arm(id, entry.left);
      }
    },
    setNotificationsOpen: (notificationsOpen) => set({ notificationsOpen }),
  };
});
