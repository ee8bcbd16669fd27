import type { EventMap, EventName } from '../../shared/ipc/events';

/** The engine's push events: services emit, `core.on` subscribers listen. */
export function createEventBus() {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  return {
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as (payload: EventMap[E]) => void)(payload);
        } catch (error) {
          // A broken listener must not break the engine or the other listeners.
          console.error(`[outbox] listener for ${event} threw`, error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}

/** The engine's event bus. */
export type EventBus = ReturnType<typeof createEventBus>;
