import { create } from 'zustand';

/** Light, dark, or whatever the system uses. */
export type Theme = 'light' | 'dark' | 'system';

const KEY = 'outbox.theme';

/** Sets data-theme on <html>; the stylesheet has both palettes and follows the system without it. */
export function applyTheme(theme: Theme) {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
}

function initial(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system';
  }
}

interface ThemeState {
  theme: Theme;
  setTheme(theme: Theme): void;
}

/** The theme: kept by the desktop shell when there is one, else in this page's storage. */
export const useThemeStore = create<ThemeState>((set) => ({
  theme: initial(),
  setTheme(theme) {
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // Not persisted; still applied for this session.
    }
    applyTheme(theme);
    set({ theme });
  },
}));
