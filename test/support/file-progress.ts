import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { ProgressStore } from '../../src/main/platforms/types';

/**
 * A ProgressStore kept in a JSON file, written like the engine commits its SQLite row: the new
 * state is on disk (written, fsynced, renamed over the old one) before `save` resolves, so a
 * process SIGKILLed at any moment finds either the old state or the new one.
 */
export function fileProgressStore(path: string): ProgressStore {
  let state: Record<string, unknown> | null = null;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    state = null;
  }
  return {
    get: () => state,
    async save(next) {
      state = next;
      const temp = `${path}.tmp`;
      const fd = openSync(temp, 'w');
      try {
        writeSync(fd, JSON.stringify(next));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
    },
  };
}

/** A ProgressStore in memory that survives "restarts" within one test (the same object is passed again). */
export function memoryProgressStore(initial: Record<string, unknown> | null = null): ProgressStore & { saves: number } {
  let state = initial;
  const store = {
    saves: 0,
    get: () => state,
    async save(next: Record<string, unknown>) {
      store.saves += 1;
      // A copy, as the engine's JSON column would hold: later changes to `next` must not leak in.
      state = JSON.parse(JSON.stringify(next)) as Record<string, unknown>;
    },
  };
  return store;
}
