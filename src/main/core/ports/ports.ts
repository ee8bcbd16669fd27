/** Where secrets live (production: the OS keychain). Keys are opaque strings chosen by the engine. */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** An armed timer, as returned by `Clock.setTimeout`. */
export interface TimerHandle {
  cancel(): void;
}

/** The engine's only source of time; tests pass a controllable one. */
export interface Clock {
  /** Milliseconds since the epoch, UTC. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** Something the creator should hear about even with the window closed. */
export interface Notification {
  kind: 'publish_failed' | 'partially_published' | 'account_needs_reconnect' | 'missed_posts' | 'info';
  title: string;
  body: string;
  /** What clicking the notification opens. */
  target?: { postId: string } | { accountId: string };
}

/** Receives user-facing notifications (the shell shows them as OS notifications). */
export interface Notifier {
  notify(notification: Notification): void;
}

/** The machine's online/offline signal. */
export interface NetworkMonitor {
  /** Whether the machine is online now (a port may ask the OS afresh). */
  isOnline(): boolean;
  /** Calls `listener` on every change; returns an unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
  /**
   * The engine says whether it is waiting for the network (offline with something due). A port
   * that has to poll the OS polls only then, so an idle tray app does not wake for nothing.
   */
  watch?(waiting: boolean): void;
}

/** Sleep and wake of the machine, reported by the shell. */
export interface PowerMonitor {
  /** Calls `listener` on suspend and resume; returns an unsubscribe function. */
  subscribe(listener: (event: 'suspend' | 'resume') => void): () => void;
}

/** Opens a URL in the creator's browser (OAuth consent screens). */
export type OpenBrowser = (url: string) => Promise<void>;

/** Per-platform endpoint overrides, for tests against local servers. */
export type PlatformEndpoints = Partial<Record<string, { apiBase?: string; authBase?: string; [key: string]: string | undefined }>>;
