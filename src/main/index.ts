import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { createCore, type Core } from './core/create-core';
import { registerIpc } from './shell/ipc';
import { mainWindowOptions } from './shell/window';

// The composition root: it only wires shell modules to the engine.
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererFile = join(here, '../renderer/index.html');
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
const appUrl = () => devServerUrl ?? pathToFileURL(rendererFile).href;

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

function createWindow() {
  const window = new BrowserWindow(mainWindowOptions(join(here, '../preload/index.cjs')));
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl());
  window.on('closed', () => (mainWindow = null));
  return window;
}

app.whenReady().then(async () => {
  core = await createCore({
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    nativeBinding: process.env['OUTBOX_SQLITE_BINDING'],
  });
  registerIpc(ipcMain, core, { appUrl, sinks: () => (mainWindow ? [mainWindow.webContents] : []) });
  mainWindow = createWindow();
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
});

app.on('before-quit', () => {
  void core?.close();
});
