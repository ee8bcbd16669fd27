// Platform-shaped fakes of the OAuth platforms' sign-in and profile endpoints (LinkedIn,
// LinkedIn Pages, Facebook Pages, Instagram through Facebook, Instagram Login, Threads, TikTok,
// YouTube, Pinterest), written from their documentation. One server answers all of them; a
// client registry says how each platform authenticates clients and encodes PKCE, and the
// token endpoints refuse a wrong code_verifier, a wrong redirect_uri, a reused code and a
// reused (rotated) refresh token. Consent is automatic: the authorize endpoint redirects back
// with a code at once (or `access_denied` when `deny` is set).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How one platform's client behaves at the token endpoint. */
export interface FakePlatformClient {
  clientId: string;
  clientSecret: string;
  /** Where the client authenticates: HTTP Basic, or client id and secret in the form body. */
  auth: 'basic' | 'body';
  /** The client id parameter name (TikTok: client_key). */
  idParam?: string;
  /** How the S256 challenge is encoded (TikTok desktop: hex). */
  pkce?: 'base64url' | 'hex';
  /** Access token lifetime in seconds. */
  expiresIn: number;
  /** Whether a refresh token is issued (and rotated on use). */
  refresh: boolean;
  /** Instagram wraps the code exchange answer in `data: [...]`. */
  wrapData?: boolean;
  /** Sends `iss` with the authorization response (RFC 9207), as Google does. */
  issuer?: string;
}

interface Grant {
  clientId: string;
  scope: string;
  user: string;
}

/** A running fake. */
export interface FakePlatforms {
  url: string;
  /** When true, the next authorizations are denied. */
  deny: boolean;
  /** Authorize requests seen (query parameters). */
  authorizeRequests: URLSearchParams[];
  /** Refresh grants seen, with their outcome. */
  refreshes: Array<{ clientId: string; ok: boolean }>;
  /** Makes every token of a client invalid (the creator removed the app). */
  revokeAll(clientId: string): void;
  close(): Promise<void>;
}

const b64 = (n = 24) => randomBytes(n).toString('base64url');

export async function startPlatformFakes(clients: FakePlatformClient[]): Promise<FakePlatforms> {
  const byId = new Map(clients.map((c) => [c.clientId, c]));
  const codes = new Map<string, Grant & { challenge: string; redirectUri: string }>();
  const access = new Map<string, Grant>();
  const refresh = new Map<string, Grant>();
  const pageTokens = new Map<string, Grant & { pageId: string }>();

  const fake: FakePlatforms = {
    url: '',
    deny: false,
    authorizeRequests: [],
    refreshes: [],
    revokeAll(clientId) {
      for (const map of [access, refresh, pageTokens] as Array<Map<string, Grant>>) for (const [k, g] of map) if (g.clientId === clientId) map.delete(k);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const issue = (client: FakePlatformClient, grant: Grant) => {
    const token = `at-${b64()}`;
    access.set(token, grant);
    const out: Record<string, unknown> = { access_token: token, token_type: 'bearer', expires_in: client.expiresIn, scope: grant.scope };
    if (client.refresh) {
      const rt = `rt-${b64()}`;
      refresh.set(rt, grant);
      out['refresh_token'] = rt;
    }
    return out;
  };

  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  }

  function authorize(u: URL, res: ServerResponse) {
    const q = u.searchParams;
    fake.authorizeRequests.push(q);
    const clientId = q.get('client_id') ?? q.get('client_key') ?? '';
    const client = byId.get(clientId);
    const redirect = q.get('redirect_uri');
    if (!client || !redirect || q.get('response_type') !== 'code') return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or missing redirect_uri' });
    const back = new URL(redirect);
    back.searchParams.set('state', q.get('state') ?? '');
    if (client.issuer) back.searchParams.set('iss', client.issuer);
    if (fake.deny) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_reason', 'user_denied');
    } else if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', 'PKCE with S256 is required');
    } else {
      const code = `code-${b64()}`;
      codes.set(code, { clientId, scope: q.get('scope') ?? '', user: 'creator', challenge: q.get('code_challenge')!, redirectUri: redirect });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.href }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let clientId = form.get('client_id') ?? form.get('client_key') ?? '';
    let secret = form.get('client_secret') ?? '';
    if (basic) [clientId, secret] = Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent) as [string, string];
    const client = byId.get(clientId);
    if (!client || secret !== client.clientSecret || (client.auth === 'basic') !== Boolean(basic)) return json(res, 401, { error: 'invalid_client' });
    if (client.idParam && !form.has(client.idParam) && !basic) return json(res, 400, { error: 'invalid_request', error_description: `${client.idParam} is required` });
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.clientId !== clientId) return json(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
      if (code.redirectUri !== form.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest(client.pkce ?? 'base64url');
      if (challenge !== code.challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match the challenge' });
      const out = issue(client, code);
      return json(res, 200, client.wrapData ? { data: [{ access_token: out['access_token'], user_id: 'ig-user-1', permissions: code.scope }] } : { ...out, open_id: 'tt-open-1' });
    }
    if (form.get('grant_type') === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const grant = refresh.get(rt);
      fake.refreshes.push({ clientId, ok: !!grant && grant.clientId === clientId });
      if (!grant || grant.clientId !== clientId) return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid' });
      refresh.delete(rt);
      return json(res, 200, issue(client, grant));
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  }

  function bearer(req: IncomingMessage, u: URL): Grant | undefined {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? u.searchParams.get('access_token') ?? '';
    return access.get(token) ?? pageTokens.get(token);
  }

  // Meta answers a dead token with 400 and error code 190.
  const metaDead = (res: ServerResponse) => json(res, 400, { error: { message: 'Error validating access token: The session has been invalidated', type: 'OAuthException', code: 190 } });

  function metaExchange(u: URL, res: ServerResponse, prefix: 'ig' | 'th' | 'fb') {
    const q = u.searchParams;
    const grantType = q.get('grant_type');
    const current = q.get(prefix === 'fb' ? 'fb_exchange_token' : 'access_token') ?? '';
    const grant = access.get(current);
    if (!grant) return metaDead(res);
    if (grantType === `${prefix}_exchange_token` || grantType === 'fb_exchange_token') {
      const client = byId.get(grant.clientId)!;
      if (q.get('client_secret') !== client.clientSecret) return json(res, 400, { error: { message: 'Invalid client_secret', type: 'OAuthException', code: 1 } });
    }
    access.delete(current);
    const token = `ll-${b64()}`;
    access.set(token, grant);
    return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 5_184_000 });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const p = u.pathname;
      const get = req.method === 'GET';
      // Authorization endpoints.
      if (get && ['/oauth/v2/authorization', '/v23.0/dialog/oauth', '/oauth/authorize', '/v2/auth/authorize/', '/o/oauth2/v2/auth', '/oauth/'].includes(p)) return authorize(u, res);
      // Token endpoints (code and refresh grants).
      if (!get && ['/oauth/v2/accessToken', '/v23.0/oauth/access_token', '/oauth/access_token', '/v2/oauth/token/', '/token', '/v5/oauth/token'].includes(p)) return token(req, res);
      // Meta long-lived exchange and refresh.
      if (get && p === '/v23.0/oauth/access_token') return metaExchange(u, res, 'fb');
      if (get && (p === '/access_token' || p === '/refresh_access_token')) {
        const g = u.searchParams.get('grant_type') ?? '';
        return metaExchange(u, res, g.startsWith('th_') ? 'th' : 'ig');
      }
      const grant = bearer(req, u);
      const meta = p.startsWith('/v23.0/') || p.startsWith('/v1.0/');
      if (!grant) return meta ? metaDead(res) : p.startsWith('/v2/user/info') ? json(res, 401, { data: {}, error: { code: 'access_token_invalid', message: 'The access token is invalid or not found in the request.' } }) : json(res, 401, { message: 'Unauthorized' });
      // LinkedIn.
      if (p === '/v2/userinfo') return json(res, 200, { sub: 'li-member-1', name: 'Lin Kedin', picture: 'https://media.licdn.example/p.jpg' });
      if (p === '/rest/organizationAcls') {
        if (!req.headers['linkedin-version']) return json(res, 400, { message: 'LinkedIn-Version header is required' });
        return json(res, 200, { elements: [{ organization: 'urn:li:organization:111', role: 'ADMINISTRATOR', state: 'APPROVED' }, { organization: 'urn:li:organization:222', role: 'ADMINISTRATOR', state: 'APPROVED' }] });
      }
      const org = /^\/rest\/organizations\/(\d+)$/.exec(p);
      if (org) return json(res, 200, { id: Number(org[1]), localizedName: org[1] === '111' ? 'Acme Bakery' : 'Acme Bikes', vanityName: org[1] === '111' ? 'acme-bakery' : 'acme-bikes' });
      // Facebook Pages and linked Instagram accounts.
      if (p === '/v23.0/me/accounts') {
        const pages = [
          { id: 'fb-page-1', name: 'Corner Café', username: 'cornercafe', ig: { id: 'ig-biz-1', username: 'corner.cafe', name: 'Corner Café IG', profile_picture_url: 'https://ig.example/1.jpg' } },
          { id: 'fb-page-2', name: 'Night Market', username: 'nightmarket', ig: null },
        ];
        return json(res, 200, {
          data: pages.map((pg) => {
            const pageToken = `page-${b64()}`;
            pageTokens.set(pageToken, { ...grant, pageId: pg.id });
            return { id: pg.id, name: pg.name, username: pg.username, access_token: pageToken, picture: { data: { url: `https://fb.example/${pg.id}.jpg` } }, ...(pg.ig ? { instagram_business_account: pg.ig } : {}) };
          }),
        });
      }
      if (p === '/v23.0/fb-page-1' || p === '/v23.0/fb-page-2') return json(res, 200, { id: p.slice(7), name: 'Corner Café', username: 'cornercafe' });
      if (p === '/v23.0/ig-biz-1') return json(res, 200, { id: 'ig-biz-1', username: 'corner.cafe', name: 'Corner Café IG' });
      // Instagram Login and Threads profiles.
      if (p === '/v23.0/me') return json(res, 200, { user_id: 'ig-user-1', username: 'solo.creator', name: 'Solo Creator', profile_picture_url: 'https://ig.example/solo.jpg' });
      if (p === '/v1.0/me') return json(res, 200, { id: 'th-user-1', username: 'threader', name: 'The Threader', threads_profile_picture_url: 'https://th.example/t.jpg' });
      // TikTok.
      if (p === '/v2/user/info/') return json(res, 200, { data: { user: { open_id: 'tt-open-1', username: 'tiktoker', display_name: 'Tik Toker', avatar_url: 'https://tt.example/a.jpg' } }, error: { code: 'ok', message: '' } });
      // YouTube.
      if (p === '/youtube/v3/channels') {
        const channels = [
          { id: 'UC-main', snippet: { title: 'Main Channel', customUrl: '@mainchannel', thumbnails: { default: { url: 'https://yt.example/main.jpg' } } } },
          { id: 'UC-brand', snippet: { title: 'Brand Channel', customUrl: '@brandchannel', thumbnails: { default: { url: 'https://yt.example/brand.jpg' } } } },
        ];
        const id = u.searchParams.get('id');
        return json(res, 200, { kind: 'youtube#channelListResponse', items: id ? channels.filter((c) => c.id === id) : channels });
      }
      // Pinterest.
      if (p === '/v5/user_account') return json(res, 200, { id: 'pin-1', username: 'pinner', business_name: 'Pinner Studio', profile_image: 'https://pin.example/p.jpg', account_type: 'BUSINESS' });
      return json(res, 404, { message: `no route ${req.method} ${p}` });
    })().catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
