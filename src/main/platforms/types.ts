import type { PlatformId } from '../../shared/domain';

/**
 * How a failed publish is classified (STYLE.md rule 8), so the engine decides once for all
 * platforms: `transient` is retried with backoff, `rate_limited` waits `retryAfterMs`,
 * `auth` refreshes the token once, `permanent` fails at once with the platform's message.
 */
export type PublishErrorKind = 'transient' | 'rate_limited' | 'auth' | 'permanent';

/** A classified publish failure. Adapters throw only this (anything else counts as transient). */
export class PublishError extends Error {
  readonly kind: PublishErrorKind;
  /** For `rate_limited`: how long the platform asks us to wait. */
  readonly retryAfterMs: number | undefined;
  readonly httpStatus: number | undefined;
  /**
   * True when the request may have reached the platform (a timeout or dropped connection after
   * sending). The engine repeats such a request only for idempotent adapters.
   */
  readonly maybeSent: boolean;

  constructor(kind: PublishErrorKind, message: string, options: { retryAfterMs?: number; httpStatus?: number; maybeSent?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PublishError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.httpStatus = options.httpStatus;
    this.maybeSent = options.maybeSent ?? false;
  }
}

/** A media file of a part, resolved to its stored copy. */
export interface PublishMedia {
  mediaId: string;
  /** Absolute path of the stored file (never modified by adapters: re-encode into memory). */
  path: string;
  kind: 'image' | 'video';
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  altText: string;
}

/** One part of the post, with the entry's text override applied to the first part. */
export interface PublishPart {
  text: string;
  media: PublishMedia[];
}

/** The account an entry publishes as. */
export interface PublishAccount {
  id: string;
  platform: PlatformId;
  handle: string;
  platformUserId: string;
  /** Mastodon instance, Bluesky PDS, Telegram Bot API base; '' where the platform has one home. */
  instanceUrl: string;
  /** Non-secret platform facts saved at connect time. */
  meta: Record<string, unknown>;
}

/** Durable per-entry state an adapter saves between requests (committed before it resolves). */
export interface ProgressStore<T = Record<string, unknown>> {
  get(): T | null;
  save(state: T): Promise<void>;
}

/** Everything one publish (or reconcile) of one entry gets. */
export interface PublishContext {
  entry: {
    id: string;
    postId: string;
    /** Fresh for each claim and stable across retries of that claim's requests. */
    attemptKey: string;
    contentType: string;
    settings: Record<string, unknown>;
  };
  parts: PublishPart[];
  account: PublishAccount;
  /** The account's secrets, as the accounts service stored them (shape per platform). */
  credentials: Record<string, unknown>;
  progress: ProgressStore;
  /** Endpoint overrides for this platform (tests); adapters fall back to the real hosts. */
  endpoints: { apiBase?: string; authBase?: string; [key: string]: string | undefined };
  /** Aborted when the engine gives up on the attempt (quit, timeout). */
  signal: AbortSignal;
  now(): number;
}

/** What a successful publish tells the engine. */
export interface PublishResult {
  platformPostId: string;
  platformUrl: string | null;
  httpStatus?: number;
}

/** One platform's publishing (STYLE.md rule 8: one folder per platform). */
export interface PlatformAdapter {
  platform: PlatformId;
  /** True when repeating a publish with the same attempt key cannot create a second post. */
  idempotent: boolean;
  publish(ctx: PublishContext): Promise<PublishResult>;
  /**
   * After a crash with the entry `publishing`: finds out whether the attempt went through.
   * Resolves with the result if it did, null if it certainly did not (safe to send again).
   * Throws when it cannot tell.
   */
  reconcile?(ctx: PublishContext): Promise<PublishResult | null>;
  /** Delivery by the platform's own scheduler (the post goes out with the computer off), where it has one. */
  remote?: RemoteScheduler;
}

/** What the platform's scheduler says about an entry handed to it. */
export type RemoteStatus = { state: 'scheduled'; at: number } | { state: 'published'; result: PublishResult } | { state: 'missing' };

/**
 * A platform-side schedule (Mastodon's scheduled statuses). Failures are PublishErrors like
 * publish's. The adapter keeps what it needs (the remote id) in `ctx.progress`.
 */
export interface RemoteScheduler {
  /** The earliest a post may be handed over, in ms ahead of now (Mastodon: 5 minutes). */
  minLeadMs: number;
  /** Hands the entry over to go out at `at` (UTC ms); resolves with the platform's id of the schedule. */
  schedule(ctx: PublishContext, at: number): Promise<{ remoteId: string }>;
  /** Moves the schedule to `at`. */
  reschedule(ctx: PublishContext, remoteId: string, at: number): Promise<void>;
  /** Cancels the schedule; resolves when it is gone (also when it already was). */
  cancel(ctx: PublishContext, remoteId: string): Promise<void>;
  /** Asks the platform: still scheduled, published (with the post), or gone. */
  status(ctx: PublishContext, remoteId: string): Promise<RemoteStatus>;
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from `now`. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
