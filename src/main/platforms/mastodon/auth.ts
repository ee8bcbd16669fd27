import { type CheckResult, type ConnectContext, type ConnectedAccount, type OAuthClientConfig, type PlatformConnector, PublishError, type PublishAccount } from '../types';
import { classifyAnswer, mastodonCall, mastodonFetch, normalizeInstanceUrl } from './api';
import { parseInstanceLimits } from './limits';

/** What the creator gives to connect a Mastodon account. */
export interface MastodonConnectInput {
  instanceUrl: string;
}

/** What the keychain holds for a Mastodon account (and the adapter gets as `ctx.credentials`). */
export interface MastodonSecrets {
  accessToken: string;
  tokenType: string;
  scope: string;
  /** The app registration the token belongs to (needed to revoke it). */
  clientId: string;
  clientSecret: string;
}

/** The app name instances show on posts and in the creator's authorized apps. */
export const MASTODON_APP_NAME = 'Outbox';
/** Granular scopes (Mastodon 3.5+): read the profile, read and write statuses (scheduled ones too), upload media. */
export const MASTODON_SCOPES = ['read:accounts', 'read:statuses', 'write:statuses', 'write:media'];
/**
 * The redirect URI Outbox registers. The accounts service's loopback listener answers on
 * `http://127.0.0.1:<free port>/callback`; Mastodon (Doorkeeper, since 5.4) matches loopback IP
 * redirect URIs on any port as RFC 8252 §7.3 requires, so one registration serves every port.
 */
export const MASTODON_REDIRECT_URI = 'http://127.0.0.1/callback';

interface AppRegistration {
  clientId: string;
  clientSecret: string;
}

function appCacheKey(base: string) {
  return `mastodon-app:${base}|${MASTODON_REDIRECT_URI}|${MASTODON_SCOPES.join(' ')}`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Registers Outbox on the instance once; later connections reuse the cached client. */
async function appFor(base: string, ctx: ConnectContext): Promise<AppRegistration & { reused: boolean }> {
  const key = appCacheKey(base);
  const cached = await ctx.secretCache.get(key);
  if (cached) {
    try {
      const app = JSON.parse(cached) as Partial<AppRegistration>;
      if (app.clientId && app.clientSecret && (await appStillKnown(base, { clientId: app.clientId, clientSecret: app.clientSecret }, ctx))) {
        return { clientId: app.clientId, clientSecret: app.clientSecret, reused: true };
      }
    } catch {
      // A damaged cache entry: register again below.
    }
  }
  const response = await mastodonCall<Record<string, unknown>>(base, '/api/v1/apps', {
    method: 'POST',
    json: { client_name: MASTODON_APP_NAME, redirect_uris: [MASTODON_REDIRECT_URI], scopes: MASTODON_SCOPES.join(' ') },
    signal: ctx.signal,
    now: ctx.now(),
    what: 'Registering Outbox on the instance',
  });
  const app = { clientId: str(response.body['client_id']), clientSecret: str(response.body['client_secret']) };
  if (!app.clientId || !app.clientSecret) throw new PublishError('permanent', 'The instance registered Outbox but sent no client credentials; it may not be a Mastodon server.');
  await ctx.secretCache.set(key, JSON.stringify(app));
  return { ...app, reused: false };
}

/**
 * Whether the instance still knows a cached app (an admin may have removed it). Checked with the
 * client-credentials grant, so the creator is not sent to a consent page that can only fail.
 * Anything but a clear `invalid_client` counts as known: the check must not block connecting.
 */
async function appStillKnown(base: string, app: AppRegistration, ctx: ConnectContext): Promise<boolean> {
  const answer = await mastodonFetch<Record<string, unknown>>(base, '/oauth/token', {
    method: 'POST',
    json: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope: 'read:accounts' },
    signal: ctx.signal,
    now: ctx.now(),
  }).catch(() => null);
  return !(answer && answer.status === 401 && answer.body && (answer.body as Record<string, unknown>)['error'] === 'invalid_client');
}

/** Reads the instance description: v2 first, v1 for servers older than Mastodon 4. */
async function readInstance(base: string, signal: AbortSignal, now: number): Promise<Record<string, unknown>> {
  const v2 = await mastodonFetch<Record<string, unknown>>(base, '/api/v2/instance', { signal, now, what: 'Reading the instance' });
  if (v2.status === 200 && v2.body && typeof v2.body === 'object') return v2.body;
  if (v2.status === 404 || v2.status === 410) {
    const v1 = await mastodonFetch<Record<string, unknown>>(base, '/api/v1/instance', { signal, now, what: 'Reading the instance' });
    if (v1.status === 200 && v1.body && typeof v1.body === 'object') return v1.body;
  }
  if (v2.status >= 500 || v2.status === 429) throw classifyAnswer(v2, { now, what: 'Reading the instance' });
  throw new PublishError('permanent', `instanceUrl: ${new URL(base).host} does not look like a Mastodon server (no /api/v2/instance).`, { httpStatus: v2.status });
}

function profileFrom(account: Record<string, unknown>, base: string, domain: string) {
  const username = str(account['username']) || str(account['acct']).split('@')[0] || '';
  return {
    platformUserId: str(account['id']),
    handle: `@${username}@${domain}`,
    displayName: str(account['display_name']) || username,
    avatarUrl: str(account['avatar']) || null,
    profileUrl: str(account['url']) || `${base}/@${username}`,
  };
}

/** The OAuth client as the accounts service's PKCE loopback flow needs it. */
export function mastodonOAuthConfig(base: string, app: AppRegistration, options: { forceLogin?: boolean } = {}): OAuthClientConfig {
  return {
    // Signing in again lets the creator pick another account than the one the browser is signed in with.
    ...(options.forceLogin ? { extraAuthorizeParams: { force_login: 'true' } } : {}),
    authorizeUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}/oauth/token`,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    scopes: MASTODON_SCOPES,
    tokenAuth: 'body',
    redirectPath: new URL(MASTODON_REDIRECT_URI).pathname,
  };
}

/** Connects a Mastodon account: app registration (cached per instance), OAuth with PKCE, profile, limits. */
export const mastodonConnector: PlatformConnector<MastodonConnectInput> = {
  platform: 'mastodon',

  async connect(input, ctx): Promise<ConnectedAccount> {
    let base: string;
    try {
      base = normalizeInstanceUrl(input.instanceUrl);
    } catch {
      throw new PublishError('permanent', 'instanceUrl: must be the web address of a Mastodon server, like https://mastodon.social');
    }
    // The instance first: it proves the address is a Mastodon server before anything is registered.
    const instance = await readInstance(base, ctx.signal, ctx.now());
    const app = await appFor(base, ctx);
    // Outbox connected to this instance before: likely a second account, so ask for a fresh sign-in.
    const tokens = await ctx.oauth(mastodonOAuthConfig(base, app, { forceLogin: app.reused }));
    const me = await mastodonCall<Record<string, unknown>>(base, '/api/v1/accounts/verify_credentials', { token: tokens.accessToken, signal: ctx.signal, now: ctx.now(), what: 'Reading the profile' });
    const domain = str(instance['domain']) || str(instance['uri']) || new URL(base).host;
    const profile = profileFrom(me.body, base, domain);
    if (!profile.platformUserId) throw new PublishError('permanent', 'The instance answered verify_credentials without an account id.');
    const secrets: MastodonSecrets = { accessToken: tokens.accessToken, tokenType: tokens.tokenType, scope: tokens.scope ?? MASTODON_SCOPES.join(' '), clientId: app.clientId, clientSecret: app.clientSecret };
    return {
      platformUserId: profile.platformUserId,
      handle: profile.handle,
      displayName: profile.displayName,
      avatarUrl: profile.avatarUrl,
      instanceUrl: base,
      meta: { domain, profileUrl: profile.profileUrl, version: str(instance['version']) || null, limits: parseInstanceLimits(instance) },
      secrets: { ...secrets },
      tokenExpiresAt: tokens.expiresIn ? ctx.now() + tokens.expiresIn * 1000 : null,
    };
  },

  async check(account: PublishAccount, secrets, ctx): Promise<CheckResult> {
    const base = ctx.endpoints.apiBase ?? account.instanceUrl;
    const token = str(secrets['accessToken']);
    if (!token) return { connection: 'token_expired', message: 'No Mastodon access token is stored; reconnect the account.' };
    const me = await mastodonFetch<Record<string, unknown>>(base, '/api/v1/accounts/verify_credentials', { token, signal: ctx.signal, now: ctx.now(), what: 'Checking the account' });
    if (me.status === 401) return { connection: 'token_expired', message: 'The instance no longer accepts Outbox\'s access (the app was revoked or the token expired); reconnect the account.' };
    if (me.status === 403 || me.status === 404 || me.status === 410) {
      return { connection: 'disconnected', message: `The instance refused the account (${classifyAnswer(me, { now: ctx.now() }).message}).` };
    }
    if (me.status !== 200) throw classifyAnswer(me, { now: ctx.now(), what: 'Checking the account' });
    const domain = str(account.meta['domain']) || new URL(base).host;
    const profile = profileFrom(me.body, base, domain);
    let limits = account.meta['limits'];
    try {
      limits = parseInstanceLimits(await readInstance(base, ctx.signal, ctx.now()));
    } catch {
      // The limits stay as they were; the account itself is fine.
    }
    return {
      connection: 'connected',
      profile: { handle: profile.handle, displayName: profile.displayName, avatarUrl: profile.avatarUrl, meta: { ...account.meta, profileUrl: profile.profileUrl, limits } },
    };
  },
};
