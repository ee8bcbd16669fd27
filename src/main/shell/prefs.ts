import { z } from 'zod';
import { defaultShellPrefs, shellPrefsPatchSchema, shellPrefsSchema, type ShellPrefs, type ShellPrefsPatch } from '../../shared/ipc/shell';

/** The part of electron-store the shell uses (a test passes a Map-backed one). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Where and how big the main window was. */
export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

const boundsSchema = z.strictObject({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean(),
});

/** The shell's preferences and window bounds over electron-store, validated on the way in and out. */
export interface ShellPrefsService {
  get(): ShellPrefs;
  /** Validates and stores a change; throws a ZodError on a bad patch (nothing is stored). */
  update(patch: unknown): { prefs: ShellPrefs; changed: Array<keyof ShellPrefs> };
  /** Calls `listener` after every stored change; returns an unsubscribe function. */
  subscribe(listener: (prefs: ShellPrefs, changed: Array<keyof ShellPrefs>) => void): () => void;
  bounds(): WindowBounds | null;
  saveBounds(bounds: WindowBounds): void;
  /** True once, the first time the window is hidden to the tray (the explanation is shown once). */
  firstHideToTray(): boolean;
}

/**
 * Builds the preferences service. A value in the store that no longer parses (hand-edited,
 * older version) falls back to its default rather than breaking start-up.
 */
export function createShellPrefs(store: KeyValueStore): ShellPrefsService {
  const listeners = new Set<(prefs: ShellPrefs, changed: Array<keyof ShellPrefs>) => void>();
  const read = (): ShellPrefs => {
    const stored = store.get('prefs');
    const merged = { ...defaultShellPrefs, ...(typeof stored === 'object' && stored !== null ? stored : {}) };
    const parsed = shellPrefsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    // Keep every key that is still valid on its own.
    const out = { ...defaultShellPrefs };
    for (const key of Object.keys(defaultShellPrefs) as Array<keyof ShellPrefs>) {
      const one = shellPrefsSchema.shape[key].safeParse((merged as Record<string, unknown>)[key]);
      if (one.success) (out as Record<string, unknown>)[key] = one.data;
    }
    return out;
  };
  return {
    get: read,
    update(patch) {
      const change: ShellPrefsPatch = shellPrefsPatchSchema.parse(patch);
      const before = read();
      const after: ShellPrefs = { ...before, ...change };
      const changed = (Object.keys(change) as Array<keyof ShellPrefs>).filter((key) => before[key] !== after[key]);
      if (changed.length > 0) {
        store.set('prefs', after);
        for (const listener of listeners) listener(after, changed);
      }
      return { prefs: after, changed };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    bounds() {
      const parsed = boundsSchema.safeParse(store.get('windowBounds'));
      return parsed.success ? parsed.data : null;
    },
    saveBounds(bounds) {
      const parsed = boundsSchema.safeParse(bounds);
      if (parsed.success) store.set('windowBounds', parsed.data);
    },
    firstHideToTray() {
      if (store.get('hideToTrayExplained') === true) return false;
      store.set('hideToTrayExplained', true);
      return true;
    },
  };
}
