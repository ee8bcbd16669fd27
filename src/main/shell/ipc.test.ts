import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/ipc/contract';
import { shellChannels } from '../../shared/ipc/shell';
import { MemoryStore } from '../../../test/main/shell/fakes';
import { createShellPrefs } from './prefs';
import { registerShellIpc } from './shell-ipc';
import { IPC_EVENT_CHANNEL } from '../../shared/ipc/transport';
import { makeTestCore } from '../../../test/support/core';
import { createIpcGate, isAppPage, registerIpc, type IpcEventLike, type IpcMainLike } from './ipc';

class FakeIpcMain {
  handlers = new Map<string, (event: IpcEventLike, payload: unknown) => Promise<unknown>>();
  handle(channel: string, listener: (event: IpcEventLike, payload: unknown) => Promise<unknown>) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

const APP = 'file:///opt/Outbox/resources/app.asar/out/renderer/index.html';
const gateOn = (ipc: IpcMainLike) => createIpcGate(ipc, { appUrl: () => APP });

describe('IPC wrapper', () => {
  it('registers every contract channel once', async () => {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    const off = registerIpc(gateOn(ipc), t.core, { sinks: () => [] });
    expect([...ipc.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    off();
    expect(ipc.handlers.size).toBe(0);
    await t.dispose();
  });

  it('answers the app page through core.invoke, validation included', async () => {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    registerIpc(gateOn(ipc), t.core, { sinks: () => [] });
    const ok = await ipc.handlers.get('settings:update')!({ senderFrame: { url: APP } }, { publishingPaused: true });
    expect(ok).toMatchObject({ ok: true, value: { publishingPaused: true } });
    const bad = await ipc.handlers.get('settings:update')!({ senderFrame: { url: APP } }, { publishingPaused: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'publishingPaused' }] } });
    await t.dispose();
  });

  it('refuses a sender that is not the app page, and changes nothing', async () => {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    registerIpc(gateOn(ipc), t.core, { sinks: () => [] });
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', '', 'about:blank']) {
      const answer = await ipc.handlers.get('settings:update')!({ senderFrame: { url } }, { publishingPaused: true });
      expect(answer).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    const nullFrame = await ipc.handlers.get('settings:get')!({ senderFrame: null }, undefined);
    expect(nullFrame).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await t.core.invoke('settings:get')).toMatchObject({ ok: true, value: { publishingPaused: false } });
    await t.dispose();
  });

  it('forwards engine events to the window on one channel', async () => {
    const t = await makeTestCore();
    const sent: unknown[][] = [];
    const sink = { isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args) };
    registerIpc(gateOn(new FakeIpcMain()), t.core, { sinks: () => [sink] });
    await t.core.invoke('settings:update', { timeZone: 'UTC' === Intl.DateTimeFormat().resolvedOptions().timeZone ? 'Europe/Paris' : 'UTC' });
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, 'settings:changed', { keys: ['timeZone'] }]]);
    await t.dispose();
  });

  it('idle() waits for the calls being answered (Quit lets the page\'s last writes land)', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const core = {
      invoke: (async () => {
        await slow;
        return { ok: true, value: null };
      }) as never,
      on: () => () => {},
    };
    const ipc = new FakeIpcMain();
    const off = registerIpc(gateOn(ipc), core, { sinks: () => [] });
    void ipc.handlers.get('settings:update')!({ senderFrame: { url: APP } }, { publishingPaused: true });
    let idle = false;
    void off.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(true);
  });

  it('recognises the app page by exact file path or dev-server origin', () => {
    expect(isAppPage(APP, APP)).toBe(true);
    expect(isAppPage(`${APP}#/calendar`, APP)).toBe(true);
    expect(isAppPage('file:///opt/Outbox/evil.html', APP)).toBe(false);
    expect(isAppPage('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true);
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppPage('not a url', APP)).toBe(false);
  });
});

describe('one gate for the engine and the shell', () => {
  async function both(apply: () => void = () => {}) {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    const gate = gateOn(ipc);
    const offCore = registerIpc(gate, t.core, { sinks: () => [] });
    const offShell = registerShellIpc(gate, createShellPrefs(new MemoryStore()), { apply });
    const call = (channel: string, payload?: unknown, url = APP) => ipc.handlers.get(channel)!({ senderFrame: { url } }, payload);
    return { t, ipc, gate, call, off: () => (offCore(), offShell()) };
  }

  it('every handler on ipcMain, the shell’s included, refuses a foreign sender before parsing anything', async () => {
    const { t, ipc, call, off } = await both();
    expect([...ipc.handlers.keys()].sort()).toEqual([...CHANNELS, ...Object.keys(shellChannels)].sort());
    for (const channel of ipc.handlers.keys()) {
      // A payload no schema accepts: refused as unauthorized, not as invalid, so nothing is read from it.
      expect(await call(channel, { junk: true }, 'https://evil.example/'), channel).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    off();
    expect(ipc.handlers.size).toBe(0);
    await t.dispose();
  });

  it('a refused payload answers the same validation Result on both sides (code, message naming the field, issues)', async () => {
    const { t, call } = await both();
    const engine = await call('settings:update', { publishingPaused: 'yes' });
    const shell = await call('shell:setPrefs', { closeToTray: 'no' });
    expect(engine).toMatchObject({ ok: false, error: { code: 'validation', message: /^publishingPaused: /, issues: [{ path: 'publishingPaused', message: expect.any(String) }] } });
    expect(shell).toMatchObject({ ok: false, error: { code: 'validation', message: /^closeToTray: /, issues: [{ path: 'closeToTray', message: expect.any(String) }] } });
    expect(Object.keys((shell as { error: object }).error).sort()).toEqual(Object.keys((engine as { error: object }).error).sort());
    expect(await call('shell:getPrefs', 'x')).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: '(payload)' }] } });
    await t.dispose();
  });

  it('idle() also waits for a shell call being answered, and a throw becomes an internal Result', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const ipc = new FakeIpcMain();
    const gate = gateOn(ipc);
    gate.register(['shell:slow', 'shell:broken'], async (channel) => {
      if (channel === 'shell:broken') throw new Error('disk on fire');
      await slow;
      return { ok: true, value: null };
    });
    const broken = await ipc.handlers.get('shell:broken')!({ senderFrame: { url: APP } }, undefined);
    expect(broken).toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
    void ipc.handlers.get('shell:slow')!({ senderFrame: { url: APP } }, undefined);
    let idle = false;
    void gate.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(true);
  });
});
