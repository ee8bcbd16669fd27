import { startOAuthServer, type FakeClient, type FakeOAuthServer } from '../../../fakes/oauth-server';
import { X_SCOPES } from '../../../../src/main/platforms/x/auth';
import type { SecretStore } from '../../../../src/main/core/ports/ports';
import type { TestCore } from '../../../support/core';

/** The public X client registered at the fake server. */
export const X_CLIENT: FakeClient = { clientId: 'outbox-x-client' };

/** Profiles the fake X API answers /2/users/me with, by signed-in user. */
export const X_USERS: Record<string, { id: string; username: string; name: string }> = {
  'user-1': { id: '1001', username: 'first_user', name: 'First User' },
  'user-2': { id: '1002', username: 'second_user', name: 'Second User' },
};

/** A real OAuth server (oidc-provider, PKCE required, rotating refresh tokens) shaped like X's API. */
export function startXServer(): Promise<FakeOAuthServer> {
  return startOAuthServer({
    clients: [X_CLIENT],
    scopes: X_SCOPES.filter((s) => s !== 'offline.access').concat('offline.access'),
    routes: { authorization: '/i/oauth2/authorize', token: '/2/oauth2/token', revocation: '/2/oauth2/revoke' },
    api: (req) => {
      if (req.method !== 'GET' || req.path !== '/2/users/me') return null;
      const user = X_USERS[req.accountId] ?? { id: req.accountId, username: req.accountId, name: req.accountId };
      return { data: { ...user, profile_image_url: `https://pbs.example/${user.id}.jpg` } };
    },
  });
}

/** Endpoint overrides pointing the X connector at the fake, with a free loopback port. */
export function xPlatforms(server: FakeOAuthServer) {
  return { x: { authBase: server.url, apiBase: server.url, redirectPort: '0' } };
}

/** Starts `accounts:connect` for X, acts as the browser with `browse`, and returns the answer. */
export async function connectX(t: TestCore, server: FakeOAuthServer, browse?: (url: string) => Promise<unknown>) {
  const opened = t.browser.next();
  const answer = t.core.invoke('accounts:connect', { platform: 'x' });
  const url = await Promise.race([opened, answer.then((r) => Promise.reject(new Error(`connect ended before a browser opened: ${JSON.stringify(r)}`)))]);
  await (browse ?? ((u: string) => server.browse(u)))(url);
  return answer;
}

/** The secrets JSON of an account, as stored. */
export async function storedSecrets(secrets: SecretStore, accountId: string): Promise<Record<string, unknown>> {
  const text = await secrets.get(`account:${accountId}`);
  if (text === null) throw new Error(`no secrets for ${accountId}`);
  return (JSON.parse(text) as { secrets: Record<string, unknown> }).secrets;
}
