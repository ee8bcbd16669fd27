import type { PlatformId } from '../../../shared/domain';
import type { Settings } from '../../../shared/ipc/settings';
import { platformSpec } from '../../../shared/platforms/catalog';
import type { PlatformAdapter, PublicLinks, RemoteScheduler } from '../../platforms/types';
import type { AccountRow } from '../accounts/accounts.repo';
import type { EventBus } from '../events';
import type { MediaRow } from '../media/media.repo';
import type { CredentialsProvider } from '../ports/credentials';
import type { Clock, NetworkMonitor, Notifier, PlatformEndpoints, PowerMonitor } from '../ports/ports';
import type { PostStore } from '../posts/post-store.repo';
import type { RetryPolicy } from './retry-policy';

/** What the publishing engine needs from the rest of the core. */
export interface PublishingDeps {
  store: PostStore;
  /** The accounts entries publish as, and those that let their platform publish scheduled posts. */
  accounts: { get(id: string): AccountRow | null; handingOff(): string[] };
  /** The media library's stored files. */
  media: { get(id: string): MediaRow | undefined };
  dataDir: string;
  clock: Clock;
  notifier: Notifier;
  network: NetworkMonitor;
  power: PowerMonitor;
  platforms: PlatformEndpoints;
  bus: EventBus;
  settings: { get(): Settings };
  credentials: CredentialsProvider;
  /** Each platform's publisher (the platform modules'), where it has one. */
  publishers: Partial<Record<PlatformId, PlatformAdapter>>;
  /** The creator's bucket for public media links, when one is set up (media hosting); null otherwise. */
  publicLinks?: () => Promise<PublicLinks | null>;
  /** Each platform's own scheduler (the platform modules'), where it has one: entries are handed off to it. */
  schedulers: Partial<Record<PlatformId, RemoteScheduler>>;
  /** This engine's hold on the data folder (engine-lock.ts); checked before and inside every claim. */
  folder?: FolderHold;
  retry?: Partial<RetryPolicy>;
  /** How the hand-off part paces itself (defaults in hand-off.ts; the crash test runs it faster). */
  handOffPolicy?: Partial<HandOffPolicy>;
  /** How long `close()` waits for requests in flight (default 10 s). */
  drainTimeoutMs?: number;
  random?: () => number;
  log?: (message: string, error: unknown) => void;
}

/** How the hand-off part paces its checks. */
export interface HandOffPolicy {
  /** The platform is asked for the result this long after the post's time. */
  settleGraceMs: number;
  /** A platform that has not published a held post this long after its time: failed, "check". */
  lateLimitMs: number;
  /** While a check runs, its entry is not picked again for this long (a crash lets it come back). */
  leaseMs: number;
  /** Waits between tries of a hand-off or a check that failed. */
  retryMs: number[];
}

/** The engine's hold on its data folder, as the scheduler checks it. */
export interface FolderHold {
  /** Re-takes the lock file if someone deleted it; 'lost' when another engine holds it now. */
  verify(): 'ok' | 'lost';
  /** True while the database still names this engine its owner (run inside the claim's transaction). */
  holds(): boolean;
}

/** The engine's life cycle, shared by its parts. */
export interface EngineLife {
  started: boolean;
  /** close() began: claim nothing more. */
  stopping: boolean;
  /** close() gave up waiting: late answers must not touch the closed database. */
  detached: boolean;
}

/** What the scheduler, the runner and the outcomes share. */
export interface EngineShared {
  deps: PublishingDeps;
  policy: RetryPolicy;
  life: EngineLife;
  log(message: string, error: unknown): void;
  /** posts:changed, coalesced per turn of the event loop. */
  changed(ids: Iterable<string>): void;
  /** scheduler:state now (when it changed), with the next due moment just read. */
  emitState(nextDueAt: number | null): void;
  /** scheduler:state after the current turn (entries starting and ending in bursts emit once). */
  stateSoon(): void;
  /** Runs the scheduler's turn soon (once per burst of calls). */
  rearmSoon(): void;
  /** Per account: no request before this moment (the platform asked us to wait). */
  blockedUntil: Map<string, number>;
  /** Entries being sent right now, by entry id. */
  running: Map<string, { abort: AbortController; postId: string }>;
  /**
   * Runs a database write now (then `after` with its result), or, when the database refuses it
   * (disk full, locked), keeps both and runs them on the scheduler's next turns until the write
   * lands. Returns true if it ran now.
   */
  persist<T>(what: string, write: () => T, after?: (result: T) => void): boolean;
}

/** A platform's name as the creator reads it (the catalog's one table of names). */
export const platformName = (platform: PlatformId): string => platformSpec(platform).name;
