// A local fake of LinkedIn's sign-in and versioned REST API for posting as a member or a Page.
// No machine-readable description of these APIs exists (../shared/specs/README.md), so it is
// written from LinkedIn's official documentation, page by page:
//
// - Authorization code flow: https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow
//   (client secret in the token request body; access tokens live 60 days, `expires_in` 5184000) and
//   programmatic refresh tokens: https://learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens
//   (issued only to apps LinkedIn enabled: `refreshTokens` option).
// - Sign In with LinkedIn using OpenID Connect (/v2/userinfo): https://learn.microsoft.com/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
// - Versioning (`LinkedIn-Version: YYYYMM` required, 400 VERSION_MISSING, 426 NONEXISTENT_VERSION):
//   https://learn.microsoft.com/linkedin/marketing/versioning
// - Posts API (POST /rest/posts -> 201 + `x-restli-id`; GET /rest/posts?q=author, which needs
//   r_member_social for a member and r_organization_social for a Page):
//   https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api
// - Little text format of `commentary` (reserved characters escaped, templates such as
//   {hashtag|\#|tag}; an unescaped one cuts the text): https://learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format
// - Images API (initializeUpload, PUT with the bearer token, GET status): .../shares/images-api
// - Videos API (initializeUpload with fileSizeBytes -> 4 MB uploadInstructions, PUT each part ->
//   ETag, finalizeUpload with uploadedPartIds in order, GET status WAITING_UPLOAD -> PROCESSING ->
//   AVAILABLE or PROCESSING_FAILED): .../shares/videos-api
// - Documents API (PDF up to 100 MB, PUT with the bearer token, GET status): .../shares/documents-api
// - Organization access control (organizationAcls): https://learn.microsoft.com/linkedin/marketing/community-management/organizations/organization-access-control-by-role
// - Errors (401 INVALID_ACCESS_TOKEN, 403 ACCESS_DENIED, 422 with errorDetails, 429, 5xx):
//   https://learn.microsoft.com/linkedin/shared/api-guide/concepts/error-handling and .../rate-limits;
//   the 422 DUPLICATE_POST body is LinkedIn's as creators report it
//   (https://github.com/Arisamiga/Linkedin-RSS/issues/5).
//
// Uploaded bytes are kept on disk (a 200 MB video costs no memory); every exchange is recorded
// with its request headers so tests can check the version headers and bodies.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeRule, type FailRule } from './fake-http';

/** A member of the fake. */
export interface FakeLinkedInMember {
  sub: string;
  name: string;
}

/** A Page of the fake and who administers it. */
export interface FakeLinkedInOrg {
  id: string;
  name: string;
  vanity: string;
  admins: string[];
}

/** One recorded exchange. */
export interface LinkedInExchange {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

/** A post as the fake keeps it. */
export interface FakeLinkedInPost {
  urn: string;
  author: string;
  /** What was sent, in little text. */
  commentary: string;
  /** What LinkedIn shows (escapes undone, templates rendered, cut at an unescaped reserved character). */
  text: string;
  visibility: string;
  feedDistribution: string;
  reshareDisabled: boolean;
  content: Record<string, unknown> | null;
  createdAt: number;
}

/** An uploaded asset. */
export interface FakeLinkedInAsset {
  urn: string;
  kind: 'image' | 'video' | 'document';
  owner: string;
  size: number | null;
  /** Each part: its range, its ETag once stored, PUTs that stored it, and PUTs that arrived (dropped ones included). */
  parts: Array<{ first: number; last: number; etag: string | null; puts: number; tries: number }>;
  status: 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';
  statusChecks: number;
  finalized: boolean;
}

/** Options of the fake. */
export interface LinkedInFakeOptions {
  now?: () => number;
  members?: FakeLinkedInMember[];
  organizations?: FakeLinkedInOrg[];
  /** Issue refresh tokens (LinkedIn does so only for apps it enabled). */
  refreshTokens?: boolean;
  /** For each video part PUT (counted from 0): bytes to read before dropping the connection. */
  dropPartAfter?: (n: number) => number | undefined;
}

/** A failure rule; `hold` answers nothing until the fake closes (with `afterHandling`, after making the post). */
export type LinkedInFailRule = FailRule & { hold?: boolean };

/** The running fake. */
export interface LinkedInFake {
  url: string;
  members: FakeLinkedInMember[];
  organizations: FakeLinkedInOrg[];
  signInAs: string;
  posts: FakeLinkedInPost[];
  assets: Map<string, FakeLinkedInAsset>;
  exchanges: LinkedInExchange[];
  stats: { drops: number; partBytes: number; refreshes: number };
  failNext(rule: LinkedInFailRule): void;
  expireAccessTokens(): void;
  /** An access token for a member with these scopes (adapter tests). */
  token(sub?: string, scopes?: string[]): string;
  /** sha256 of an asset's bytes as LinkedIn holds them. */
  sha256(urn: string): Promise<string>;
  browse(authorizeUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** The parts LinkedIn cuts a video into (4 MB). */
export const LINKEDIN_PART_BYTES = 4 * 1024 * 1024;
const DOCUMENT_MAX = 100 * 1024 * 1024;
const VIDEO_MAX = 5 * 1024 * 1024 * 1024;
/** Versions the fake serves (a year of monthly releases). */
const OLDEST_VERSION = '202512';
const NEWEST_VERSION = '202611';
const RESERVED = new Set(['|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~']);

/**
 * Reads little text as LinkedIn shows it: `\x` is x, {hashtag|\#|tag} is #tag, and an unescaped
 * reserved character ends the text (what LinkedIn does with it is to cut the post there).
 */
export function renderLittleText(commentary: string): string {
  let out = '';
  for (let i = 0; i < commentary.length; i++) {
    const c = commentary[i]!;
    if (c === '\\' && i + 1 < commentary.length) {
      out += commentary[++i];
      continue;
    }
    if (c === '{') {
      const hashtag = /^\{hashtag\|\\#\|([^{}|]+)\}/.exec(commentary.slice(i));
      if (hashtag) {
        out += `#${hashtag[1]}`;
        i += hashtag[0].length - 1;
        continue;
      }
    }
    if (RESERVED.has(c)) break;
    out += c;
  }
  return out;
}

/** Starts the fake on 127.0.0.1 (port 0). */
export async function startLinkedInFake(options: LinkedInFakeOptions = {}): Promise<LinkedInFake> {
  const now = options.now ?? (() => Date.now());
  const dir = join(tmpdir(), `outbox-linkedin-fake-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const members = options.members ?? [{ sub: 'li-member-1', name: 'Lin Kedin' }];
  const organizations = options.organizations ?? [
    { id: '111', name: 'Acme Bakery', vanity: 'acme-bakery', admins: ['li-member-1'] },
    { id: '222', name: 'Acme Bikes', vanity: 'acme-bikes', admins: ['li-member-1'] },
  ];
  const rules: LinkedInFailRule[] = [];
  const codes = new Map<string, { sub: string; scope: string; redirectUri: string; clientId: string }>();
  const access = new Map<string, { sub: string; scopes: Set<string>; expiresAt: number }>();
  const refresh = new Map<string, { sub: string; scope: string; clientId: string }>();
  const held: ServerResponse[] = [];
  let partPuts = 0;
  let nextId = 7_300_000_000_000_000_000n;

  const fake: LinkedInFake = {
    url: '',
    members,
    organizations,
    signInAs: members[0]!.sub,
    posts: [],
    assets: new Map(),
    exchanges: [],
    stats: { drops: 0, partBytes: 0, refreshes: 0 },
    failNext: (rule) => void rules.push(rule),
    expireAccessTokens: () => access.clear(),
    token(sub = members[0]!.sub, scopes = ['openid', 'profile', 'w_member_social', 'w_organization_social', 'r_organization_social']) {
      const token = `li-at-${randomBytes(16).toString('base64url')}`;
      access.set(token, { sub, scopes: new Set(scopes), expiresAt: now() + 5_184_000_000 });
      return token;
    },
    async sha256(urn) {
      const asset = fake.assets.get(urn);
      if (!asset) throw new Error(`no asset ${urn}`);
      const hash = createHash('sha256');
      for (let i = 0; i < asset.parts.length; i++) for await (const chunk of createReadStream(fileOf(urn, i))) hash.update(chunk as Buffer);
      return hash.digest('hex');
    },
    async browse(authorizeUrl) {
      const consent = await fetch(authorizeUrl, { redirect: 'manual' });
      const location = consent.headers.get('location');
      if (!location) throw new Error(`authorization answered ${consent.status}: ${await consent.text()}`);
      await fetch(location);
    },
    async close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const idOf = (urn: string) => urn.split(':').pop()!;
  const fileOf = (urn: string, part: number) => join(dir, `${idOf(urn)}-${part}`);
  const newId = () => {
    nextId += BigInt(randomInt(1_000, 1_000_000));
    return nextId.toString();
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
  const error = (status: number, message: string, code?: string, extra: Record<string, unknown> = {}) => ({ status, message, ...(code ? { code } : {}), ...extra });
  const unprocessable = (message: string, fieldPath: string, code = 'INVALID_VALUE') => ({
    errorDetailType: 'com.linkedin.common.error.BadRequest',
    message: `ERROR :: /${fieldPath} :: ${message}`,
    errorDetails: { inputErrors: [{ description: message, input: { inputPath: { fieldPath } }, code }] },
    status: 422,
  });

  async function readRaw(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    const raw = (await readRaw(req)).toString('utf8');
    return raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
  }

  /** Stores a PUT body on disk (streamed); drops the connection after `limit` bytes when told. */
  function store(req: IncomingMessage, file: string, limit: number | undefined): Promise<number | 'dropped'> {
    return new Promise((resolve) => {
      const temp = `${file}.incoming-${randomBytes(3).toString('hex')}`;
      const out = createWriteStream(temp);
      let seen = 0;
      let dropped = false;
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (limit !== undefined && seen >= limit && !dropped) {
          dropped = true;
          req.unpipe(out);
          out.destroy();
          req.socket.destroy();
          rmSync(temp, { force: true });
          resolve('dropped');
        }
      });
      req.on('error', () => {
        if (!dropped) {
          dropped = true;
          out.destroy();
          rmSync(temp, { force: true });
          resolve('dropped');
        }
      });
      out.on('finish', () => {
        if (dropped) return;
        // Whole: only now it replaces what that part held.
        renameSync(temp, file);
        resolve(seen);
      });
      req.pipe(out);
    });
  }

  async function head(file: string, n: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(file, { start: 0, end: n - 1 })) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  async function tail(file: string, size: number, n: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(file, { start: Math.max(0, size - n), end: size - 1 })) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** What the caller may act as: the member, and the Pages they administer. */
  function mayPostAs(grant: { sub: string; scopes: Set<string> }, urn: string): boolean {
    if (urn === `urn:li:person:${grant.sub}`) return grant.scopes.has('w_member_social');
    const org = /^urn:li:organization:(\d+)$/.exec(urn)?.[1];
    return !!org && grant.scopes.has('w_organization_social') && organizations.some((o) => o.id === org && o.admins.includes(grant.sub));
  }

  function mayRead(grant: { sub: string; scopes: Set<string> }, urn: string): boolean {
    if (urn === `urn:li:person:${grant.sub}`) return grant.scopes.has('r_member_social');
    const org = /^urn:li:organization:(\d+)$/.exec(urn)?.[1];
    return !!org && grant.scopes.has('r_organization_social') && organizations.some((o) => o.id === org && o.admins.includes(grant.sub));
  }

  function postJson(p: FakeLinkedInPost) {
    return {
      id: p.urn,
      author: p.author,
      commentary: p.commentary,
      visibility: p.visibility,
      distribution: { feedDistribution: p.feedDistribution, targetEntities: [], thirdPartyDistributionChannels: [] },
      ...(p.content ? { content: p.content } : {}),
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: p.reshareDisabled,
      createdAt: p.createdAt,
      lastModifiedAt: p.createdAt,
      publishedAt: p.createdAt,
    };
  }

  async function createPost(grant: { sub: string; scopes: Set<string> }, body: Record<string, unknown>): Promise<{ status: number; response: unknown; headers?: Record<string, string> }> {
    const author = String(body['author'] ?? '');
    if (!mayPostAs(grant, author)) return { status: 403, response: error(403, `Not enough permissions to access: partnerApiPostsExternal.CREATE.${NEWEST_VERSION}`, 'ACCESS_DENIED', { serviceErrorCode: 100 }) };
    const commentary = typeof body['commentary'] === 'string' ? body['commentary'] : '';
    const visibility = String(body['visibility'] ?? '');
    if (!['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER'].includes(visibility)) return { status: 422, response: unprocessable(`Invalid visibility ${visibility}`, 'visibility') };
    if (visibility === 'CONNECTIONS' && author.startsWith('urn:li:organization:')) return { status: 422, response: unprocessable('An organization has no connections', 'visibility') };
    const distribution = body['distribution'] as { feedDistribution?: unknown } | undefined;
    if (!distribution || !['MAIN_FEED', 'NONE'].includes(String(distribution.feedDistribution))) return { status: 422, response: unprocessable('distribution.feedDistribution must be MAIN_FEED or NONE', 'distribution/feedDistribution') };
    if (body['lifecycleState'] !== 'PUBLISHED') return { status: 422, response: unprocessable('lifecycleState must be PUBLISHED', 'lifecycleState') };
    if (body['isReshareDisabledByAuthor'] !== undefined && typeof body['isReshareDisabledByAuthor'] !== 'boolean') return { status: 422, response: unprocessable('must be a boolean', 'isReshareDisabledByAuthor') };
    if ([...commentary].length > 3000) return { status: 422, response: unprocessable('commentary is longer than 3000 characters', 'commentary') };
    const content = (body['content'] ?? null) as Record<string, unknown> | null;
    const usable = (urn: unknown, kind: FakeLinkedInAsset['kind']) => {
      const asset = fake.assets.get(String(urn));
      return !!asset && asset.kind === kind && asset.owner === author && asset.status === 'AVAILABLE';
    };
    if (content) {
      const keys = Object.keys(content);
      if (keys.length !== 1) return { status: 422, response: unprocessable('content takes exactly one of media, multiImage, article, poll', 'content') };
      const media = content['media'] as { id?: unknown; title?: unknown; altText?: unknown } | undefined;
      const multi = content['multiImage'] as { images?: Array<{ id?: unknown; altText?: unknown }> } | undefined;
      const article = content['article'] as { source?: unknown; title?: unknown; description?: unknown } | undefined;
      if (media) {
        const id = String(media.id ?? '');
        const kind = id.startsWith('urn:li:image:') ? 'image' : id.startsWith('urn:li:video:') ? 'video' : id.startsWith('urn:li:document:') ? 'document' : null;
        if (!kind || !usable(id, kind)) return { status: 422, response: unprocessable(`Media ${id} is not available to ${author}`, 'content/media/id') };
        if (kind === 'document' && (typeof media.title !== 'string' || !media.title.trim())) return { status: 422, response: unprocessable('A document needs a title', 'content/media/title', 'FIELD_VALUE_REQUIRED') };
      } else if (multi) {
        const images = multi.images ?? [];
        if (images.length < 2 || images.length > 20) return { status: 422, response: unprocessable('multiImage takes 2 to 20 images', 'content/multiImage/images') };
        if (images.some((i) => !usable(i.id, 'image'))) return { status: 422, response: unprocessable('An image is not available', 'content/multiImage/images') };
      } else if (article) {
        if (typeof article.source !== 'string' || !/^https?:\/\//.test(article.source)) return { status: 422, response: unprocessable('article.source must be a URL', 'content/article/source', 'FIELD_VALUE_REQUIRED') };
        if (typeof article.title !== 'string' || !article.title) return { status: 422, response: unprocessable('article.title is required', 'content/article/title', 'FIELD_VALUE_REQUIRED') };
      } else return { status: 422, response: unprocessable('Unknown content', 'content') };
    }
    if (!commentary && !content) return { status: 422, response: unprocessable('A post needs commentary or content', 'commentary', 'FIELD_VALUE_REQUIRED') };
    // LinkedIn refuses the same author's same commentary again.
    const twin = commentary ? fake.posts.find((p) => p.author === author && p.commentary === commentary && now() - p.createdAt < 7 * 86_400_000) : undefined;
    if (twin) {
      return {
        status: 422,
        response: {
          errorDetailType: 'com.linkedin.common.error.BadRequest',
          message: `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${twin.urn}`,
          errorDetails: { inputErrors: [{ description: 'Duplicate post is detected', input: {}, code: 'DUPLICATE_POST' }] },
          status: 422,
        },
      };
    }
    const urn = `urn:li:${content && !content['article'] ? 'ugcPost' : 'share'}:${newId()}`;
    fake.posts.push({
      urn,
      author,
      commentary,
      text: renderLittleText(commentary),
      visibility,
      feedDistribution: String(distribution.feedDistribution),
      reshareDisabled: body['isReshareDisabledByAuthor'] === true,
      content,
      createdAt: now(),
    });
    return { status: 201, response: undefined, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const record = (status: number, body: unknown, response: unknown) => fake.exchanges.push({ method, path, query, headers, body, status, response });
    void (async () => {
      if (method === 'GET' && path === '/oauth/v2/authorization') {
        const redirect = url.searchParams.get('redirect_uri');
        if (!redirect || url.searchParams.get('response_type') !== 'code') return send(res, 400, { error: 'invalid_request' });
        const back = new URL(redirect);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        const code = `li-code-${randomBytes(10).toString('base64url')}`;
        codes.set(code, { sub: fake.signInAs, scope: url.searchParams.get('scope') ?? '', redirectUri: redirect, clientId: url.searchParams.get('client_id') ?? '' });
        back.searchParams.set('code', code);
        res.writeHead(302, { location: back.href }).end();
        return;
      }
      if (method === 'POST' && path === '/oauth/v2/accessToken') {
        const form = new URLSearchParams((await readRaw(req)).toString('utf8'));
        if (!form.get('client_secret')) return send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        const issue = (sub: string, scope: string, clientId: string) => {
          const token = `li-at-${randomBytes(16).toString('base64url')}`;
          access.set(token, { sub, scopes: new Set(scope.split(/[ ,]+/).filter(Boolean)), expiresAt: now() + 5_184_000_000 });
          const out: Record<string, unknown> = { access_token: token, expires_in: 5_184_000, scope: scope.replace(/ /g, ',') };
          if (options.refreshTokens) {
            const rt = `li-rt-${randomBytes(16).toString('base64url')}`;
            refresh.set(rt, { sub, scope, clientId });
            Object.assign(out, { refresh_token: rt, refresh_token_expires_in: 31_536_000 });
          }
          return out;
        };
        if (form.get('grant_type') === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          if (!code || code.redirectUri !== form.get('redirect_uri') || code.clientId !== form.get('client_id')) return send(res, 400, { error: 'invalid_request', error_description: 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code' });
          return send(res, 200, issue(code.sub, code.scope, code.clientId));
        }
        if (form.get('grant_type') === 'refresh_token') {
          fake.stats.refreshes += 1;
          const grant = refresh.get(form.get('refresh_token') ?? '');
          if (!grant) return send(res, 400, { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked.' });
          return send(res, 200, issue(grant.sub, grant.scope, grant.clientId));
        }
        return send(res, 400, { error: 'unsupported_grant_type' });
      }

      // Upload addresses (handed out by initializeUpload).
      const upload = /^\/dms-uploads\/(image|document|video)\/(\d+)(?:\/part\/(\d+))?$/.exec(path);
      if (method === 'PUT' && upload) {
        const kind = upload[1] as 'image' | 'document' | 'video';
        const asset = fake.assets.get(`urn:li:${kind === 'image' ? 'image' : kind === 'video' ? 'video' : 'document'}:${upload[2]}`);
        if (!asset) return send(res, 404, error(404, 'Upload not found'));
        if (kind !== 'video') {
          const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
          const grant = access.get(bearer);
          if (!grant || grant.expiresAt <= now()) return send(res, 401, error(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', { serviceErrorCode: 65600 }));
          const stored = await store(req, fileOf(asset.urn, 0), undefined);
          if (stored === 'dropped') return;
          if (kind === 'document' && stored > DOCUMENT_MAX) return send(res, 400, error(400, 'The document is larger than 100 MB'));
          asset.size = stored;
          asset.parts = [{ first: 0, last: stored - 1, etag: null, puts: (asset.parts[0]?.puts ?? 0) + 1, tries: (asset.parts[0]?.tries ?? 0) + 1 }];
          asset.status = 'PROCESSING';
          return send(res, 201, undefined);
        }
        const index = Number(upload[3]);
        const part = asset.parts[index];
        if (!part || asset.finalized) return send(res, 400, error(400, 'Unknown or closed upload part'));
        part.tries += 1;
        const stored = await store(req, fileOf(asset.urn, index), options.dropPartAfter?.(partPuts++));
        if (stored === 'dropped') {
          fake.stats.drops += 1;
          return;
        }
        if (stored !== part.last - part.first + 1) return send(res, 400, error(400, `Part ${index} must be ${part.last - part.first + 1} bytes; got ${stored}`));
        part.etag = `"${createHash('sha1').update(`${asset.urn}-${index}-${part.puts}`).digest('hex')}"`;
        part.puts += 1;
        fake.stats.partBytes += stored;
        res.writeHead(200, { etag: part.etag, 'content-length': '0' }).end();
        return;
      }

      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const grant = access.get(bearer);
      if (!grant || grant.expiresAt <= now()) {
        const response = error(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', { serviceErrorCode: 65600 });
        record(401, undefined, response);
        return send(res, 401, response);
      }
      if (method === 'GET' && path === '/v2/userinfo') {
        const member = members.find((m) => m.sub === grant.sub)!;
        return send(res, 200, { sub: member.sub, name: member.name, picture: `https://media.licdn.example/${member.sub}.jpg`, email_verified: true, locale: { country: 'US', language: 'en' } });
      }
      if (!path.startsWith('/rest/')) return send(res, 404, error(404, `No route ${method} ${path}`));
      const body = method === 'POST' ? await readJson(req).catch(() => ({}) as Record<string, unknown>) : undefined;
      const answer = (status: number, response: unknown, extra: Record<string, string> = {}) => {
        record(status, body, response);
        send(res, status, response, extra);
      };
      const version = req.headers['linkedin-version'];
      if (typeof version !== 'string') return answer(400, error(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', 'VERSION_MISSING'));
      if (!/^\d{6}$/.test(version) || version < OLDEST_VERSION || version > NEWEST_VERSION) return answer(426, error(426, `Requested version ${version} is not active`, 'NONEXISTENT_VERSION'));
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') return answer(400, error(400, 'X-Restli-Protocol-Version 2.0.0 is required'));
      const rule = takeRule(rules, method, path) as LinkedInFailRule | null;
      if (rule?.hold && !rule.afterHandling) return void held.push(res);
      if (rule?.drop && !rule.afterHandling) {
        fake.stats.drops += 1;
        return req.socket.destroy();
      }
      if (rule && !rule.drop && !rule.hold) {
        const response = rule.body ?? (rule.status === 429 ? error(429, 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.', 'TOO_MANY_REQUESTS', { serviceErrorCode: 101 }) : error(rule.status, 'Internal Server Error'));
        return answer(rule.status, response, rule.headers);
      }

      if (method === 'GET' && path === '/rest/organizationAcls') {
        const mine = organizations.filter((o) => o.admins.includes(grant.sub));
        return answer(200, { elements: mine.map((o) => ({ organization: `urn:li:organization:${o.id}`, role: 'ADMINISTRATOR', state: 'APPROVED', roleAssignee: `urn:li:person:${grant.sub}` })), paging: { start: 0, count: 100, links: [] } });
      }
      const org = /^\/rest\/organizations\/(\d+)$/.exec(path);
      if (method === 'GET' && org) {
        const o = organizations.find((x) => x.id === org[1]);
        if (!o) return answer(404, error(404, 'Organization not found'));
        if (!o.admins.includes(grant.sub)) return answer(403, error(403, 'Not enough permissions to access: organizations.GET', 'ACCESS_DENIED'));
        return answer(200, { id: Number(o.id), localizedName: o.name, vanityName: o.vanity });
      }

      if (method === 'POST' && path === '/rest/posts') {
        const created = await createPost(grant, body ?? {});
        record(created.status, body, created.response ?? null);
        if (created.status === 201 && rule?.drop && rule.afterHandling) {
          fake.stats.drops += 1;
          return req.socket.destroy();
        }
        if (created.status === 201 && rule?.hold) return void held.push(res);
        return send(res, created.status, created.response, created.headers);
      }
      if (method === 'GET' && path === '/rest/posts') {
        if (url.searchParams.get('q') !== 'author') return answer(400, error(400, 'Only the author finder is supported here'));
        const author = url.searchParams.get('author') ?? '';
        if (!mayRead(grant, author)) return answer(403, error(403, `Not enough permissions to access: partnerApiPostsExternal.FINDER-author.${NEWEST_VERSION}`, 'ACCESS_DENIED', { serviceErrorCode: 100 }));
        const count = Math.min(100, Number(url.searchParams.get('count') ?? '10'));
        const start = Number(url.searchParams.get('start') ?? '0');
        const all = fake.posts.filter((p) => p.author === author).sort((a, b) => b.createdAt - a.createdAt || (b.urn > a.urn ? 1 : -1));
        return answer(200, { elements: all.slice(start, start + count).map(postJson), paging: { start, count, links: [], total: all.length } });
      }

      const init = /^\/rest\/(images|videos|documents)$/.exec(path);
      if (method === 'POST' && init && url.searchParams.get('action') === 'initializeUpload') {
        const request = (body?.['initializeUploadRequest'] ?? {}) as { owner?: string; fileSizeBytes?: unknown };
        const owner = String(request.owner ?? '');
        if (!mayPostAs(grant, owner)) return answer(403, error(403, `Accessing this ${init[1]!.slice(0, -1)} resource is forbidden. Please check your permissions for this resource`));
        const id = `${randomInt(100_000, 999_999)}${randomBytes(4).readUInt32BE()}`;
        const kind = init[1] === 'images' ? 'image' : init[1] === 'videos' ? 'video' : 'document';
        const urn = `urn:li:${kind}:${id}`;
        const expiresAt = now() + 3_600_000;
        if (kind === 'video') {
          const size = Number(request.fileSizeBytes);
          if (!Number.isInteger(size) || size <= 0 || size > VIDEO_MAX) return answer(400, error(400, 'fileSizeBytes must be between 1 byte and 5 GB'));
          const parts = [];
          for (let first = 0; first < size; first += LINKEDIN_PART_BYTES) parts.push({ first, last: Math.min(size, first + LINKEDIN_PART_BYTES) - 1, etag: null, puts: 0, tries: 0 });
          fake.assets.set(urn, { urn, kind, owner, size, parts, status: 'WAITING_UPLOAD', statusChecks: 0, finalized: false });
          return answer(200, {
            value: {
              uploadUrlsExpireAt: expiresAt,
              video: urn,
              uploadInstructions: parts.map((p, i) => ({ uploadUrl: `${fake.url}/dms-uploads/video/${id}/part/${i}?ca=vector_feedshare&sig=${randomBytes(6).toString('hex')}`, firstByte: p.first, lastByte: p.last })),
              uploadToken: '',
            },
          });
        }
        fake.assets.set(urn, { urn, kind, owner, size: null, parts: [], status: 'WAITING_UPLOAD', statusChecks: 0, finalized: false });
        return answer(200, { value: { uploadUrlExpiresAt: expiresAt, uploadUrl: `${fake.url}/dms-uploads/${kind}/${id}?sig=${randomBytes(6).toString('hex')}`, [kind]: urn } });
      }
      if (method === 'POST' && path === '/rest/videos' && url.searchParams.get('action') === 'finalizeUpload') {
        const request = (body?.['finalizeUploadRequest'] ?? {}) as { video?: string; uploadedPartIds?: unknown };
        const asset = fake.assets.get(String(request.video ?? ''));
        if (!asset || asset.kind !== 'video' || !mayPostAs(grant, asset.owner)) return answer(404, error(404, 'Video not found'));
        if (asset.finalized) return answer(400, error(400, `Video ${asset.urn} is not in WAITING_UPLOAD state`));
        const ids = Array.isArray(request.uploadedPartIds) ? request.uploadedPartIds.map(String) : [];
        if (ids.length !== asset.parts.length || asset.parts.some((p, i) => p.etag === null || p.etag !== ids[i])) return answer(400, error(400, 'uploadedPartIds do not match the uploaded parts'));
        asset.finalized = true;
        asset.status = 'PROCESSING';
        return answer(200, {});
      }
      const status = /^\/rest\/(images|videos|documents)\/(.+)$/.exec(path);
      if (method === 'GET' && status) {
        const urn = decodeURIComponent(status[2]!);
        const asset = fake.assets.get(urn);
        if (!asset) return answer(404, error(404, `${urn} not found`));
        if (!mayPostAs(grant, asset.owner)) return answer(403, error(403, `Accessing this ${asset.kind} resource is forbidden. Please check your permissions for this resource`));
        asset.statusChecks += 1;
        // Images are ready at once; videos and documents take a moment (PROCESSING first).
        if (asset.status === 'PROCESSING' && (asset.kind === 'image' || asset.statusChecks > 1)) {
          const size = asset.parts.reduce((n, p) => n + (p.last - p.first + 1), 0);
          const first = asset.parts.length ? await head(fileOf(urn, 0), 12) : Buffer.alloc(0);
          if (asset.kind === 'video') asset.status = first.subarray(4, 8).toString('latin1') === 'ftyp' ? 'AVAILABLE' : 'PROCESSING_FAILED';
          else if (asset.kind === 'document') asset.status = first.subarray(0, 5).toString('latin1') === '%PDF-' && (await tail(fileOf(urn, 0), size, 1024)).toString('latin1').includes('%%EOF') ? 'AVAILABLE' : 'PROCESSING_FAILED';
          else asset.status = first[0] === 0xff || first.subarray(1, 4).toString('latin1') === 'PNG' || first.subarray(0, 3).toString('latin1') === 'GIF' ? 'AVAILABLE' : 'PROCESSING_FAILED';
        }
        return answer(200, { id: urn, owner: asset.owner, status: asset.status, ...(asset.status === 'PROCESSING_FAILED' ? { processingFailureReason: `The ${asset.kind} could not be read` } : {}) });
      }
      answer(404, error(404, `No route ${method} ${path}`));
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, error(500, (e as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
