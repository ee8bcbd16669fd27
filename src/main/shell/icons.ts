import { join } from 'node:path';
import type { TrayState } from './tray';

/**
 * The tray icon file for a state. macOS gets a template image (black and alpha; the menu bar
 * tints it). Elsewhere `darkPanel` picks the light glyph drawn for dark taskbars, or the dark
 * one for light panels. Each file has an `@2x` sibling that Electron picks on HiDPI screens.
 */
export function trayIconPath(dir: string, state: TrayState, platform: NodeJS.Platform, darkPanel: boolean): string {
  if (platform === 'darwin') return join(dir, `tray-${state}Template.png`);
  return join(dir, `tray-${state}-${darkPanel ? 'dark' : 'light'}.png`);
}

/** The part of nativeTheme that tells the taskbar's colour. */
export interface ThemeLike {
  shouldUseDarkColors: boolean;
  shouldUseDarkColorsForSystemIntegratedUI?: boolean;
}

/**
 * Whether the panel the tray sits on is dark. Windows reports its taskbar's colour. Linux does
 * not, and `shouldUseDarkColors` follows Outbox's own theme setting, not the panel: GNOME's and
 * Ubuntu's top bars are dark whatever the theme, so Linux gets the light glyph.
 */
export function isDarkPanel(theme: ThemeLike, platform: NodeJS.Platform): boolean {
  if (platform === 'win32') return theme.shouldUseDarkColorsForSystemIntegratedUI ?? theme.shouldUseDarkColors;
  if (platform === 'linux') return true;
  return theme.shouldUseDarkColors;
}
