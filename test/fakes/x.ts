// A local fake of X API v2, written from X's documentation and checked against X's own OpenAPI
// description (../shared/specs/x-api-v2-openapi.json: tests validate every exchange):
//
// - OAuth 2.0 authorization code with PKCE (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code):
//   GET /i/oauth2/authorize (S256 required), POST /2/oauth2/token (code + code_verifier; refresh
//   tokens rotate: a used one is refused), access tokens live 2 hours.
// - GET /2/users/me (https://docs.x.com/x-api/users/get-my-user).
// - Chunked media upload (https://docs.x.com/x-api/media/quickstart/media-upload-chunked):
//   initialize (5 MB image / 15 MB GIF / 512 MB video), append by `segment_index` (0-999, <= 5 MB,
//   the same index again replaces it), finalize (400 when segments are missing or do not add up),
//   GET /2/media/upload?command=STATUS (video and GIF: pending -> in_progress -> succeeded, or
//   failed for a file that is not an MP4/MOV); POST /2/media/metadata for alt text (<= 1,000).
//   Segments are kept on disk, so a 200 MB video costs no memory.
// - POST /2/tweets (https://docs.x.com/x-api/posts/create-post): text counted with twitter-text
//   (280), 1-4 media ids that must be processed, polls (2-4 options of 1-25 characters, 5-10,080
//   minutes, not with media or a quote), replies (the post must exist), quotes, reply_settings,
//   community_id, share_with_followers, for_super_followers_only; 403 "You are not allowed to create
//   a Tweet with duplicate content." for the author's same text again; links become t.co links in
//   the stored text, and attached media add one more, as X shows posts.
// - GET /2/users/:id/tweets (https://docs.x.com/x-api/users/get-posts): newest first, start_time,
//   max_results 5-100, pagination_token, tweet.fields created_at / referenced_tweets / attachments.
// - Failures as X sends them: 401 and 429 (with x-rate-limit-reset) and 403s are `about:blank`
//   problems (which X's description does not list: tests skip those answers), 5xx, connections
//   dropped before or after a request was handled, answers held forever (a crash mid-request).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import twitter from 'twitter-text';
import type { Exchange } from '../support/openapi';
import { takeRule, type FailRule } from './fake-http';

/** A user of the fake. */
export interface FakeXUser {
  id: string;
  username: string;
  name: string;
}

/** A post as the fake stores it. */
export interface FakeXPost {
  id: string;
  authorId: string;
  /** What the client sent. */
  sentText: string;
  /** What X shows (links as t.co links, one more for attached media). */
  text: string;
  createdAt: number;
  replyTo: string | null;
  quote: string | null;
  mediaIds: string[];
  poll: { options: string[]; durationMinutes: number } | null;
  replySettings: string | null;
  communityId: string | null;
  shareWithFollowers: boolean;
  superFollowersOnly: boolean;
}

/** An upload as the fake keeps it. */
export interface FakeXUpload {
  id: string;
  ownerId: string;
  mediaType: string;
  category: string;
  total: number;
  /** Bytes of each stored segment (on disk under the fake's folder). */
  segments: Map<number, number>;
  /** How many times each segment index was stored (above 1: it crossed again). */
  appends: Map<number, number>;
  finalized: boolean;
  state: 'none' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
  statusChecks: number;
  altText: string | null;
}

/**
 * A failure rule. `hold` answers nothing until the fake closes (the client is killed meanwhile):
 * with `afterHandling` the post is made first, without it the request is never handled.
 */
export type XFailRule = FailRule & { hold?: boolean };

/** Options of the fake. */
export interface XFakeOptions {
  now?: () => number;
  users?: FakeXUser[];
  /** For each APPEND (counted from 0 across uploads): bytes of the body to read before dropping the connection. */
  dropAppendAfter?: (n: number) => number | undefined;
}

/** The running fake. */
export interface XFake {
  url: string;
  users: FakeXUser[];
  /** Who the next sign-in is. */
  signInAs: string;
  posts: FakeXPost[];
  uploads: Map<string, FakeXUpload>;
  /** Every exchange, for spec validation (media bytes recorded as `binary`). */
  exchanges: Exchange[];
  stats: { drops: number; appendBytes: number; tokensIssued: number; refreshes: number; held: number };
  failNext(rule: XFailRule): void;
  /** Makes every access token invalid (they expired); refresh tokens still work. */
  expireAccessTokens(): void;
  /** An access token for a user, as a finished sign-in would give (adapter tests). */
  token(userId?: string): string;
  /** The sha256 of an upload's segments put together in order. */
  sha256(mediaId: string): Promise<string>;
  /** The browser's part of a sign-in: opens the authorize URL and follows X's redirect to the loopback. */
  browse(authorizeUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** X's own (documented) limits the fake enforces. */
const MAX_SEGMENT = 5 * 1024 * 1024;
const MAX_TOTAL: Record<string, number> = { tweet_image: 5 * 1024 * 1024, tweet_gif: 15 * 1024 * 1024, tweet_video: 512 * 1024 * 1024 };
const KEY_PREFIX: Record<string, string> = { tweet_image: '3', tweet_gif: '16', tweet_video: '7' };
/** A Community the fake knows. */
export const FAKE_COMMUNITY_ID = '1600000000000000001';

const problemType = (status: number) =>
  status === 400 ? 'https://api.x.com/2/problems/invalid-request' : status === 404 ? 'https://api.x.com/2/problems/resource-not-found' : 'https://api.x.com/2/problems/internal-error';

/** Starts the fake on 127.0.0.1 (port 0). */
export async function startXFake(options: XFakeOptions = {}): Promise<XFake> {
  const now = options.now ?? (() => Date.now());
  const dir = join(tmpdir(), `outbox-x-fake-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const users = options.users ?? [
    { id: '1001', username: 'outbox_creator', name: 'Outbox Creator' },
    { id: '1002', username: 'someone_else', name: 'Someone Else' },
  ];
  const rules: XFailRule[] = [];
  const codes = new Map<string, { userId: string; challenge: string; redirectUri: string; clientId: string; scope: string }>();
  const access = new Map<string, { userId: string; expiresAt: number }>();
  const refresh = new Map<string, { userId: string; clientId: string; scope: string }>();
  const held: ServerResponse[] = [];
  let nextId = 1_860_000_000_000_000_000n;
  let appendsSoFar = 0;

  const fake: XFake = {
    url: '',
    users,
    signInAs: users[0]!.id,
    posts: [],
    uploads: new Map(),
    exchanges: [],
    stats: { drops: 0, appendBytes: 0, tokensIssued: 0, refreshes: 0, held: 0 },
    failNext: (rule) => void rules.push(rule),
    expireAccessTokens: () => access.clear(),
    token(userId = users[0]!.id) {
      const token = `xat-${randomBytes(16).toString('base64url')}`;
      access.set(token, { userId, expiresAt: now() + 7_200_000 });
      return token;
    },
    async sha256(mediaId) {
      const upload = fake.uploads.get(mediaId);
      if (!upload) throw new Error(`no upload ${mediaId}`);
      const hash = createHash('sha256');
      for (const index of [...upload.segments.keys()].sort((a, b) => a - b)) {
        for await (const chunk of createReadStream(join(dir, `${mediaId}-${index}`))) hash.update(chunk as Buffer);
      }
      return hash.digest('hex');
    },
    async browse(authorizeUrl) {
      const consent = await fetch(authorizeUrl, { redirect: 'manual' });
      const location = consent.headers.get('location');
      if (!location) throw new Error(`authorize answered ${consent.status}: ${await consent.text()}`);
      await fetch(location);
    },
    async close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const newId = () => {
    nextId += BigInt(randomInt(1_000, 1_000_000));
    return nextId.toString();
  };
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

  function record(req: IncomingMessage, path: string, body: unknown, status: number, response: unknown) {
    fake.exchanges.push({ method: req.method ?? 'GET', path, body, status, headers: { 'content-type': String(req.headers['content-type'] ?? 'application/json') }, response });
  }
  function send(res: ServerResponse, status: number, response: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(response);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
  const invalid = (detail: string) => ({ title: 'Invalid Request', detail, type: problemType(400), status: 400 });
  const forbidden = (detail: string) => ({ title: 'Forbidden', detail, type: 'about:blank', status: 403 });

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (chunks.length === 0) return undefined;
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return undefined;
    return JSON.parse(text) as Record<string, unknown>;
  }
  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    let body = '';
    for await (const c of req) body += c;
    return new URLSearchParams(body);
  }

  /** An APPEND body: the media part goes to disk; `limit` drops the connection after that many bytes. */
  function readAppend(req: IncomingMessage, upload: FakeXUpload, limit: number | undefined): Promise<{ index: number; bytes: number; tooBig: boolean } | 'dropped' | 'bad'> {
    return new Promise((resolve) => {
      let index = Number.NaN;
      let bytes = -1;
      let tooBig = false;
      const temp = join(dir, `${upload.id}-incoming-${randomBytes(4).toString('hex')}`);
      let seen = 0;
      let dropped = false;
      const pending: Promise<void>[] = [];
      const bb = busboy({ headers: req.headers, limits: { fileSize: MAX_SEGMENT + 1 } });
      bb.on('field', (name, value) => {
        if (name === 'segment_index') index = Number(value);
      });
      bb.on('file', (_name, stream) => {
        pending.push(
          (async () => {
            const chunks: Buffer[] = [];
            for await (const c of stream) chunks.push(c as Buffer);
            if ((stream as unknown as { truncated?: boolean }).truncated) tooBig = true;
            const data = Buffer.concat(chunks);
            bytes = data.length;
            writeFileSync(temp, data);
          })(),
        );
      });
      bb.on('close', () => {
        if (dropped) return;
        void Promise.all(pending).then(() => {
          if (bytes < 0 || !Number.isInteger(index)) return resolve('bad');
          // Stored under its index only now, whole: a dropped APPEND stores nothing.
          if (tooBig) rmSync(temp, { force: true });
          else renameSync(temp, join(dir, `${upload.id}-${index}`));
          resolve({ index, bytes, tooBig });
        });
      });
      bb.on('error', () => resolve('bad'));
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (limit !== undefined && seen >= limit && !dropped) {
          dropped = true;
          req.unpipe(bb);
          req.socket.destroy();
          rmSync(temp, { force: true });
          resolve('dropped');
        }
      });
      req.on('error', () => {
        if (!dropped) {
          dropped = true;
          resolve('dropped');
        }
      });
      req.pipe(bb);
    });
  }

  function tcoOf(text: string): string {
    // X wraps every link in a t.co link (the entities keep the original).
    return text.replace(/https?:\/\/\S+/g, () => `https://t.co/${randomBytes(5).toString('hex')}`);
  }

  function listed(post: FakeXPost, fields: Set<string>) {
    const out: Record<string, unknown> = { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] };
    if (fields.has('created_at')) out['created_at'] = iso(post.createdAt);
    if (fields.has('author_id')) out['author_id'] = post.authorId;
    if (fields.has('referenced_tweets')) {
      const refs = [...(post.replyTo ? [{ type: 'replied_to', id: post.replyTo }] : []), ...(post.quote ? [{ type: 'quoted', id: post.quote }] : [])];
      if (refs.length) out['referenced_tweets'] = refs;
    }
    if (fields.has('attachments') && post.mediaIds.length) out['attachments'] = { media_keys: post.mediaIds.map((id) => `${KEY_PREFIX[fake.uploads.get(id)?.category ?? 'tweet_image']}_${id}`) };
    if (fields.has('community_id') && post.communityId) out['community_id'] = post.communityId;
    return out;
  }

  async function createPost(req: IncomingMessage, res: ServerResponse, userId: string, rule: XFailRule | null) {
    const body = (await readJson(req)) ?? {};
    const reply = (status: number, response: unknown, headers: Record<string, string> = {}) => {
      record(req, '/2/tweets', body, status, response);
      if (status === 201 && rule?.afterHandling && rule.drop) {
        fake.stats.drops += 1;
        return req.socket.destroy();
      }
      if (status === 201 && rule?.hold) {
        fake.stats.held += 1;
        return void held.push(res);
      }
      send(res, status, response, headers);
    };
    const text = typeof body['text'] === 'string' ? body['text'] : '';
    const media = (body['media'] as { media_ids?: unknown } | undefined)?.media_ids;
    const mediaIds = Array.isArray(media) ? media.map(String) : [];
    const poll = body['poll'] as { options?: unknown; duration_minutes?: unknown } | undefined;
    const replyTo = (body['reply'] as { in_reply_to_tweet_id?: string } | undefined)?.in_reply_to_tweet_id ?? null;
    const quote = typeof body['quote_tweet_id'] === 'string' ? body['quote_tweet_id'] : null;
    const community = typeof body['community_id'] === 'string' ? body['community_id'] : null;
    if (!text && mediaIds.length === 0 && !poll) return reply(400, invalid('Post text or media is required.'));
    if (twitter.parseTweet(text).weightedLength > 280) return reply(403, forbidden('Your Tweet text is too long.'));
    if (mediaIds.length > 4) return reply(400, invalid('A post takes at most 4 media.'));
    for (const id of mediaIds) {
      const upload = fake.uploads.get(id);
      if (!upload || upload.ownerId !== userId || !upload.finalized || upload.state === 'failed') return reply(400, invalid('Your media IDs are invalid.'));
      if (upload.state === 'pending' || upload.state === 'in_progress') return reply(400, invalid('Your media is still being processed.'));
    }
    const categories = mediaIds.map((id) => fake.uploads.get(id)!.category);
    if (mediaIds.length > 1 && categories.some((c) => c !== 'tweet_image')) return reply(400, invalid('A video or GIF must be the only media of a post.'));
    if (poll) {
      const options = Array.isArray(poll.options) ? poll.options.map(String) : [];
      const minutes = Number(poll.duration_minutes);
      if (mediaIds.length || quote) return reply(400, invalid('A poll cannot be combined with media or a quoted post.'));
      if (options.length < 2 || options.length > 4 || options.some((o) => o.length < 1 || o.length > 25)) return reply(400, invalid('Polls take 2 to 4 options of 1 to 25 characters.'));
      if (!Number.isInteger(minutes) || minutes < 5 || minutes > 10_080) return reply(400, invalid('duration_minutes must be between 5 and 10080.'));
    }
    if (replyTo && !fake.posts.some((p) => p.id === replyTo)) return reply(403, forbidden('You attempted to reply to a Tweet that is deleted or not visible to you.'));
    if (quote && !fake.posts.some((p) => p.id === quote)) return reply(400, invalid('The quoted post does not exist.'));
    if (community && community !== FAKE_COMMUNITY_ID) return reply(400, invalid(`Community ${community} was not found.`));
    if (body['share_with_followers'] === true && !community) return reply(400, invalid('share_with_followers needs a community_id.'));
    // X refuses the author's same text again (a recent post of theirs).
    if (text && fake.posts.some((p) => p.authorId === userId && p.sentText === text && now() - p.createdAt < 24 * 3_600_000)) {
      return reply(403, forbidden('You are not allowed to create a Tweet with duplicate content.'));
    }
    const id = newId();
    let shown = tcoOf(text);
    if (mediaIds.length) shown = `${shown}${shown ? ' ' : ''}https://t.co/${randomBytes(5).toString('hex')}`;
    fake.posts.push({
      id,
      authorId: userId,
      sentText: text,
      text: shown,
      createdAt: now(),
      replyTo,
      quote,
      mediaIds,
      poll: poll ? { options: (poll.options as unknown[]).map(String), durationMinutes: Number(poll.duration_minutes) } : null,
      replySettings: typeof body['reply_settings'] === 'string' ? body['reply_settings'] : null,
      communityId: community,
      shareWithFollowers: body['share_with_followers'] === true,
      superFollowersOnly: body['for_super_followers_only'] === true,
    });
    reply(201, { data: { id, text: shown, edit_history_tweet_ids: [id] } });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    void (async () => {
      // The sign-in (no bearer token).
      if (method === 'GET' && path === '/i/oauth2/authorize') {
        const q = url.searchParams;
        const redirect = q.get('redirect_uri');
        if (!redirect || q.get('response_type') !== 'code' || !q.get('client_id')) return send(res, 400, { error: 'invalid_request' });
        const back = new URL(redirect);
        back.searchParams.set('state', q.get('state') ?? '');
        if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) back.searchParams.set('error', 'invalid_request');
        else {
          const code = `code-${randomBytes(12).toString('base64url')}`;
          codes.set(code, { userId: fake.signInAs, challenge: q.get('code_challenge')!, redirectUri: redirect, clientId: q.get('client_id')!, scope: q.get('scope') ?? '' });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.href }).end();
        return;
      }
      if (method === 'POST' && path === '/2/oauth2/token') {
        const form = await readForm(req);
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const clientId = basic ? Buffer.from(basic, 'base64').toString().split(':')[0] : form.get('client_id');
        const issue = (userId: string, scope: string) => {
          const token = `xat-${randomBytes(16).toString('base64url')}`;
          const rt = `xrt-${randomBytes(16).toString('base64url')}`;
          access.set(token, { userId, expiresAt: now() + 7_200_000 });
          refresh.set(rt, { userId, clientId: clientId ?? '', scope });
          fake.stats.tokensIssued += 1;
          return { token_type: 'bearer', expires_in: 7200, access_token: token, scope, refresh_token: rt };
        };
        if (form.get('grant_type') === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          if (!code || code.clientId !== clientId || code.redirectUri !== form.get('redirect_uri')) return send(res, 400, { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
          if (createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== code.challenge) return send(res, 400, { error: 'invalid_request', error_description: 'code_verifier does not match' });
          return send(res, 200, issue(code.userId, code.scope));
        }
        if (form.get('grant_type') === 'refresh_token') {
          const rt = form.get('refresh_token') ?? '';
          const grant = refresh.get(rt);
          refresh.delete(rt);
          fake.stats.refreshes += 1;
          if (!grant || grant.clientId !== clientId) return send(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
          return send(res, 200, issue(grant.userId, grant.scope));
        }
        return send(res, 400, { error: 'unsupported_grant_type' });
      }

      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const grant = access.get(bearer);
      if (!grant || grant.expiresAt <= now()) {
        const response = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
        record(req, path, undefined, 401, response);
        return send(res, 401, response);
      }
      const rule = takeRule(rules, method, path) as XFailRule | null;
      if (rule?.hold && !rule.afterHandling) {
        // The request arrived whole and is never handled nor answered (the client dies meanwhile).
        req.resume();
        fake.stats.held += 1;
        return void held.push(res);
      }
      if (rule?.drop && !rule.afterHandling) {
        fake.stats.drops += 1;
        return req.socket.destroy();
      }
      if (rule && !rule.drop && !rule.hold) {
        const headers: Record<string, string> = { ...rule.headers };
        if (rule.status === 429) headers['x-rate-limit-reset'] ??= String(Math.ceil(now() / 1000) + 900);
        const response = rule.body ?? (rule.status === 429 ? { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' } : { title: 'Service Unavailable', detail: 'Service Unavailable', type: problemType(rule.status), status: rule.status });
        if (req.method === 'POST') await readJson(req).catch(() => undefined);
        record(req, path, undefined, rule.status, response);
        return send(res, rule.status, response, headers);
      }
      const userId = grant.userId;
      const answer = (status: number, response: unknown, body?: unknown, headers?: Record<string, string>) => {
        record(req, path, body, status, response);
        send(res, status, response, headers);
      };

      if (method === 'GET' && path === '/2/users/me') {
        const user = users.find((u) => u.id === userId)!;
        return answer(200, { data: { id: user.id, username: user.username, name: user.name, profile_image_url: `https://pbs.example/${user.id}.jpg` } });
      }
      if (method === 'POST' && path === '/2/tweets') return createPost(req, res, userId, rule);

      const timeline = /^\/2\/users\/(\d+)\/tweets$/.exec(path);
      if (method === 'GET' && timeline) {
        const q = url.searchParams;
        const max = Number(q.get('max_results') ?? '10');
        if (!Number.isInteger(max) || max < 5 || max > 100) return answer(400, invalid('max_results must be between 5 and 100.'));
        const start = q.get('start_time') ? Date.parse(q.get('start_time')!) : -Infinity;
        const end = q.get('end_time') ? Date.parse(q.get('end_time')!) : Infinity;
        const fields = new Set((q.get('tweet.fields') ?? q.get('post.fields') ?? '').split(',').filter(Boolean));
        const all = fake.posts.filter((p) => p.authorId === timeline[1] && p.createdAt >= start && p.createdAt < end).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
        const offset = q.get('pagination_token') ? Number(Buffer.from(q.get('pagination_token')!, 'base64url').toString()) : 0;
        const page = all.slice(offset, offset + max);
        const meta: Record<string, unknown> = { result_count: page.length };
        if (page.length) Object.assign(meta, { newest_id: page[0]!.id, oldest_id: page.at(-1)!.id });
        if (offset + max < all.length) meta['next_token'] = Buffer.from(String(offset + max)).toString('base64url');
        return answer(200, page.length ? { data: page.map((p) => listed(p, fields)), meta } : { meta });
      }

      if (method === 'POST' && path === '/2/media/upload/initialize') {
        const body = (await readJson(req)) ?? {};
        const category = String(body['media_category'] ?? 'tweet_image');
        const total = body['total_bytes'];
        if (typeof body['media_type'] !== 'string' || typeof total !== 'number') return answer(400, invalid('media_type and total_bytes are required.'), body);
        if (!(category in MAX_TOTAL)) return answer(400, invalid(`media_category ${category} is not supported here.`), body);
        if (total > MAX_TOTAL[category]!) return answer(400, invalid(`total_bytes is over the ${MAX_TOTAL[category]}-byte limit for ${category}.`), body);
        const id = newId();
        fake.uploads.set(id, { id, ownerId: userId, mediaType: body['media_type'], category, total, segments: new Map(), appends: new Map(), finalized: false, state: 'none', statusChecks: 0, altText: null });
        return answer(200, { data: { id, media_key: `${KEY_PREFIX[category]}_${id}`, expires_after_secs: 86_400 } }, body);
      }
      const append = /^\/2\/media\/upload\/(\d+)\/append$/.exec(path);
      if (method === 'POST' && append) {
        const upload = fake.uploads.get(append[1]!);
        if (!upload || upload.ownerId !== userId) return answer(400, invalid('The media id was not found.'));
        const parsed = await readAppend(req, upload, options.dropAppendAfter?.(appendsSoFar++));
        if (parsed === 'dropped') {
          fake.stats.drops += 1;
          return;
        }
        if (parsed === 'bad') return answer(400, invalid('segment_index and media are required.'), { segment_index: -1, media: 'binary' });
        const recorded = { segment_index: parsed.index, media: 'binary' };
        if (parsed.index < 0 || parsed.index > 999) return answer(400, invalid('segment_index must be between 0 and 999.'), recorded);
        if (parsed.tooBig) return answer(400, invalid('media must be <= 5 MB.'), recorded);
        upload.segments.set(parsed.index, parsed.bytes);
        upload.appends.set(parsed.index, (upload.appends.get(parsed.index) ?? 0) + 1);
        fake.stats.appendBytes += parsed.bytes;
        return answer(200, { data: { expires_at: Math.floor(now() / 1000) + 86_400 } }, recorded);
      }
      const finalize = /^\/2\/media\/upload\/(\d+)\/finalize$/.exec(path);
      if (method === 'POST' && finalize) {
        await readJson(req).catch(() => undefined);
        const upload = fake.uploads.get(finalize[1]!);
        if (!upload || upload.ownerId !== userId) return answer(400, invalid('The media id was not found.'));
        const indexes = [...upload.segments.keys()].sort((a, b) => a - b);
        const size = [...upload.segments.values()].reduce((n, b) => n + b, 0);
        if (indexes.some((v, i) => v !== i)) return answer(400, invalid('Segments are missing.'));
        if (size !== upload.total) return answer(400, invalid(`File size mismatch: ${size} bytes received, total_bytes was ${upload.total}.`));
        if (!upload.finalized) {
          upload.finalized = true;
          const head = await firstBytes(join(dir, `${upload.id}-0`), 12);
          if (upload.category === 'tweet_image') {
            if (!isImage(head)) return answer(400, invalid('The media is not a supported image.'));
            upload.state = 'succeeded';
          } else upload.state = 'pending';
        }
        const processing = upload.category === 'tweet_image' ? {} : { processing_info: { state: upload.state === 'none' ? 'pending' : upload.state, check_after_secs: 1 } };
        return answer(200, { data: { id: upload.id, media_key: `${KEY_PREFIX[upload.category]}_${upload.id}`, size, expires_after_secs: 86_400, ...processing } });
      }
      if (method === 'GET' && path === '/2/media/upload') {
        const upload = fake.uploads.get(url.searchParams.get('media_id') ?? '');
        if (url.searchParams.get('command') !== 'STATUS') return answer(400, invalid('command must be STATUS.'));
        if (!upload?.finalized || upload.ownerId !== userId) return answer(400, invalid('The media id was not found or not finalized.'));
        upload.statusChecks += 1;
        if (upload.state === 'pending') upload.state = 'in_progress';
        else if (upload.state === 'in_progress') {
          // Processing: a video must be an ISO media file (MP4/MOV: an `ftyp` box first).
          const head = await firstBytes(join(dir, `${upload.id}-0`), 12);
          upload.state = upload.category === 'tweet_gif' ? (head.subarray(0, 3).toString('latin1') === 'GIF' ? 'succeeded' : 'failed') : head.subarray(4, 8).toString('latin1') === 'ftyp' ? 'succeeded' : 'failed';
        }
        const info = upload.state === 'in_progress' ? { state: 'in_progress', check_after_secs: 1, progress_percent: 40 } : { state: upload.state, progress_percent: upload.state === 'succeeded' ? 100 : 0 };
        return answer(200, { data: { id: upload.id, media_key: `${KEY_PREFIX[upload.category]}_${upload.id}`, processing_info: info } });
      }
      if (method === 'POST' && path === '/2/media/metadata') {
        const body = (await readJson(req)) ?? {};
        const upload = fake.uploads.get(String(body['id'] ?? ''));
        const alt = (body['metadata'] as { alt_text?: { text?: unknown } } | undefined)?.alt_text?.text;
        if (!upload || upload.ownerId !== userId) return answer(400, invalid('The media id was not found.'), body);
        if (typeof alt !== 'string' || alt.length > 1000) return answer(400, invalid('alt_text.text must be at most 1000 characters.'), body);
        upload.altText = alt;
        return answer(200, { data: { id: upload.id, associated_metadata: { alt_text: { text: alt } } } }, body);
      }
      answer(404, { title: 'Not Found Error', detail: `No route ${method} ${path}`, type: problemType(404), status: 404, parameter: 'path', value: path, resource_id: path, resource_type: 'route' });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { title: 'Internal Error', detail: (error as Error).message, type: problemType(500), status: 500 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

async function firstBytes(path: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: n - 1 })) {
    chunks.push(chunk as Buffer);
    got += (chunk as Buffer).length;
    if (got >= n) break;
  }
  return Buffer.concat(chunks);
}

function isImage(head: Buffer): boolean {
  return (
    (head[0] === 0xff && head[1] === 0xd8) ||
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    head.subarray(0, 3).toString('latin1') === 'GIF' ||
    (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
  );
}
