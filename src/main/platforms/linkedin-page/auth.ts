import { type CheckResult, type ConnectChoice, type ConnectContext, type PlatformConnector, PublishError } from '../types';
import { linkedInConfig } from '../linkedin/auth';
import { LINKEDIN_HEADERS } from '../linkedin/rest';
import { base, callJson, checkWith, expectOk, expiryOf, secretsFrom, standardRefresh, str } from '../oauth-connector';

/** Community Management API: post as the organization, read its posts, list the pages the member administers. */
export const LINKEDIN_PAGE_SCOPES = ['w_organization_social', 'r_organization_social', 'rw_organization_admin'];
export { LINKEDIN_VERSION } from '../linkedin/rest';

const rest = (ctx: ConnectContext) => `${base(ctx.endpoints.apiBase, 'https://api.linkedin.com')}/rest`;
const headers = { ...LINKEDIN_HEADERS };
const orgId = (urn: string) => urn.split(':').pop() ?? '';

async function organization(ctx: ConnectContext, token: string, id: string) {
  const answer = expectOk(await callJson(`${rest(ctx)}/organizations/${encodeURIComponent(id)}`, { token, headers, signal: ctx.signal, what: 'Reading the LinkedIn Page' }), 'Reading the LinkedIn Page', ctx.now());
  return answer.body;
}

/**
 * LinkedIn Page: code + PKCE with the Community Management scopes, then a choice among the
 * organizations the member administers (`organizationAcls`, role ADMINISTRATOR, approved).
 */
export const linkedinPageConnector: PlatformConnector<Record<string, never>> = {
  platform: 'linkedin-page',

  async connect(_input, ctx): Promise<ConnectChoice> {
    const tokens = await ctx.oauth(linkedInConfig(ctx, 'LinkedIn', LINKEDIN_PAGE_SCOPES));
    const acls = expectOk(
      await callJson<{ elements?: Array<Record<string, unknown>> }>(`${rest(ctx)}/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED&count=100`, { token: tokens.accessToken, headers, signal: ctx.signal, what: 'Listing your LinkedIn Pages' }),
      'Listing your LinkedIn Pages',
      ctx.now(),
    ).body.elements ?? [];
    const orgs: Array<{ id: string; name: string; vanity: string }> = [];
    for (const acl of acls) {
      const id = orgId(str(acl['organization']) || str(acl['organizationTarget']));
      if (!id || orgs.some((o) => o.id === id)) continue;
      const org = await organization(ctx, tokens.accessToken, id);
      orgs.push({ id, name: str(org['localizedName']) || id, vanity: str(org['vanityName']) });
    }
    return {
      kind: 'choose',
      options: orgs.map((o) => ({ id: o.id, name: o.name, kind: 'LinkedIn Page', avatarUrl: null })),
      async complete(optionId) {
        const o = orgs.find((x) => x.id === optionId);
        if (!o) throw new PublishError('permanent', 'optionId: is not one of your LinkedIn Pages');
        return {
          platformUserId: o.id,
          handle: o.vanity || o.name,
          displayName: o.name,
          avatarUrl: null,
          instanceUrl: '',
          meta: { organizationId: o.id, authorUrn: `urn:li:organization:${o.id}` },
          secrets: { ...secretsFrom(tokens) },
          tokenExpiresAt: expiryOf(tokens, ctx.now()),
        };
      },
    };
  },

  check(account, secrets, ctx): Promise<CheckResult> {
    return checkWith(async () => {
      try {
        const org = await organization(ctx, str(secrets['accessToken']), account.platformUserId);
        return { connection: 'connected', profile: { handle: str(org['vanityName']) || str(org['localizedName']), displayName: str(org['localizedName']) } };
      } catch (error) {
        // 403: the member is no longer an administrator of the page.
        if (error instanceof PublishError && error.httpStatus === 403) return { connection: 'disconnected', message: error.message };
        throw error;
      }
    });
  },

  refresh(_account, secrets, ctx) {
    return standardRefresh(linkedInConfig(ctx, 'LinkedIn', LINKEDIN_PAGE_SCOPES), secrets, ctx);
  },
};
