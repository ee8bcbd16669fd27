import { create } from 'zustand';
import type { ShellPrefs, ShellPrefsPatch } from '../../../shared/ipc/shell';
import { shell } from '../api';
import { useThemeStore } from './theme.store';

interface ShellState {
  /** True inside the desktop app (false in a browser, where desktop settings are hidden). */
  available: boolean;
  prefs: ShellPrefs | null;
  error: string | null;
  load(): Promise<void>;
  setPrefs(patch: ShellPrefsPatch): Promise<boolean>;
}

/** The desktop shell's preferences (tray, login item, theme), kept by the shell, not the engine. */
export const useShellStore = create<ShellState>((set) => ({
  available: shell() !== null,
  prefs: null,
  error: null,
  async load() {
    const api = shell();
    if (!api) return;
    try {
      const prefs = await api.getPrefs();
      set({ prefs, error: null });
      useThemeStore.getState().setTheme(prefs.theme);
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  async setPrefs(patch) {
    const api = shell();
    if (!api) return false;
    try {
      set({ prefs: await api.setPrefs(patch), error: null });
      return true;
    } catch (error) {
      set({ error: (error as Error).message });
      return false;
    }
  },
}));
