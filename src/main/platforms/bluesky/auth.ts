import type { Agent } from '@atproto/api';
import { type CheckResult, type ConnectContext, type ConnectedAccount, type PlatformConnector, PublishError, type PublishAccount } from '../types';
import {
  anonymousAgent,
  atproto,
  type BlueskySecrets,
  classify,
  DEFAULT_SERVICE,
  isAccountGone,
  isSessionError,
  isXrpcError,
  jwtExpiry,
  jwtScope,
  parseSecrets,
  pdsUrlFromDidDoc,
  sessionAgent,
} from './session';

/** What the creator gives to connect a Bluesky account (`accounts:connect` less `platform`). */
export interface BlueskyConnectInput {
  /** Handle (with or without @), DID or email. */
  identifier: string;
  /** An app password (Settings → Privacy and security → App passwords), never the main password. */
  appPassword: string;
  /** The service to sign in to; https://bsky.social by default, any PDS works. */
  service?: string;
}

/** The scope the PDS gives a session made with the account's main password (not an app password). */
const MAIN_PASSWORD_SCOPE = 'com.atproto.access';

/**
 * Bluesky accounts over @atproto/api with an app password: createSession on the service, the
 * profile from the account's own repo, and the session plus the app password as secrets so that a
 * dead session can be recreated without asking the creator again.
 *
 * Failures are PublishErrors: `auth` (the service refused the handle or password), `permanent`
 * (refused for good, with the reason), `rate_limited`, `transient` (could not reach the service).
 */
export const blueskyConnector: PlatformConnector<BlueskyConnectInput> = {
  platform: 'bluesky',

  async connect(input, ctx) {
    const service = normalizeService(input.service ?? ctx.endpoints.apiBase ?? DEFAULT_SERVICE);
    const identifier = input.identifier.trim().replace(/^@/, '');
    let data;
    try {
      data = (await (await anonymousAgent(service)).com.atproto.server.createSession({ identifier, password: input.appPassword }, { signal: ctx.signal })).data;
    } catch (err) {
      throw connectError(err, service, ctx);
    }
    if (jwtScope(data.accessJwt) === MAIN_PASSWORD_SCOPE) {
      // Outbox keeps what it is given; the main password would let it change email or delete the account.
      await (await anonymousAgent(service))
        .com.atproto.server.deleteSession(undefined, { headers: { authorization: `Bearer ${data.refreshJwt}` } })
        .catch(() => undefined);
      throw new PublishError('permanent', 'That is the account password. Create an app password in Bluesky (Settings → Privacy and security → App passwords) and use it instead.');
    }
    if (data.active === false) throw new PublishError('permanent', `This Bluesky account is ${data.status ?? 'deactivated'}`);
    const secrets: BlueskySecrets = {
      service,
      pdsUrl: pdsUrlFromDidDoc(data.didDoc) ?? service,
      did: data.did,
      handle: data.handle,
      accessJwt: data.accessJwt,
      refreshJwt: data.refreshJwt,
      identifier,
      appPassword: input.appPassword,
    };
    const profile = await readProfile(secrets, ctx).catch(() => null);
    const account: ConnectedAccount = {
      platformUserId: data.did,
      handle: data.handle,
      displayName: profile?.displayName || data.handle,
      avatarUrl: profile?.avatarUrl ?? null,
      instanceUrl: service,
      meta: { did: data.did, pdsUrl: secrets.pdsUrl },
      secrets: { ...secrets },
      tokenExpiresAt: jwtExpiry(data.accessJwt),
    };
    return account;
  },

  async check(_account: PublishAccount, raw, ctx): Promise<CheckResult> {
    let secrets: BlueskySecrets;
    try {
      secrets = parseSecrets(raw);
    } catch (err) {
      return { connection: 'token_expired', message: (err as Error).message };
    }
    const base = ctx.endpoints.apiBase ?? secrets.service;
    let replaced: BlueskySecrets | undefined;
    try {
      const session = await (await sessionAgent(base, secrets.did, secrets.accessJwt)).com.atproto.server.getSession(undefined, { signal: ctx.signal });
      if (session.data.active === false) return { connection: 'disconnected', message: `The Bluesky account is ${session.data.status ?? 'deactivated'}` };
      if (session.data.handle !== secrets.handle) replaced = { ...secrets, handle: session.data.handle };
    } catch (err) {
      if (isAccountGone(err)) return { connection: 'disconnected', message: `Bluesky: ${(err as Error).message}` };
      if (!isSessionError(err)) throw classify(err, { now: ctx.now(), what: 'checking the Bluesky account' });
      const renewed = await renew(secrets, ctx);
      if (!renewed.ok) return { connection: renewed.gone ? 'disconnected' : 'token_expired', message: renewed.message };
      replaced = renewed.secrets;
    }
    const current = replaced ?? secrets;
    const profile = await readProfile(current, ctx).catch(() => null);
    return {
      connection: 'connected',
      profile: { handle: current.handle, ...(profile ? { displayName: profile.displayName || current.handle, avatarUrl: profile.avatarUrl } : {}) },
      ...(replaced ? { secrets: { ...replaced } } : {}),
    };
  },

  async refresh(_account: PublishAccount, raw, ctx) {
    const renewed = await renew(parseSecrets(raw), ctx);
    if (!renewed.ok) throw new PublishError('auth', renewed.message);
    return { secrets: { ...renewed.secrets }, tokenExpiresAt: jwtExpiry(renewed.secrets.accessJwt) };
  },
};

type Renewal = { ok: true; secrets: BlueskySecrets } | { ok: false; gone: boolean; message: string };

/**
 * A new session: refreshSession with the refresh token (which the PDS rotates: the caller stores
 * the result before using it), and when that token is dead, createSession with the app password.
 * `ok: false` when the service refuses both; throws when it cannot be reached.
 */
async function renew(secrets: BlueskySecrets, ctx: ConnectContext): Promise<Renewal> {
  const base = ctx.endpoints.apiBase ?? secrets.service;
  const agent = await anonymousAgent(base);
  if (secrets.refreshJwt) {
    try {
      const { data } = await agent.com.atproto.server.refreshSession(undefined, { headers: { authorization: `Bearer ${secrets.refreshJwt}` }, signal: ctx.signal });
      return { ok: true, secrets: { ...secrets, did: data.did, handle: data.handle, accessJwt: data.accessJwt, refreshJwt: data.refreshJwt, pdsUrl: pdsUrlFromDidDoc(data.didDoc) ?? secrets.pdsUrl } };
    } catch (err) {
      if (isAccountGone(err)) return { ok: false, gone: true, message: `Bluesky: ${(err as Error).message}` };
      if (!isSessionError(err)) throw classify(err, { now: ctx.now(), what: 'refreshing the Bluesky session' });
    }
  }
  if (!secrets.appPassword) return { ok: false, gone: false, message: 'The Bluesky session expired: reconnect the account' };
  try {
    const { data } = await agent.com.atproto.server.createSession({ identifier: secrets.identifier || secrets.did, password: secrets.appPassword }, { signal: ctx.signal });
    return { ok: true, secrets: { ...secrets, did: data.did, handle: data.handle, accessJwt: data.accessJwt, refreshJwt: data.refreshJwt, pdsUrl: pdsUrlFromDidDoc(data.didDoc) ?? secrets.pdsUrl } };
  } catch (err) {
    if (isAccountGone(err)) return { ok: false, gone: true, message: `Bluesky: ${(err as Error).message}` };
    if (isSessionError(err)) return { ok: false, gone: false, message: 'Bluesky no longer accepts the app password (revoked?): reconnect the account' };
    throw classify(err, { now: ctx.now(), what: 'signing in to Bluesky again' });
  }
}

function connectError(err: unknown, service: string, ctx: ConnectContext): PublishError {
  if (isXrpcError(err)) {
    if (err.error === 'AuthFactorTokenRequired') {
      return new PublishError('permanent', 'Bluesky asks for a sign-in code: use an app password (Settings → Privacy and security → App passwords), which needs none', { httpStatus: err.status, cause: err });
    }
    if (isSessionError(err)) return new PublishError('auth', 'Bluesky did not accept that handle and app password', { httpStatus: err.status, cause: err });
  }
  return classify(err, { now: ctx.now(), what: `signing in to ${service}` });
}

/** The account's display name and avatar, read from its own repo (works on any PDS, no AppView needed). */
async function readProfile(secrets: BlueskySecrets, ctx: ConnectContext): Promise<{ displayName: string; avatarUrl: string | null }> {
  const agent: Agent = await anonymousAgent(secrets.pdsUrl);
  const res = await agent.com.atproto.repo.getRecord({ repo: secrets.did, collection: 'app.bsky.actor.profile', rkey: 'self' }, { signal: ctx.signal });
  const value = res.data.value as { displayName?: unknown; avatar?: unknown };
  const displayName = typeof value.displayName === 'string' ? value.displayName.trim() : '';
  const cid = blobCid(value.avatar);
  return { displayName, avatarUrl: cid ? avatarUrl(secrets, cid) : null };
}

function blobCid(blob: unknown): string | null {
  // A BlobRef exists only once the SDK has loaded (it made the answer this reads).
  const BlobRef = atproto.loaded()?.BlobRef;
  if (BlobRef && blob instanceof BlobRef) return blob.ref.toString();
  const ref = (blob as { ref?: unknown } | undefined)?.ref;
  if (ref && typeof ref === 'object' && typeof (ref as { $link?: unknown }).$link === 'string') return (ref as { $link: string }).$link;
  return null;
}

/** Bluesky-hosted accounts get the CDN's avatar; anything else is served by its own PDS. */
function avatarUrl(secrets: BlueskySecrets, cid: string): string {
  const host = new URL(secrets.pdsUrl).hostname;
  if (host === 'bsky.social' || host.endsWith('.bsky.network')) return `https://cdn.bsky.app/img/avatar/plain/${secrets.did}/${cid}@jpeg`;
  return `${secrets.pdsUrl.replace(/\/+$/, '')}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(secrets.did)}&cid=${encodeURIComponent(cid)}`;
}

function normalizeService(service: string): string {
  const url = new URL(service);
  return url.origin;
}
