import { describe, expect, it } from 'vitest';
import { SHELL_CHANNELS, type ShellPrefs } from '../../shared/ipc/shell';
import { MemoryStore } from '../../../test/main/shell/fakes';
import { createIpcGate, type IpcEventLike } from './ipc';
import { createShellPrefs } from './prefs';
import { registerShellIpc } from './shell-ipc';

class FakeIpcMain {
  handlers = new Map<string, (event: IpcEventLike, payload: unknown) => Promise<unknown>>();
  handle(channel: string, listener: (event: IpcEventLike, payload: unknown) => Promise<unknown>) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

const APP = 'file:///opt/Outbox/resources/app.asar/out/renderer/index.html';
const fromApp = { senderFrame: { url: APP } };

function setup(apply: (prefs: ShellPrefs, changed: Array<keyof ShellPrefs>) => void = () => {}) {
  const store = new MemoryStore();
  const prefs = createShellPrefs(store);
  const ipc = new FakeIpcMain();
  const off = registerShellIpc(createIpcGate(ipc, { appUrl: () => APP }), prefs, { apply });
  const call = (channel: string, payload?: unknown, event: IpcEventLike = fromApp) => ipc.handlers.get(channel)!(event, payload);
  return { store, prefs, ipc, off, call };
}

describe('shell IPC (window.outboxShell)', () => {
  it('reads and changes the preferences, applying what changed', async () => {
    const applied: unknown[] = [];
    const t = setup((p, changed) => applied.push([p.launchAtLogin, changed]));
    expect(await t.call(SHELL_CHANNELS.getPrefs)).toEqual({ ok: true, value: { theme: 'system', closeToTray: true, launchAtLogin: false } });
    expect(await t.call(SHELL_CHANNELS.setPrefs, { launchAtLogin: true })).toMatchObject({ ok: true, value: { launchAtLogin: true } });
    expect(applied).toEqual([[true, ['launchAtLogin']]]);
    t.off();
    expect(t.ipc.handlers.size).toBe(0);
  });

  it('a bad payload is a validation error naming the field, and nothing changes', async () => {
    const t = setup();
    expect(await t.call(SHELL_CHANNELS.setPrefs, { closeToTray: 'no' })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'closeToTray' }] } });
    expect(await t.call(SHELL_CHANNELS.setPrefs, { nodeIntegration: true })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await t.call(SHELL_CHANNELS.getPrefs, 'x')).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(t.store.data.size).toBe(0);
  });

  it('refuses a sender that is not the app page', async () => {
    const t = setup();
    for (const event of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: null }, { senderFrame: { url: 'file:///tmp/x.html' } }]) {
      expect(await t.call(SHELL_CHANNELS.setPrefs, { launchAtLogin: true }, event)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(t.prefs.get().launchAtLogin).toBe(false);
  });

  it('a change the OS refuses is undone and reported', async () => {
    const t = setup(() => {
      throw new Error('permission denied writing autostart');
    });
    expect(await t.call(SHELL_CHANNELS.setPrefs, { launchAtLogin: true })).toMatchObject({ ok: false, error: { code: 'internal', message: /launchAtLogin: permission denied/ } });
    expect(t.prefs.get().launchAtLogin).toBe(false);
  });
});
