/** Scheduler state as the tray and the UI show it. */
export interface SchedulerState {
  paused: boolean;
  online: boolean;
  /** Entries being sent right now. */
  publishing: number;
  /** The next moment the scheduler will wake for, or null. */
  nextDueAt: string | null;
}

/** Upload progress of one entry while it publishes (bytes of its media sent so far). */
export interface PublishProgress {
  postId: string;
  entryId: string;
  sent: number;
  total: number;
}

/** Push events from the engine, by name, with their payloads. */
export interface EventMap {
  'posts:changed': { ids: string[] };
  'accounts:changed': { ids: string[] };
  'settings:changed': { keys: string[] };
  'scheduler:state': SchedulerState;
  'publish:progress': PublishProgress;
  /** A webhook or the delivery log changed (the Settings view refetches). */
  'webhooks:changed': { ids: string[] };
}

/** The name of a push event. */
export type EventName = keyof EventMap;

/** Every event name, for the preload and the harness to forward. */
export const EVENT_NAMES = ['posts:changed', 'accounts:changed', 'settings:changed', 'scheduler:state', 'publish:progress', 'webhooks:changed'] as const satisfies readonly EventName[];
