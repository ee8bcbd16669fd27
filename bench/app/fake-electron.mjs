// Electron's main-process objects, faked for running the built app (out/main/index.js) under
// plain Node in the startup and idle benches: Electron cannot run on the build machines.
// Docs of what each fake stands for: https://www.electronjs.org/docs/latest/api/app,
// https://www.electronjs.org/docs/latest/api/tray, https://www.electronjs.org/docs/latest/api/net,
// https://www.electronjs.org/docs/latest/api/power-monitor.
// Anything the app touches that is not modelled below is a permissive stand-in: callable,
// constructible, with any property, so the shell's wiring runs; what the benches read is explicit.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = process.env.OUTBOX_BENCH_DIR ?? join(process.cwd(), '.bench-data');
mkdirSync(dataDir, { recursive: true });

// Every timer callback that runs is a wake-up of the process: counted (the engine's clock and
// the shell's ports arm theirs with these functions after this module has run).
let fired = 0;
const realSetTimeout = globalThis.setTimeout;
const realSetInterval = globalThis.setInterval;
globalThis.setTimeout = function (fn, ms, ...args) {
  return realSetTimeout(typeof fn === 'function' ? (...a) => (fired++, fn(...a)) : fn, ms, ...args);
};
globalThis.setInterval = function (fn, ms, ...args) {
  return realSetInterval(typeof fn === 'function' ? (...a) => (fired++, fn(...a)) : fn, ms, ...args);
};

const handler = {
  get(target, prop) {
    if (prop in target) return target[prop];
    if (prop === 'then' || typeof prop === 'symbol') return undefined;
    return (target[prop] = anything());
  },
  set(target, prop, value) {
    target[prop] = value;
    return true;
  },
  apply: () => anything(),
  construct: () => anything(),
};
function anything(base = {}) {
  return new Proxy(Object.assign(function () {}, base), handler);
}

/** One line on stdout per event the bench waits for (JSON after a fixed tag). */
function tell(event, extra = {}) {
  const cpu = process.cpuUsage();
  process.stdout.write(`OUTBOX_BENCH ${JSON.stringify({ event, at: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, ...extra })}\n`);
}

// Electron's main loop keeps the process alive; here a timer that never fires does (the engine's own timers are unref'd).
const alive = realSetInterval(() => {}, 2 ** 31 - 1);
const appEvents = new EventEmitter();

// `ask <n>` on stdin: the figures now (timer callbacks run so far, CPU, memory).
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  for (const line of chunk.split('\n')) {
    const m = /^ask (\d+)$/.exec(line.trim());
    if (m) tell('ask', { n: Number(m[1]), fired, rssMb: process.memoryUsage().rss / 1048576 });
  }
});
export const app = anything({
  isPackaged: false,
  getAppPath: () => process.cwd(),
  getPath: (name) => (name === 'userData' ? dataDir : join(dataDir, name)),
  getVersion: () => '0.1.0',
  getLocale: () => 'en-US',
  requestSingleInstanceLock: () => true,
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  setLoginItemSettings: () => {},
  whenReady: () => Promise.resolve(),
  on: (event, listener) => (appEvents.on(event, listener), app),
  once: (event, listener) => (appEvents.once(event, listener), app),
  // Electron: before-quit may be prevented (the shell holds it while the engine closes), then the app exits.
  quit: () => {
    let prevented = false;
    appEvents.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) app.exit(0);
  },
  exit: (code) => {
    clearInterval(alive);
    process.exit(code);
  },
  enableSandbox: () => {},
  setAppUserModelId: () => {},
});

export const powerMonitor = Object.assign(new EventEmitter(), { getSystemIdleState: () => 'active' });

/** `net.isOnline()`: OUTBOX_BENCH_OFFLINE=1 makes the machine offline. */
export const net = anything({ isOnline: () => process.env.OUTBOX_BENCH_OFFLINE !== '1' });

let tooltips = 0;
export class Tray extends EventEmitter {
  constructor() {
    super();
    tell('tray');
  }
  setImage() {}
  setContextMenu() {}
  // Every redraw of the tray says so: the bench takes the last one before the app goes quiet.
  setToolTip(text) {
    tell('tooltip', { n: ++tooltips, text });
  }
  destroy() {}
}

export const Menu = anything({ buildFromTemplate: (template) => ({ template }) });
export const nativeImage = anything({ createFromPath: (path) => ({ path }) });
export const nativeTheme = Object.assign(new EventEmitter(), { themeSource: 'system', shouldUseDarkColors: false });
export const Notification = Object.assign(
  class extends EventEmitter {
    show() {}
  },
  { isSupported: () => false },
);
export const screen = anything({ getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] });
export const ipcMain = anything({ handle: () => {}, on: () => {}, removeHandler: () => {} });
export const dialog = anything({ showErrorBox: (title, body) => process.stderr.write(`${title}: ${body}\n`) });
export const shell = anything({ openExternal: async () => {} });
export const session = anything();
// The library's media:// scheme: registered and handled, never requested here (no page loads).
export const protocol = anything({ registerSchemesAsPrivileged: () => {}, handle: () => {} });
export class BrowserWindow extends EventEmitter {
  constructor() {
    super();
    this.webContents = anything({ send: () => {}, isDestroyed: () => false, id: 1 });
    tell('window');
    // Methods not modelled here answer undefined (the shell only reads bounds and flags).
    return new Proxy(this, { get: (target, prop) => (prop in target || typeof prop === 'symbol' ? target[prop] : () => undefined) });
  }
  getNormalBounds() {
    return this.getBounds();
  }
  loadURL() {
    return Promise.resolve();
  }
  getBounds() {
    return { x: 0, y: 0, width: 1200, height: 800 };
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isVisible() {
    return true;
  }
}
BrowserWindow.prototype.close = function () {
  this.emit('close', { preventDefault() {} });
  this.emit('closed');
};
BrowserWindow.prototype.destroy = BrowserWindow.prototype.close;
for (const name of ['show', 'hide', 'focus', 'restore', 'setMenuBarVisibility', 'maximize']) {
  if (!(name in BrowserWindow.prototype)) BrowserWindow.prototype[name] = function () {};
}
BrowserWindow.getAllWindows = () => [];

export default { app, powerMonitor, net, Tray, Menu, nativeImage, nativeTheme, Notification, screen, ipcMain, dialog, shell, session, protocol, BrowserWindow };
