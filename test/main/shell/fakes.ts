import { EventEmitter } from 'node:events';
import type { KeyValueStore } from '../../../src/main/shell/prefs';
import type { MainWindowOptions, Rect } from '../../../src/main/shell/window';

/** An event Electron would pass: records whether a handler called preventDefault(). */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

/** electron-store, in memory. */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string) {
    return structuredClone(this.data.get(key));
  }
  set(key: string, value: unknown) {
    this.data.set(key, structuredClone(value));
  }
}

/** A webContents that records what it was sent. */
export class FakeWebContents extends EventEmitter {
  loading = true;
  destroyed = false;
  readonly sent: unknown[][] = [];
  isLoading() {
    return this.loading;
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  finishLoad() {
    this.loading = false;
    this.emit('did-finish-load');
  }
}

/** A BrowserWindow: remembers its options, visibility and bounds; `close()` runs the close handlers like Electron. */
export class FakeWindow extends EventEmitter {
  static created: FakeWindow[] = [];
  visible = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  focused = false;
  bounds: Rect;
  readonly webContents = new FakeWebContents();
  constructor(readonly options: MainWindowOptions) {
    super();
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width, height: options.height };
    FakeWindow.created.push(this);
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  maximize() {
    this.maximized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  isMaximized() {
    return this.maximized;
  }
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  /** What Electron does when the user closes the window. */
  close() {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    return true;
  }
}
