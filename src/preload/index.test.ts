import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../shared/ipc/contract';
import { SHELL_CHANNELS, type OutboxShellApi } from '../shared/ipc/shell';
import { IPC_EVENT_CHANNEL } from '../shared/ipc/transport';

// The preload runs in Electron's sandbox; here `electron` is a fake that records what the
// preload exposes and lets the test play the main process.
const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
let answer: (channel: string, payload: unknown) => unknown = () => ({ ok: true, value: null });
const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: async (channel: string, payload?: unknown) => {
    invoked.push([channel, payload]);
    return answer(channel, payload);
  },
});
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer,
  webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
}));

async function loadPreload() {
  vi.resetModules();
  exposed.clear();
  ipcRenderer.removeAllListeners();
  await import('./index');
  return { outbox: exposed.get('outbox') as Record<string, unknown>, shell: exposed.get('outboxShell') as OutboxShellApi };
}

beforeEach(() => {
  invoked.length = 0;
  answer = () => ({ ok: true, value: null });
});

describe('preload', () => {
  it('exposes named functions only: no ipcRenderer, no send/invoke by channel name', async () => {
    const { outbox, shell } = await loadPreload();
    expect([...exposed.keys()].sort()).toEqual(['outbox', 'outboxShell']);
    expect(Object.keys(shell).sort()).toEqual(['getPrefs', 'mediaUrl', 'onOpen', 'pathForFile', 'setPrefs']);
    expect(Object.isFrozen(shell)).toBe(true);
    for (const value of [...Object.values(outbox), ...Object.values(shell)]) {
      expect(value).not.toBe(ipcRenderer);
    }
    expect(Object.keys(outbox)).not.toContain('invoke');
    const domains = new Set(CHANNELS.map((c) => c.split(':')[0]));
    expect(Object.keys(outbox).sort()).toEqual([...domains, 'on'].sort());
  });

  it('outboxShell reads and writes prefs over the shell channels, throwing the main process error', async () => {
    const { shell } = await loadPreload();
    answer = (channel) =>
      channel === SHELL_CHANNELS.getPrefs
        ? { ok: true, value: { theme: 'dark', closeToTray: true, launchAtLogin: false } }
        : { ok: false, error: { code: 'validation', message: 'theme: Invalid option', issues: [{ path: 'theme', message: 'Invalid option' }] } };
    expect(await shell.getPrefs()).toEqual({ theme: 'dark', closeToTray: true, launchAtLogin: false });
    await expect(shell.setPrefs({ theme: 'blue' as 'dark' })).rejects.toMatchObject({ message: 'theme: Invalid option', code: 'validation' });
    expect(invoked).toEqual([
      [SHELL_CHANNELS.getPrefs, undefined],
      [SHELL_CHANNELS.setPrefs, { theme: 'blue' }],
    ]);
  });

  it('onOpen delivers what the tray or a notification opens, keeps one that came before the page listened, and drops junk', async () => {
    const { shell } = await loadPreload();
    ipcRenderer.emit(SHELL_CHANNELS.open, {}, { postId: 'early' });
    ipcRenderer.emit(SHELL_CHANNELS.open, {}, { postId: 42 });
    const seen: unknown[] = [];
    const off = shell.onOpen((target) => seen.push(target));
    ipcRenderer.emit(SHELL_CHANNELS.open, {}, { view: 'composer' });
    ipcRenderer.emit(SHELL_CHANNELS.open, {}, { view: 'shell' });
    off();
    ipcRenderer.emit(SHELL_CHANNELS.open, {}, { accountId: 'a1' });
    expect(seen).toEqual([{ postId: 'early' }, { view: 'composer' }]);
  });

  it('engine events reach only the listeners of that event', async () => {
    const { outbox } = await loadPreload();
    const on = outbox['on'] as (event: string, listener: (payload: unknown) => void) => () => void;
    const seen: unknown[] = [];
    on('posts:changed', (payload) => seen.push(payload));
    ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, 'accounts:changed', { ids: ['a'] });
    ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, 'posts:changed', { ids: ['p'] });
    expect(seen).toEqual([{ ids: ['p'] }]);
    expect(() => on('anything:else', () => {})).toThrow(/Unknown event/);
  });

  it('pathForFile gives a dropped file its path (for media:import)', async () => {
    const { shell } = await loadPreload();
    expect(shell.pathForFile({ name: 'cat.jpg' } as File)).toBe('/dropped/cat.jpg');
  });

  it('mediaUrl names a library file on the outbox-media: scheme (for <video> and covers)', async () => {
    const { shell } = await loadPreload();
    expect(shell.mediaUrl!('ab'.repeat(32))).toBe(`outbox-media://library/${'ab'.repeat(32)}`);
  });
});
