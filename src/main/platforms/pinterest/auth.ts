import type { CheckResult, ConnectContext, ConnectedAccount, OAuthClientConfig, PlatformConnector } from '../types';
import { base, callJson, checkWith, expectOk, expiryOf, requireApp, secretsFrom, standardRefresh, str } from '../oauth-connector';

/** Read the account and boards, create pins (boards:write to create a board from Outbox later). */
export const PINTEREST_SCOPES = ['user_accounts:read', 'boards:read', 'boards:write', 'pins:read', 'pins:write'];

function config(ctx: ConnectContext): OAuthClientConfig {
  const app = requireApp(ctx, 'Pinterest', true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://www.pinterest.com')}/oauth/`,
    tokenUrl: `${base(ctx.endpoints.apiBase, 'https://api.pinterest.com')}/v5/oauth/token`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes: PINTEREST_SCOPES,
    scopeSeparator: ',',
    tokenAuth: 'basic',
  };
}

async function account(ctx: ConnectContext, token: string) {
  const url = `${base(ctx.endpoints.apiBase, 'https://api.pinterest.com')}/v5/user_account`;
  return expectOk(await callJson(url, { token, signal: ctx.signal, what: 'Reading the Pinterest account' }), 'Reading the Pinterest account', ctx.now()).body;
}

/** Pinterest: code + PKCE, HTTP Basic at the token endpoint; access tokens for 30 days, refresh tokens for a year. */
export const pinterestConnector: PlatformConnector<Record<string, never>> = {
  platform: 'pinterest',

  async connect(_input, ctx): Promise<ConnectedAccount> {
    const tokens = await ctx.oauth(config(ctx));
    const me = await account(ctx, tokens.accessToken);
    const username = str(me['username']);
    return {
      platformUserId: str(me['id']) || username,
      handle: username,
      displayName: str(me['business_name']) || username,
      avatarUrl: str(me['profile_image']) || null,
      instanceUrl: '',
      meta: { username, accountType: str(me['account_type']) || null },
      secrets: { ...secretsFrom(tokens) },
      tokenExpiresAt: expiryOf(tokens, ctx.now()),
    };
  },

  check(_account, secrets, ctx): Promise<CheckResult> {
    return checkWith(async () => {
      const me = await account(ctx, str(secrets['accessToken']));
      const username = str(me['username']);
      return { connection: 'connected', profile: { handle: username, displayName: str(me['business_name']) || username, avatarUrl: str(me['profile_image']) || null } };
    });
  },

  refresh(_account, secrets, ctx) {
    return standardRefresh(config(ctx), secrets, ctx);
  },
};
