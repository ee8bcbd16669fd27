import type { CheckResult, ConnectChoice, PlatformConnector } from '../types';
import { facebookLoginConfig, graphBase, graphCheck, longLivedUserToken, managedPages, expectGraphOk } from '../meta-login';
import { callJson, str } from '../oauth-connector';

/** Facebook Login permissions to list the creator's Pages and publish to them. */
export const FACEBOOK_SCOPES = ['pages_show_list', 'pages_read_engagement', 'pages_manage_posts', 'business_management'];

const picture = (node: Record<string, unknown>) => str(((node['picture'] as Record<string, unknown> | undefined)?.['data'] as Record<string, unknown> | undefined)?.['url']) || null;

/**
 * Facebook Page: Facebook Login (code + PKCE), the user token made long-lived, then a choice
 * among the Pages the creator manages. The Page token (which does not expire when it comes from
 * a long-lived user token) is what publishing uses.
 */
export const facebookConnector: PlatformConnector<Record<string, never>> = {
  platform: 'facebook',

  async connect(_input, ctx): Promise<ConnectChoice> {
    const config = facebookLoginConfig(ctx, 'Facebook', FACEBOOK_SCOPES);
    const tokens = await ctx.oauth(config);
    const user = await longLivedUserToken(ctx, config, tokens.accessToken);
    const pages = (await managedPages(ctx, user.token, 'id,name,username,access_token,picture{url},tasks')).filter((p) => str(p['access_token']));
    return {
      kind: 'choose',
      options: pages.map((p) => ({ id: str(p['id']), name: str(p['name']), kind: 'Facebook Page', avatarUrl: picture(p) })),
      async complete(optionId) {
        const p = pages.find((x) => str(x['id']) === optionId)!;
        return {
          platformUserId: str(p['id']),
          handle: str(p['username']) || str(p['name']),
          displayName: str(p['name']),
          avatarUrl: picture(p),
          instanceUrl: '',
          // The app id: the Resumable Upload API (videos) is called per app.
          meta: { pageId: str(p['id']), appId: config.clientId },
          secrets: { accessToken: str(p['access_token']), userAccessToken: user.token, tokenType: 'bearer' },
          tokenExpiresAt: null,
        };
      },
    };
  },

  check(account, secrets, ctx): Promise<CheckResult> {
    return graphCheck(async () => {
      const url = `${graphBase(ctx)}/${encodeURIComponent(account.platformUserId)}?fields=id,name,username,picture{url}`;
      const node = expectGraphOk(await callJson(url, { token: str(secrets['accessToken']), signal: ctx.signal, what: 'Checking the Facebook Page' }), 'Checking the Facebook Page', ctx.now()).body;
      return { connection: 'connected', profile: { handle: str(node['username']) || str(node['name']), displayName: str(node['name']), avatarUrl: picture(node) } };
    });
  },
};
