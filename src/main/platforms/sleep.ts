/** Waits `ms`, or rejects with the signal's reason when it aborts first (tests pass one that returns at once). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The adapters' real wait between polls and retries: a timer that the engine's abort cancels. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
