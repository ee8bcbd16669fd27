import type { Agent, XRPCError } from '@atproto/api';
import { lazy } from '../lazy';
import { PublishError } from '../types';

/** @atproto/api (with its lexicons, the heaviest module Outbox has): loaded when Bluesky is first used. */
export const atproto = lazy(() => import('@atproto/api'));

/** True for an XRPC error of the SDK (only thrown once it has loaded). */
export function isXrpcError(err: unknown): err is XRPCError {
  const sdk = atproto.loaded();
  return sdk !== undefined && err instanceof sdk.XRPCError;
}

/** Where a creator's Bluesky account lives when they name no other service. */
export const DEFAULT_SERVICE = 'https://bsky.social';

/**
 * What the connector stores in the keychain for a Bluesky account (and the adapter gets back as
 * `ctx.credentials`): the session plus the app password, so a dead session can be recreated.
 */
export interface BlueskySecrets {
  /** The service the creator signed in to (the entryway, e.g. https://bsky.social): sessions live there. */
  service: string;
  /** The account's own PDS from its DID document: repo reads and writes go there. */
  pdsUrl: string;
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
  /** What the creator typed to sign in (handle, DID or email). */
  identifier: string;
  appPassword: string;
}

/** Reads stored secrets, failing as `auth` when they are not a Bluesky session (reconnect). */
export function parseSecrets(raw: Record<string, unknown>): BlueskySecrets {
  const text = (key: string): string => {
    const value = raw[key];
    return typeof value === 'string' ? value : '';
  };
  const secrets: BlueskySecrets = {
    service: text('service') || DEFAULT_SERVICE,
    pdsUrl: text('pdsUrl') || text('service') || DEFAULT_SERVICE,
    did: text('did'),
    handle: text('handle'),
    accessJwt: text('accessJwt'),
    refreshJwt: text('refreshJwt'),
    identifier: text('identifier') || text('did'),
    appPassword: text('appPassword'),
  };
  if (!secrets.did || !secrets.accessJwt) throw new PublishError('auth', 'The Bluesky session is missing: reconnect the account');
  return secrets;
}

/** An agent without a session (createSession, refreshSession, public reads). */
export async function anonymousAgent(service: string): Promise<Agent> {
  const { Agent } = await atproto();
  return new Agent({ did: undefined, fetchHandler: (url: string, init: RequestInit) => fetch(new URL(url, service), init) });
}

/**
 * An agent that sends the stored access token and never refreshes it by itself. `AtpAgent`
 * refreshes (and so rotates the refresh token) on `resumeSession` and on any expired-token
 * answer, and a rotated token the accounts service never saw would be lost. Here an expired token
 * surfaces as an `auth` failure and the accounts service refreshes and stores the new session.
 */
export async function sessionAgent(baseUrl: string, did: string, accessJwt: string): Promise<Agent> {
  const { Agent } = await atproto();
  return new Agent({
    did,
    fetchHandler: (url: string, init: RequestInit) => {
      const request = new Request(new URL(url, baseUrl), init);
      if (!request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${accessJwt}`);
      return fetch(request);
    },
  });
}

/** The PDS endpoint in a DID document (`#atproto_pds`), if any. */
export function pdsUrlFromDidDoc(didDoc: unknown): string | null {
  if (!didDoc || typeof didDoc !== 'object') return null;
  const services = (didDoc as { service?: unknown }).service;
  if (!Array.isArray(services)) return null;
  for (const service of services) {
    if (!service || typeof service !== 'object') continue;
    const { id, type, serviceEndpoint } = service as { id?: unknown; type?: unknown; serviceEndpoint?: unknown };
    if ((id === '#atproto_pds' || (typeof id === 'string' && id.endsWith('#atproto_pds'))) && type === 'AtprotoPersonalDataServer' && typeof serviceEndpoint === 'string') {
      return serviceEndpoint;
    }
  }
  return null;
}

/** A JWT's `exp` in UTC ms, or null when it carries none (no signature check: the server does that). */
export function jwtExpiry(jwt: string): number | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** A JWT's `scope` claim, or null. */
export function jwtScope(jwt: string): string | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope?: unknown };
    return typeof claims.scope === 'string' ? claims.scope : null;
  } catch {
    return null;
  }
}

/** Errors by which the PDS says the session itself is no good (refresh or reconnect). */
const AUTH_ERRORS = new Set(['ExpiredToken', 'InvalidToken', 'AuthenticationRequired', 'AuthMissing', 'BadJwt', 'BadJwtSignature']);
/** Errors by which the account can no longer post at all: no refresh will help. */
const ACCOUNT_ERRORS = new Set(['AccountTakedown', 'AccountDeactivated', 'RepoTakendown', 'RepoDeactivated', 'RepoSuspended']);

/** How long to wait on a 429 without a usable `ratelimit-reset` header. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** True when the XRPC error is the PDS saying the session is expired or invalid. */
export function isSessionError(err: unknown): boolean {
  return isXrpcError(err) && (err.status === 401 || AUTH_ERRORS.has(err.error));
}

/** True when the XRPC error means the account cannot be used any more (taken down, deactivated). */
export function isAccountGone(err: unknown): boolean {
  return isXrpcError(err) && ACCOUNT_ERRORS.has(err.error);
}

/**
 * Classifies any failure of a call to the PDS (STYLE.md rule 8). `sending` says whether the call
 * writes (createRecord): a dropped connection or a 5xx there may have gone through.
 */
export function classify(err: unknown, options: { now: number; sending?: boolean; what?: string }): PublishError {
  if (err instanceof PublishError) return err;
  const what = options.what ? `${options.what}: ` : '';
  const sending = options.sending ?? false;
  if (isXrpcError(err)) {
    const message = err.message || err.error || `HTTP ${err.status}`;
    const httpStatus = err.status >= 100 ? err.status : undefined;
    if (isAccountGone(err)) return new PublishError('permanent', `${what}Bluesky: ${message}`, { httpStatus, cause: err });
    if (isSessionError(err)) return new PublishError('auth', `${what}Bluesky session expired or invalid (${message})`, { httpStatus, cause: err });
    if (err.status === 429) {
      const reset = Number(header(err.headers, 'ratelimit-reset'));
      const retryAfter = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - options.now) : DEFAULT_RATE_LIMIT_WAIT_MS;
      return new PublishError('rate_limited', `${what}Bluesky rate limit reached (${message})`, { httpStatus, retryAfterMs: retryAfter, cause: err });
    }
    if (err.status >= 500 || err.status < 100) {
      // Status < 100 is @atproto/xrpc's code for "no usable answer": network failure, abort, bad body.
      return new PublishError('transient', `${what}Bluesky did not answer properly (${message})`, { httpStatus, maybeSent: sending, cause: err });
    }
    if (Number(err.status) === 408) return new PublishError('transient', `${what}Bluesky timed out (${message})`, { httpStatus, maybeSent: sending, cause: err });
    // 400 InvalidRequest / InvalidRecord / BlobTooLarge, 413, 403 and the rest: the same request
    // will fail the same way, so the creator gets the server's own words.
    return new PublishError('permanent', `${what}Bluesky refused: ${message}`, { httpStatus, cause: err });
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new PublishError('transient', `${what}the request to Bluesky was cut off`, { maybeSent: sending, cause: err });
  }
  if (err instanceof TypeError) {
    // fetch() reports network failures as TypeError("fetch failed").
    return new PublishError('transient', `${what}could not reach Bluesky (${err.message})`, { maybeSent: sending, cause: err });
  }
  return new PublishError('transient', `${what}${err instanceof Error ? err.message : String(err)}`, { maybeSent: sending, cause: err });
}
