// A fake `electron` module for the composition-root test: just enough of each object that
// src/main/index.ts touches, recording what was done to it.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEvent, FakeWindow } from './fakes';

type Handler = (event: { senderFrame: { url: string } | null }, payload: unknown) => Promise<unknown>;

export class FakeTray {
  static all: FakeTray[] = [];
  tooltip = '';
  menu: Array<{ label?: string; click?: () => void }> = [];
  images: string[] = [];
  constructor(image: { path: string }) {
    this.images.push(image.path);
    FakeTray.all.push(this);
  }
  setImage(image: { path: string }) {
    this.images.push(image.path);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: Array<{ label?: string; click?: () => void }>) {
    this.menu = menu;
  }
  on() {}
  destroy() {}
}

export class FakeNotification extends EventEmitter {
  static all: FakeNotification[] = [];
  static isSupported = () => true;
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.all.push(this);
  }
  show() {
    this.shown = true;
  }
}

/** A BrowserWindow that also loads URLs and has a webContents with a sender frame. */
export class FakeBrowserWindow extends FakeWindow {
  loaded: string[] = [];
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
}

export function makeFakeElectron() {
  const userData = mkdtempSync(join(tmpdir(), 'outbox-shell-'));
  const state = { lockHeld: false, exited: null as number | null, quitCalls: 0, ready: false };
  let resolveReady!: () => void;
  let readyFired = false;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const app = Object.assign(new EventEmitter(), {
    state,
    isPackaged: false,
    requestSingleInstanceLock: () => !state.lockHeld,
    whenReady: () => ready,
    fireReady: () => {
      readyFired = true;
      resolveReady();
    },
    quit() {
      state.quitCalls++;
      const event = new FakeEvent();
      app.emit('before-quit', event);
      if (!event.defaultPrevented) state.exited = 0;
    },
    exit: (code = 0) => void (state.exited = code),
    getPath: (_name: string) => userData,
    getVersion: () => '9.9.9',
    getAppPath: () => process.cwd(),
    getLocale: () => 'en-GB',
    enableSandbox: () => void (state.ready = true),
    setAppUserModelId: () => {},
    setLoginItemSettings: () => {},
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  });
  const handlers = new Map<string, Handler>();
  const permissionHandlers: Record<string, unknown> = {};
  const opened: string[] = [];
  // Custom schemes: what was registered as privileged (and whether before ready), and their handlers.
  const protocols = { privileged: [] as Array<{ scheme: string; privileges: unknown; beforeReady: boolean }>, handlers: new Map<string, (request: Request) => Promise<Response> | Response>() };
  return {
    userData,
    handlers,
    permissionHandlers,
    opened,
    protocols,
    protocol: {
      registerSchemesAsPrivileged: (schemes: Array<{ scheme: string; privileges: unknown }>) =>
        void protocols.privileged.push(...schemes.map((s) => ({ ...s, beforeReady: !readyFired }))),
      handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => void protocols.handlers.set(scheme, handler),
    },
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    dialog: { showErrorBox: (title: string, body: string) => console.error(title, body) },
    ipcMain: {
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    Menu: { buildFromTemplate: (template: unknown[]) => template },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    nativeTheme: Object.assign(new EventEmitter(), { themeSource: 'system', shouldUseDarkColors: false }),
    net: { isOnline: () => true },
    powerMonitor: new EventEmitter(),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => void (permissionHandlers['request'] = h),
        setPermissionCheckHandler: (h: unknown) => void (permissionHandlers['check'] = h),
        setDevicePermissionHandler: (h: unknown) => void (permissionHandlers['device'] = h),
      },
    },
    shell: { openExternal: async (url: string) => void opened.push(url) },
  };
}

export type FakeElectron = ReturnType<typeof makeFakeElectron>;
