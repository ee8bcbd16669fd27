import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, net, Notification, powerMonitor, protocol, screen, session, shell, Tray } from 'electron';
import Store from 'electron-store';
import { SHELL_CHANNELS, type OpenTarget, type ShellPrefs } from '../shared/ipc/shell';
import { startApiServer, type ApiController } from './api';
import { createApiRuntime } from './core/api-settings/api-runtime';
import { createCoreHost } from './core/host/core-host';
import { createKeychainSecretStore } from './core/ports/keychain';
import { systemClock } from './core/ports/system';
import { hardenSession, hardenWebContents } from './shell/hardening';
import { isDarkPanel, trayIconPath } from './shell/icons';
import { createIpcGate, registerIpc } from './shell/ipc';
import { createLoginItem } from './shell/login-item';
import { MEDIA_SCHEME, MEDIA_SCHEME_PRIVILEGES, serveLibraryFile } from './shell/media-protocol';
import { createOsNotifier } from './shell/notifier';
import { createNetworkPort, createOpenBrowser, createPowerPort } from './shell/os-ports';
import { createShellPrefs, type KeyValueStore } from './shell/prefs';
import { createQuitController, QUIT_DRAIN_MS, WINDOW_CLOSE_MS, type PreventableEvent } from './shell/quit';
import { registerShellIpc } from './shell/shell-ipc';
import { claimSingleInstance } from './shell/single-instance';
import { createTrayService, type TrayService } from './shell/tray';
import { createMainWindow, createWindowController, type WindowController } from './shell/window';

// The composition root: it only wires shell modules (each tested with fakes) to Electron and the engine.
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererFile = join(here, '../renderer/index.html');
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
const appUrl = () => devServerUrl ?? pathToFileURL(rendererFile).href;
// Packaged, the icons are copied next to app.asar (electron-builder.yml extraResources).
const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
const trayDir = join(resourcesDir, 'tray');
const appIcon = join(resourcesDir, 'icon.png');
const log = (message: string, error?: unknown) => console.error(`[outbox] ${message}`, error ?? '');

// Links leave Outbox only for the system browser, and only http(s) (checked by every caller).
const openExternal = (url: string) => shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK -- callers pass only URLs that isSafeExternalUrl accepted (http/https)

let windows: WindowController<BrowserWindow> | null = null;
let tray: TrayService | null = null;
let pendingOpen: OpenTarget | null | undefined;

/** Shows Outbox, then asks the page to open `target` (tray menu, notification click). */
function open(target?: OpenTarget | null) {
  if (!windows) {
    pendingOpen = target ?? null;
    return;
  }
  windows.show();
  if (target) windows.send(SHELL_CHANNELS.open, target);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);

  const store: KeyValueStore = new Store<Record<string, unknown>>({ name: 'shell', clearInvalidConfig: true });
  const prefs = createShellPrefs(store);
  const loginItem = createLoginItem({
    app,
    platform: process.platform,
    argv: process.argv,
    execPath: process.execPath,
    env: process.env,
    homeDir: homedir(),
    fs: { mkdirSync, writeFileSync, rmSync },
  });
  const apply = (now: ShellPrefs, changed: Array<keyof ShellPrefs>) => {
    if (changed.includes('theme')) nativeTheme.themeSource = now.theme;
    if (changed.includes('launchAtLogin')) loginItem.set(now.launchAtLogin);
  };
  nativeTheme.themeSource = prefs.get().theme;
  // Re-written at each start so the entry follows the app when it moves (a new AppImage path).
  if (prefs.get().launchAtLogin) {
    try {
      loginItem.set(true);
    } catch (error) {
      log('could not renew the login item', error);
    }
  }

  const network = createNetworkPort(net, systemClock);
  powerMonitor.on('resume', () => network.check());
  const notifier = createOsNotifier({
    Notification,
    isSupported: () => Notification.isSupported(),
    icon: appIcon,
    open,
    onProblem: () => tray?.flagProblem(),
    log,
  });

  // One keychain store and one runtime cell shared by the engine and the local API.
  const secrets = createKeychainSecretStore();
  const apiRuntime = createApiRuntime();
  // The host runs the engine, restarts it for a restore, and shows the recovery screen (in the
  // window) when the database is damaged or emptied; a read-only data folder is refused here.
  const core = createCoreHost({
    secrets,
    apiRuntime,
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    nativeBinding: process.env['OUTBOX_SQLITE_BINDING'],
    notifier,
    network,
    power: createPowerPort(powerMonitor),
    openBrowser: createOpenBrowser(openExternal),
    exportsDir: app.getPath('downloads'),
    // Quit waits this long for publishes in flight, then the engine records the rest.
    drainTimeoutMs: QUIT_DRAIN_MS,
  });
  try {
    await core.start();
  } catch (error) {
    dialog.showErrorBox('Outbox cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }

  // The local automation API follows its settings (off by default) for as long as Outbox runs, tray included.
  let api: ApiController | null = null;
  try {
    api = await startApiServer({ core, secrets, runtime: apiRuntime, log });
  } catch (error) {
    log('the local API could not start', error);
  }

  let ipcIdle: () => Promise<void> = async () => {};
  const quit = createQuitController({
    app,
    // The page flushes what is being typed when it unloads: let that reach the engine first.
    closeWindows: async () => {
      await windows?.closeForQuit(WINDOW_CLOSE_MS);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await ipcIdle();
    },
    closeEngine: async () => {
      await api?.close();
      await core.close();
    },
    clock: systemClock,
    log,
  });
  // Electron passes an event to 'shutdown' (its docs: preventDefault delays the shutdown) though its typings omit it.
  powerMonitor.on('shutdown', (...args: unknown[]) => quit.onShutdown(args[0] as PreventableEvent | undefined));

  windows = createWindowController({
    create: () => {
      const window = createMainWindow(BrowserWindow, {
        preload: join(here, '../preload/index.cjs'),
        bounds: prefs.bounds(),
        workAreas: screen.getAllDisplays().map((display) => display.workArea),
        icon: process.platform === 'linux' ? appIcon : undefined,
      });
      // Windows logging off or shutting down: delay it while publishes in flight settle.
      window.on('query-session-end', (event) => quit.onShutdown(event));
      void window.loadURL(appUrl());
      return window;
    },
    prefs,
    clock: systemClock,
    isQuitting: quit.isQuitting,
    explainHideToTray: () =>
      notifier.notify({ kind: 'info', title: 'Outbox is still running', body: 'Outbox keeps publishing from the tray. Quit it from the tray menu.' }),
    onShown: () => tray?.acknowledge(),
    startHidden: loginItem.launchedAtLogin(),
  });

  // Library files for <video> and <img> (a video's cover is picked over the real video), with byte ranges.
  protocol.handle(MEDIA_SCHEME, (request) => serveLibraryFile(request, join(app.getPath('userData'), 'media')));

  // One gate for every channel the page may call: the engine's and the shell's.
  const gate = createIpcGate(ipcMain, { appUrl, log });
  ipcIdle = registerIpc(gate, core, { sinks: () => [windows?.current()?.webContents].filter((c) => c !== undefined) }).idle;
  registerShellIpc(gate, prefs, { apply, log });

  const image = (state: Parameters<typeof trayIconPath>[1]) => nativeImage.createFromPath(trayIconPath(trayDir, state, process.platform, isDarkPanel(nativeTheme, process.platform)));
  tray = createTrayService({
    tray: new Tray(image('idle')),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    image,
    core,
    now: () => Date.now(),
    open,
    quit: () => app.quit(),
    platform: process.platform,
    locale: app.getLocale(),
    log,
  });
  nativeTheme.on('updated', () => tray?.redrawIcon());

  app.on('activate', () => open());
  // Closing the window hides it (close-to-tray); with that off, closing it quits Outbox.
  app.on('window-all-closed', () => {
    if (!prefs.get().closeToTray) app.quit();
  });
  if (pendingOpen !== undefined) open(pendingOpen);
}

// Before the app is ready, as Electron requires of a privileged scheme.
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: MEDIA_SCHEME_PRIVILEGES }]);

if (claimSingleInstance(app, () => open())) {
  // Every renderer is sandboxed, whatever a window's options say.
  app.enableSandbox();
  app.setAppUserModelId('app.outbox.desktop');
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void openExternal(url)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log('start-up failed', error);
      app.exit(1);
    });
}
