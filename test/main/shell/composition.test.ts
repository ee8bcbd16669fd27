// src/main/index.ts (the composition root) started against a fake `electron`: the wiring of
// every shell module, end to end, as far as it can be checked without the Electron binary.
import { EventEmitter } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../../src/shared/ipc/contract';
import { SHELL_CHANNELS } from '../../../src/shared/ipc/shell';
import { flushPromises } from '../../../src/main/core/ports/doubles';
import { FakeEvent, FakeWindow } from './fakes';
import { FakeBrowserWindow, FakeNotification, FakeTray, type FakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).makeFakeElectron());
vi.mock('electron-store', async () => ({ default: (await import('./fakes')).MemoryStore }));

let electron: FakeElectron;
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await flushPromises(2);
  expect(check()).toBe(true);
}

beforeAll(async () => {
  electron = (await import('electron')) as unknown as FakeElectron;
  await import('../../../src/main/index');
  electron.app.fireReady();
  await until(() => FakeTray.all.length === 1 && FakeTray.all[0]!.menu.length > 0);
});

afterAll(() => {
  // The composition root traps SIGINT/SIGTERM to quit cleanly; leave the test runner's own.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
  }
  rmSync(electron.userData, { recursive: true, force: true });
});

const window = () => FakeWindow.created[0] as FakeBrowserWindow;
const appPage = () => ({ senderFrame: { url: window().loaded[0]! } });

describe('composition root (src/main/index.ts) on a fake Electron', () => {
  it('sandboxes every renderer, refuses all permissions, and opens the hardened window on the app page', () => {
    expect(electron.app.state.ready).toBe(true);
    const request = electron.permissionHandlers['request'] as (c: unknown, p: string, cb: (ok: boolean) => void) => void;
    const granted: boolean[] = [];
    request(null, 'media', (ok) => granted.push(ok));
    expect(granted).toEqual([false]);
    expect(FakeWindow.created).toHaveLength(1);
    expect(window().options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(window().options.webPreferences.preload).toMatch(/preload[/\\]index\.cjs$/);
    expect(window().loaded[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
  });

  it('registers every engine channel and the shell channels behind the sender check', async () => {
    for (const channel of [...CHANNELS, SHELL_CHANNELS.getPrefs, SHELL_CHANNELS.setPrefs]) expect(electron.handlers.has(channel), channel).toBe(true);
    expect(await electron.handlers.get('app:info')!(appPage(), undefined)).toMatchObject({ ok: true, value: { version: '9.9.9' } });
    expect(await electron.handlers.get('app:info')!({ senderFrame: { url: 'https://evil.example/' } }, undefined)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await electron.handlers.get(SHELL_CHANNELS.getPrefs)!(appPage(), undefined)).toMatchObject({ ok: true, value: { closeToTray: true } });
    expect(await electron.handlers.get(SHELL_CHANNELS.setPrefs)!(appPage(), { theme: 'dark' })).toMatchObject({ ok: true });
    expect(electron.nativeTheme.themeSource).toBe('dark');
  });

  it('hardens every web contents created: navigation denied, only http(s) links to the browser', () => {
    const contents = Object.assign(new EventEmitter(), { openHandler: null as null | ((d: { url: string }) => unknown) });
    Object.assign(contents, { setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (contents.openHandler = h) });
    electron.app.emit('web-contents-created', {}, contents);
    const navigation = new FakeEvent();
    contents.emit('will-navigate', navigation, 'https://example.com/');
    expect(navigation.defaultPrevented).toBe(true);
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.opened).toEqual(['https://example.com/']);
  });

  it('streams library files to the page on outbox-media: (registered before ready), with byte ranges', async () => {
    expect(electron.protocols.privileged).toEqual([{ scheme: 'outbox-media', privileges: expect.objectContaining({ standard: true, secure: true, stream: true, supportFetchAPI: true }), beforeReady: true }]);
    const sha = 'ab'.repeat(32);
    mkdirSync(join(electron.userData, 'media'), { recursive: true });
    writeFileSync(join(electron.userData, 'media', `${sha}.mp4`), Buffer.from('0123456789'));
    const handle = electron.protocols.handlers.get('outbox-media')!;
    const ranged = await handle(new Request(`outbox-media://library/${sha}`, { headers: { Range: 'bytes=2-5' } }));
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await ranged.text()).toBe('2345');
    expect((await handle(new Request('outbox-media://library/../outbox.db'))).status).toBe(404);
  });

  it('shows a tray with the state icon and the menu', () => {
    const tray = FakeTray.all[0]!;
    expect(tray.images[0]).toMatch(/resources[/\\]tray[/\\]tray-idle-dark\.png$/);
    expect(tray.menu.map((i) => i.label)).toEqual(expect.arrayContaining(['New post', 'Pause publishing', 'Open Outbox', 'Quit Outbox']));
  });

  it('closing the window hides it and says, once, that Outbox keeps publishing from the tray', () => {
    window().emit('ready-to-show');
    expect(window().close()).toBe(false);
    expect(window().visible).toBe(false);
    expect(FakeNotification.all.map((n) => n.options.title)).toEqual(['Outbox is still running']);
  });

  it('a second launch brings the running window back', () => {
    expect(window().visible).toBe(false);
    electron.app.emit('second-instance', {}, ['outbox'], '/');
    expect(window()).toMatchObject({ visible: true, focused: true });
  });

  it('clicking a notification shows Outbox again', () => {
    window().close();
    expect(window().visible).toBe(false);
    FakeNotification.all[0]!.emit('click');
    expect(window().visible).toBe(true);
  });

  it('Pause publishing in the tray reaches the engine', async () => {
    const tray = FakeTray.all[0]!;
    tray.menu.find((i) => i.label === 'Pause publishing')!.click!();
    await until(() => tray.menu.some((i) => i.label === 'Resume publishing'));
    expect(await electron.handlers.get('settings:get')!(appPage(), undefined)).toMatchObject({ ok: true, value: { publishingPaused: true } });
  });

  it('starts the local automation API when it is enabled in the settings, on 127.0.0.1 only', async () => {
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    expect(await electron.handlers.get('settings:update')!(appPage(), { apiEnabled: true, apiPort: free })).toMatchObject({ ok: true });
    const status = async () => (await electron.handlers.get('api:status')!(appPage(), undefined)) as { ok: boolean; value?: { running: boolean } };
    for (let i = 0; i < 100 && !(await status()).value?.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await status()).value?.running).toBe(true);
    // A request with a foreign Host header is refused before any token is read: the server is ours and listening.
    const answer = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: free, path: '/v1/posts', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(answer).toBe(403);
  });

  it('Quit closes the window for good, drains the engine, then the app exits', async () => {
    FakeTray.all[0]!.menu.find((i) => i.label === 'Quit Outbox')!.click!();
    await until(() => electron.app.state.exited !== null);
    expect(electron.app.state.exited).toBe(0);
    expect(window().destroyed).toBe(true);
    expect(await electron.handlers.get('settings:get')!(appPage(), undefined)).toMatchObject({ ok: false });
  });
});
