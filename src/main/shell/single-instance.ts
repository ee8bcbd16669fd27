/** The part of Electron's app the single-instance lock uses. */
export interface SingleInstanceAppLike {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): unknown;
  quit(): void;
}

/**
 * One Outbox per user: the first instance holds the lock; a second launch quits at once and the
 * first one is told (and shows its window). Returns false in the second instance. The engine
 * also refuses a second engine on the same data folder, so two instances can never publish twice.
 */
export function claimSingleInstance(app: SingleInstanceAppLike, onSecondInstance: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) => onSecondInstance(argv));
  return true;
}
