import { join } from 'node:path';

/** The argument Outbox is started with at login, so it starts hidden in the tray. */
export const HIDDEN_ARG = '--hidden';

/** The part of Electron's app the login item uses. */
export interface LoginItemAppLike {
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
}

/** The file operations the Linux autostart entry needs. */
export interface AutostartFs {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  writeFileSync(path: string, data: string): void;
  rmSync(path: string, options: { force: true }): void;
}

/** Launch at login: set it, and tell whether this start came from it. */
export interface LoginItem {
  set(enabled: boolean): void;
  /** True when the OS started Outbox at login (it then starts hidden in the tray). */
  launchedAtLogin(): boolean;
}

// Desktop Entry spec, "The Exec key": a quoted argument escapes ", `, $ and \ with a backslash.
function desktopExecArg(arg: string): string {
  return /[\s"'`$\\<>~|&;*?#()]/.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg;
}

/** The XDG autostart entry that starts Outbox hidden at login (Linux). */
export function autostartEntry(exec: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Outbox',
    'Comment=Publishes your scheduled posts from the tray',
    `Exec=${desktopExecArg(exec)} ${HIDDEN_ARG}`,
    'Icon=outbox',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Launch at login per platform: macOS and Windows through `app.setLoginItemSettings` (Windows
 * passes `--hidden`; macOS reports `wasOpenedAtLogin`); Linux, where Electron has no login
 * items, through an XDG autostart file. An AppImage is started through its own path ($APPIMAGE),
 * not the temporary mount it runs from.
 */
export function createLoginItem(deps: {
  app: LoginItemAppLike;
  platform: NodeJS.Platform;
  argv: string[];
  execPath: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  fs: AutostartFs;
}): LoginItem {
  const linuxFile = () => join(deps.env['XDG_CONFIG_HOME'] || join(deps.homeDir, '.config'), 'autostart', 'outbox.desktop');
  return {
    set(enabled) {
      if (deps.platform === 'linux') {
        const file = linuxFile();
        if (!enabled) return deps.fs.rmSync(file, { force: true });
        deps.fs.mkdirSync(join(file, '..'), { recursive: true });
        deps.fs.writeFileSync(file, autostartEntry(deps.env['APPIMAGE'] || deps.execPath));
        return;
      }
      deps.app.setLoginItemSettings(deps.platform === 'win32' ? { openAtLogin: enabled, args: [HIDDEN_ARG] } : { openAtLogin: enabled });
    },
    launchedAtLogin() {
      if (deps.argv.includes(HIDDEN_ARG)) return true;
      return deps.platform === 'darwin' && deps.app.getLoginItemSettings().wasOpenedAtLogin === true;
    },
  };
}
