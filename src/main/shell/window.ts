import type { Clock, TimerHandle } from '../core/ports/ports';
import type { ShellPrefsService, WindowBounds } from './prefs';

/** A rectangle on screen (a display's work area). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The options the main window is built with (a subset of Electron's, kept literal for electronegativity). */
export interface MainWindowOptions {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    webviewTag: boolean;
    experimentalFeatures: boolean;
    disableBlinkFeatures: string;
    navigateOnDragDrop: boolean;
    safeDialogs: boolean;
    spellcheck: boolean;
  };
}

/** The part of a BrowserWindow the shell drives. */
export interface BrowserWindowLike {
  // Electron's overloads take different listener types per event; one signature cannot match them all
  // (any: each listener is typed where it is registered).
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  close(): void;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rect;
  webContents: {
    isLoading(): boolean;
    isDestroyed(): boolean;
    once(event: 'did-finish-load', listener: () => void): unknown;
    send(channel: string, ...args: unknown[]): void;
  };
}

/** How a BrowserWindow is constructed (Electron's class, or a fake in tests). */
export type BrowserWindowCtor<W> = new (options: MainWindowOptions) => W;

const DEFAULT_SIZE = { width: 1200, height: 800 };

/** True when at least a 100×60 piece of `bounds` lies on one of the work areas (its title bar is reachable). */
export function isOnScreen(bounds: Rect, workAreas: Rect[]): boolean {
  return workAreas.some((area) => {
    const w = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const h = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return w >= 100 && h >= 60;
  });
}

/**
 * Builds the main window: sandboxed, context-isolated, no Node in the page, at its remembered
 * size and place (the place only if it is still on a connected display). The options stay a
 * literal inside `new BrowserWindow(...)` so electronegativity can read them.
 */
export function createMainWindow<W>(
  BrowserWindow: BrowserWindowCtor<W>,
  options: { preload: string; bounds: WindowBounds | null; workAreas: Rect[]; icon?: string | undefined },
): W {
  const saved = options.bounds;
  const place = saved && isOnScreen(saved, options.workAreas) ? { x: saved.x, y: saved.y } : {};
  const size = saved ? { width: saved.width, height: saved.height } : DEFAULT_SIZE;
  return new BrowserWindow({
    ...place,
    ...size,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Outbox',
    ...(options.icon ? { icon: options.icon } : {}),
    backgroundColor: '#f7f7f5',
    webPreferences: {
      preload: options.preload, // eng-disable PRELOAD_JS_CHECK -- reviewed: src/preload exposes named functions through contextBridge only, never ipcRenderer
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Middle-click would open links in a new window without passing setWindowOpenHandler on old versions.
      disableBlinkFeatures: 'Auxclick',
      // A file dropped outside the composer's drop zone must not navigate the window to it.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    },
  });
}

/** What the window lifecycle needs from the rest of the shell. */
export interface WindowLifecycleDeps<W extends BrowserWindowLike> {
  /** Creates the window (again, if it was destroyed). */
  create(): W;
  prefs: ShellPrefsService;
  clock: Clock;
  /** True once the app is quitting: closing the window then really closes it. */
  isQuitting(): boolean;
  /** Shows the one-time "still publishing from the tray" explanation. */
  explainHideToTray(): void;
  /** Called when the window is shown or focused (the tray clears its "needs attention" state). */
  onShown?(): void;
  /** Start without showing the window (launched at login). */
  startHidden: boolean;
}

/** The main window's life: close hides to the tray, show brings it back, bounds are remembered. */
export interface WindowController<W> {
  /** The window, or null before the first `open()` when started hidden and after it was destroyed. */
  current(): W | null;
  /** Shows and focuses the window, creating it if needed. */
  show(): W;
  /** Sends a message to the page once it has loaded (creating the window if needed, not showing it). */
  send(channel: string, ...args: unknown[]): void;
  /**
   * Closes the window for good (Quit), letting the page unload; resolves when it is closed, or
   * after `maxMs` if the page holds the unload.
   */
  closeForQuit(maxMs: number): Promise<void>;
}

const SAVE_BOUNDS_AFTER_MS = 500;

/** Manages the main window: the shell's "Outbox lives in the tray" rule. */
export function createWindowController<W extends BrowserWindowLike>(deps: WindowLifecycleDeps<W>): WindowController<W> {
  let window: W | null = null;
  let saveTimer: TimerHandle | null = null;

  const saveBounds = (win: W) => {
    saveTimer?.cancel();
    saveTimer = null;
    if (win.isDestroyed()) return;
    const normal = win.getNormalBounds();
    deps.prefs.saveBounds({ ...normal, maximized: win.isMaximized() });
  };

  const build = (showWhenReady: boolean): W => {
    const win = deps.create();
    win.on('resize', () => scheduleSave(win));
    win.on('move', () => scheduleSave(win));
    win.on('close', (event: { preventDefault(): void }) => {
      saveBounds(win);
      if (deps.isQuitting() || !deps.prefs.get().closeToTray) return;
      event.preventDefault();
      win.hide();
      if (deps.prefs.firstHideToTray()) deps.explainHideToTray();
    });
    win.on('closed', () => {
      saveTimer?.cancel();
      if (window === win) window = null;
    });
    // Seen: shown from the tray, or brought to the front by the creator.
    win.on('show', () => deps.onShown?.());
    win.on('focus', () => deps.onShown?.());
    if (deps.prefs.bounds()?.maximized) win.maximize();
    if (showWhenReady) win.once('ready-to-show', () => win.show());
    return win;
  };

  const scheduleSave = (win: W) => {
    saveTimer?.cancel();
    saveTimer = deps.clock.setTimeout(() => saveBounds(win), SAVE_BOUNDS_AFTER_MS);
  };

  const ensure = (showWhenReady: boolean) => {
    if (!window || window.isDestroyed()) window = build(showWhenReady);
    return window;
  };

  // Started hidden (at login), the page is not even loaded until it is first needed.
  if (!deps.startHidden) ensure(true);

  return {
    current: () => (window && !window.isDestroyed() ? window : null),
    show() {
      const win = ensure(true);
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      return win;
    },
    send(channel, ...args) {
      const win = ensure(false);
      const contents = win.webContents;
      const deliver = () => {
        if (!contents.isDestroyed()) contents.send(channel, ...args);
      };
      if (contents.isLoading()) contents.once('did-finish-load', deliver);
      else deliver();
    },
    closeForQuit(maxMs) {
      const win = window;
      if (!win || win.isDestroyed()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = deps.clock.setTimeout(resolve, maxMs);
        win.once('closed', () => {
          timer.cancel();
          resolve();
        });
        win.close();
      });
    },
  };
}
