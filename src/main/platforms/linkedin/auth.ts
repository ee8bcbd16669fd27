import type { CheckResult, ConnectContext, ConnectedAccount, OAuthClientConfig, PlatformConnector } from '../types';
import { base, callJson, checkWith, expectOk, expiryOf, requireApp, secretsFrom, standardRefresh, str } from '../oauth-connector';

/** Sign In with LinkedIn using OpenID Connect (`openid profile`) plus Share on LinkedIn (`w_member_social`). */
export const LINKEDIN_SCOPES = ['openid', 'profile', 'w_member_social'];

/** The LinkedIn OAuth client (LinkedIn takes the client secret in the token request body). */
export function linkedInConfig(ctx: ConnectContext, label: string, scopes: string[]): OAuthClientConfig {
  const app = requireApp(ctx, label, true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://www.linkedin.com')}/oauth/v2/authorization`,
    tokenUrl: `${base(ctx.endpoints.authBase, 'https://www.linkedin.com')}/oauth/v2/accessToken`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes,
    tokenAuth: 'body',
  };
}

async function userinfo(ctx: ConnectContext, token: string) {
  const url = `${base(ctx.endpoints.apiBase, 'https://api.linkedin.com')}/v2/userinfo`;
  return expectOk(await callJson(url, { token, signal: ctx.signal, what: 'Reading the LinkedIn profile' }), 'Reading the LinkedIn profile', ctx.now()).body;
}

/**
 * LinkedIn profile: code (+ PKCE, which LinkedIn ignores for web apps but costs nothing), the
 * member from the OIDC userinfo endpoint; posts are authored as `urn:li:person:<sub>`. Access
 * tokens last 60 days; refresh tokens exist only for apps LinkedIn enabled them for.
 */
export const linkedinConnector: PlatformConnector<Record<string, never>> = {
  platform: 'linkedin',

  async connect(_input, ctx): Promise<ConnectedAccount> {
    const tokens = await ctx.oauth(linkedInConfig(ctx, 'LinkedIn', LINKEDIN_SCOPES));
    const me = await userinfo(ctx, tokens.accessToken);
    const sub = str(me['sub']);
    return {
      platformUserId: sub,
      handle: str(me['name']) || sub,
      displayName: str(me['name']),
      avatarUrl: str(me['picture']) || null,
      instanceUrl: '',
      meta: { authorUrn: `urn:li:person:${sub}` },
      secrets: { ...secretsFrom(tokens) },
      tokenExpiresAt: expiryOf(tokens, ctx.now()),
    };
  },

  check(_account, secrets, ctx): Promise<CheckResult> {
    return checkWith(async () => {
      const me = await userinfo(ctx, str(secrets['accessToken']));
      return { connection: 'connected', profile: { handle: str(me['name']), displayName: str(me['name']), avatarUrl: str(me['picture']) || null } };
    });
  },

  refresh(_account, secrets, ctx) {
    return standardRefresh(linkedInConfig(ctx, 'LinkedIn', LINKEDIN_SCOPES), secrets, ctx);
  },
};
