import { type CheckResult, type ConnectContext, type ConnectedAccount, type OAuthClientConfig, type PlatformConnector, type PublishAccount } from '../types';
import { base, callJson, checkWith, expectOk, expiryOf, requireApp, secretsFrom, standardRefresh, str } from '../oauth-connector';

/**
 * X (OAuth 2.0 authorization code with PKCE): read the profile, post, upload media, and
 * `offline.access` for a refresh token (access tokens last two hours; refresh tokens rotate).
 */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

function config(ctx: ConnectContext): OAuthClientConfig {
  const app = requireApp(ctx, 'X', false);
  const api = base(ctx.endpoints.apiBase, 'https://api.x.com');
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://x.com')}/i/oauth2/authorize`,
    tokenUrl: `${api}/2/oauth2/token`,
    clientId: app.clientId,
    ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
    scopes: X_SCOPES,
    // Confidential clients (Web App / Automated App) use HTTP Basic; public ones (Native App) send client_id.
    tokenAuth: app.clientSecret ? 'basic' : 'none',
  };
}

async function me(token: string, ctx: ConnectContext) {
  const api = base(ctx.endpoints.apiBase, 'https://api.x.com');
  const answer = expectOk(await callJson<{ data?: Record<string, unknown> }>(`${api}/2/users/me?user.fields=profile_image_url,name,username`, { token, signal: ctx.signal, what: 'Reading the X profile' }), 'Reading the X profile', ctx.now());
  const data = answer.body.data ?? {};
  return { id: str(data['id']), username: str(data['username']), name: str(data['name']), avatar: str(data['profile_image_url']) || null };
}

/** Connects an X account. */
export const xConnector: PlatformConnector<Record<string, never>> = {
  platform: 'x',

  async connect(_input, ctx): Promise<ConnectedAccount> {
    const tokens = await ctx.oauth(config(ctx));
    const user = await me(tokens.accessToken, ctx);
    return {
      platformUserId: user.id,
      handle: `@${user.username}`,
      displayName: user.name || user.username,
      avatarUrl: user.avatar,
      instanceUrl: '',
      meta: { username: user.username },
      secrets: { ...secretsFrom(tokens) },
      tokenExpiresAt: expiryOf(tokens, ctx.now()),
    };
  },

  check(_account: PublishAccount, secrets, ctx): Promise<CheckResult> {
    return checkWith(async () => {
      const user = await me(str(secrets['accessToken']), ctx);
      return { connection: 'connected', profile: { handle: `@${user.username}`, displayName: user.name || user.username, avatarUrl: user.avatar, meta: { username: user.username } } };
    });
  },

  refresh(_account, secrets, ctx) {
    return standardRefresh(config(ctx), secrets, ctx);
  },
};
