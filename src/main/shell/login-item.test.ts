import { describe, expect, it } from 'vitest';
import { autostartEntry, createLoginItem, HIDDEN_ARG } from './login-item';

function setup(platform: NodeJS.Platform, argv: string[] = ['/opt/Outbox/outbox'], env: Record<string, string | undefined> = {}, wasOpenedAtLogin = false) {
  const settings: unknown[] = [];
  const files = new Map<string, string>();
  const item = createLoginItem({
    app: {
      setLoginItemSettings: (s) => void settings.push(s),
      getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin }),
    },
    platform,
    argv,
    execPath: '/opt/Outbox/outbox',
    env,
    homeDir: '/home/me',
    fs: {
      mkdirSync: () => undefined,
      writeFileSync: (path, data) => void files.set(path, data),
      rmSync: (path) => void files.delete(path),
    },
  });
  return { item, settings, files };
}

describe('launch at login', () => {
  it('Windows: a login item that starts Outbox with --hidden, which starts it in the tray', () => {
    const t = setup('win32');
    t.item.set(true);
    t.item.set(false);
    expect(t.settings).toEqual([
      { openAtLogin: true, args: [HIDDEN_ARG] },
      { openAtLogin: false, args: [HIDDEN_ARG] },
    ]);
    expect(t.item.launchedAtLogin()).toBe(false);
    expect(setup('win32', ['C:\\Outbox\\Outbox.exe', HIDDEN_ARG]).item.launchedAtLogin()).toBe(true);
  });

  it('macOS: a login item; opened at login means hidden', () => {
    const t = setup('darwin');
    t.item.set(true);
    expect(t.settings).toEqual([{ openAtLogin: true }]);
    expect(t.item.launchedAtLogin()).toBe(false);
    expect(setup('darwin', [], {}, true).item.launchedAtLogin()).toBe(true);
  });

  it('Linux: an XDG autostart entry (the AppImage path when run from one), removed when turned off', () => {
    const t = setup('linux', ['/tmp/.mount_Outbox/outbox'], { APPIMAGE: '/home/me/Apps/Outbox 0.1.0.AppImage' });
    t.item.set(true);
    const file = '/home/me/.config/autostart/outbox.desktop';
    expect(t.files.get(file)).toContain('Exec="/home/me/Apps/Outbox 0.1.0.AppImage" --hidden');
    expect(t.settings).toEqual([]);
    t.item.set(false);
    expect(t.files.has(file)).toBe(false);
    const xdg = setup('linux', [], { XDG_CONFIG_HOME: '/cfg' });
    xdg.item.set(true);
    expect([...xdg.files.keys()]).toEqual(['/cfg/autostart/outbox.desktop']);
  });

  it('the desktop entry escapes what the spec reserves', () => {
    expect(autostartEntry('/opt/a"b$c/outbox')).toContain('Exec="/opt/a\\"b\\$c/outbox" --hidden');
    expect(autostartEntry('/usr/bin/outbox')).toContain('Exec=/usr/bin/outbox --hidden');
  });
});
