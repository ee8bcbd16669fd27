import type { ProgressStore } from '../types';

/** One named value inside an entry's progress object (one per upload of a thread or carousel). */
export interface ProgressSlot<T> {
  /** The value saved under the key, or null. */
  get(): T | null;
  /** Saves the value (null removes it), keeping every other key of the entry's progress. */
  save(value: T | null): Promise<void>;
}

// Saves of one store run one after the other, each merging into what the store holds then: two
// uploads of a carousel saving at once must not overwrite each other's keys.
const queues = new WeakMap<ProgressStore, Promise<unknown>>();

/** The slot `key` of an entry's progress: what the engine saves is the whole object, each upload keeps its own key. */
export function progressSlot<T>(store: ProgressStore, key: string): ProgressSlot<T> {
  return {
    get: () => ((store.get() ?? {})[key] as T | undefined) ?? null,
    save(value) {
      const previous = queues.get(store) ?? Promise.resolve();
      const next = previous
        .catch(() => undefined)
        .then(() => {
          const { [key]: _old, ...rest } = store.get() ?? {};
          return store.save(value === null ? rest : { ...rest, [key]: value });
        });
      queues.set(store, next);
      return next;
    },
  };
}
