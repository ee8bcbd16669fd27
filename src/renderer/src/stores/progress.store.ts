import { create } from 'zustand';
import type { PublishProgress } from '../../../shared/ipc/events';

/** Bytes of an entry's media sent so far while it publishes. */
export interface EntryProgress {
  postId: string;
  sent: number;
  total: number;
}

interface ProgressState {
  /** By entry id; views show it only while the entry is `publishing` (a later attempt starts from its own first report). */
  byEntry: Record<string, EntryProgress>;
  /** Takes one engine event (batched: a fast upload reports many times a second). */
  report(event: PublishProgress): void;
}

/** How often a burst of progress events reaches the views. */
const FLUSH_MS = 250;
let pending: Record<string, EntryProgress> = {};
let timer: ReturnType<typeof setTimeout> | undefined;

/** Upload progress per entry, from the engine's `publish:progress` events. */
export const useProgressStore = create<ProgressState>((set, get) => ({
  byEntry: {},
  report(event) {
    pending[event.entryId] = { postId: event.postId, sent: event.sent, total: event.total };
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      const batch = pending;
      pending = {};
      set({ byEntry: { ...get().byEntry, ...batch } });
    }, FLUSH_MS);
  },
}));

/** "12.3 of 48.0 MB (25%)" and the fraction, for a progress bar and its name. */
export function progressText(p: EntryProgress): { fraction: number; percent: number; text: string } {
  const fraction = p.total > 0 ? Math.min(1, p.sent / p.total) : 0;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  const percent = Math.floor(fraction * 100);
  return { fraction, percent, text: `${mb(p.sent)} of ${mb(p.total)} MB (${percent}%)` };
}
