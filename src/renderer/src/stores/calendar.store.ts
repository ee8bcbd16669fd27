import { create } from 'zustand';

/** How much time the calendar shows at once. */
export type CalendarMode = 'month' | 'week' | 'day';

interface CalendarState {
  mode: CalendarMode;
  /** Any instant inside the shown period. */
  anchor: number;
  setMode(mode: CalendarMode): void;
  setAnchor(anchor: number): void;
}

/** The calendar's period, kept while the creator visits other views. */
export const useCalendarStore = create<CalendarState>((set) => ({
  mode: 'month',
  anchor: Date.now(),
  setMode: (mode) => set({ mode }),
  setAnchor: (anchor) => set({ anchor }),
}));
