import type { Clock } from '../core/ports/ports';

/** How long Quit waits for publishes in flight to settle (the rule). */
export const QUIT_DRAIN_MS = 10_000;
// The engine's own close gives up on in-flight publishes at QUIT_DRAIN_MS and records them;
// this margin covers writing those records before the shell stops waiting.
const RECORD_MARGIN_MS = 2_000;
/** How long Quit lets the page unload (and flush what is being typed) before closing the engine. */
export const WINDOW_CLOSE_MS = 2_000;

/** The event Electron passes to `before-quit` and powerMonitor's `shutdown`. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The part of Electron's app the quit controller uses. */
export interface QuitAppLike {
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  quit(): void;
  exit(code?: number): void;
}

/** Where the quit controller is: running, draining the engine, or letting the app exit. */
export type QuitPhase = 'running' | 'draining' | 'exiting';

/**
 * Quit, whichever way it comes (tray, Cmd+Q, the OS shutting down): the first `before-quit` is
 * held while the engine closes, which lets publishes in flight settle for up to 10 s and
 * records those that did not; then the app quits for real. If the engine never answers, the
 * app exits anyway after the drain time plus a margin.
 */
export function createQuitController(deps: {
  app: QuitAppLike;
  /**
   * Closes the window first, so the page's last writes (the composer flushes on unload) reach
   * the engine before it closes; resolves when those have been answered.
   */
  closeWindows?(): Promise<void>;
  /** Closes the engine (waits for in-flight publishes up to QUIT_DRAIN_MS, records the rest). */
  closeEngine(): Promise<void>;
  clock: Clock;
  drainMs?: number;
  log?(message: string, error?: unknown): void;
}) {
  let phase: QuitPhase = 'running';
  const limit = (deps.drainMs ?? QUIT_DRAIN_MS) + RECORD_MARGIN_MS + (deps.closeWindows ? WINDOW_CLOSE_MS : 0);

  const drain = async () => {
    phase = 'draining';
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const timer = deps.clock.setTimeout(() => {
        timedOut = true;
        resolve();
      }, limit);
      (deps.closeWindows?.() ?? Promise.resolve())
        .catch((error: unknown) => deps.log?.('closing the window failed', error))
        .then(() => deps.closeEngine())
        .catch((error: unknown) => deps.log?.('closing the engine failed', error))
        .finally(() => {
          timer.cancel();
          resolve();
        });
    });
    phase = 'exiting';
    if (timedOut) {
      deps.log?.(`the engine did not close within ${limit} ms; exiting anyway`);
      deps.app.exit(0);
    } else deps.app.quit();
  };

  /** Starts the drain (once); later calls wait for it. */
  const begin = (event?: PreventableEvent) => {
    if (phase === 'exiting') return;
    event?.preventDefault();
    if (phase === 'running') void drain();
  };

  deps.app.on('before-quit', (event) => begin(event));

  return {
    phase: () => phase,
    /** True from the moment quitting starts: closing the window then really closes it. */
    isQuitting: () => phase !== 'running',
    /** For the OS shutting down (powerMonitor `shutdown`, which lets us delay it). */
    onShutdown: (event?: PreventableEvent) => begin(event),
  };
}
