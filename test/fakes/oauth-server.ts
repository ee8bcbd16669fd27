// A real OAuth 2.0 authorization server on 127.0.0.1 for tests: `oidc-provider` (a certified
// OpenID Connect / OAuth 2.0 implementation) configured so PKCE (S256) is required for every
// client, refresh tokens are issued and rotated on every use, and a reused refresh token is
// refused. Routes can be renamed to match a platform (e.g. X's /i/oauth2/authorize and
// /2/oauth2/token), and `api` adds platform API routes that only answer a valid access token.
//
// The consent screen is driven like a browser would: `browse(url)` follows redirects with a
// cookie jar and lets the test approve or deny at the interaction step.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A client registered at the fake server. */
export interface FakeClient {
  clientId: string;
  /** Absent: a public client (token_endpoint_auth_method none). */
  clientSecret?: string;
  /** How a confidential client authenticates at the token endpoint. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** What an API route sees once the bearer token is valid. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accountId: string;
  scopes: Set<string>;
}

/** Options of the fake server. */
export interface OAuthServerOptions {
  clients: FakeClient[];
  /** Scopes the resource server grants (besides offline_access). */
  scopes: string[];
  /** Route overrides, e.g. `{ authorization: '/i/oauth2/authorize', token: '/2/oauth2/token' }`. */
  routes?: { authorization?: string; token?: string; revocation?: string };
  /** Platform API routes, answered only with a valid access token. Return null for a 404. */
  api?: (req: ApiRequest) => unknown;
  /** The user who signs in. */
  accountId?: string;
  /** Access token lifetime in seconds. */
  accessTokenTtl?: number;
}

/** A running fake authorization server. */
export interface FakeOAuthServer {
  url: string;
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  /** Token requests seen, by grant type (to count refreshes). */
  tokenRequests: Array<{ grantType: string; ok: boolean }>;
  /** What the next consent answers. */
  decision: 'approve' | 'deny';
  /** The user who signs in next. */
  accountId: string;
  /**
   * Acts as the browser: opens `url`, follows redirects (carrying cookies), consents as
   * `decision` says, and stops at the first redirect leaving this server (the app's loopback),
   * which it requests too. Resolves with that last response.
   */
  browse(url: string): Promise<{ status: number; url: string; body: string }>;
  /** Follows the authorization to the redirect back to the app without requesting it. */
  redirectTarget(url: string): Promise<string>;
  /** Revokes a token at the revocation endpoint, as the creator removing the app would. */
  revoke(token: string, client: FakeClient): Promise<void>;
  close(): Promise<void>;
}

const RESOURCE = 'https://api.fake.test';

export async function startOAuthServer(options: OAuthServerOptions): Promise<FakeOAuthServer> {
  let provider!: Provider;
  const fake = {} as FakeOAuthServer;

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const routes = { authorization: '/auth', token: '/token', revocation: '/token/revocation', ...options.routes };
  const grantedScopes = options.scopes.join(' ');

  provider = new Provider(url, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret, token_endpoint_auth_method: c.authMethod ?? 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
      // A native client: any port on the loopback redirect is accepted (RFC 8252 §7.3).
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', ...options.scopes],
    routes,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: grantedScopes, accessTokenFormat: 'opaque', accessTokenTTL: options.accessTokenTtl ?? 7200 }),
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Every grant gets a refresh token, rotated on every use; a reused one is refused.
    issueRefreshToken: async () => true,
    rotateRefreshToken: true,
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ['outbox-test-cookie-key'] },
    ttl: { AuthorizationCode: 600, Interaction: 3600, Session: 3600, Grant: 86400 * 30, RefreshToken: 86400 * 30, AccessToken: options.accessTokenTtl ?? 7200 },
  });
  provider.on('grant.success', (ctx) => fake.tokenRequests.push({ grantType: String(ctx.oidc.params?.['grant_type'] ?? ''), ok: true }));
  provider.on('grant.error', (ctx) => fake.tokenRequests.push({ grantType: String(ctx.oidc.params?.['grant_type'] ?? ''), ok: false }));
  const callback = provider.callback();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      const u = new URL(req.url ?? '/', url);
      if (u.pathname.startsWith('/interaction/')) return await interaction(req, res);
      const providerPath = [...Object.values(routes), '/auth', '/.well-known', '/jwks', '/session', '/me', '/reg', '/token'].some((r) => u.pathname === r || u.pathname.startsWith(`${r}/`));
      if (options.api && !providerPath) {
        const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const found = token ? await provider.AccessToken.find(token) : undefined;
        if (!found || found.isExpired) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'Unauthorized' }));
          return;
        }
        const out = options.api({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, accountId: found.accountId, scopes: new Set(String(found.scope ?? '').split(' ')) });
        if (out === null) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        return;
      }
      callback(req, res);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  }

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (fake.decision === 'deny') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user declined' }, { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: fake.accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId: fake.accountId, clientId: String(details.params['client_id']) }))
      : new provider.Grant({ accountId: fake.accountId, clientId: String(details.params['client_id']) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function follow(start: string, requestLast: boolean) {
    const jar = new Map<string, string>();
    let next = start;
    for (let hop = 0; hop < 20; hop++) {
      const target = new URL(next);
      if (target.origin !== url) {
        if (!requestLast) return { status: 0, url: next, body: '' };
        const response = await fetch(next);
        return { status: response.status, url: next, body: await response.text() };
      }
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await fetch(next, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      for (const set of response.headers.getSetCookie()) {
        const [pair] = set.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        next = new URL(location, next).href;
        continue;
      }
      return { status: response.status, url: next, body: await response.text() };
    }
    throw new Error('too many redirects');
  }

  Object.assign(fake, {
    url,
    issuer: url,
    authorizeUrl: url + routes.authorization,
    tokenUrl: url + routes.token,
    revocationUrl: url + routes.revocation,
    tokenRequests: [],
    decision: 'approve',
    accountId: options.accountId ?? 'user-1',
    browse: (start: string) => follow(start, true),
    redirectTarget: async (start: string) => (await follow(start, false)).url,
    async revoke(token: string, client: FakeClient) {
      const body = new URLSearchParams({ token });
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (client.clientSecret) headers['authorization'] = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
      else body.set('client_id', client.clientId);
      const response = await fetch(url + routes.revocation, { method: 'POST', headers, body });
      if (!response.ok) throw new Error(`revocation failed: ${response.status} ${await response.text()}`);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  } satisfies Partial<FakeOAuthServer>);
  return fake;
}
