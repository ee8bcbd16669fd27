import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/ipc/contract';
import { IPC_EVENT_CHANNEL } from '../../shared/ipc/transport';
import { makeTestCore } from '../../../test/support/core';
import { isAppPage, registerIpc, type IpcEventLike } from './ipc';

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

describe('IPC wrapper', () => {
  it('registers every contract channel once', async () => {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    const off = registerIpc(ipc, t.core, { appUrl: () => APP, sinks: () => [] });
    expect([...ipc.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    off();
    expect(ipc.handlers.size).toBe(0);
    await t.dispose();
  });

  it('answers the app page through core.invoke, validation included', async () => {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    registerIpc(ipc, t.core, { appUrl: () => APP, sinks: () => [] });
    const ok = await ipc.handlers.get('settings:update')!({ senderFrame: { url: APP } }, { publishingPaused: true });
    expect(ok).toMatchObject({ ok: true, value: { publishingPaused: true } });
    const bad = await ipc.handlers.get('settings:update')!({ senderFrame: { url: APP } }, { publishingPaused: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'publishingPaused' }] } });
    await t.dispose();
  });

  it('refuses a sender that is not the app page, and changes nothing', async () => {
    const t = await makeTestCore();
    const ipc = new FakeIpcMain();
    registerIpc(ipc, t.core, { appUrl: () => APP, sinks: () => [] });
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
    registerIpc(new FakeIpcMain(), t.core, { appUrl: () => APP, sinks: () => [sink] });
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
    const off = registerIpc(ipc, core, { appUrl: () => APP, sinks: () => [] });
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
