import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Exchange } from '../support/openapi';
import { parseBody, takeRule, type FailRule } from './fake-http';

/**
 * A fake Threads API (graph.threads.net and threads.com's authorize page), written from Meta's
 * Threads documentation (developers.facebook.com/documentation/threads/...), since no
 * machine-readable description of it exists (../shared/specs/README.md; the meta-graph node
 * specs describe Pages and Instagram, not Threads):
 * - get-started/get-access-tokens-and-permissions: authorization code (1 hour token, `user_id`),
 *   `th_exchange_token` for a 60-day token, `th_refresh_token` for a token at least a day old that
 *   has not expired; /v1.0/me.
 * - reference/publishing and posts: POST /{user}/threads creates a container (TEXT, IMAGE, VIDEO,
 *   CAROUSEL with 2 to 20 `children` made with `is_carousel_item`; `text` up to 500 characters with
 *   emoji counted as UTF-8 bytes; `alt_text` up to 1,000; `link_attachment` on TEXT only;
 *   `topic_tag` 1-50 characters without periods or ampersands; `reply_control` one of five values;
 *   `reply_to_id`), POST /{user}/threads_publish publishes a FINISHED container (`creation_id`).
 *   Threads fetches `image_url`/`video_url` itself: this fake really fetches them (the local S3
 *   peer's presigned links), so an expired or missing object fails the container like Meta does.
 *   Media specifications: JPEG or PNG up to 8 MB with an aspect ratio up to 10:1; MOV or MP4 up to
 *   1 GB.
 * - troubleshooting: GET /{container}?fields=status,error_message answers IN_PROGRESS, FINISHED,
 *   ERROR (with FAILED_DOWNLOADING_VIDEO, FAILED_PROCESSING_VIDEO, ... UNKNOWN), EXPIRED (not
 *   published within 24 hours) or PUBLISHED. The docs list download failures for videos only; an
 *   image the fake cannot fetch or read ends as ERROR / UNKNOWN.
 * - overview (rate limiting, posts): 250 API-published posts per profile in a moving 24 hours
 *   (a carousel counts once), 1,000 replies; GET /{user}/threads_publishing_limit (quota_usage,
 *   config; the reply fields need threads_manage_replies). The docs do not give the error of a
 *   publish over the limit: the fake answers it as Graph rate limit code 4.
 * - retrieve-and-manage-replies, reference/media: GET /{media}?fields=..., GET /{user}/threads and
 *   /{user}/replies with since/until/limit and cursor paging.
 * - Graph API error handling (developers.facebook.com/docs/graph-api/guides/error-handling):
 *   `{ error: { message, type, code, error_subcode, error_user_msg, fbtrace_id } }`; 190 with
 *   subcode 463 for an expired token, 4/17/32/613 rate limits, 1/2 passing faults, 100 a refused
 *   parameter, 10 a missing permission.
 * Every exchange is recorded; `threadsSpecProblems` checks them against the documented parameters.
 */

/** A container as the fake keeps it. */
export interface FakeContainer {
  id: string;
  userId: string;
  mediaType: 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL';
  isCarouselItem: boolean;
  params: Record<string, string>;
  children: string[];
  createdAt: number;
  /** What fetching its media found (null until the fetch ends). */
  fetched: FetchResult | null;
  /** When the fetch ended, on the fake's clock. */
  fetchedAt: number | null;
  publishedMediaId: string | null;
}

/** One fetch of a media URL. */
export interface FetchResult {
  url: string;
  ok: boolean;
  status: number;
  bytes: number;
  sha256: string;
  /** Why the media was refused, as the container's error_message. */
  refused: string | null;
  /** An image's pixel size as Threads read it. */
  width?: number;
  height?: number;
}

/** A published post. */
export interface FakePost {
  id: string;
  containerId: string;
  userId: string;
  mediaType: 'TEXT_POST' | 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  text: string;
  replyToId: string | null;
  rootId: string;
  replyControl: string;
  topicTag: string | null;
  linkAttachment: string | null;
  media: Array<{ kind: 'IMAGE' | 'VIDEO'; sha256: string; bytes: number; altText: string | null }>;
  timestamp: number;
  shortcode: string;
  permalink: string;
  /** Counted in the publishing quota (the fake's seeded history is, too). */
  api: boolean;
}

interface Token {
  userId: string;
  clientId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  longLived: boolean;
}

/** Options of the fake. */
export interface ThreadsFakeOptions {
  now?: () => number;
  /** Processing time of a container after its media arrived, on the fake's clock. */
  processingMs?: Partial<Record<FakeContainer['mediaType'], number>>;
  /** Publishing quota per 24 hours (250) and replies (1,000). */
  quotaTotal?: number;
  replyQuotaTotal?: number;
  clients?: Array<{ clientId: string; clientSecret: string }>;
}

/** A running fake. */
export interface ThreadsFake {
  url: string;
  userId: string;
  username: string;
  exchanges: Exchange[];
  containers: Map<string, FakeContainer>;
  posts: FakePost[];
  fetches: FetchResult[];
  /** Next matching request(s) get this answer (or a dropped connection). */
  failNext(rule: FailRule): void;
  /** Next matching request(s) get a Graph error with this code. */
  graphError(options: { method?: string; path?: string | RegExp; code: number; subcode?: number; status?: number; message?: string; userMessage?: string; headers?: Record<string, string>; times?: number; skip?: number; afterHandling?: boolean }): void;
  /** The next matching request is handled, but its answer is held until `release()` (or the fake closes): resolves when it arrived. */
  hold(method: string, path: string | RegExp): Promise<void>;
  release(): void;
  /** Containers matching stay IN_PROGRESS. */
  stick(match: (c: FakeContainer) => boolean): void;
  /** Containers matching end in ERROR with this error_message. */
  failProcessing(match: (c: FakeContainer) => boolean, errorMessage: string): void;
  /** A long-lived token for the fake's user (adapter tests), valid `seconds`. */
  issueToken(options?: { seconds?: number; scopes?: string[] }): string;
  /** Every token expires now. */
  expireTokens(): void;
  /** Adds `count` API posts published at `at` (the quota's history). */
  seedPosts(count: number, at: number): void;
  /** The chain of posts from a root: the root, its reply by the user, that reply's reply... */
  chain(rootId: string): FakePost[];
  /** Resolves when no media fetch is under way (tests move their clock only then). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const CREATE_PARAMS: Record<string, { type: 'string' | 'url' | 'boolean' | 'enum' | 'csv' | 'json'; values?: string[] }> = {
  access_token: { type: 'string' },
  media_type: { type: 'enum', values: ['TEXT', 'IMAGE', 'VIDEO', 'CAROUSEL'] },
  text: { type: 'string' },
  image_url: { type: 'url' },
  video_url: { type: 'url' },
  is_carousel_item: { type: 'boolean' },
  children: { type: 'csv' },
  reply_to_id: { type: 'string' },
  reply_control: { type: 'enum', values: ['everyone', 'accounts_you_follow', 'mentioned_only', 'parent_post_author_only', 'followers_only'] },
  allowlisted_country_codes: { type: 'csv' },
  alt_text: { type: 'string' },
  link_attachment: { type: 'url' },
  quote_post_id: { type: 'string' },
  topic_tag: { type: 'string' },
  location_id: { type: 'string' },
  auto_publish_text: { type: 'boolean' },
  text_entities: { type: 'json' },
  is_spoiler_media: { type: 'boolean' },
  gif_attachment: { type: 'json' },
  poll_attachment: { type: 'json' },
  text_attachment: { type: 'json' },
  enable_reply_approvals: { type: 'boolean' },
};
const CONTAINER_FIELDS = ['id', 'status', 'error_message'];
const MEDIA_FIELDS = ['id', 'media_product_type', 'media_type', 'media_url', 'permalink', 'owner', 'username', 'text', 'timestamp', 'shortcode', 'thumbnail_url', 'children', 'is_quote_post', 'has_replies', 'root_post', 'replied_to', 'is_reply', 'is_reply_owned_by_me', 'reply_audience', 'topic_tag', 'alt_text', 'link_attachment_url'];
const LIST_PARAMS = ['access_token', 'fields', 'since', 'until', 'limit', 'before', 'after'];
const LIMIT_FIELDS = ['quota_usage', 'config', 'reply_quota_usage', 'reply_config'];

/** Threads' count: graphemes, an emoji as its UTF-8 bytes (posts: "Emojis are counted as the number of UTF-8 bytes"). */
export function threadsLength(text: string): number {
  const emoji = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
  let n = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) n += emoji.test(segment) ? Buffer.byteLength(segment) : 1;
  return n;
}

const ISO = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

export async function startThreadsFake(options: ThreadsFakeOptions = {}): Promise<ThreadsFake> {
  const now = options.now ?? Date.now;
  const processing: Record<FakeContainer['mediaType'], number> = { TEXT: 0, IMAGE: 3_000, VIDEO: 30_000, CAROUSEL: 2_000, ...options.processingMs };
  const quotaTotal = options.quotaTotal ?? 250;
  const replyQuotaTotal = options.replyQuotaTotal ?? 1_000;
  const clients = new Map((options.clients ?? [{ clientId: 'th-app', clientSecret: 'th-secret' }]).map((c) => [c.clientId, c.clientSecret]));
  const userId = '17841400000000001';
  const username = 'threader';
  const tokens = new Map<string, Token>();
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string | null; scopes: string[] }>();
  const rules: FailRule[] = [];
  const sticky: Array<(c: FakeContainer) => boolean> = [];
  const failing: Array<{ match: (c: FakeContainer) => boolean; message: string }> = [];
  const held: Array<{ method: string; path: string | RegExp; arrived: () => void }> = [];
  const waiting: Array<() => void> = [];
  const fetching = new Set<Promise<void>>();
  let nextId = 1;
  const newId = (prefix: string) => `${prefix}${String(nextId++).padStart(13, '0')}`;

  const fake: ThreadsFake = {
    url: '',
    userId,
    username,
    exchanges: [],
    containers: new Map(),
    posts: [],
    fetches: [],
    failNext: (rule) => void rules.push(rule),
    graphError(o) {
      rules.push({
        method: o.method,
        path: o.path,
        status: o.status ?? (o.code === 1 || o.code === 2 ? 500 : 400),
        times: o.times,
        skip: o.skip,
        afterHandling: o.afterHandling,
        headers: o.headers,
        body: { error: { message: o.message ?? `(#${o.code}) Graph error ${o.code}`, type: o.code === 190 ? 'OAuthException' : 'THApiException', code: o.code, ...(o.subcode ? { error_subcode: o.subcode } : {}), ...(o.userMessage ? { error_user_msg: o.userMessage } : {}), fbtrace_id: randomBytes(8).toString('base64url') } },
      });
    },
    hold(method, path) {
      return new Promise((resolve) => held.push({ method, path, arrived: resolve }));
    },
    release() {
      for (const w of waiting.splice(0)) w();
    },
    stick: (match) => void sticky.push(match),
    failProcessing: (match, message) => void failing.push({ match, message }),
    issueToken(o = {}) {
      const token = `THQ${randomBytes(24).toString('base64url')}`;
      tokens.set(token, { userId, clientId: 'th-app', scopes: o.scopes ?? ['threads_basic', 'threads_content_publish'], issuedAt: now() - 2 * 86_400_000, expiresAt: now() + (o.seconds ?? 5_184_000) * 1000, longLived: true });
      return token;
    },
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, now() - 1);
    },
    seedPosts(count, at) {
      for (let i = 0; i < count; i++) {
        const id = newId('179');
        fake.posts.push({ id, containerId: '', userId, mediaType: 'TEXT_POST', text: `earlier post ${i}`, replyToId: null, rootId: id, replyControl: 'everyone', topicTag: null, linkAttachment: null, media: [], timestamp: at, shortcode: id.slice(-8), permalink: `https://www.threads.com/@${username}/post/${id.slice(-8)}`, api: true });
      }
    },
    chain(rootId) {
      const out: FakePost[] = [];
      let current = fake.posts.find((p) => p.id === rootId);
      while (current) {
        out.push(current);
        const parent: FakePost = current;
        current = fake.posts.find((p) => p.replyToId === parent.id && p.userId === userId);
      }
      return out;
    },
    async idle() {
      while (fetching.size > 0) await Promise.allSettled([...fetching]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        fake.release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  // ---- Errors, the Graph API way.
  const graph = (status: number, code: number, message: string, extra: Record<string, unknown> = {}) => ({
    status,
    body: { error: { message, type: code === 190 ? 'OAuthException' : 'THApiException', code, ...extra, fbtrace_id: randomBytes(8).toString('base64url') } },
  });
  const invalid = (userMessage: string) => graph(400, 100, 'Invalid parameter', { error_user_msg: userMessage });

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };

  function auth(req: IncomingMessage, params: Record<string, string>): Token | Answer {
    const token = /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? params['access_token'] ?? '';
    const t = tokens.get(token);
    if (!t) return graph(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (t.expiresAt <= now()) {
      return { ...graph(400, 190, `Error validating access token: Session has expired on ${new Date(t.expiresAt).toUTCString()}. The current time is ${new Date(now()).toUTCString()}.`, { error_subcode: 463 }), headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"' } };
    }
    return t;
  }

  const fieldsOf = (params: Record<string, string>, fallback: string) => (params['fields'] ?? fallback).split(',').map((f) => f.trim()).filter(Boolean);

  // ---- Media: Threads fetches the URL itself.
  async function fetchMedia(container: FakeContainer, url: string) {
    const kind = container.mediaType;
    const max = kind === 'VIDEO' ? 1024 ** 3 : 8 * 1024 ** 2;
    let result: FetchResult;
    try {
      const response = await fetch(url, { redirect: 'follow' });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        result = { url, ok: false, status: response.status, bytes: 0, sha256: '', refused: kind === 'VIDEO' ? 'FAILED_DOWNLOADING_VIDEO' : 'UNKNOWN' };
      } else {
        const hash = createHash('sha256');
        let bytes = 0;
        const head: Buffer[] = [];
        const kept: Buffer[] = [];
        let tooBig = false;
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          const b = Buffer.from(chunk);
          bytes += b.length;
          if (bytes > max) {
            tooBig = true;
            break;
          }
          hash.update(b);
          if (head.reduce((n, x) => n + x.length, 0) < 16) head.push(b);
          if (kind === 'IMAGE') kept.push(b);
        }
        const start = Buffer.concat(head).subarray(0, 16);
        let refused: string | null = null;
        let size: { width?: number; height?: number } = {};
        if (tooBig) refused = kind === 'VIDEO' ? 'FAILED_PROCESSING_VIDEO' : 'UNKNOWN';
        else if (kind === 'VIDEO') {
          if (start.subarray(4, 8).toString('latin1') !== 'ftyp') refused = 'FAILED_PROCESSING_VIDEO';
        } else {
          const jpeg = start[0] === 0xff && start[1] === 0xd8 && start[2] === 0xff;
          const png = start.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
          if (!jpeg && !png) refused = 'UNKNOWN';
          else {
            const meta = await sharp(Buffer.concat(kept)).metadata().catch(() => null);
            size = { width: meta?.width, height: meta?.height };
            if (!meta?.width || !meta.height || Math.max(meta.width / meta.height, meta.height / meta.width) > 10) refused = 'UNKNOWN';
          }
        }
        result = { url, ok: refused === null, status: response.status, bytes, sha256: hash.digest('hex'), refused, ...size };
      }
    } catch (error) {
      result = { url, ok: false, status: 0, bytes: 0, sha256: '', refused: kind === 'VIDEO' ? 'FAILED_DOWNLOADING_VIDEO' : `UNKNOWN` };
      void error;
    }
    fake.fetches.push(result);
    container.fetched = result;
    container.fetchedAt = now();
  }

  function statusOf(c: FakeContainer): { status: string; error?: string } {
    if (c.publishedMediaId) return { status: 'PUBLISHED' };
    if (now() - c.createdAt > 24 * 3_600_000) return { status: 'EXPIRED' };
    const forced = failing.find((f) => f.match(c));
    if (forced) return { status: 'ERROR', error: forced.message };
    if (c.mediaType === 'IMAGE' || c.mediaType === 'VIDEO') {
      if (!c.fetched) return { status: 'IN_PROGRESS' };
      if (c.fetched.refused) return { status: 'ERROR', error: c.fetched.refused };
    }
    if (c.mediaType === 'CAROUSEL') {
      const children = c.children.map((id) => statusOf(fake.containers.get(id)!));
      const failed = children.find((s) => s.status === 'ERROR');
      if (failed) return { status: 'ERROR', error: failed.error };
      if (children.some((s) => s.status !== 'FINISHED')) return { status: 'IN_PROGRESS' };
    }
    if (sticky.some((m) => m(c))) return { status: 'IN_PROGRESS' };
    const from = c.mediaType === 'IMAGE' || c.mediaType === 'VIDEO' ? Math.max(c.createdAt, c.fetchedAt ?? 0) : c.createdAt;
    return now() - from >= processing[c.mediaType] ? { status: 'FINISHED' } : { status: 'IN_PROGRESS' };
  }

  // ---- Endpoints.
  function createContainer(t: Token, params: Record<string, string>): Answer {
    if (!t.scopes.includes('threads_content_publish')) return graph(403, 10, '(#10) Application does not have permission for this action');
    for (const [key, value] of Object.entries(params)) {
      const spec = CREATE_PARAMS[key];
      if (!spec) return invalid(`${key} is not a parameter of POST /{threads-user-id}/threads`);
      if (spec.type === 'enum' && !spec.values!.includes(value)) return invalid(`${key} must be one of ${spec.values!.join(', ')}`);
      if (spec.type === 'boolean' && !['true', 'false'].includes(value)) return invalid(`${key} must be true or false`);
      if (spec.type === 'url' && !/^https?:\/\//.test(value)) return invalid(`${key} must be a URL`);
    }
    const type = params['media_type'] as FakeContainer['mediaType'] | undefined;
    if (!type) return invalid('media_type is required');
    const carouselItem = params['is_carousel_item'] === 'true';
    const text = params['text'] ?? '';
    if (type === 'TEXT' && !text) return invalid('text is required for a TEXT post');
    if (threadsLength(text) > 500) return invalid(`text is ${threadsLength(text)} characters; the limit is 500 (emoji count as their UTF-8 bytes)`);
    if (type === 'IMAGE' && !params['image_url']) return invalid('image_url is required for media_type=IMAGE');
    if (type === 'VIDEO' && !params['video_url']) return invalid('video_url is required for media_type=VIDEO');
    if (type !== 'IMAGE' && params['image_url']) return invalid('image_url is only for media_type=IMAGE');
    if (type !== 'VIDEO' && params['video_url']) return invalid('video_url is only for media_type=VIDEO');
    if (carouselItem && !['IMAGE', 'VIDEO'].includes(type)) return invalid('only IMAGE and VIDEO containers can be carousel items');
    if (carouselItem && (params['reply_to_id'] || text)) return invalid('a carousel item carries no text and no reply_to_id (the CAROUSEL container does)');
    if (params['alt_text'] !== undefined && !['IMAGE', 'VIDEO'].includes(type)) return invalid('alt_text is only for images and videos');
    if ((params['alt_text'] ?? '').length > 1000) return invalid('alt_text is limited to 1000 characters');
    if (params['link_attachment'] && type !== 'TEXT') return invalid('link_attachment is only available for text-only posts');
    const tag = params['topic_tag'];
    if (tag !== undefined && (tag.length < 1 || tag.length > 50 || /[.&]/.test(tag))) return invalid('topic_tag must be 1 to 50 characters without periods (.) or ampersands (&)');
    const links = new Set([...(text.match(/\b(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,:;!?)\]}'"]/giu) ?? []), ...(params['link_attachment'] ? [params['link_attachment']] : [])].map((l) => l.toLowerCase()));
    if (links.size > 5) return graph(400, 100, 'THREADS_API__LINK_LIMIT_EXCEEDED', { error_user_msg: 'A post can have at most 5 links' });
    const children = type === 'CAROUSEL' ? (params['children'] ?? '').split(',').filter(Boolean) : [];
    if (type === 'CAROUSEL') {
      if (children.length < 2 || children.length > 20) return invalid('a carousel needs 2 to 20 children');
      for (const id of children) {
        const child = fake.containers.get(id);
        if (!child || child.userId !== t.userId || !child.isCarouselItem) return invalid(`${id} is not a carousel item container of this user`);
      }
    } else if (params['children']) return invalid('children is only for media_type=CAROUSEL');
    const replyTo = params['reply_to_id'];
    if (replyTo && !fake.posts.some((p) => p.id === replyTo)) return invalid(`reply_to_id ${replyTo} is not a published Threads post`);
    const container: FakeContainer = { id: newId('180'), userId: t.userId, mediaType: type, isCarouselItem: carouselItem, params, children, createdAt: now(), fetched: null, fetchedAt: null, publishedMediaId: null };
    fake.containers.set(container.id, container);
    const url = params['image_url'] ?? params['video_url'];
    if (url) {
      const job: Promise<void> = fetchMedia(container, url).finally(() => fetching.delete(job));
      fetching.add(job);
    }
    return { status: 200, body: { id: container.id } };
  }

  function quota(t: Token) {
    const since = now() - 86_400_000;
    const mine = fake.posts.filter((p) => p.userId === t.userId && p.api && p.timestamp > since);
    return { posts: mine.filter((p) => !p.replyToId).length, replies: mine.filter((p) => p.replyToId).length };
  }

  function publish(t: Token, params: Record<string, string>): Answer {
    for (const key of Object.keys(params)) if (!['access_token', 'creation_id'].includes(key)) return invalid(`${key} is not a parameter of POST /{threads-user-id}/threads_publish`);
    const c = fake.containers.get(params['creation_id'] ?? '');
    if (!c || c.userId !== t.userId) return invalid('creation_id is not a media container of this user');
    if (c.isCarouselItem) return invalid('a carousel item is published through its CAROUSEL container');
    const state = statusOf(c);
    if (state.status === 'PUBLISHED') return invalid('This media container has already been published');
    if (state.status !== 'FINISHED') return invalid(`The media container is not ready to be published (${state.status})`);
    const used = quota(t);
    const reply = c.params['reply_to_id'] ?? null;
    if (!reply && used.posts >= quotaTotal) return graph(400, 4, `Application request limit reached: this profile published ${quotaTotal} posts through the API in the last 24 hours`, { is_transient: true });
    if (reply && used.replies >= replyQuotaTotal) return graph(400, 4, `Application request limit reached: this profile published ${replyQuotaTotal} replies through the API in the last 24 hours`, { is_transient: true });
    const id = newId('179');
    const parent = reply ? fake.posts.find((p) => p.id === reply)! : null;
    const items = c.mediaType === 'CAROUSEL' ? c.children.map((cid) => fake.containers.get(cid)!) : c.mediaType === 'TEXT' ? [] : [c];
    const shortcode = randomBytes(6).toString('base64url');
    fake.posts.push({
      id,
      containerId: c.id,
      userId: t.userId,
      mediaType: c.mediaType === 'TEXT' ? 'TEXT_POST' : c.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : c.mediaType,
      text: c.params['text'] ?? '',
      replyToId: reply,
      rootId: parent ? parent.rootId : id,
      replyControl: c.params['reply_control'] ?? 'everyone',
      topicTag: c.params['topic_tag'] ?? null,
      linkAttachment: c.params['link_attachment'] ?? null,
      media: items.map((item) => ({ kind: item.mediaType as 'IMAGE' | 'VIDEO', sha256: item.fetched?.sha256 ?? '', bytes: item.fetched?.bytes ?? 0, altText: item.params['alt_text'] ?? null })),
      timestamp: now(),
      shortcode,
      permalink: `https://www.threads.com/@${username}/post/${shortcode}`,
      api: true,
    });
    c.publishedMediaId = id;
    return { status: 200, body: { id } };
  }

  function mediaFields(post: FakePost, fields: string[]): Answer {
    const out: Record<string, unknown> = { id: post.id };
    for (const f of fields) {
      if (!MEDIA_FIELDS.includes(f)) return graph(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (ThreadsMedia)`);
      if (f === 'media_product_type') out[f] = 'THREADS';
      else if (f === 'media_type') out[f] = post.mediaType;
      else if (f === 'permalink') out[f] = post.permalink;
      else if (f === 'username') out[f] = username;
      else if (f === 'owner') out[f] = { id: post.userId };
      else if (f === 'text' && post.text) out[f] = post.text;
      else if (f === 'timestamp') out[f] = ISO(post.timestamp);
      else if (f === 'shortcode') out[f] = post.shortcode;
      else if (f === 'is_quote_post') out[f] = false;
      else if (f === 'is_reply') out[f] = post.replyToId !== null;
      else if (f === 'replied_to' && post.replyToId) out[f] = { id: post.replyToId };
      else if (f === 'root_post') out[f] = { id: post.rootId };
      else if (f === 'topic_tag' && post.topicTag) out[f] = post.topicTag;
      else if (f === 'link_attachment_url' && post.linkAttachment) out[f] = post.linkAttachment;
      else if (f === 'has_replies') out[f] = fake.posts.some((p) => p.replyToId === post.id);
    }
    return { status: 200, body: out };
  }

  function list(t: Token, params: Record<string, string>, replies: boolean): Answer {
    for (const key of Object.keys(params)) if (!LIST_PARAMS.includes(key)) return invalid(`${key} is not a parameter of this edge`);
    const fields = fieldsOf(params, 'id');
    const since = params['since'] ? Number(params['since']) * 1000 : -Infinity;
    const until = params['until'] ? Number(params['until']) * 1000 : Infinity;
    const limit = Math.min(100, Number(params['limit'] ?? 25) || 25);
    const all = fake.posts
      .filter((p) => p.userId === t.userId && (replies ? p.replyToId !== null : p.replyToId === null) && p.timestamp >= since && p.timestamp <= until)
      .sort((a, b) => b.timestamp - a.timestamp || b.id.localeCompare(a.id));
    const start = params['after'] ? Number(Buffer.from(params['after'], 'base64url').toString()) : 0;
    const page = all.slice(start, start + limit);
    const data: unknown[] = [];
    for (const post of page) {
      const answer = mediaFields(post, fields);
      if (answer.status !== 200) return answer;
      data.push(answer.body);
    }
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length) } };
    if (start + page.length < all.length) paging['next'] = `${fake.url}/v1.0/${t.userId}/${replies ? 'replies' : 'threads'}?after=${cursor(start + page.length)}`;
    return { status: 200, body: { data, paging } };
  }

  // ---- Sign-in (get-access-tokens-and-permissions).
  function issue(grant: { userId: string; clientId: string; scopes: string[] }, seconds: number, longLived: boolean) {
    const token = `TH${longLived ? 'L' : 'S'}${randomBytes(24).toString('base64url')}`;
    tokens.set(token, { ...grant, issuedAt: now(), expiresAt: now() + seconds * 1000, longLived });
    return token;
  }

  async function route(req: IncomingMessage, method: string, path: string, params: Record<string, string>): Promise<Answer | { redirect: string }> {
    if (method === 'GET' && path === '/oauth/authorize') {
      const redirect = params['redirect_uri'];
      if (!redirect || !clients.has(params['client_id'] ?? '') || params['response_type'] !== 'code') return { status: 400, body: { error: { message: 'Invalid platform app', code: 100 } } };
      const back = new URL(redirect);
      const code = `AQ${randomBytes(16).toString('base64url')}`;
      codes.set(code, { clientId: params['client_id']!, redirectUri: redirect, challenge: params['code_challenge'] ?? null, scopes: (params['scope'] ?? '').split(',').filter(Boolean) });
      back.searchParams.set('code', code);
      if (params['state']) back.searchParams.set('state', params['state']);
      return { redirect: back.href };
    }
    if (method === 'POST' && path === '/oauth/access_token') {
      const grant = codes.get(params['code'] ?? '');
      codes.delete(params['code'] ?? '');
      if (clients.get(params['client_id'] ?? '') !== params['client_secret']) return graph(400, 101, 'Error validating client secret.');
      if (!grant || grant.clientId !== params['client_id'] || grant.redirectUri !== params['redirect_uri'] || params['grant_type'] !== 'authorization_code') return graph(400, 100, 'Invalid authorization code');
      if (grant.challenge && createHash('sha256').update(params['code_verifier'] ?? '').digest('base64url') !== grant.challenge) return graph(400, 100, 'Invalid code_verifier');
      return { status: 200, body: { access_token: issue({ userId, clientId: grant.clientId, scopes: grant.scopes }, 3600, false), user_id: Number(userId) } };
    }
    if (method === 'GET' && (path === '/access_token' || path === '/refresh_access_token')) {
      const t = tokens.get(params['access_token'] ?? '');
      if (!t || t.expiresAt <= now()) return graph(400, 190, 'Error validating access token: Session has expired', { error_subcode: 463 });
      if (path === '/access_token') {
        if (params['grant_type'] !== 'th_exchange_token' || clients.get(t.clientId) !== params['client_secret']) return graph(400, 101, 'Error validating client secret.');
        if (t.longLived) return graph(400, 100, 'Only a short-lived token can be exchanged');
      } else {
        if (params['grant_type'] !== 'th_refresh_token') return graph(400, 100, 'grant_type must be th_refresh_token');
        if (!t.longLived || now() - t.issuedAt < 86_400_000) return graph(400, 100, 'Only a long-lived token at least 24 hours old can be refreshed');
      }
      tokens.delete(params['access_token']!);
      return { status: 200, body: { access_token: issue(t, 5_184_000, true), token_type: 'bearer', expires_in: 5_184_000 } };
    }

    // ---- The Graph part: a token for everything.
    const m = /^\/v1\.0\/([^/]+)(?:\/([a-z_]+))?$/.exec(path);
    if (!m) return { status: 404, body: { error: { message: `Unknown path ${path}`, code: 803 } } };
    const t = auth(req, params);
    if ('status' in t) return t;
    const node = m[1] === 'me' ? t.userId : m[1]!;
    const edge = m[2] ?? null;
    if (node === t.userId) {
      if (method === 'GET' && !edge) {
        const out: Record<string, unknown> = { id: t.userId };
        for (const f of fieldsOf(params, 'id')) {
          if (f === 'username') out[f] = username;
          else if (f === 'name') out[f] = 'The Threader';
          else if (f === 'threads_profile_picture_url') out[f] = 'https://th.example/t.jpg';
          else if (f === 'threads_biography') out[f] = '';
          else if (f !== 'id') return graph(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (ThreadsUser)`);
        }
        return { status: 200, body: out };
      }
      if (method === 'POST' && edge === 'threads') return createContainer(t, params);
      if (method === 'POST' && edge === 'threads_publish') return publish(t, params);
      if (method === 'GET' && (edge === 'threads' || edge === 'replies')) return list(t, params, edge === 'replies');
      if (method === 'GET' && edge === 'threads_publishing_limit') {
        const fields = fieldsOf(params, 'quota_usage');
        const out: Record<string, unknown> = {};
        const used = quota(t);
        for (const f of fields) {
          if (!LIMIT_FIELDS.includes(f)) return graph(400, 100, `(#100) Tried accessing nonexisting field (${f})`);
          if (f.startsWith('reply_') && !t.scopes.includes('threads_manage_replies')) return graph(403, 10, '(#10) Application does not have permission for this action (threads_manage_replies)');
          if (f === 'quota_usage') out[f] = used.posts;
          if (f === 'config') out[f] = { quota_total: quotaTotal, quota_duration: 86_400 };
          if (f === 'reply_quota_usage') out[f] = used.replies;
          if (f === 'reply_config') out[f] = { quota_total: replyQuotaTotal, quota_duration: 86_400 };
        }
        return { status: 200, body: { data: [out] } };
      }
      return graph(400, 100, `Unsupported ${method} request on ${edge ?? 'the user'}`);
    }
    if (method === 'GET' && !edge) {
      const c = fake.containers.get(node);
      if (c && c.userId === t.userId) {
        const fields = fieldsOf(params, 'id');
        const out: Record<string, unknown> = { id: c.id };
        const state = statusOf(c);
        for (const f of fields) {
          if (!CONTAINER_FIELDS.includes(f)) return graph(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (ThreadsMediaContainer)`);
          if (f === 'status') out[f] = state.status;
          if (f === 'error_message' && state.error) out[f] = state.error;
        }
        return { status: 200, body: out };
      }
      const post = fake.posts.find((p) => p.id === node && p.userId === t.userId);
      if (post) return mediaFields(post, fieldsOf(params, 'id'));
    }
    return graph(400, 100, `Unsupported get request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, { error_subcode: 33 });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const params: Record<string, string> = Object.fromEntries(u.searchParams);
      if (method === 'POST') {
        const parsed = await parseBody(req);
        for (const [k, v] of Object.entries(parsed.fields)) params[k] = String(v);
      }
      const shown = { ...params };
      if (shown['access_token']) shown['access_token'] = '<token>';
      if (shown['client_secret']) shown['client_secret'] = '<secret>';
      const exchange: Exchange = { method, path: u.pathname, body: shown, status: 0, headers: {}, response: null };
      fake.exchanges.push(exchange);
      const send = (answer: Answer) => {
        exchange.status = answer.status;
        exchange.response = answer.body;
        exchange.headers = answer.headers ?? {};
        if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
      };
      const rule = takeRule(rules, method, u.pathname);
      if (rule && !rule.afterHandling) {
        if (rule.drop) return void req.socket.destroy();
        return send({ status: rule.status, body: rule.body ?? {}, headers: rule.headers });
      }
      const answer = await route(req, method, u.pathname, params);
      if ('redirect' in answer) {
        exchange.status = 302;
        return void res.writeHead(302, { location: answer.redirect }).end();
      }
      if (rule?.afterHandling) {
        exchange.response = answer.body;
        if (rule.drop) return void req.socket.destroy();
        return send({ status: rule.status, body: rule.body ?? {}, headers: rule.headers });
      }
      const hold = held.findIndex((h) => h.method === method && (typeof h.path === 'string' ? h.path === u.pathname : h.path.test(u.pathname)));
      if (hold >= 0) {
        const [h] = held.splice(hold, 1);
        exchange.response = answer.body;
        h!.arrived();
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      send(answer);
    })().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error), code: 2 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/**
 * Checks recorded exchanges against the documented parameters and answers (the fake's header
 * lists the pages): every request names only documented parameters of valid types with the
 * required ones present, and every 2xx answer has the documented shape. Returns the problems.
 */
export function threadsSpecProblems(exchanges: Exchange[]): string[] {
  const problems: string[] = [];
  for (const [n, e] of exchanges.entries()) {
    const at = `#${n} ${e.method} ${e.path}`;
    const params = (e.body ?? {}) as Record<string, string>;
    const ok = e.status >= 200 && e.status < 300;
    const res = (e.response ?? {}) as Record<string, unknown>;
    const onlyParams = (allowed: string[]) => {
      for (const key of Object.keys(params)) if (!allowed.includes(key)) problems.push(`${at}: ${key} is not a documented parameter`);
    };
    const onlyFields = (allowed: string[]) => {
      for (const f of (params['fields'] ?? '').split(',').filter(Boolean)) if (!allowed.includes(f)) problems.push(`${at}: field ${f} is not documented here`);
    };
    if (e.path === '/oauth/authorize' || e.path === '/oauth/access_token' || e.path === '/access_token' || e.path === '/refresh_access_token') continue;
    if (e.method === 'POST' && /\/threads$/.test(e.path)) {
      for (const [key, value] of Object.entries(params)) {
        const spec = CREATE_PARAMS[key];
        if (!spec) problems.push(`${at}: ${key} is not a documented parameter`);
        else if (spec.type === 'enum' && !spec.values!.includes(value)) problems.push(`${at}: ${key}=${value} is not one of ${spec.values!.join(', ')}`);
        else if (spec.type === 'boolean' && !['true', 'false'].includes(value)) problems.push(`${at}: ${key} must be true or false`);
        else if (spec.type === 'url' && !/^https?:\/\//.test(value)) problems.push(`${at}: ${key} must be a URL`);
      }
      if (!params['media_type']) problems.push(`${at}: media_type is required`);
      if (ok && typeof res['id'] !== 'string') problems.push(`${at}: the answer has no id`);
    } else if (e.method === 'POST' && /\/threads_publish$/.test(e.path)) {
      onlyParams(['access_token', 'creation_id']);
      if (!params['creation_id']) problems.push(`${at}: creation_id is required`);
      if (ok && typeof res['id'] !== 'string') problems.push(`${at}: the answer has no id`);
    } else if (e.method === 'GET' && /\/threads_publishing_limit$/.test(e.path)) {
      onlyParams(['access_token', 'fields']);
      onlyFields(LIMIT_FIELDS);
      if (ok && !Array.isArray(res['data'])) problems.push(`${at}: the answer has no data list`);
    } else if (e.method === 'GET' && /\/(threads|replies)$/.test(e.path)) {
      onlyParams(LIST_PARAMS);
      onlyFields(MEDIA_FIELDS);
      if (ok && (!Array.isArray(res['data']) || typeof res['paging'] !== 'object')) problems.push(`${at}: the answer has no data and paging`);
    } else if (e.method === 'GET' && /^\/v1\.0\/[^/]+$/.test(e.path)) {
      onlyParams(['access_token', 'fields']);
      const fields = (params['fields'] ?? '').split(',').filter(Boolean);
      const container = fields.includes('status') || fields.includes('error_message');
      if (e.path !== '/v1.0/me') onlyFields(container ? CONTAINER_FIELDS : MEDIA_FIELDS);
      if (ok && typeof res['id'] !== 'string') problems.push(`${at}: the answer has no id`);
      if (ok && container && !['IN_PROGRESS', 'FINISHED', 'ERROR', 'EXPIRED', 'PUBLISHED'].includes(String(res['status']))) problems.push(`${at}: status ${String(res['status'])} is not documented`);
    } else {
      problems.push(`${at}: not a documented Threads endpoint`);
    }
    if (!ok && e.status !== 302 && e.status !== 0) {
      const error = (res['error'] ?? null) as Record<string, unknown> | null;
      if (!error || typeof error['message'] !== 'string' || typeof error['code'] !== 'number') problems.push(`${at}: an error answer without { error: { message, code } }`);
    }
  }
  return problems;
}
