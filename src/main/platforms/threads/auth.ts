import type { CheckResult, ConnectContext, ConnectedAccount, OAuthClientConfig, PlatformConnector } from '../types';
import { expectGraphOk, graphCheck } from '../meta-login';
import { base, callJson, requireApp, str } from '../oauth-connector';

/** Threads: `threads_basic` for every call, `threads_content_publish` to post. */
export const THREADS_SCOPES = ['threads_basic', 'threads_content_publish'];

const graph = (ctx: ConnectContext) => base(ctx.endpoints.apiBase, 'https://graph.threads.net');

function config(ctx: ConnectContext): OAuthClientConfig {
  const app = requireApp(ctx, 'Threads', true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://threads.com')}/oauth/authorize`,
    tokenUrl: `${graph(ctx)}/oauth/access_token`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes: THREADS_SCOPES,
    scopeSeparator: ',',
    tokenAuth: 'body',
  };
}

async function tokenCall(ctx: ConnectContext, path: string, params: Record<string, string>, what: string) {
  const url = new URL(`${graph(ctx)}${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const body = expectGraphOk(await callJson(url.href, { signal: ctx.signal, what }), what, ctx.now()).body;
  const expiresIn = Number(body['expires_in']);
  return { token: str(body['access_token']), expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? ctx.now() + expiresIn * 1000 : null };
}

async function profile(ctx: ConnectContext, token: string) {
  const url = `${graph(ctx)}/v1.0/me?fields=id,username,name,threads_profile_picture_url`;
  return expectGraphOk(await callJson(url, { token, signal: ctx.signal, what: 'Reading the Threads profile' }), 'Reading the Threads profile', ctx.now()).body;
}

/**
 * Threads: code + PKCE with the Threads app id, the one-hour token exchanged for a 60-day one
 * (`th_exchange_token`), kept alive with `th_refresh_token` by the daily check.
 */
export const threadsConnector: PlatformConnector<Record<string, never>> = {
  platform: 'threads',

  async connect(_input, ctx): Promise<ConnectedAccount> {
    const c = config(ctx);
    const short = await ctx.oauth(c);
    const long = await tokenCall(ctx, '/access_token', { grant_type: 'th_exchange_token', client_secret: c.clientSecret!, access_token: short.accessToken }, 'Getting a long-lived Threads token');
    const me = await profile(ctx, long.token);
    return {
      platformUserId: str(me['id']) || str(short.raw['user_id']),
      handle: `@${str(me['username'])}`,
      displayName: str(me['name']) || str(me['username']),
      avatarUrl: str(me['threads_profile_picture_url']) || null,
      instanceUrl: '',
      meta: { threadsUserId: str(me['id']) },
      secrets: { accessToken: long.token, refreshToken: null, tokenType: 'bearer', scope: short.scope },
      tokenExpiresAt: long.expiresAt,
    };
  },

  check(_account, secrets, ctx): Promise<CheckResult> {
    return graphCheck(async () => {
      const me = await profile(ctx, str(secrets['accessToken']));
      return { connection: 'connected', profile: { handle: `@${str(me['username'])}`, displayName: str(me['name']) || str(me['username']), avatarUrl: str(me['threads_profile_picture_url']) || null } };
    });
  },

  async refresh(_account, secrets, ctx) {
    const next = await tokenCall(ctx, '/refresh_access_token', { grant_type: 'th_refresh_token', access_token: str(secrets['accessToken']) }, 'Refreshing the Threads token');
    return { secrets: { ...secrets, accessToken: next.token }, tokenExpiresAt: next.expiresAt };
  },
};
