import { create } from 'zustand';
import type { SchedulerState } from '../../../shared/ipc/events';
import type { View } from '../components/Sidebar';

/** A short message at the bottom of the window. */
export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
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
  toast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  setNotificationsOpen(open: boolean): void;
}

let nextToast = 1;

/** Which view is shown, connectivity, and transient messages. */
export const useUiStore = create<UiState>((set, get) => ({
  view: 'calendar',
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  scheduler: null,
  toasts: [],
  notificationsOpen: false,
  setView: (view) => set({ view }),
  setOnline: (online) => set({ online }),
  setScheduler: (scheduler) => set({ scheduler }),
  toast(text, tone = 'info') {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-1), { id, text, tone }] });
    setTimeout(() => get().dismissToast(id), tone === 'error' ? 8000 : 4000);
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  setNotificationsOpen: (notificationsOpen) => set({ notificationsOpen }),
}));
