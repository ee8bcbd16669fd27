import type { Notification, Notifier } from '../core/ports/ports';
import type { OpenTarget } from '../../shared/ipc/shell';

/** The part of an Electron Notification the notifier uses. */
export interface OsNotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

/** The options the notifier builds a notification with. */
export interface OsNotificationOptions {
  title: string;
  body: string;
  icon?: string;
  silent: boolean;
}

/** How an OS notification is constructed (Electron's class, or a fake in tests). */
export type OsNotificationCtor = new (options: OsNotificationOptions) => OsNotificationLike;

/** The engine's notification kinds that mean "something needs your attention". */
export const PROBLEM_KINDS: ReadonlySet<Notification['kind']> = new Set(['publish_failed', 'partially_published', 'account_needs_reconnect', 'missed_posts']);

// Electron drops the click handler of a notification that has been garbage-collected
// (https://github.com/electron/electron/issues/16922), so shown notifications are kept until clicked or closed.
const KEEP_AT_MOST = 50;

/**
 * The engine's Notifier port as OS notifications. Clicking one shows Outbox and opens what
 * it is about (the post or the account); one without a target just shows Outbox.
 */
export function createOsNotifier(deps: {
  Notification: OsNotificationCtor;
  isSupported(): boolean;
  icon?: string | undefined;
  open(target: OpenTarget | null): void;
  /** Told about every problem notification (the tray shows the problem state). */
  onProblem?(notification: Notification): void;
  log?(message: string, error?: unknown): void;
}): Notifier & { shown(): number } {
  const kept = new Set<OsNotificationLike>();
  return {
    notify(notification) {
      if (PROBLEM_KINDS.has(notification.kind)) deps.onProblem?.(notification);
      if (!deps.isSupported()) return;
      try {
        const shown = new deps.Notification({
          title: notification.title,
          body: notification.body,
          ...(deps.icon ? { icon: deps.icon } : {}),
          silent: notification.kind === 'info',
        });
        const forget = () => kept.delete(shown);
        shown.on('click', () => {
          forget();
          deps.open(notification.target ?? null);
        });
        shown.on('close', forget);
        kept.add(shown);
        if (kept.size > KEEP_AT_MOST) kept.delete(kept.values().next().value!);
        shown.show();
      } catch (error) {
        // A notification that cannot be shown must never break the publish that reported it.
        deps.log?.('could not show a notification', error);
      }
    },
    shown: () => kept.size,
  };
}
