import { z } from 'zod';

/**
 * Preferences of the desktop shell, kept in electron-store (DESIGN.md §4), not in the engine:
 * they exist only when Outbox runs in Electron.
 */
export const shellPrefsSchema = z.strictObject({
  theme: z.enum(['light', 'dark', 'system']),
  closeToTray: z.boolean(),
  launchAtLogin: z.boolean(),
});
/** The shell's preferences. */
export type ShellPrefs = z.infer<typeof shellPrefsSchema>;
/** A partial change to them. */
export const shellPrefsPatchSchema = shellPrefsSchema.partial();

/** Something the shell asks the page to open (tray menu, notification click). */
export type OpenTarget = { postId: string } | { accountId: string } | { view: 'composer' | 'calendar' | 'posts' | 'accounts' | 'settings' };

/**
 * `window.outboxShell`: present only in Electron (absent in the browser harness), so the page
 * shows desktop-only settings when it exists.
 */
export interface OutboxShellApi {
  getPrefs(): Promise<ShellPrefs>;
  setPrefs(patch: Partial<ShellPrefs>): Promise<ShellPrefs>;
  /** Called when the tray or a notification asks the page to open something. */
  onOpen(listener: (target: OpenTarget) => void): () => void;
}
