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
  /** `document`: a PDF (LinkedIn only; the catalog refuses it elsewhere before publishing). */
  kind: 'image' | 'video' | 'document';
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  altText: string;
  /** Facts read at import (null when unknown). */
  videoCodec: string | null;
  audioCodec: string | null;
  frameRate: number | null;
  /** A video's cover as the creator chose it: a frame time (TikTok) and/or an image file (YouTube, Reels, Facebook). */
  cover: { atMs: number | null; image: { path: string; mime: string; width: number | null; height: number | null; bytes: number } | null } | null;
  /** How an image outside the platform's aspect range is fitted ('crop' unless the creator chose 'pad'). */
  aspect: 'crop' | 'pad';
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
  /** Aborted when the engine gives up on the attempt (quit, or no progress for the attempt timeout). */
  signal: AbortSignal;
  now(): number;
  /**
   * Upload progress of this entry (bytes sent so far of `total`): shown on the post while it
   * publishes, and each call keeps a long upload from hitting the attempt timeout.
   */
  reportProgress?(sent: number, total: number): void;
  /**
   * Public links from the creator's own bucket, for platforms that fetch media from a URL
   * (Instagram, Threads, TikTok photos); null or absent when no bucket is set up (the adapter
   * fails permanently saying so; the composer warns before scheduling).
   */
  publicLinks?: PublicLinks | null;
}

/** Media put in the creator's own S3-compatible bucket behind presigned links that expire. */
export interface PublicLinks {
  /**
   * Uploads a file (stream, multipart when large) and returns its object key and a presigned GET
   * URL (default 60 minutes). Save the key in progress: after a crash the object is removed by
   * the next `remove` or by the start-up sweep of objects older than a day.
   */
  share(path: string, options?: { contentType?: string; expiresInSeconds?: number; signal?: AbortSignal; onProgress?: (sent: number, total: number) => void }): Promise<{ key: string; url: string }>;
  /** A fresh presigned URL for an object already shared (after a resume). */
  presign(key: string, expiresInSeconds?: number): Promise<string>;
  /** Deletes the object once the platform has it (after the container is finished). */
  remove(key: string): Promise<void>;
}

/** What a successful publish tells the engine. */
export interface PublishResult {
  platformPostId: string;
  platformUrl: string | null;
  httpStatus?: number;
  /**
   * Something the creator must know about a publish that went through (YouTube locked the video
   * private; the platform refused the cover): written in the attempt log and notified.
   */
  notice?: string;
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
}

/** What a platform holds for a hand-off whose answer was lost. */
export type RemoteFound = { state: 'scheduled'; remoteId: string } | { state: 'published'; result: PublishResult } | { state: 'missing' };

/** What the platform's scheduler says about an entry handed to it. */
export type RemoteStatus = { state: 'scheduled'; at: number } | { state: 'published'; result: PublishResult } | { state: 'missing' };

/**
 * A platform's own scheduler (Mastodon's scheduled statuses, Facebook's scheduled posts, YouTube's
 * publishAt): the engine hands an entry over so it goes out with the computer off. Failures are
 * PublishErrors like publish's; `permanent` means the platform will not hold this entry (it stays
 * with Outbox). What the platform accepts (lead time, threads) is in the catalog's `handOff`.
 */
export interface RemoteScheduler {
  /** The earliest a post may be handed over, when it differs from the catalog's rule (a test platform). */
  minLeadMs?: number;
  /**
   * Hands the entry over to go out at `at` (UTC ms); resolves with the platform's id of the
   * schedule, and a `notice` the creator must read (written in the attempt log and notified).
   */
  schedule(ctx: PublishContext, at: number): Promise<{ remoteId: string; notice?: string }>;
  /** Moves the schedule to `at`. */
  reschedule(ctx: PublishContext, remoteId: string, at: number): Promise<void>;
  /**
   * Cancels the schedule; resolves when it is gone (also when it already was), with a `notice`
   * when something stays on the platform (YouTube keeps the uploaded video, private).
   */
  cancel(ctx: PublishContext, remoteId: string): Promise<void | { notice?: string }>;
  /**
   * Asks the platform: still scheduled, published (with the post), or missing — certainly not
   * published, so Outbox may send it itself.
   */
  status(ctx: PublishContext, remoteId: string): Promise<RemoteStatus>;
  /**
   * After a hand-off whose answer was lost (a crash, a timeout): finds what it may have made for
   * this entry at `at` — still scheduled (with its id), already published, or missing (the
   * platform holds nothing: safe to hand off again).
   */
  find(ctx: PublishContext, at: number): Promise<RemoteFound>;
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from `now`. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// ---- Connecting accounts ----

/** What a platform knows about an account once connected. `secrets` go to the keychain only. */
export interface ConnectedAccount {
  /** The platform's id for the user, page, channel or chat. */
  platformUserId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  /** Mastodon instance, Bluesky PDS, Telegram Bot API base; '' where the platform has one home. */
  instanceUrl: string;
  /** Non-secret facts kept in the database (chat id, instance limits under `limits`, page ids). */
  meta: Record<string, unknown>;
  /** Tokens, passwords, sessions: stored as JSON in the keychain under the account's key. */
  secrets: Record<string, unknown>;
  /** When the access token expires (UTC ms), or null. */
  tokenExpiresAt: number | null;
}

/** When the platform needs a choice after consent (pages, channels). */
export interface ConnectChoice {
  kind: 'choose';
  options: Array<{ id: string; name: string; kind: string; avatarUrl: string | null }>;
  /** Finishes the connection with the chosen option. */
  complete(optionId: string): Promise<ConnectedAccount>;
}

/** An OAuth 2.0 client as a platform describes it. */
export interface OAuthClientConfig {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /** How the scopes are joined in the authorize URL (' ' by default; some platforms use ','). */
  scopeSeparator?: string;
  /** Extra query parameters for the authorize URL. */
  extraAuthorizeParams?: Record<string, string>;
  /** How the client authenticates at the token endpoint. */
  tokenAuth?: 'body' | 'basic' | 'none';
  /** The issuer to check `iss` against, where the server sends it. */
  issuer?: string;
  /** The name of the client id parameter ('client_id' by default; TikTok uses 'client_key'). */
  clientIdParam?: string;
  /** How the S256 challenge is encoded (base64url per RFC 7636; TikTok desktop wants hex). */
  pkceEncoding?: 'base64url' | 'hex';
  /** The loopback redirect path ('/callback' by default). */
  redirectPath?: string;
}

/** Tokens from an authorization code or refresh grant. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds, as the server said. */
  expiresIn: number | null;
  scope: string | null;
  tokenType: string;
  /** The whole token response (some platforms put ids in it). */
  raw: Record<string, unknown>;
}

/** What the accounts service gives a platform's connect code. */
export interface ConnectContext {
  /** Endpoint overrides for this platform (tests). */
  endpoints: { apiBase?: string; authBase?: string; [key: string]: string | undefined };
  now(): number;
  signal: AbortSignal;
  /** Runs the authorization-code flow with PKCE through the system browser and a loopback redirect. */
  oauth(config: OAuthClientConfig): Promise<OAuthTokens>;
  /** The refresh-token grant, with the same client config. */
  refreshToken(config: OAuthClientConfig, refreshToken: string): Promise<OAuthTokens>;
  /** The creator's developer app for this platform, if set (accounts:setAppCredentials). */
  appCredentials: { clientId: string; clientSecret?: string } | null;
  /** Secret values a platform keeps across accounts (e.g. Mastodon app registrations per instance). */
  secretCache: { get(key: string): Promise<string | null>; set(key: string, value: string): Promise<void> };
}

/** What checking an account found. */
export interface CheckResult {
  connection: 'connected' | 'disconnected' | 'token_expired';
  /** Updated profile facts, if the platform returned them. */
  profile?: Partial<Pick<ConnectedAccount, 'handle' | 'displayName' | 'avatarUrl' | 'meta'>>;
  /** Replaced secrets (e.g. a refreshed session), stored before anything else happens. */
  secrets?: Record<string, unknown>;
  message?: string;
}

/** One platform's account connection (STYLE.md rule 8: `src/main/platforms/<id>/auth.ts`). */
export interface PlatformConnector<Input = Record<string, unknown>> {
  platform: PlatformId;
  /** Connects with what the creator gave (the `accounts:connect` payload less `platform`). */
  connect(input: Input, ctx: ConnectContext): Promise<ConnectedAccount | ConnectChoice>;
  /** A cheap call that proves the credentials still work. */
  check(account: PublishAccount, secrets: Record<string, unknown>, ctx: ConnectContext): Promise<CheckResult>;
  /**
   * Refreshes the access token. The accounts service stores the returned secrets before it
   * uses them (rotating refresh tokens must never be lost). Throws when the grant is refused.
   */
  refresh?(account: PublishAccount, secrets: Record<string, unknown>, ctx: ConnectContext): Promise<{ secrets: Record<string, unknown>; tokenExpiresAt: number | null }>;
}

/** What a platform's lookup gets: the account it asks about, with its secrets. */
export interface LookupContext {
  account: PublishAccount;
  credentials: Record<string, unknown>;
  endpoints: { apiBase?: string; authBase?: string; [key: string]: string | undefined };
  signal: AbortSignal;
  now(): number;
}

/**
 * A question the composer asks a platform about one account before a post is written (TikTok's
 * creator info, Pinterest's boards). `input` is whatever the caller passed, unvalidated: check it.
 * Failures are PublishErrors, like publish's.
 */
export type PlatformLookup = (ctx: LookupContext, input: Record<string, unknown>) => Promise<unknown>;

/**
 * Everything Outbox can do with one platform (STYLE.md rule 8): `src/main/platforms/<id>/index.ts`
 * exports it, and `src/main/platforms/index.ts` lists one per PlatformId. Names, limits and
 * settings schemas live in `src/shared/platforms` (the renderer needs them too).
 */
export interface PlatformModule {
  id: PlatformId;
  /** Connecting, checking and refreshing accounts. `any`: each connector takes its own input shape. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connector: PlatformConnector<any>;
  /** Publishing an entry, where Outbox can publish to the platform. */
  publisher?: PlatformAdapter;
  /** The platform's own scheduler (the post goes out with the computer off), where it has one. */
  scheduler?: RemoteScheduler;
  /** Questions the composer may ask about an account (`accounts:lookup`), by name. */
  lookups?: Record<string, PlatformLookup>;
}
