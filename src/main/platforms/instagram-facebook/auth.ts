import type { CheckResult, ConnectChoice, PlatformConnector } from '../types';
import { expectGraphOk, facebookLoginConfig, graphBase, graphCheck, longLivedUserToken, managedPages } from '../meta-login';
import { callJson, str } from '../oauth-connector';

/** Facebook Login permissions to find the Instagram professional accounts linked to Pages and publish. */
export const INSTAGRAM_FACEBOOK_SCOPES = ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement', 'business_management'];

/**
 * Instagram through Facebook (Instagram Graph API with Facebook Login): consent, then a choice
 * among the Instagram professional accounts linked to the creator's Pages. Publishing uses the
 * linked Page's token.
 */
export const instagramFacebookConnector: PlatformConnector<Record<string, never>> = {
  platform: 'instagram-facebook',

  async connect(_input, ctx): Promise<ConnectChoice> {
    const config = facebookLoginConfig(ctx, 'Instagram (through Facebook)', INSTAGRAM_FACEBOOK_SCOPES);
    const tokens = await ctx.oauth(config);
    const user = await longLivedUserToken(ctx, config, tokens.accessToken);
    const pages = await managedPages(ctx, user.token, 'id,name,access_token,instagram_business_account{id,username,name,profile_picture_url}');
    const linked = pages
      .map((page) => ({ page, ig: page['instagram_business_account'] as Record<string, unknown> | undefined }))
      .filter((x): x is { page: Record<string, unknown>; ig: Record<string, unknown> } => !!x.ig && !!str(x.ig['id']) && !!str(x.page['access_token']));
    return {
      kind: 'choose',
      options: linked.map(({ page, ig }) => ({
        id: str(ig['id']),
        name: `@${str(ig['username'])}`,
        kind: `Instagram account linked to ${str(page['name'])}`,
        avatarUrl: str(ig['profile_picture_url']) || null,
      })),
      async complete(optionId) {
        const { page, ig } = linked.find((x) => str(x.ig['id']) === optionId)!;
        return {
          platformUserId: str(ig['id']),
          handle: `@${str(ig['username'])}`,
          displayName: str(ig['name']) || str(ig['username']),
          avatarUrl: str(ig['profile_picture_url']) || null,
          instanceUrl: '',
          meta: { igUserId: str(ig['id']), pageId: str(page['id']), pageName: str(page['name']) },
          secrets: { accessToken: str(page['access_token']), userAccessToken: user.token, tokenType: 'bearer' },
          tokenExpiresAt: null,
        };
      },
    };
  },

  check(account, secrets, ctx): Promise<CheckResult> {
    return graphCheck(async () => {
      const url = `${graphBase(ctx)}/${encodeURIComponent(account.platformUserId)}?fields=id,username,name,profile_picture_url`;
      const node = expectGraphOk(await callJson(url, { token: str(secrets['accessToken']), signal: ctx.signal, what: 'Checking the Instagram account' }), 'Checking the Instagram account', ctx.now()).body;
      return { connection: 'connected', profile: { handle: `@${str(node['username'])}`, displayName: str(node['name']) || str(node['username']), avatarUrl: str(node['profile_picture_url']) || null } };
    });
  },
};
