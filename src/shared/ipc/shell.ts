import { z } from 'zod';
import { channel, noPayload } from './define';

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
/** A partial change to them; unknown keys are refused. */
export const shellPrefsPatchSchema = shellPrefsSchema.partial();
/** A partial change to the shell's preferences. */
export type ShellPrefsPatch = z.infer<typeof shellPrefsPatchSchema>;

/** The preferences a fresh install starts with. */
export const defaultShellPrefs: ShellPrefs = { theme: 'system', closeToTray: true, launchAtLogin: false };

const id = z.string().min(1).max(100);
/** Something the shell asks the page to open (tray menu, notification click). */
export const openTargetSchema = z.union([
  z.strictObject({ postId: id }),
  z.strictObject({ accountId: id }),
  z.strictObject({ view: z.enum(['composer', 'calendar', 'posts', 'accounts', 'settings']) }),
]);
/** Something the shell asks the page to open (tray menu, notification click). */
export type OpenTarget = z.infer<typeof openTargetSchema>;

/**
 * The shell's own channels, declared like the engine's contract (schema in, answer type out) so
 * the main process runs them through the same gate: sender check, zod parse, Result.
 */
export const shellChannels = {
  'shell:getPrefs': channel(noPayload).returns<ShellPrefs>(),
  'shell:setPrefs': channel(shellPrefsPatchSchema).returns<ShellPrefs>(),
};
/** The shell's contract. */
export type ShellContract = typeof shellChannels;
/** A shell channel name. */
export type ShellChannel = keyof ShellContract;

/**
 * The Electron channels of the shell API (the engine's channels come from the contract).
 * The preload and src/main/shell use these names; nothing else spells them.
 */
export const SHELL_CHANNELS = {
  getPrefs: 'shell:getPrefs',
  setPrefs: 'shell:setPrefs',
  /** Main -> page: `(target: OpenTarget)`. */
  open: 'shell:open',
} as const satisfies Record<string, ShellChannel | 'shell:open'>;

/** The page's scheme for library files: the shell streams them from the data folder, byte ranges included. */
export const MEDIA_SCHEME = 'outbox-media';

/** Where the page loads a library file from in Electron (`<video>`, `<img>`, a canvas). */
export const libraryMediaUrl = (sha256: string) => `${MEDIA_SCHEME}://library/${sha256}`;

/**
 * `window.outboxShell`: present only in Electron (absent in the browser harness), so the page
 * shows desktop-only settings when it exists.
 */
export interface OutboxShellApi {
  /** The current preferences (the main process answers with a Result, unwrapped here). */
  getPrefs(): Promise<ShellPrefs>;
  /** Changes some preferences and applies them (theme, login item); answers the new ones. */
  setPrefs(patch: ShellPrefsPatch): Promise<ShellPrefs>;
  /** Called when the tray or a notification asks the page to open something. */
  onOpen(listener: (target: OpenTarget) => void): () => void;
  /** The file system path of a dropped or picked File, for `media:import` ('' if it has none). */
  pathForFile(file: File): string;
  /** Where the page can load a library file by its sha256 (`outbox-media://library/<sha256>`), streamed with ranges. */
  mediaUrl?(sha256: string): string;
}
