import type { CheckResult, ConnectContext, ConnectedAccount, OAuthClientConfig, PlatformConnector } from '../types';
import { expectGraphOk, graphCheck } from '../meta-login';
import { base, callJson, requireApp, str } from '../oauth-connector';

/** Instagram API with Instagram Login: read the professional account, publish to it. */
export const INSTAGRAM_SCOPES = ['instagram_business_basic', 'instagram_business_content_publish'];

const graph = (ctx: ConnectContext) => base(ctx.endpoints.apiBase, 'https://graph.instagram.com');

function config(ctx: ConnectContext): OAuthClientConfig {
  const app = requireApp(ctx, 'Instagram', true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://www.instagram.com')}/oauth/authorize`,
    tokenUrl: `${base(ctx.endpoints['tokenBase'], 'https://api.instagram.com')}/oauth/access_token`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes: INSTAGRAM_SCOPES,
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
  const url = `${graph(ctx)}/v23.0/me?fields=user_id,username,name,profile_picture_url`;
  return expectGraphOk(await callJson(url, { token, signal: ctx.signal, what: 'Reading the Instagram profile' }), 'Reading the Instagram profile', ctx.now()).body;
}

/**
 * Instagram (professional accounts, Instagram Login): code + PKCE, the one-hour token exchanged
 * for a 60-day one (`ig_exchange_token`), kept alive with `ig_refresh_token` by the daily check.
 */
export const instagramConnector: PlatformConnector<Record<string, never>> = {
  platform: 'instagram',

  async connect(_input, ctx): Promise<ConnectedAccount> {
    const c = config(ctx);
    const short = await ctx.oauth(c);
    const long = await tokenCall(ctx, '/access_token', { grant_type: 'ig_exchange_token', client_secret: c.clientSecret!, access_token: short.accessToken }, 'Getting a long-lived Instagram token');
    const me = await profile(ctx, long.token);
    const id = str(me['user_id']) || str(me['id']) || str(short.raw['user_id']);
    return {
      platformUserId: id,
      handle: `@${str(me['username'])}`,
      displayName: str(me['name']) || str(me['username']),
      avatarUrl: str(me['profile_picture_url']) || null,
      instanceUrl: '',
      meta: { igUserId: id },
      secrets: { accessToken: long.token, refreshToken: null, tokenType: 'bearer', scope: short.scope },
      tokenExpiresAt: long.expiresAt,
    };
  },

  check(_account, secrets, ctx): Promise<CheckResult> {
    return graphCheck(async () => {
      const me = await profile(ctx, str(secrets['accessToken']));
      return { connection: 'connected', profile: { handle: `@${str(me['username'])}`, displayName: str(me['name']) || str(me['username']), avatarUrl: str(me['profile_picture_url']) || null } };
    });
  },

  async refresh(_account, secrets, ctx) {
    const next = await tokenCall(ctx, '/refresh_access_token', { grant_type: 'ig_refresh_token', access_token: str(secrets['accessToken']) }, 'Refreshing the Instagram token');
    return { secrets: { ...secrets, accessToken: next.token }, tokenExpiresAt: next.expiresAt };
  },
};
