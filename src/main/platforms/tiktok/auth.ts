import { type CheckResult, type ConnectContext, type ConnectedAccount, type OAuthClientConfig, type PlatformConnector, PublishError } from '../types';
import { base, callJson, checkWith, expectOk, expiryOf, requireApp, secretsFrom, standardRefresh, str } from '../oauth-connector';

/** Profile (basic + username) and the Content Posting API (direct post and upload to drafts). */
export const TIKTOK_SCOPES = ['user.info.basic', 'user.info.profile', 'video.publish', 'video.upload'];

function config(ctx: ConnectContext): OAuthClientConfig {
  const app = requireApp(ctx, 'TikTok', true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://www.tiktok.com')}/v2/auth/authorize/`,
    tokenUrl: `${base(ctx.endpoints.apiBase, 'https://open.tiktokapis.com')}/v2/oauth/token/`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes: TIKTOK_SCOPES,
    scopeSeparator: ',',
    // TikTok calls the client id `client_key`, and Login Kit for Desktop wants the S256 digest hex-encoded.
    clientIdParam: 'client_key',
    pkceEncoding: 'hex',
    tokenAuth: 'body',
  };
}

async function userInfo(ctx: ConnectContext, token: string) {
  const url = `${base(ctx.endpoints.apiBase, 'https://open.tiktokapis.com')}/v2/user/info/?fields=open_id,union_id,avatar_url,display_name,username`;
  const answer = await callJson<{ data?: { user?: Record<string, unknown> }; error?: { code?: string; message?: string } }>(url, { token, signal: ctx.signal, what: 'Reading the TikTok profile' });
  // TikTok answers 401 with error.code access_token_invalid for a dead token.
  if (answer.body.error?.code === 'access_token_invalid') throw new PublishError('auth', `Reading the TikTok profile: ${answer.body.error.message ?? 'access token invalid'}`, { httpStatus: answer.status });
  return expectOk(answer, 'Reading the TikTok profile', ctx.now()).body.data?.user ?? {};
}

/**
 * TikTok (Login Kit for Desktop): code + PKCE over the loopback, access tokens for 24 hours and
 * refresh tokens for 365 days (the account's `open_id` identifies it).
 */
export const tiktokConnector: PlatformConnector<Record<string, never>> = {
  platform: 'tiktok',

  async connect(_input, ctx): Promise<ConnectedAccount> {
    const tokens = await ctx.oauth(config(ctx));
    const user = await userInfo(ctx, tokens.accessToken);
    const openId = str(user['open_id']) || str(tokens.raw['open_id']);
    const username = str(user['username']);
    return {
      platformUserId: openId,
      handle: username ? `@${username}` : str(user['display_name']),
      displayName: str(user['display_name']) || username,
      avatarUrl: str(user['avatar_url']) || null,
      instanceUrl: '',
      meta: { openId },
      secrets: { ...secretsFrom(tokens), openId },
      tokenExpiresAt: expiryOf(tokens, ctx.now()),
    };
  },

  check(_account, secrets, ctx): Promise<CheckResult> {
    return checkWith(async () => {
      const user = await userInfo(ctx, str(secrets['accessToken']));
      const username = str(user['username']);
      return { connection: 'connected', profile: { handle: username ? `@${username}` : str(user['display_name']), displayName: str(user['display_name']) || username, avatarUrl: str(user['avatar_url']) || null } };
    });
  },

  refresh(_account, secrets, ctx) {
    return standardRefresh(config(ctx), secrets, ctx);
  },
};
