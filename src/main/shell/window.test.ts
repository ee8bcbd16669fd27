import { beforeEach, describe, expect, it } from 'vitest';
import { FakeWindow, MemoryStore } from '../../../test/main/shell/fakes';
import { ManualClock } from '../core/ports/doubles';
import { createShellPrefs } from './prefs';
import { createMainWindow, createWindowController, isOnScreen } from './window';

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1080 }];

function setup(options: { startHidden?: boolean; quitting?: boolean } = {}) {
  const store = new MemoryStore();
  const prefs = createShellPrefs(store);
  const clock = new ManualClock();
  const explained: number[] = [];
  let shown = 0;
  const state = { quitting: options.quitting ?? false };
  const windows = createWindowController({
    create: () => createMainWindow(FakeWindow, { preload: '/app/preload.cjs', bounds: prefs.bounds(), workAreas: SCREEN }),
    prefs,
    clock,
    isQuitting: () => state.quitting,
    explainHideToTray: () => explained.push(clock.now()),
    onShown: () => shown++,
    startHidden: options.startHidden ?? false,
  });
  return { store, prefs, clock, explained, windows, state, shown: () => shown };
}

beforeEach(() => {
  FakeWindow.created = [];
});

describe('main window options', () => {
  it('are hardened: sandboxed, context-isolated, no Node in the page, no webview, no Blink extras', () => {
    const window = createMainWindow(FakeWindow, { preload: '/app/preload.cjs', bounds: null, workAreas: SCREEN });
    expect(window.options.webPreferences).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    });
    expect(window.options.show).toBe(false);
  });

  it('reopen at the remembered size, and place only while that place is on a connected display', () => {
    const onScreen = createMainWindow(FakeWindow, { preload: 'p', bounds: { x: 100, y: 50, width: 900, height: 700, maximized: false }, workAreas: SCREEN });
    expect(onScreen.options).toMatchObject({ x: 100, y: 50, width: 900, height: 700 });
    const unplugged = createMainWindow(FakeWindow, { preload: 'p', bounds: { x: 2500, y: 50, width: 900, height: 700, maximized: false }, workAreas: SCREEN });
    expect(unplugged.options.x).toBeUndefined();
    expect(unplugged.options).toMatchObject({ width: 900, height: 700 });
    expect(isOnScreen({ x: 1900, y: 0, width: 800, height: 600 }, SCREEN)).toBe(false);
  });
});

describe('window lifecycle', () => {
  it('closing the window hides it to the tray instead of quitting, explained once', () => {
    const t = setup();
    const window = FakeWindow.created[0]!;
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    expect(t.explained).toHaveLength(1);
    t.windows.show();
    window.close();
    expect(t.explained).toHaveLength(1);
    expect(FakeWindow.created).toHaveLength(1);
  });

  it('closing really closes once the app is quitting, or when close-to-tray is off', () => {
    const t = setup();
    t.state.quitting = true;
    expect(FakeWindow.created[0]!.close()).toBe(true);
    expect(t.windows.current()).toBeNull();
    const u = setup();
    u.prefs.update({ closeToTray: false });
    expect(FakeWindow.created[1]!.close()).toBe(true);
    expect(u.explained).toHaveLength(0);
  });

  it('Open brings the hidden window back, restored and focused, and recreates it if it was destroyed', () => {
    const t = setup();
    const window = FakeWindow.created[0]!;
    window.close();
    window.minimized = true;
    expect(t.windows.show()).toBe(window);
    expect(window).toMatchObject({ visible: true, minimized: false, focused: true });
    expect(t.shown()).toBe(1);
    window.emit('focus');
    expect(t.shown()).toBe(2);
    t.state.quitting = true;
    window.close();
    const again = t.windows.show();
    expect(again).not.toBe(window);
    expect(FakeWindow.created).toHaveLength(2);
  });

  it('remembers size and position half a second after the last move, and on close', async () => {
    const t = setup();
    const window = FakeWindow.created[0]!;
    window.bounds = { x: 10, y: 20, width: 1000, height: 700 };
    window.emit('resize');
    await t.clock.advance(300);
    window.bounds = { x: 30, y: 40, width: 1000, height: 700 };
    window.emit('move');
    await t.clock.advance(300);
    expect(t.prefs.bounds()).toBeNull();
    await t.clock.advance(300);
    expect(t.prefs.bounds()).toEqual({ x: 30, y: 40, width: 1000, height: 700, maximized: false });
    window.bounds = { x: 50, y: 60, width: 1100, height: 750 };
    window.maximized = true;
    window.close();
    expect(t.prefs.bounds()).toEqual({ x: 50, y: 60, width: 1100, height: 750, maximized: true });
    // The next window opens where the last one was.
    t.state.quitting = true;
    window.close();
    const next = t.windows.show() as unknown as FakeWindow;
    expect(next.options).toMatchObject({ x: 50, y: 60, width: 1100, height: 750 });
    expect(next.maximized).toBe(true);
  });

  it('started at login, no window exists until Outbox is opened', () => {
    const t = setup({ startHidden: true });
    expect(FakeWindow.created).toHaveLength(0);
    expect(t.windows.current()).toBeNull();
    t.windows.show();
    expect(FakeWindow.created).toHaveLength(1);
  });

  it('Quit closes the window for good, or stops waiting if the page holds the unload', async () => {
    const t = setup();
    t.state.quitting = true;
    const closing = t.windows.closeForQuit(2_000);
    await closing;
    expect(FakeWindow.created[0]!.destroyed).toBe(true);
    const held = setup();
    // Not quitting: the close is turned into a hide, as a page's beforeunload could hold it.
    let done = false;
    void held.windows.closeForQuit(2_000).then(() => (done = true));
    await held.clock.advance(1_999);
    expect(done).toBe(false);
    await held.clock.advance(1);
    expect(done).toBe(true);
    expect(await setup({ startHidden: true }).windows.closeForQuit(10)).toBeUndefined();
  });

  it('messages for the page wait until it has loaded', () => {
    const t = setup();
    const window = FakeWindow.created[0]!;
    t.windows.send('shell:open', { postId: 'p1' });
    expect(window.webContents.sent).toEqual([]);
    window.webContents.finishLoad();
    expect(window.webContents.sent).toEqual([['shell:open', { postId: 'p1' }]]);
    t.windows.send('shell:open', { view: 'composer' });
    expect(window.webContents.sent).toHaveLength(2);
  });
});
