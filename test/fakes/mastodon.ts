import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from '../support/openapi';
import { parseBody, takeRule, type FailRule, type ParsedBody, type ReceivedFile } from './fake-http';

/**
 * A fake Mastodon instance, written from the Mastodon API documentation
 * (docs.joinmastodon.org, methods apps / oauth / accounts / instance / media / statuses /
 * scheduled_statuses): app registration, the OAuth authorization-code grant with PKCE (loopback
 * redirect URIs match on any port, RFC 8252 §7.3, as Doorkeeper does), verify_credentials,
 * /api/v2/instance, media v2 with asynchronous processing (202, then 206 until processed),
 * statuses with Idempotency-Key replay (kept one hour), polls, threads, scheduled statuses, and
 * the documented errors (401, 404, 422, 429 with X-RateLimit-Reset). Every exchange is recorded
 * so tests can check it against the OpenAPI description.
 */

/** The instance limits `/api/v2/instance` reports. */
export interface FakeInstanceLimits {
  maxCharacters: number;
  maxMediaAttachments: number;
  charactersReservedPerUrl: number;
  imageSizeLimit: number;
  videoSizeLimit: number;
  descriptionLimit: number;
  maxPollOptions: number;
  maxPollOptionCharacters: number;
  minPollExpiration: number;
  maxPollExpiration: number;
}

const DEFAULT_LIMITS: FakeInstanceLimits = {
  maxCharacters: 500,
  maxMediaAttachments: 4,
  charactersReservedPerUrl: 23,
  imageSizeLimit: 16 * 1024 * 1024,
  videoSizeLimit: 99 * 1024 * 1024,
  descriptionLimit: 1500,
  maxPollOptions: 4,
  maxPollOptionCharacters: 50,
  minPollExpiration: 300,
  maxPollExpiration: 2_629_746,
};

/** A user of the fake instance. */
export interface FakeUser {
  id: string;
  username: string;
  displayName: string;
}

interface App {
  id: string;
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  scopes: string[];
  website: string | null;
}

interface Grant {
  code: string;
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  scopes: string[];
  userId: string;
  used: boolean;
}

interface Token {
  token: string;
  clientId: string;
  userId: string;
  scopes: string[];
  revoked: boolean;
  createdAt: number;
}

/** A media attachment as the fake keeps it. */
export interface FakeMedia {
  id: string;
  userId: string;
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
  description: string | null;
  focus: string | null;
  file: Omit<ReceivedFile, 'data'>;
  /** GET /api/v1/media/:id answers 206 this many more times before the attachment is ready. */
  pollsLeft: number;
  statusId: string | null;
}

/** A status as the fake keeps it. */
export interface FakeStatus {
  id: string;
  userId: string;
  text: string;
  visibility: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  inReplyToId: string | null;
  mediaIds: string[];
  poll: { options: string[]; expiresIn: number; multiple: boolean; hideTotals: boolean } | null;
  createdAt: number;
  idempotencyKey: string | null;
  /** The scheduled status it came from, if the instance's scheduler sent it. */
  scheduledId: string | null;
}

/** A scheduled status as the fake keeps it. */
export interface FakeScheduled {
  id: string;
  userId: string;
  scheduledAt: number;
  params: Record<string, unknown>;
  mediaIds: string[];
}

/** Options for `startMastodonFake`. */
export interface MastodonFakeOptions {
  /** The fake's clock (Idempotency-Key expiry, rate-limit resets, schedules). Default: Date.now. */
  now?: () => number;
  limits?: Partial<FakeInstanceLimits>;
  /** How many GETs of an asynchronously processed attachment answer 206 first (default 2). */
  mediaPolls?: number;
  /** Images are processed asynchronously too (202), as large images are. */
  asyncImages?: boolean;
  users?: FakeUser[];
  /** The WebFinger domain (default: the host of the server). */
  domain?: string;
}

/** A running fake instance. */
export interface MastodonFake {
  url: string;
  domain: string;
  exchanges: Exchange[];
  apps: App[];
  tokens: Token[];
  statuses: FakeStatus[];
  media: Map<string, FakeMedia>;
  scheduled: Map<string, FakeScheduled>;
  users: FakeUser[];
  limits: FakeInstanceLimits;
  /** Scheduled failures (checked before normal handling). */
  failures: FailRule[];
  /** Schedules a failure for the next matching request(s). */
  failNext(rule: FailRule): void;
  /** Answers the next matching request with 429 and X-RateLimit-Reset `resetAt`. */
  rateLimitNext(resetAt: number, match?: Omit<FailRule, 'status'>): void;
  /** Answers the next matching request with 422 and this message. */
  rejectNext(message: string, match?: Omit<FailRule, 'status'>): void;
  /** The query of every authorization request, in order. */
  authorizeRequests: URLSearchParams[];
  /** Who approves the next authorization (default: the first user); 'deny' refuses consent. */
  nextConsent: string | 'deny';
  /** Revokes every token (later calls answer 401). */
  revokeAllTokens(): void;
  /** Forgets every registered app, as when an admin removes them. */
  removeAllApps(): void;
  /** The instance's scheduler: publishes every scheduled status due at the fake's `now()`. */
  runScheduler(): FakeStatus[];
  /** The status URL the fake reports. */
  statusUrl(status: FakeStatus): string;
  close(): Promise<void>;
}

function escapeHtml(text: string) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function iso(ms: number) {
  return new Date(ms).toISOString();
}

/** Mastodon counts every URL as `characters_reserved_per_url` and a remote mention by its username. */
function countCharacters(text: string, reservedPerUrl: number) {
  let count = 0;
  const replaced = text
    .replace(/https?:\/\/[^\s<>"]+/g, () => {
      count += reservedPerUrl;
      return '';
    })
    .replace(/@([a-zA-Z0-9_]+)@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}/g, (_m, user: string) => `@${user}`);
  return count + [...replaced].length;
}

function scopeAllows(granted: string[], needed: string) {
  const top = needed.split(':')[0]!;
  return granted.includes(needed) || granted.includes(top) || (needed === 'read:accounts' && granted.includes('profile'));
}

function isLoopback(uri: URL) {
  return uri.protocol === 'http:' && (uri.hostname === '127.0.0.1' || uri.hostname === '[::1]' || uri.hostname === 'localhost');
}

/** A registered redirect URI matches exactly, or ignoring the port for loopback IPs (RFC 8252 §7.3). */
function redirectMatches(registered: string, given: string) {
  if (registered === given) return true;
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(given);
  } catch {
    return false;
  }
  return isLoopback(a) && isLoopback(b) && a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['error']));
  }
}

const err = (status: number, error: string, description?: string) => new HttpError(status, description === undefined ? { error } : { error, error_description: description });

/** Starts a fake Mastodon instance on 127.0.0.1 with a free port. */
export async function startMastodonFake(options: MastodonFakeOptions = {}): Promise<MastodonFake> {
  const now = options.now ?? Date.now;
  const limits: FakeInstanceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const users: FakeUser[] = options.users ?? [{ id: '109000000000000001', username: 'alice', displayName: 'Alice Example' }];
  let nextId = 110_000_000_000_000_000n;
  const newId = () => String(nextId++);
  const idempotency = new Map<string, { at: number; answer: unknown }>();
  const server: Server = createServer((req, res) => void handle(req, res));

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const domain = options.domain ?? `127.0.0.1:${port}`;

  const fake: MastodonFake = {
    url,
    domain,
    exchanges: [],
    apps: [],
    tokens: [],
    statuses: [],
    media: new Map(),
    scheduled: new Map(),
    users,
    limits,
    failures: [],
    authorizeRequests: [],
    nextConsent: users[0]!.id,
    failNext(rule) {
      fake.failures.push(rule);
    },
    rateLimitNext(resetAt, match = {}) {
      fake.failures.push({ ...match, status: 429, body: { error: 'Too many requests' }, headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': iso(resetAt) } });
    },
    rejectNext(message, match = {}) {
      fake.failures.push({ ...match, status: 422, body: { error: message } });
    },
    revokeAllTokens() {
      for (const t of fake.tokens) t.revoked = true;
    },
    removeAllApps() {
      fake.apps.length = 0;
    },
    runScheduler() {
      const sent: FakeStatus[] = [];
      for (const s of [...fake.scheduled.values()].sort((a, b) => a.scheduledAt - b.scheduledAt)) {
        if (s.scheduledAt > now()) continue;
        fake.scheduled.delete(s.id);
        const p = s.params;
        const status = createStatus(s.userId, {
          text: String(p['text'] ?? ''),
          visibility: String(p['visibility'] ?? 'public'),
          spoilerText: String(p['spoiler_text'] ?? ''),
          sensitive: Boolean(p['sensitive']),
          language: (p['language'] as string | null) ?? null,
          inReplyToId: p['in_reply_to_id'] == null ? null : String(p['in_reply_to_id']),
          mediaIds: s.mediaIds,
          poll: (p['poll'] as FakeStatus['poll']) ?? null,
          idempotencyKey: (p['idempotency'] as string | null) ?? null,
          scheduledId: s.id,
        });
        sent.push(status);
      }
      return sent;
    },
    statusUrl: (status) => `${url}/@${userById(status.userId).username}/${status.id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function userById(id: string) {
    const user = users.find((u) => u.id === id);
    if (!user) throw err(404, 'Record not found');
    return user;
  }

  function accountEntity(user: FakeUser) {
    return {
      id: user.id,
      username: user.username,
      acct: user.username,
      display_name: user.displayName,
      locked: false,
      bot: false,
      discoverable: true,
      indexable: true,
      group: false,
      created_at: '2024-01-01T00:00:00.000Z',
      note: '<p>Testing Outbox</p>',
      url: `${url}/@${user.username}`,
      uri: `${url}/users/${user.username}`,
      avatar: `${url}/avatars/${user.id}.png`,
      avatar_static: `${url}/avatars/${user.id}.png`,
      header: `${url}/headers/original/missing.png`,
      header_static: `${url}/headers/original/missing.png`,
      followers_count: 3,
      following_count: 5,
      statuses_count: fake.statuses.filter((s) => s.userId === user.id).length,
      last_status_at: null,
      hide_collections: false,
      emojis: [],
      fields: [],
    };
  }

  function credentialAccountEntity(user: FakeUser) {
    return {
      ...accountEntity(user),
      source: { privacy: 'public', sensitive: false, language: 'en', note: 'Testing Outbox', fields: [], follow_requests_count: 0, hide_collections: false, discoverable: true, indexable: true, attribution_domains: [] },
      role: { id: '-99', name: '', permissions: '0', color: '', highlighted: false },
    };
  }

  function mediaEntity(m: FakeMedia) {
    const ready = m.pollsLeft <= 0;
    const ext = m.file.mime.split('/')[1] ?? 'bin';
    return {
      id: m.id,
      type: m.type,
      url: ready ? `${url}/system/media_attachments/${m.id}/original.${ext}` : null,
      preview_url: `${url}/system/media_attachments/${m.id}/small.png`,
      remote_url: null,
      meta: null,
      description: m.description,
      blurhash: null,
    };
  }

  function statusEntity(s: FakeStatus): Record<string, unknown> {
    const user = userById(s.userId);
    const parent = s.inReplyToId ? fake.statuses.find((p) => p.id === s.inReplyToId) : undefined;
    return {
      id: s.id,
      uri: `${url}/users/${user.username}/statuses/${s.id}`,
      url: fake.statusUrl(s),
      created_at: iso(s.createdAt),
      account: accountEntity(user),
      content: `<p>${escapeHtml(s.text).replace(/\n/g, '<br />')}</p>`,
      visibility: s.visibility,
      sensitive: s.sensitive,
      spoiler_text: s.spoilerText,
      media_attachments: s.mediaIds.map((id) => mediaEntity(fake.media.get(id)!)),
      application: { name: 'Outbox', website: null },
      mentions: [],
      tags: [],
      emojis: [],
      reblogs_count: 0,
      favourites_count: 0,
      replies_count: fake.statuses.filter((r) => r.inReplyToId === s.id).length,
      quotes_count: 0,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: parent ? parent.userId : null,
      reblog: null,
      poll: s.poll
        ? {
            id: `poll-${s.id}`,
            expires_at: iso(s.createdAt + s.poll.expiresIn * 1000),
            expired: false,
            multiple: s.poll.multiple,
            votes_count: 0,
            voters_count: s.poll.multiple ? 0 : null,
            options: s.poll.options.map((title) => ({ title, votes_count: 0 })),
            emojis: [],
            voted: false,
            own_votes: [],
          }
        : null,
      card: null,
      language: s.language,
      edited_at: null,
      favourited: false,
      reblogged: false,
      muted: false,
      bookmarked: false,
      pinned: false,
      filtered: [],
    };
  }

  function scheduledEntity(s: FakeScheduled) {
    return {
      id: s.id,
      scheduled_at: iso(s.scheduledAt),
      params: s.params,
      media_attachments: s.mediaIds.map((id) => mediaEntity(fake.media.get(id)!)),
    };
  }

  function createStatus(userId: string, s: Omit<FakeStatus, 'id' | 'userId' | 'createdAt'>): FakeStatus {
    const status: FakeStatus = { id: newId(), userId, createdAt: now(), ...s };
    for (const id of s.mediaIds) fake.media.get(id)!.statusId = status.id;
    fake.statuses.push(status);
    return status;
  }

  function authenticate(req: IncomingMessage, scope: string): Token {
    const header = req.headers['authorization'] ?? '';
    const token = fake.tokens.find((t) => `Bearer ${t.token}` === header);
    if (!token || token.revoked) throw err(401, 'The access token is invalid');
    if (!scopeAllows(token.scopes, scope)) throw err(403, 'This action is outside the authorized scopes');
    return token;
  }

  function instanceEntity() {
    return {
      domain,
      title: 'Fake Mastodon',
      version: '4.4.0',
      source_url: 'https://github.com/mastodon/mastodon',
      description: 'A fake instance for Outbox tests.',
      usage: { users: { active_month: users.length } },
      thumbnail: { url: `${url}/packs/media/images/preview.png` },
      icon: [],
      languages: ['en'],
      configuration: {
        urls: { streaming: `ws://127.0.0.1:${port}`, status: null },
        vapid: { public_key: 'BFake' },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses: { max_characters: limits.maxCharacters, max_media_attachments: limits.maxMediaAttachments, characters_reserved_per_url: limits.charactersReservedPerUrl },
        media_attachments: {
          supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4', 'video/webm'],
          description_limit: limits.descriptionLimit,
          image_size_limit: limits.imageSizeLimit,
          image_matrix_limit: 33_177_600,
          video_size_limit: limits.videoSizeLimit,
          video_frame_rate_limit: 120,
          video_matrix_limit: 8_294_400,
        },
        polls: {
          max_options: limits.maxPollOptions,
          max_characters_per_option: limits.maxPollOptionCharacters,
          min_expiration: limits.minPollExpiration,
          max_expiration: limits.maxPollExpiration,
        },
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: false, message: null },
      api_versions: { mastodon: 6 },
      contact: { email: 'admin@example.test', account: null },
      rules: [],
    };
  }

  function readStatusParams(body: ParsedBody) {
    const f = body.fields;
    const text = typeof f['status'] === 'string' ? f['status'] : '';
    const mediaIds = Array.isArray(f['media_ids']) ? (f['media_ids'] as unknown[]).map(String) : [];
    const pollRaw = f['poll'] as Record<string, unknown> | undefined;
    const poll = pollRaw
      ? {
          options: Array.isArray(pollRaw['options']) ? (pollRaw['options'] as unknown[]).map(String) : [],
          expiresIn: Number(pollRaw['expires_in']),
          multiple: pollRaw['multiple'] === true || pollRaw['multiple'] === 'true',
          hideTotals: pollRaw['hide_totals'] === true || pollRaw['hide_totals'] === 'true',
        }
      : null;
    const bool = (v: unknown) => v === true || v === 'true' || v === '1';
    return {
      text,
      mediaIds,
      poll,
      visibility: typeof f['visibility'] === 'string' ? f['visibility'] : 'public',
      spoilerText: typeof f['spoiler_text'] === 'string' ? f['spoiler_text'] : '',
      sensitive: bool(f['sensitive']),
      language: typeof f['language'] === 'string' && f['language'] ? f['language'] : null,
      inReplyToId: typeof f['in_reply_to_id'] === 'string' && f['in_reply_to_id'] ? f['in_reply_to_id'] : null,
      scheduledAt: typeof f['scheduled_at'] === 'string' ? f['scheduled_at'] : null,
    };
  }

  /** The validations Mastodon's PostStatusService and Status model run, with their messages. */
  function validateStatus(userId: string, p: ReturnType<typeof readStatusParams>) {
    if (!p.text.trim() && p.mediaIds.length === 0) throw err(422, "Validation failed: Text can't be blank");
    if (!['public', 'unlisted', 'private', 'direct'].includes(p.visibility)) throw err(422, `Validation failed: Visibility is not included in the list`);
    const length = countCharacters(p.text, limits.charactersReservedPerUrl) + [...p.spoilerText].length;
    if (length > limits.maxCharacters) throw err(422, `Validation failed: Text character limit of ${limits.maxCharacters} exceeded`);
    if (p.mediaIds.length > limits.maxMediaAttachments) throw err(422, `Validation failed: Media attachments Too many`);
    if (p.mediaIds.length > 0 && p.poll) throw err(422, 'Validation failed: Cannot attach both media and a poll');
    const found = p.mediaIds.map((id) => fake.media.get(id)).filter((m): m is FakeMedia => !!m && m.userId === userId && m.statusId === null);
    if (found.length !== p.mediaIds.length) throw err(422, `Media with ID(s) ${p.mediaIds.filter((id) => !found.some((m) => m.id === id)).join(', ')} could not be found`);
    if (found.some((m) => m.pollsLeft > 0)) throw err(422, 'Cannot attach files that have not finished processing. Try again in a moment!');
    if (found.filter((m) => m.type === 'video' || m.type === 'gifv').length > 0 && found.length > 1) throw err(422, 'Validation failed: Media attachments Cannot attach a video to a post that already contains images');
    if (p.poll) {
      if (p.poll.options.length < 2) throw err(422, 'Validation failed: Poll options must have at least 2 items');
      if (p.poll.options.length > limits.maxPollOptions) throw err(422, `Validation failed: Poll options Cannot contain more than ${limits.maxPollOptions} items`);
      if (p.poll.options.some((o) => [...o].length > limits.maxPollOptionCharacters)) throw err(422, `Validation failed: Poll options contain an item that is too long`);
      if (!Number.isInteger(p.poll.expiresIn) || p.poll.expiresIn < limits.minPollExpiration) throw err(422, 'Validation failed: Poll expires at is too soon');
      if (p.poll.expiresIn > limits.maxPollExpiration) throw err(422, 'Validation failed: Poll expires at is too far in the future');
    }
    if (p.inReplyToId && !fake.statuses.some((s) => s.id === p.inReplyToId)) throw err(404, 'Record not found');
    return found;
  }

  async function route(req: IncomingMessage, path: string, query: URLSearchParams, body: ParsedBody): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const method = req.method ?? 'GET';
    const f = body.fields;

    if (method === 'POST' && path === '/api/v1/apps') {
      const name = typeof f['client_name'] === 'string' ? f['client_name'] : '';
      const rawUris = f['redirect_uris'];
      const uris = (Array.isArray(rawUris) ? rawUris.map(String) : typeof rawUris === 'string' ? rawUris.split(/\s+/) : []).filter(Boolean);
      if (!name) throw err(422, "Validation failed: Application name can't be blank");
      if (uris.length === 0) throw err(422, "Validation failed: Redirect URI can't be blank");
      for (const u of uris) {
        try {
          new URL(u);
        } catch {
          throw err(422, 'Validation failed: Redirect URI must be an absolute URI.');
        }
      }
      const scopes = (typeof f['scopes'] === 'string' ? f['scopes'] : 'read').split(/[\s+]+/).filter(Boolean);
      const app: App = { id: newId(), name, clientId: randomBytes(16).toString('hex'), clientSecret: randomBytes(24).toString('hex'), redirectUris: uris, scopes, website: typeof f['website'] === 'string' ? f['website'] : null };
      fake.apps.push(app);
      return {
        status: 200,
        body: {
          id: app.id,
          name: app.name,
          website: app.website,
          scopes: app.scopes,
          redirect_uri: app.redirectUris.join('\n'),
          redirect_uris: app.redirectUris,
          client_id: app.clientId,
          client_secret: app.clientSecret,
          client_secret_expires_at: 0,
          vapid_key: 'BFakeVapidKey',
        },
      };
    }

    if (method === 'GET' && path === '/oauth/authorize') {
      fake.authorizeRequests.push(new URLSearchParams(query));
      const app = fake.apps.find((a) => a.clientId === query.get('client_id'));
      const redirectUri = query.get('redirect_uri') ?? '';
      // Without a valid client or redirect URI there is nowhere safe to send the answer.
      if (!app) throw err(401, 'invalid_client', 'Client authentication failed due to unknown client.');
      if (!app.redirectUris.some((r) => redirectMatches(r, redirectUri))) throw err(400, 'invalid_redirect_uri', 'The redirect uri included is not valid.');
      const back = new URL(redirectUri);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      const scopes = (query.get('scope') ?? 'read').split(/[\s+]+/).filter(Boolean);
      const fail = (error: string, description: string) => {
        back.searchParams.set('error', error);
        back.searchParams.set('error_description', description);
        return { status: 302, body: '', headers: { location: back.href } };
      };
      if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'The authorization server does not support this response type.');
      if (scopes.some((s) => !app.scopes.some((allowed) => allowed === s || allowed === s.split(':')[0]))) return fail('invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
      const challenge = query.get('code_challenge');
      if (challenge !== null && query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'Code challenge method must be S256.');
      if (fake.nextConsent === 'deny') return fail('access_denied', 'The resource owner or authorization server denied the request.');
      const code = randomBytes(16).toString('hex');
      grants.push({ code, clientId: app.clientId, redirectUri, challenge, scopes, userId: fake.nextConsent, used: false });
      back.searchParams.set('code', code);
      return { status: 302, body: '', headers: { location: back.href } };
    }

    if (method === 'POST' && path === '/oauth/token') {
      let clientId = typeof f['client_id'] === 'string' ? f['client_id'] : '';
      let clientSecret = typeof f['client_secret'] === 'string' ? f['client_secret'] : '';
      const basic = /^Basic (.+)$/.exec(req.headers['authorization'] ?? '');
      if (basic) {
        const [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent);
        clientId = id ?? '';
        clientSecret = secret ?? '';
      }
      const app = fake.apps.find((a) => a.clientId === clientId && a.clientSecret === clientSecret);
      if (!app) throw err(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.');
      if (f['grant_type'] === 'client_credentials') {
        const scopes = (typeof f['scope'] === 'string' ? f['scope'] : 'read').split(/[\s+]+/).filter(Boolean);
        if (scopes.some((sc) => !app.scopes.some((allowed) => allowed === sc || allowed === sc.split(':')[0]))) throw err(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
        const appToken = randomBytes(24).toString('base64url');
        return { status: 200, body: { access_token: appToken, token_type: 'Bearer', scope: scopes.join(' '), created_at: Math.floor(now() / 1000) } };
      }
      if (f['grant_type'] !== 'authorization_code') throw err(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
      const grant = grants.find((g) => g.code === f['code'] && g.clientId === app.clientId && !g.used);
      const invalidGrant = () => err(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.');
      if (!grant || grant.redirectUri !== f['redirect_uri']) throw invalidGrant();
      if (grant.challenge !== null) {
        const verifier = typeof f['code_verifier'] === 'string' ? f['code_verifier'] : '';
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) throw invalidGrant();
      }
      grant.used = true;
      const token: Token = { token: randomBytes(24).toString('base64url'), clientId: app.clientId, userId: grant.userId, scopes: grant.scopes, revoked: false, createdAt: now() };
      fake.tokens.push(token);
      return { status: 200, body: { access_token: token.token, token_type: 'Bearer', scope: token.scopes.join(' '), created_at: Math.floor(token.createdAt / 1000) } };
    }

    if (method === 'GET' && path === '/api/v2/instance') return { status: 200, body: instanceEntity() };

    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      const token = authenticate(req, 'read:accounts');
      return { status: 200, body: credentialAccountEntity(userById(token.userId)) };
    }

    if (method === 'POST' && path === '/api/v2/media') {
      const token = authenticate(req, 'write:media');
      const file = body.files.find((x) => x.field === 'file');
      if (!file) throw err(422, "Validation failed: File can't be blank");
      const kind = file.mime === 'image/gif' ? 'gifv' : file.mime.startsWith('image/') ? 'image' : file.mime.startsWith('video/') ? 'video' : null;
      if (!kind) throw err(422, `Validation failed: File content type is invalid, File is invalid`);
      const limit = kind === 'image' ? limits.imageSizeLimit : limits.videoSizeLimit;
      if (file.bytes > limit) throw err(422, `Validation failed: File file size must be less than ${Math.round(limit / 1024 / 1024)} MB`);
      const description = typeof f['description'] === 'string' ? f['description'] : null;
      if (description && [...description].length > limits.descriptionLimit) throw err(422, `Validation failed: Description is too long (maximum is ${limits.descriptionLimit} characters)`);
      const async = kind !== 'image' || options.asyncImages === true;
      const { data: _data, ...meta } = file;
      const media: FakeMedia = { id: newId(), userId: token.userId, type: kind, description, focus: typeof f['focus'] === 'string' ? f['focus'] : null, file: meta, pollsLeft: async ? (options.mediaPolls ?? 2) : 0, statusId: null };
      fake.media.set(media.id, media);
      return { status: async ? 202 : 200, body: mediaEntity(media) };
    }

    const mediaMatch = /^\/api\/v1\/media\/([^/]+)$/.exec(path);
    if (method === 'GET' && mediaMatch) {
      const token = authenticate(req, 'write:media');
      const media = fake.media.get(mediaMatch[1]!);
      if (!media || media.userId !== token.userId) throw err(404, 'Record not found');
      if (media.pollsLeft > 0) {
        media.pollsLeft--;
        return { status: 206, body: mediaEntity({ ...media, pollsLeft: 1 }) };
      }
      return { status: 200, body: mediaEntity(media) };
    }

    if (method === 'POST' && path === '/api/v1/statuses') {
      const token = authenticate(req, 'write:statuses');
      const key = req.headers['idempotency-key'];
      const idemKey = typeof key === 'string' && key ? `${token.userId}:${key}` : null;
      if (idemKey) {
        const seen = idempotency.get(idemKey);
        if (seen && now() - seen.at < 3_600_000) return { status: 200, body: seen.answer };
      }
      const p = readStatusParams(body);
      validateStatus(token.userId, p);
      let answer: unknown;
      if (p.scheduledAt) {
        const at = Date.parse(p.scheduledAt);
        if (Number.isNaN(at)) throw err(422, 'Validation failed: Scheduled at is invalid');
        if (at < now() + 5 * 60_000) throw err(422, 'Validation failed: Scheduled at The scheduled date must be in the future');
        const scheduled: FakeScheduled = {
          id: newId(),
          userId: token.userId,
          scheduledAt: at,
          mediaIds: p.mediaIds,
          params: {
            text: p.text,
            visibility: p.visibility,
            spoiler_text: p.spoilerText || null,
            sensitive: p.sensitive,
            language: p.language,
            in_reply_to_id: p.inReplyToId === null ? null : Number(p.inReplyToId),
            media_ids: p.mediaIds.length ? p.mediaIds : null,
            poll: p.poll ? { options: p.poll.options, expires_in: p.poll.expiresIn, multiple: p.poll.multiple, hide_totals: p.poll.hideTotals } : null,
            scheduled_at: null,
            idempotency: typeof key === 'string' ? key : null,
            application_id: 1,
            with_rate_limit: false,
          },
        };
        for (const id of p.mediaIds) fake.media.get(id)!.statusId = `scheduled:${scheduled.id}`;
        fake.scheduled.set(scheduled.id, scheduled);
        answer = scheduledEntity(scheduled);
      } else {
        const status = createStatus(token.userId, {
          text: p.text,
          visibility: p.visibility,
          spoilerText: p.spoilerText,
          sensitive: p.sensitive,
          language: p.language,
          inReplyToId: p.inReplyToId,
          mediaIds: p.mediaIds,
          poll: p.poll,
          idempotencyKey: typeof key === 'string' ? key : null,
          scheduledId: null,
        });
        answer = statusEntity(status);
      }
      if (idemKey) idempotency.set(idemKey, { at: now(), answer });
      return { status: 200, body: answer };
    }

    const statusMatch = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path);
    if (method === 'GET' && statusMatch) {
      const status = fake.statuses.find((s) => s.id === statusMatch[1]);
      if (!status) throw err(404, 'Record not found');
      return { status: 200, body: statusEntity(status) };
    }

    const accountStatuses = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(path);
    if (method === 'GET' && accountStatuses) {
      const limit = Math.min(40, Number(query.get('limit') ?? 20));
      const list = fake.statuses.filter((s) => s.userId === accountStatuses[1]).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      return { status: 200, body: list.slice(0, limit).map(statusEntity) };
    }

    if (method === 'GET' && path === '/api/v1/scheduled_statuses') {
      const token = authenticate(req, 'read:statuses');
      return { status: 200, body: [...fake.scheduled.values()].filter((s) => s.userId === token.userId).map(scheduledEntity) };
    }

    const scheduledMatch = /^\/api\/v1\/scheduled_statuses\/([^/]+)$/.exec(path);
    if (scheduledMatch) {
      const token = authenticate(req, method === 'GET' ? 'read:statuses' : 'write:statuses');
      const scheduled = fake.scheduled.get(scheduledMatch[1]!);
      if (!scheduled || scheduled.userId !== token.userId) throw err(404, 'Record not found');
      if (method === 'GET') return { status: 200, body: scheduledEntity(scheduled) };
      if (method === 'DELETE') {
        fake.scheduled.delete(scheduled.id);
        for (const id of scheduled.mediaIds) fake.media.get(id)!.statusId = null;
        return { status: 200, body: {} };
      }
      if (method === 'PUT') {
        const at = Date.parse(String(f['scheduled_at'] ?? ''));
        if (Number.isNaN(at)) throw err(422, 'Validation failed: Scheduled at is invalid');
        if (at < now() + 5 * 60_000) throw err(422, 'Validation failed: Scheduled at The scheduled date must be in the future');
        scheduled.scheduledAt = at;
        return { status: 200, body: scheduledEntity(scheduled) };
      }
    }

    throw err(404, 'Record not found');
  }

  const grants: Grant[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    // The instance's scheduler runs on its own clock; whoever asks sees every due status published.
    fake.runScheduler();
    const requestUrl = new URL(req.url ?? '/', url);
    const method = req.method ?? 'GET';
    const path = requestUrl.pathname;
    let body: ParsedBody;
    try {
      body = await parseBody(req);
    } catch {
      body = { contentType: '', fields: {}, files: [] };
    }
    const recordedBody = method === 'GET' || method === 'DELETE' ? undefined : { ...body.fields, ...Object.fromEntries(body.files.map((x) => [x.field, `<binary ${x.bytes} bytes>`])) };
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const allHeaders: Record<string, string> = {
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': '299',
        'x-ratelimit-reset': iso(Math.ceil((now() + 1) / 300_000) * 300_000),
        ...headers,
      };
      fake.exchanges.push({ method, path, body: recordedBody, status, headers: { ...allHeaders, 'content-type': body.contentType }, response: payload });
      if (status === 302) {
        res.writeHead(302, allHeaders).end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...allHeaders }).end(JSON.stringify(payload));
    };

    const rule = takeRule(fake.failures, method, path);
    if (rule && !rule.afterHandling) {
      if (rule.drop) {
        req.socket.destroy();
        return;
      }
      send(rule.status, rule.body ?? { error: `Fake failure ${rule.status}` }, rule.headers);
      return;
    }
    let answer: { status: number; body: unknown; headers?: Record<string, string> };
    try {
      answer = await route(req, path, requestUrl.searchParams, body);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      answer = { status: error.status, body: error.body };
    }
    if (rule?.afterHandling) {
      // The server did the work; only the answer is lost (or replaced).
      if (rule.drop) {
        req.socket.destroy();
        return;
      }
      send(rule.status, rule.body ?? { error: `Fake failure ${rule.status}` }, rule.headers);
      return;
    }
    send(answer.status, answer.body, answer.headers);
  }

  return fake;
}
