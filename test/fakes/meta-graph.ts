// A fake of Meta's Graph API for Facebook Pages and Instagram (both logins), written from the
// official documentation; one server plays graph.facebook.com, graph-video.facebook.com,
// rupload.facebook.com, graph.instagram.com, www.facebook.com / www.instagram.com (consent) and
// api.instagram.com (tokens). Tokens it issues decide who may do what.
//
// Sources:
//   Pages posts:          https://developers.facebook.com/docs/pages-api/posts (feed, photos,
//                         attached_media, published=false + scheduled_publish_time between 10
//                         minutes and 30 days ahead, POST /<POST_ID> to change, DELETE)
//   Page photos:          https://developers.facebook.com/docs/graph-api/reference/page/photos/
//   Page stories:         https://developers.facebook.com/docs/page-stories-api
//   Videos:               https://developers.facebook.com/docs/video-api/guides/publishing
//   Resumable uploads:    https://developers.facebook.com/docs/graph-api/guides/upload (file_offset)
//   Reels:                https://developers.facebook.com/docs/video-api/guides/reels-publishing
//   Instagram publishing: https://developers.facebook.com/docs/instagram-platform/content-publishing/
//   IG container:         https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
//   Publishing limit:     https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
//   Errors:               https://developers.facebook.com/docs/graph-api/guides/error-handling/
//   Facebook Login:       https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
//   Instagram Login:      https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
//
// Meta cURLs Instagram media from the URL it is given: this fake really fetches each image_url,
// video_url and cover_url (the presigned links of the local S3 peer), so a missing or expired
// object fails the container like Meta does. Containers process for `processingMs` of the fake
// clock; a test can make the next one fail, stall or expire. Every exchange is recorded with the
// Graph node and edge it used, for the checks against ../shared/specs/meta-graph.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { parseBody, readBody, takeRule, type FailRule, type ReceivedFile } from './fake-http';

const V = 'v23.0';
const DAY = 86_400_000;

/** Which Graph node (and edge) a request used, named as in ../shared/specs/meta-graph. */
export interface SpecRef {
  node: 'Page' | 'PagePost' | 'Photo' | 'AdVideo' | 'IGUser' | 'IGUserForIGOnlyAPI' | 'IGMedia' | 'IGMediaForIGOnlyAPI' | 'IGContainer';
  edge: string;
}

/** One request and its answer. */
export interface MetaExchange {
  method: string;
  path: string;
  /** Parameters (query and body together, access_token left out). */
  params: Record<string, unknown>;
  files: Array<Omit<ReceivedFile, 'data'>>;
  headers: Record<string, string>;
  status: number;
  response: unknown;
  /** The documented node the request used; absent for hosts the specs do not describe (OAuth, uploads). */
  spec?: SpecRef;
}

export interface FakePage {
  id: string;
  name: string;
  username: string;
  /** Whether the Page may publish reels through the API. */
  reels: boolean;
  ig: FakeIgUser | null;
}

export interface FakeIgUser {
  id: string;
  username: string;
  name: string;
  login: 'facebook' | 'instagram';
  /** Posts allowed in 24 hours (100 by default). */
  quotaTotal: number;
}

export interface FbPost {
  id: string;
  pageId: string;
  message: string;
  link: string | null;
  photos: string[];
  kind: 'status' | 'photo' | 'story';
  createdAt: number;
  published: boolean;
  scheduledAt: number | null;
}

export interface FbPhoto {
  id: string;
  pageId: string;
  bytes: number;
  sha256: string;
  mime: string;
  width: number;
  height: number;
  published: boolean;
  temporary: boolean;
  altText: string | null;
  attachedTo: string | null;
}

export interface FbVideo {
  id: string;
  pageId: string;
  kind: 'video' | 'reel' | 'story';
  size: number;
  received: Buffer[];
  receivedBytes: number;
  title: string;
  description: string;
  thumbSha256: string | null;
  /** Set by finish (reels, stories) or the /videos POST. */
  finishedAt: number | null;
  state: 'uploading' | 'uploaded' | 'draft' | 'scheduled' | 'published';
  scheduledAt: number | null;
  createdAt: number;
  postId: string | null;
  sha256: string | null;
  /** Meta's processing failed with this message (shown once processing ends). */
  processingError: string | null;
}

export interface IgContainer {
  id: string;
  igUserId: string;
  mediaType: 'IMAGE' | 'VIDEO' | 'REELS' | 'STORIES' | 'CAROUSEL';
  isCarouselItem: boolean;
  children: string[];
  params: Record<string, unknown>;
  createdAt: number;
  readyAt: number;
  /** What Meta fetched (null while the fetch runs). */
  fetched: Array<{ role: string; url: string; status: number; bytes: number; sha256: string; contentType: string }> | null;
  error: string | null;
  stuck: boolean;
  published: boolean;
  usedBy: string | null;
}

export interface IgMedia {
  id: string;
  igUserId: string;
  containerId: string;
  caption: string;
  mediaType: string;
  productType: 'FEED' | 'REELS' | 'STORY';
  altText: string | null;
  permalink: string;
  timestamp: number;
  /** The fetched files, in carousel order. */
  files: string[];
  params: Record<string, unknown>;
}

interface Token {
  kind: 'user' | 'page' | 'ig';
  appId: string;
  pageId?: string;
  igUserId?: string;
}

/** A scheduled failure, with a Graph error body built from `graph`. */
export type GraphFailRule = FailRule & { graph?: { code: number; message: string; subcode?: number; userMsg?: string; isTransient?: boolean } };

export interface MetaGraphFake {
  url: string;
  /** Facebook Login app and Instagram Login app (their client id and secret). */
  fbApp: { id: string; secret: string };
  igApp: { id: string; secret: string };
  pages: Map<string, FakePage>;
  igUsers: Map<string, FakeIgUser>;
  posts: FbPost[];
  photos: Map<string, FbPhoto>;
  videos: Map<string, FbVideo>;
  containers: Map<string, IgContainer>;
  media: IgMedia[];
  exchanges: MetaExchange[];
  /** Every media URL Meta fetched, with the answer it got. */
  fetches: Array<{ url: string; status: number }>;
  /** Fake-clock time a container takes to process (images; videos take `videoProcessingMs`). */
  processingMs: number;
  videoProcessingMs: number;
  /** The next container (or the next `count`) stays IN_PROGRESS, fails with a message, or expires. */
  nextContainers: Array<{ stuck?: boolean; error?: string }>;
  /** The next reel or video story that is finished fails processing with this message. */
  nextVideoError: string | null;
  /** Cuts the next resumable upload body after this many bytes (the connection drops). */
  dropUploadAfter: number | null;
  failNext(rule: GraphFailRule): void;
  /** Handles the next matching request but never answers it until `release()` (a crash mid-request). */
  holdNext(match: { method: string; path: string | RegExp }): { held: Promise<void>; release: () => void };
  /** Makes a token dead (code 190). */
  expireToken(token: string): void;
  /** Tokens issued so far, by kind. */
  tokens: Map<string, Token>;
  /** Publishes what is due on the fake clock (every request does this first). */
  tick(): void;
  close(): Promise<void>;
}

const b64 = (n = 18) => randomBytes(n).toString('base64url');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

/** Starts the fake on 127.0.0.1. */
export async function startMetaGraphFake(options: { now: () => number }): Promise<MetaGraphFake> {
  const now = options.now;
  let seq = 1000;
  const nextId = () => String(++seq);
  const rules: GraphFailRule[] = [];
  const holds: Array<{ method: string; path: string | RegExp; resolve: () => void; release: Promise<void> }> = [];
  const codes = new Map<string, { appId: string; challenge: string; redirectUri: string; login: 'facebook' | 'instagram' }>();
  const uploads = new Map<string, { appId: string; length: number; type: string; data: Buffer[]; received: number; handle: string | null }>();
  const handles = new Map<string, { appId: string; data: Buffer }>();
  const dead = new Set<string>();

  const igBiz: FakeIgUser = { id: '17841400000000001', username: 'corner.cafe', name: 'Corner Café', login: 'facebook', quotaTotal: 100 };
  const igSolo: FakeIgUser = { id: '17841400000000002', username: 'solo.creator', name: 'Solo Creator', login: 'instagram', quotaTotal: 100 };
  const fake: MetaGraphFake = {
    url: '',
    fbApp: { id: '900000000000001', secret: 'fb-app-secret' },
    igApp: { id: '900000000000002', secret: 'ig-app-secret' },
    pages: new Map([
      ['100000000000001', { id: '100000000000001', name: 'Corner Café', username: 'cornercafe', reels: true, ig: igBiz }],
      ['100000000000002', { id: '100000000000002', name: 'Night Market', username: 'nightmarket', reels: false, ig: null }],
    ]),
    igUsers: new Map([
      [igBiz.id, igBiz],
      [igSolo.id, igSolo],
    ]),
    posts: [],
    photos: new Map(),
    videos: new Map(),
    containers: new Map(),
    media: [],
    exchanges: [],
    fetches: [],
    processingMs: 2_000,
    videoProcessingMs: 20_000,
    nextContainers: [],
    nextVideoError: null,
    dropUploadAfter: null,
    tokens: new Map(),
    failNext: (rule) => void rules.push(rule),
    holdNext(match) {
      let resolve!: () => void;
      let release!: () => void;
      const held = new Promise<void>((r) => (resolve = r));
      const released = new Promise<void>((r) => (release = r));
      holds.push({ ...match, resolve, release: released });
      return { held, release };
    },
    expireToken: (token) => void dead.add(token),
    tick,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  function tick() {
    const t = now();
    for (const post of fake.posts) if (!post.published && post.scheduledAt !== null && post.scheduledAt <= t) [post.published, post.createdAt] = [true, post.scheduledAt];
    for (const video of fake.videos.values()) {
      if (video.state === 'scheduled' && video.scheduledAt !== null && video.scheduledAt <= t) video.state = 'published';
    }
  }

  // ---- answers ----------------------------------------------------------------------------

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  /** Meta's error object: https://developers.facebook.com/docs/graph-api/guides/error-handling/ */
  const errorBody = (code: number, message: string, extra: { subcode?: number; type?: string; userMsg?: string; userTitle?: string; isTransient?: boolean } = {}) => ({
    error: {
      message,
      type: extra.type ?? (code === 190 || code === 200 || code === 100 ? 'OAuthException' : 'GraphMethodException'),
      code,
      ...(extra.subcode ? { error_subcode: extra.subcode } : {}),
      ...(extra.userTitle ? { error_user_title: extra.userTitle } : {}),
      ...(extra.userMsg ? { error_user_msg: extra.userMsg } : {}),
      ...(extra.isTransient !== undefined ? { is_transient: extra.isTransient } : {}),
      fbtrace_id: b64(8),
    },
  });
  class GraphFault {
    constructor(
      readonly status: number,
      readonly body: unknown,
    ) {}
  }
  const fault = (code: number, message: string, extra: Parameters<typeof errorBody>[2] = {}, status = 400) => new GraphFault(status, errorBody(code, message, extra));
  const notFound = (id: string, verb = 'get') =>
    fault(100, `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`, { subcode: 33, type: 'GraphMethodException' });

  // ---- the server -------------------------------------------------------------------------

  interface Call {
    req: IncomingMessage;
    res: ServerResponse;
    method: string;
    path: string;
    url: URL;
    params: Record<string, unknown>;
    files: ReceivedFile[];
    token: string;
    scheme: string;
    raw: Buffer | null;
    spec?: SpecRef;
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, errorBody(2, `fake failure: ${String(error)}`, { isTransient: true }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    tick();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const rawUpload = method === 'POST' && (/^\/v23\.0\/upload:/.test(path) || path.startsWith('/video-upload/'));
    let raw: Buffer | null = null;
    let body: { fields: Record<string, unknown>; files: ReceivedFile[] } = { fields: {}, files: [] };
    if (rawUpload) {
      raw = await readUpload(req);
      if (raw === null) return; // the connection was cut on purpose
    } else if (method !== 'GET' && method !== 'DELETE') body = await parseBody(req);
    const params: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    Object.assign(params, body.fields);
    const auth = /^(Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '');
    const token = auth?.[2] ?? String(params['access_token'] ?? '');
    delete params['access_token'];
    const call: Call = { req, res, method, path, url, params, files: body.files, token, scheme: auth?.[1] ?? 'param', raw };

    const record = (status: number, response: unknown) =>
      fake.exchanges.push({
        method,
        path,
        params: { ...params },
        files: call.files.map(({ data: _data, ...f }) => f),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        status,
        response,
        ...(call.spec ? { spec: call.spec } : {}),
      });

    const rule = takeRule(rules, method, path) as GraphFailRule | null;
    if (rule && !rule.afterHandling) {
      if (rule.drop) return void req.socket.destroy();
      const failure = rule.body ?? errorBody(rule.graph?.code ?? 1, rule.graph?.message ?? 'An unknown error occurred', { subcode: rule.graph?.subcode, userMsg: rule.graph?.userMsg, isTransient: rule.graph?.isTransient });
      record(rule.status, failure);
      return json(res, rule.status, failure, rule.headers);
    }
    let status = 200;
    let answer: unknown;
    let headers: Record<string, string> = {};
    try {
      const out = await route(call);
      if (out && typeof out === 'object' && 'redirect' in out) {
        record(302, null);
        return void res.writeHead(302, { location: (out as { redirect: string }).redirect }).end();
      }
      answer = out;
    } catch (error) {
      if (!(error instanceof GraphFault)) throw error;
      status = error.status;
      answer = error.body;
    }
    record(status, answer);
    if (rule?.afterHandling) {
      if (rule.drop) return void req.socket.destroy();
      status = rule.status;
      answer = rule.body ?? errorBody(rule.graph?.code ?? 2, rule.graph?.message ?? 'Service temporarily unavailable', { isTransient: true });
      headers = rule.headers ?? {};
    }
    const hold = holds.findIndex((h) => h.method === method && (typeof h.path === 'string' ? h.path === path : h.path.test(path)));
    if (hold >= 0) {
      const [h] = holds.splice(hold, 1);
      h!.resolve();
      await h!.release;
      return void req.socket.destroy();
    }
    json(res, status, answer, headers);
  }

  /** Reads an upload body; with `dropUploadAfter`, keeps that many bytes and cuts the connection. */
  async function readUpload(req: IncomingMessage): Promise<Buffer | null> {
    const limit = fake.dropUploadAfter;
    if (limit === null) return readBody(req);
    fake.dropUploadAfter = null;
    const chunks: Buffer[] = [];
    let got = 0;
    for await (const chunk of req) {
      const piece = chunk as Buffer;
      const room = limit - got;
      chunks.push(piece.subarray(0, Math.max(0, room)));
      got += piece.length;
      if (got >= limit) break;
    }
    const kept = Buffer.concat(chunks);
    // Meta keeps what reached it before the connection dropped.
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const session = /^\/v23\.0\/(upload:[^/]+)$/.exec(path)?.[1];
    if (session) {
      const s = uploads.get(session);
      if (s && Number(req.headers['file_offset']) === s.received) {
        s.data.push(kept);
        s.received += kept.length;
      }
    }
    const video = /^\/video-upload\/v23\.0\/(\d+)$/.exec(path)?.[1];
    if (video) {
      const v = fake.videos.get(video);
      if (v && Number(req.headers['offset']) === v.receivedBytes) {
        v.received.push(kept);
        v.receivedBytes += kept.length;
      }
    }
    req.socket.destroy();
    return null;
  }

  // ---- auth -------------------------------------------------------------------------------

  function who(call: Call): Token {
    const t = fake.tokens.get(call.token);
    if (!t || dead.has(call.token)) throw fault(190, 'Error validating access token: Session has expired or the user has changed the password.', { subcode: 463 });
    return t;
  }
  function mayPage(call: Call, pageId: string) {
    const t = who(call);
    if (t.kind !== 'page' || t.pageId !== pageId) throw fault(200, '(#200) Requires pages_manage_posts permission to manage the object');
  }
  function mayIg(call: Call, igId: string) {
    const t = who(call);
    const ig = fake.igUsers.get(igId);
    if (!ig) throw notFound(igId);
    const ok = ig.login === 'instagram' ? t.kind === 'ig' && t.igUserId === igId : t.kind === 'page' && fake.pages.get(t.pageId!)?.ig?.id === igId;
    if (!ok) throw fault(10, '(#10) Application does not have permission for this action');
    return ig;
  }

  function issue(token: Token): string {
    const value = `${token.kind === 'ig' ? 'IGQ' : 'EAA'}${b64(24)}`;
    fake.tokens.set(value, token);
    return value;
  }

  // ---- routes -----------------------------------------------------------------------------

  async function route(call: Call): Promise<unknown> {
    const { method, path, params } = call;
    // Consent (Facebook Login dialog and Instagram's authorize page): approves at once.
    if (method === 'GET' && (path === `/${V}/dialog/oauth` || path === '/oauth/authorize')) {
      const login = path === '/oauth/authorize' ? 'instagram' : 'facebook';
      const app = login === 'facebook' ? fake.fbApp : fake.igApp;
      if (params['client_id'] !== app.id) throw fault(101, 'Error validating application. Invalid application ID.');
      const back = new URL(String(params['redirect_uri']));
      if (params['code_challenge_method'] !== 'S256' || !params['code_challenge']) throw fault(100, 'PKCE with S256 is required');
      const code = `code-${b64()}`;
      codes.set(code, { appId: app.id, challenge: String(params['code_challenge']), redirectUri: back.href, login });
      back.searchParams.set('code', code);
      back.searchParams.set('state', String(params['state'] ?? ''));
      return { redirect: back.href };
    }
    // Code exchanges.
    if (method === 'POST' && (path === `/${V}/oauth/access_token` || path === '/oauth/access_token')) {
      const code = codes.get(String(params['code']));
      codes.delete(String(params['code']));
      const app = code?.login === 'instagram' ? fake.igApp : fake.fbApp;
      if (!code || params['client_id'] !== app.id || params['client_secret'] !== app.secret) throw fault(100, 'Invalid verification code format or client secret', { subcode: 36008 });
      if (params['redirect_uri'] !== code.redirectUri) throw fault(100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', { subcode: 36008 });
      if (createHash('sha256').update(String(params['code_verifier'] ?? '')).digest('base64url') !== code.challenge) throw fault(100, 'The code_verifier does not match the code_challenge');
      if (code.login === 'instagram') {
        const token = issue({ kind: 'ig', appId: app.id, igUserId: igSolo.id });
        return { data: [{ access_token: token, user_id: igSolo.id, permissions: 'instagram_business_basic,instagram_business_content_publish' }] };
      }
      return { access_token: issue({ kind: 'user', appId: app.id }), token_type: 'bearer', expires_in: 5_183_000 };
    }
    // Long-lived tokens.
    if (method === 'GET' && path === `/${V}/oauth/access_token` && params['grant_type'] === 'fb_exchange_token') {
      const t = fake.tokens.get(String(params['fb_exchange_token']));
      if (!t || params['client_secret'] !== fake.fbApp.secret) throw fault(190, 'Invalid OAuth access token.');
      return { access_token: issue({ kind: 'user', appId: t.appId }), token_type: 'bearer', expires_in: 5_183_944 };
    }
    if (method === 'GET' && (path === '/access_token' || path === '/refresh_access_token')) {
      const t = fake.tokens.get(String(params['access_token'] ?? call.token));
      if (!t || t.kind !== 'ig') throw fault(190, 'Invalid OAuth access token.');
      if (path === '/access_token' && params['client_secret'] !== fake.igApp.secret) throw fault(101, 'Error validating client secret.');
      return { access_token: issue({ ...t }), token_type: 'bearer', expires_in: 5_184_000 };
    }
    // The rupload host for reels and video stories.
    const rupload = /^\/video-upload\/v23\.0\/(\d+)$/.exec(path);
    if (rupload && method === 'POST') return ruploadBytes(call, rupload[1]!);

    if (!path.startsWith(`/${V}/`)) throw fault(100, `Unknown path components: ${path}`);
    const [id, edge = '', ...rest] = path.slice(V.length + 2).split('/');
    if (!id || rest.length > 0) throw fault(100, `Unknown path components: ${path}`);
    if (id === 'me') return me(call, edge);
    if (id === 'app' && method === 'GET') {
      const t = who(call);
      return { id: t.appId, name: 'Creator app', link: 'https://www.facebook.com/games/?app_id=' + t.appId };
    }
    if (id.startsWith('upload:')) return uploadSession(call, id);
    if (id === fake.fbApp.id && edge === 'uploads' && method === 'POST') return startUpload(call, id);
    const page = fake.pages.get(id);
    if (page) return pageRoute(call, page, edge);
    const ig = fake.igUsers.get(id);
    if (ig) return igUserRoute(call, ig, edge);
    const container = fake.containers.get(id);
    if (container && !edge) return containerRead(call, container);
    const media = fake.media.find((m) => m.id === id);
    if (media && !edge) return igMediaRead(call, media);
    const post = fake.posts.find((p) => p.id === id);
    if (post && !edge) return postNode(call, post);
    const video = fake.videos.get(id);
    if (video) return videoNode(call, video, edge);
    const photo = fake.photos.get(id);
    if (photo && !edge) return photoNode(call, photo);
    throw notFound(id, method === 'DELETE' ? 'delete' : method === 'POST' ? 'post' : 'get');
  }

  /** Only the fields asked for (plus id), as Graph answers. */
  function pick(call: Call, node: Record<string, unknown>, defaults: string[]): Record<string, unknown> {
    const asked = String(call.params['fields'] ?? '') || defaults.join(',');
    const out: Record<string, unknown> = {};
    for (const f of asked.split(',').map((s) => s.trim()).filter(Boolean)) {
      const name = f.replace(/\{.*$/, '');
      if (node[name] !== undefined) out[name] = node[name];
    }
    if (node['id'] !== undefined) out['id'] = node['id'];
    return out;
  }

  function me(call: Call, edge: string) {
    const t = who(call);
    if (edge === 'accounts' && t.kind === 'user') {
      return {
        data: [...fake.pages.values()].map((p) => ({
          id: p.id,
          name: p.name,
          username: p.username,
          access_token: issue({ kind: 'page', appId: t.appId, pageId: p.id }),
          picture: { data: { url: `https://fb.example/${p.id}.jpg` } },
          tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'],
          ...(p.ig ? { instagram_business_account: { id: p.ig.id, username: p.ig.username, name: p.ig.name, profile_picture_url: `https://ig.example/${p.ig.id}.jpg` } } : {}),
        })),
      };
    }
    if (!edge && t.kind === 'ig') {
      const ig = fake.igUsers.get(t.igUserId!)!;
      return pick(call, { id: ig.id, user_id: ig.id, username: ig.username, name: ig.name, profile_picture_url: `https://ig.example/${ig.id}.jpg` }, ['id', 'username']);
    }
    throw fault(100, 'Tried accessing nonexisting field');
  }

  // ---- Pages ------------------------------------------------------------------------------

  const bool = (v: unknown, fallback: boolean) => (v === undefined ? fallback : v === true || v === 'true' || v === '1');
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  /** scheduled_publish_time as Graph reads it: UNIX seconds or an ISO 8601 string. */
  function timeParam(v: unknown): number | null {
    if (v === undefined || v === '') return null;
    const s = str(v);
    if (/^\d+$/.test(s)) return Number(s) * 1000;
    const t = Date.parse(s);
    if (Number.isNaN(t)) throw fault(100, '(#100) Param scheduled_publish_time must be a valid unix time or a string parseable by strtotime');
    return t;
  }
  /** The scheduling window of the Pages API guide: 10 minutes to 30 days from the request. */
  function checkWindow(at: number) {
    if (at < now() + 10 * 60_000 || at > now() + 30 * DAY) throw fault(100, '(#100) The specified scheduled publish time is invalid.', { userTitle: 'Invalid scheduled publish time', userMsg: 'Scheduled posts must be scheduled between 10 minutes and 30 days from now.' });
  }

  const postNodeOf = (p: FbPost) => ({
    id: p.id,
    message: p.message || undefined,
    created_time: iso(p.createdAt),
    is_published: p.published,
    scheduled_publish_time: p.scheduledAt !== null && !p.published ? Math.floor(p.scheduledAt / 1000) : undefined,
    permalink_url: `https://www.facebook.com/${p.pageId}/posts/${p.id.split('_')[1]}`,
    status_type: p.kind === 'photo' ? 'added_photos' : 'mobile_status_update',
  });

  function photoBytes(file: ReceivedFile | undefined): { mime: string; width: number; height: number } {
    if (!file) throw fault(324, '(#324) Requires upload file');
    const d = file.data;
    const mime = d[0] === 0xff && d[1] === 0xd8 ? 'image/jpeg' : d.subarray(1, 4).toString() === 'PNG' ? 'image/png' : d.subarray(0, 3).toString() === 'GIF' ? 'image/gif' : d.subarray(8, 12).toString() === 'WEBP' ? 'image/webp' : '';
    if (!mime) throw fault(324, '(#324) Missing or invalid image file');
    if (file.bytes > 10 * 1024 * 1024) throw fault(100, '(#100) The photo is too large');
    return { mime, width: 0, height: 0 };
  }

  async function pageRoute(call: Call, page: FakePage, edge: string) {
    const { method, params } = call;
    call.spec = { node: 'Page', edge };
    if (method === 'GET' && !edge) {
      who(call);
      return pick(call, { id: page.id, name: page.name, username: page.username, picture: { data: { url: `https://fb.example/${page.id}.jpg` } } }, ['id', 'name']);
    }
    mayPage(call, page.id);
    const t = now();
    if (method === 'POST' && edge === 'feed') {
      const message = str(params['message']);
      const link = str(params['link']) || null;
      let attached: Array<{ media_fbid?: string }> = [];
      const rawAttached = params['attached_media'];
      if (typeof rawAttached === 'string') attached = JSON.parse(rawAttached) as typeof attached;
      else if (Array.isArray(rawAttached)) attached = rawAttached.map((x) => (typeof x === 'string' ? (JSON.parse(x) as { media_fbid?: string }) : (x as { media_fbid?: string })));
      else if (rawAttached && typeof rawAttached === 'object') attached = Object.values(rawAttached).map((x) => (typeof x === 'string' ? (JSON.parse(x) as { media_fbid?: string }) : (x as { media_fbid?: string })));
      if (!message && !link && attached.length === 0) throw fault(100, '(#100) Cannot post an empty status: give message, link or attached_media');
      const published = bool(params['published'], true);
      const at = timeParam(params['scheduled_publish_time']);
      if (at !== null && published) throw fault(100, '(#100) You cannot specify a scheduled publish time on a published post');
      if (at !== null) checkWindow(at);
      const photos = attached.map((a) => {
        const photo = fake.photos.get(str(a.media_fbid));
        if (!photo || photo.pageId !== page.id) throw fault(100, `(#100) Invalid media_fbid ${str(a.media_fbid)}`);
        if (photo.published || photo.attachedTo) throw fault(100, `(#100) The photo ${photo.id} is already published`);
        return photo;
      });
      const post: FbPost = { id: `${page.id}_${nextId()}`, pageId: page.id, message, link, photos: photos.map((p) => p.id), kind: photos.length ? 'photo' : 'status', createdAt: t, published: published, scheduledAt: at };
      for (const p of photos) p.attachedTo = post.id;
      fake.posts.push(post);
      return { id: post.id };
    }
    if (method === 'POST' && edge === 'photos') {
      const file = call.files.find((f) => f.field === 'source');
      const facts = photoBytes(file);
      const meta = await sharp(file!.data).metadata();
      const published = bool(params['published'], true);
      const photo: FbPhoto = { id: nextId(), pageId: page.id, bytes: file!.bytes, sha256: file!.sha256, mime: facts.mime, width: meta.width ?? 0, height: meta.height ?? 0, published, temporary: bool(params['temporary'], false), altText: str(params['alt_text_custom']) || null, attachedTo: null };
      fake.photos.set(photo.id, photo);
      if (!published) return { id: photo.id };
      const post: FbPost = { id: `${page.id}_${nextId()}`, pageId: page.id, message: str(params['message'] ?? params['caption']), link: null, photos: [photo.id], kind: 'photo', createdAt: t, published: true, scheduledAt: null };
      photo.attachedTo = post.id;
      fake.posts.push(post);
      return { id: photo.id, post_id: post.id };
    }
    if (method === 'POST' && edge === 'photo_stories') {
      const photo = fake.photos.get(str(params['photo_id']));
      if (!photo || photo.pageId !== page.id || photo.published) throw fault(100, '(#100) photo_id must be an unpublished photo of this Page');
      const post: FbPost = { id: `${page.id}_${nextId()}`, pageId: page.id, message: '', link: null, photos: [photo.id], kind: 'story', createdAt: t, published: true, scheduledAt: null };
      photo.attachedTo = post.id;
      fake.posts.push(post);
      return { success: true, post_id: post.id };
    }
    if (method === 'POST' && (edge === 'video_reels' || edge === 'video_stories')) {
      const kind = edge === 'video_reels' ? 'reel' : 'story';
      if (params['upload_phase'] === 'start') {
        if (kind === 'reel' && !page.reels) throw fault(100, '(#100) This Page is not eligible to publish reels', { userMsg: 'Reels are not available for this Page yet.' });
        const video: FbVideo = { id: nextId(), pageId: page.id, kind, size: 0, received: [], receivedBytes: 0, title: '', description: '', thumbSha256: null, finishedAt: null, state: 'uploading', scheduledAt: null, createdAt: t, postId: null, sha256: null, processingError: null };
        fake.videos.set(video.id, video);
        return { video_id: video.id, upload_url: `${fake.url}/video-upload/${V}/${video.id}` };
      }
      if (params['upload_phase'] === 'finish') {
        const video = fake.videos.get(str(params['video_id']));
        if (!video || video.pageId !== page.id || video.kind !== kind) throw fault(100, '(#100) Invalid video_id');
        if (video.state === 'uploading') throw fault(6000, 'There was a problem uploading your video file. Please try again.', { subcode: 1363030, userMsg: 'The video has not been uploaded completely.' });
        if (video.finishedAt !== null) return kind === 'story' ? { success: true, post_id: video.postId } : { success: true };
        const state = str(params['video_state']) || (kind === 'story' ? 'PUBLISHED' : '');
        if (kind === 'reel' && !['PUBLISHED', 'SCHEDULED', 'DRAFT'].includes(state)) throw fault(100, '(#100) video_state must be PUBLISHED, SCHEDULED or DRAFT');
        video.description = str(params['description']);
        video.title = str(params['title']);
        video.finishedAt = t;
        video.processingError = fake.nextVideoError;
        fake.nextVideoError = null;
        if (state === 'SCHEDULED') {
          const at = timeParam(params['scheduled_publish_time']);
          if (at === null) throw fault(100, '(#100) scheduled_publish_time is required for SCHEDULED');
          checkWindow(at);
          [video.state, video.scheduledAt] = ['scheduled', at];
        } else video.state = state === 'DRAFT' ? 'draft' : 'published';
        if (kind === 'story') {
          video.postId = `${page.id}_${nextId()}`;
          return { success: true, post_id: video.postId };
        }
        return { success: true };
      }
      throw fault(100, '(#100) upload_phase must be start or finish');
    }
    if (method === 'POST' && edge === 'videos') {
      const handle = handles.get(str(params['fbuploader_video_file_chunk']));
      if (!handle) throw fault(100, '(#100) Invalid fbuploader_video_file_chunk: the file handle is not known');
      if (handle.data.subarray(4, 8).toString() !== 'ftyp') throw fault(352, '(#352) Sorry, the video file you selected is in a format that we don\'t support.');
      const published = bool(params['published'], true);
      const at = timeParam(params['scheduled_publish_time']);
      if (at !== null && published) throw fault(100, '(#100) You cannot specify a scheduled publish time on a published video');
      if (at !== null) checkWindow(at);
      const thumb = call.files.find((f) => f.field === 'thumb');
      if (thumb) photoBytes(thumb);
      const video: FbVideo = {
        id: nextId(),
        pageId: page.id,
        kind: 'video',
        size: handle.data.length,
        received: [handle.data],
        receivedBytes: handle.data.length,
        title: str(params['title']),
        description: str(params['description']),
        thumbSha256: thumb?.sha256 ?? null,
        finishedAt: t,
        state: at !== null ? 'scheduled' : published ? 'published' : 'draft',
        scheduledAt: at,
        createdAt: t,
        postId: `${page.id}_${nextId()}`,
        sha256: sha(handle.data),
        processingError: null,
      };
      fake.videos.set(video.id, video);
      return { id: video.id };
    }
    if (method === 'GET' && ['published_posts', 'feed', 'scheduled_posts'].includes(edge)) {
      call.spec = { node: 'Page', edge };
      const list = fake.posts
        .filter((p) => p.pageId === page.id && p.kind !== 'story')
        .filter((p) => (edge === 'scheduled_posts' ? !p.published && p.scheduledAt !== null : p.published))
        .sort((a, b) => b.createdAt - a.createdAt);
      return { data: list.slice(0, Number(params['limit'] ?? 25)).map((p) => pick(call, postNodeOf(p), ['id', 'message', 'created_time'])) };
    }
    if (method === 'GET' && (edge === 'videos' || edge === 'video_reels')) {
      const kind = edge === 'videos' ? 'video' : 'reel';
      const list = [...fake.videos.values()].filter((v) => v.pageId === page.id && v.kind === kind && v.finishedAt !== null).sort((a, b) => b.createdAt - a.createdAt);
      return { data: list.slice(0, Number(params['limit'] ?? 25)).map((v) => pick(call, videoNodeOf(v), ['id', 'description', 'updated_time'])) };
    }
    throw fault(100, `(#100) Unsupported ${method} on /${page.id}/${edge}`);
  }

  function postNode(call: Call, post: FbPost) {
    call.spec = { node: 'PagePost', edge: '' };
    mayPage(call, post.pageId);
    if (call.method === 'GET') return pick(call, postNodeOf(post), ['id', 'message', 'created_time']);
    if (call.method === 'DELETE') {
      fake.posts.splice(fake.posts.indexOf(post), 1);
      return { success: true };
    }
    // POST /<POST_ID>: a scheduled post's time changes while it is more than 3 minutes away.
    const at = timeParam(call.params['scheduled_publish_time']);
    if (at !== null) {
      if (post.published || post.scheduledAt === null) throw fault(100, '(#100) This post is already published and cannot be rescheduled');
      if (post.scheduledAt - now() < 3 * 60_000) throw fault(100, '(#100) A scheduled post cannot be changed within 3 minutes of its publish time');
      checkWindow(at);
      post.scheduledAt = at;
    }
    if (call.params['message'] !== undefined) post.message = str(call.params['message']);
    if (call.params['is_published'] !== undefined && bool(call.params['is_published'], false)) [post.published, post.createdAt] = [true, now()];
    return { success: true };
  }

  function photoNode(call: Call, photo: FbPhoto) {
    call.spec = { node: 'Photo', edge: '' };
    mayPage(call, photo.pageId);
    if (call.method === 'DELETE') {
      fake.photos.delete(photo.id);
      return { success: true };
    }
    return pick(call, { id: photo.id, alt_text_custom: photo.altText ?? undefined, width: photo.width, height: photo.height, page_story_id: photo.attachedTo ?? undefined, created_time: iso(now()) }, ['id']);
  }

  function videoStatusOf(v: FbVideo) {
    const t = now();
    const uploaded = v.state !== 'uploading';
    const processed = v.finishedAt !== null && t >= v.finishedAt + fake.videoProcessingMs;
    const publishing = v.state === 'published' ? (processed ? 'complete' : 'in_progress') : v.state === 'scheduled' ? 'in_progress' : 'not_started';
    if (processed && v.processingError) {
      return {
        video_status: 'error',
        uploading_phase: { status: 'complete', bytes_transferred: v.receivedBytes },
        processing_phase: { status: 'error', error: { message: v.processingError } },
        publishing_phase: { status: 'not_started' },
      };
    }
    return {
      video_status: !uploaded ? 'uploading' : processed ? 'ready' : v.finishedAt !== null ? 'processing' : 'upload_complete',
      uploading_phase: { status: uploaded ? 'complete' : 'in_progress', bytes_transferred: v.receivedBytes },
      processing_phase: { status: processed ? 'complete' : v.finishedAt !== null ? 'in_progress' : 'not_started' },
      publishing_phase: { status: publishing, ...(v.state === 'scheduled' ? { publish_status: 'scheduled', publish_time: Math.floor((v.scheduledAt ?? 0) / 1000) } : {}) },
    };
  }

  function videoNodeOf(v: FbVideo): Record<string, unknown> {
    const page = fake.pages.get(v.pageId)!;
    return {
      id: v.id,
      title: v.title || undefined,
      description: v.description || undefined,
      created_time: iso(v.createdAt),
      updated_time: iso(v.finishedAt ?? v.createdAt),
      published: v.state === 'published',
      scheduled_publish_time: v.state === 'scheduled' && v.scheduledAt !== null ? iso(v.scheduledAt) : undefined,
      permalink_url: v.kind === 'reel' ? `/reel/${v.id}/` : `/${page.username}/videos/${v.id}/`,
      post_id: v.postId ?? undefined,
      status: videoStatusOf(v),
    };
  }

  async function videoNode(call: Call, video: FbVideo, edge: string) {
    call.spec = { node: 'AdVideo', edge };
    mayPage(call, video.pageId);
    if (edge === 'thumbnails' && call.method === 'POST') {
      const file = call.files.find((f) => f.field === 'source');
      photoBytes(file);
      video.thumbSha256 = file!.sha256;
      return { success: true };
    }
    if (edge) throw fault(100, `(#100) Unsupported edge ${edge}`);
    if (call.method === 'GET') return pick(call, videoNodeOf(video), ['id', 'updated_time', 'description']);
    if (call.method === 'DELETE') {
      fake.videos.delete(video.id);
      return { success: true };
    }
    const at = timeParam(call.params['scheduled_publish_time']);
    if (at !== null) {
      if (video.state !== 'scheduled' || video.scheduledAt === null) throw fault(100, '(#100) This video is not scheduled');
      if (video.scheduledAt - now() < 3 * 60_000) throw fault(100, '(#100) A scheduled video cannot be changed within 3 minutes of its publish time');
      checkWindow(at);
      video.scheduledAt = at;
    }
    return { success: true };
  }

  async function ruploadBytes(call: Call, videoId: string) {
    const video = fake.videos.get(videoId);
    if (!video) throw notFound(videoId, 'post');
    if (call.scheme.toLowerCase() !== 'oauth') throw fault(190, 'The upload host takes "Authorization: OAuth <token>"');
    mayPage(call, video.pageId);
    const offset = Number(call.req.headers['offset']);
    const size = Number(call.req.headers['file_size']);
    if (!Number.isInteger(offset) || !Number.isInteger(size) || size <= 0) throw fault(100, 'offset and file_size headers are required');
    if (offset !== video.receivedBytes) throw fault(100, `Partial upload mismatch: expected offset ${video.receivedBytes}`);
    video.size = size;
    video.received.push(call.raw!);
    video.receivedBytes += call.raw!.length;
    if (video.receivedBytes > size) throw fault(100, 'More bytes than file_size');
    if (video.receivedBytes === size) {
      const data = Buffer.concat(video.received);
      if (data.subarray(4, 8).toString() !== 'ftyp') throw fault(352, "(#352) Sorry, the video file you selected is in a format that we don't support.");
      video.sha256 = sha(data);
      video.state = 'uploaded';
    }
    return { success: true };
  }

  // ---- Resumable Upload API ---------------------------------------------------------------

  function startUpload(call: Call, appId: string) {
    const t = who(call);
    if (t.kind !== 'user' || t.appId !== appId) throw fault(100, '(#100) The upload session needs a User access token of this app');
    const length = Number(call.params['file_length']);
    const type = str(call.params['file_type']);
    if (!Number.isInteger(length) || length <= 0) throw fault(100, '(#100) file_length is required');
    if (!['video/mp4', 'image/jpeg', 'image/jpg', 'image/png', 'application/pdf'].includes(type)) throw fault(100, '(#100) file_type must be application/pdf, image/jpeg, image/jpg, image/png or video/mp4');
    const id = `upload:${b64(12)}`;
    uploads.set(id, { appId, length, type, data: [], received: 0, handle: null });
    return { id };
  }

  function uploadSession(call: Call, id: string) {
    const session = uploads.get(id);
    if (!session) throw notFound(id);
    const t = who(call);
    if (t.kind !== 'user' || t.appId !== session.appId) throw fault(190, 'Invalid OAuth access token.');
    if (call.method === 'GET') return { id, file_offset: session.received };
    if (call.scheme.toLowerCase() !== 'oauth') throw fault(190, 'Uploads take "Authorization: OAuth <USER_ACCESS_TOKEN>"');
    const offset = Number(call.req.headers['file_offset']);
    if (offset !== session.received) throw fault(100, `(#100) file_offset ${offset} does not match the ${session.received} bytes received`, { subcode: 1363037 });
    session.data.push(call.raw!);
    session.received += call.raw!.length;
    if (session.received > session.length) throw fault(100, '(#100) More bytes than file_length');
    if (session.received < session.length) return { id, file_offset: session.received };
    session.handle ??= `4::${b64(30)}`;
    handles.set(session.handle, { appId: session.appId, data: Buffer.concat(session.data) });
    return { h: session.handle };
  }

  // ---- Instagram --------------------------------------------------------------------------

  const fetching = new Map<string, Promise<void>>();
  /** Waits for the fetches of a container and its children. */
  async function settled(c: IgContainer) {
    await fetching.get(c.id);
    for (const child of c.children) await fetching.get(child);
  }

  function statusOf(c: IgContainer): { code: string; status: string } {
    if (c.published) return { code: 'PUBLISHED', status: 'Published: Published' };
    if (now() - c.createdAt > DAY) return { code: 'EXPIRED', status: 'Expired: The container was not published within 24 hours' };
    if (c.stuck || c.fetched === null || now() < c.readyAt) return { code: 'IN_PROGRESS', status: 'In Progress: Media is still being processed.' };
    if (c.error) return { code: 'ERROR', status: `Error: ${c.error}` };
    for (const child of c.children) {
      const s = statusOf(fake.containers.get(child)!);
      if (s.code === 'ERROR') return { code: 'ERROR', status: `Error: a carousel item failed (${s.status})` };
      if (s.code !== 'FINISHED') return { code: 'IN_PROGRESS', status: 'In Progress: Media is still being processed.' };
    }
    return { code: 'FINISHED', status: 'Finished: Media has been uploaded and it is ready to be published.' };
  }

  /** Meta cURLs the media: a real GET of each URL (the S3 peer's presigned links). */
  async function fetchMedia(c: IgContainer, urls: Array<{ role: string; url: string; kind: 'image' | 'video'; feed: boolean }>) {
    const got: NonNullable<IgContainer['fetched']> = [];
    for (const u of urls) {
      let status = 0;
      let data = Buffer.alloc(0);
      let contentType = '';
      try {
        const response = await fetch(u.url);
        status = response.status;
        contentType = response.headers.get('content-type') ?? '';
        data = Buffer.from(await response.arrayBuffer());
      } catch {
        status = 0;
      }
      fake.fetches.push({ url: u.url, status });
      got.push({ role: u.role, url: u.url, status, bytes: data.length, sha256: sha(data), contentType });
      if (status !== 200) {
        c.error ??= 'Media download has failed. The media URI doesn\'t meet our requirements.';
        continue;
      }
      if (u.kind === 'image') {
        if (!(data[0] === 0xff && data[1] === 0xd8)) {
          c.error ??= 'The image format is not supported. Only JPEG images are supported.';
          continue;
        }
        const meta = await sharp(data).metadata().catch(() => null);
        const ratio = meta?.width && meta.height ? meta.width / meta.height : 0;
        if (u.feed && (ratio < 0.8 - 0.005 || ratio > 1.91 + 0.005)) c.error ??= `The aspect ratio is not supported (${meta?.width}x${meta?.height}); it must be between 4:5 and 1.91:1.`;
        if (data.length > 8 * 1024 * 1024) c.error ??= 'The image is larger than 8 MB.';
      } else if (data.subarray(4, 8).toString() !== 'ftyp') c.error ??= 'The video format is not supported. Please check the spec for supported formats.';
    }
    c.fetched = got;
  }

  async function igUserRoute(call: Call, ig: FakeIgUser, edge: string) {
    const node = ig.login === 'instagram' ? 'IGUserForIGOnlyAPI' : 'IGUser';
    call.spec = { node, edge };
    if (call.method === 'GET' && !edge) {
      who(call);
      return pick(call, { id: ig.id, username: ig.username, name: ig.name, profile_picture_url: `https://ig.example/${ig.id}.jpg` }, ['id', 'username']);
    }
    mayIg(call, ig.id);
    const { method, params } = call;
    const t = now();
    if (method === 'POST' && edge === 'media') return createContainer(call, ig, params, t);
    if (method === 'POST' && edge === 'media_publish') {
      // The Instagram-Login node description spells this edge without the underscore.
      if (ig.login === 'instagram') call.spec = { node, edge: 'mediapublish' };
      const c = fake.containers.get(str(params['creation_id']));
      if (!c || c.igUserId !== ig.id || c.isCarouselItem) throw fault(100, '(#100) The parameter creation_id is not a valid container of this account');
      await settled(c);
      const s = statusOf(c);
      if (s.code === 'PUBLISHED') throw fault(100, '(#100) This container has already been published', { subcode: 2207008 });
      if (s.code !== 'FINISHED') throw fault(9007, 'Media ID is not available', { subcode: 2207027, userTitle: 'Media not ready for publishing', userMsg: 'The media is not ready for publishing, please wait for a moment' });
      const used = fake.media.filter((m) => m.igUserId === ig.id && m.timestamp > t - DAY).length;
      if (used >= ig.quotaTotal) throw fault(9, 'Application request limit reached', { subcode: 2207042, userTitle: 'Maximum posts reached', userMsg: 'You reached the maximum number of posts that can be published in 24 hours.' });
      c.published = true;
      const mediaId = `179${String(++seq).padStart(14, '0')}`;
      const productType = c.mediaType === 'REELS' ? 'REELS' : c.mediaType === 'STORIES' ? 'STORY' : 'FEED';
      const files = c.mediaType === 'CAROUSEL' ? c.children.map((id) => fake.containers.get(id)!.fetched![0]!.sha256) : (c.fetched ?? []).filter((f) => f.role === 'media').map((f) => f.sha256);
      fake.media.push({
        id: mediaId,
        igUserId: ig.id,
        containerId: c.id,
        caption: str(c.params['caption']),
        mediaType: c.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : c.mediaType === 'IMAGE' ? 'IMAGE' : 'VIDEO',
        productType,
        altText: str(c.params['alt_text']) || null,
        permalink: `https://www.instagram.com/${productType === 'REELS' ? 'reel' : 'p'}/${b64(8)}/`,
        timestamp: t,
        files,
        params: c.params,
      });
      return { id: mediaId };
    }
    if (method === 'GET' && edge === 'content_publishing_limit') {
      const used = fake.media.filter((m) => m.igUserId === ig.id && m.timestamp > t - DAY).length;
      return { data: [{ quota_usage: used, config: { quota_total: ig.quotaTotal, quota_duration: 86_400 } }] };
    }
    if (method === 'GET' && (edge === 'media' || edge === 'stories')) {
      const since = params['since'] !== undefined ? Number(params['since']) * 1000 : -Infinity;
      const list = fake.media
        .filter((m) => m.igUserId === ig.id && (edge === 'stories') === (m.productType === 'STORY') && m.timestamp >= since)
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, Number(params['limit'] ?? 25));
      return { data: list.map((m) => pick(call, igMediaNodeOf(m), ['id'])) };
    }
    throw fault(100, `(#100) Unsupported ${method} on /${ig.id}/${edge}`);
  }

  function createContainer(call: Call, ig: FakeIgUser, params: Record<string, unknown>, t: number) {
    const type = str(params['media_type']).toUpperCase();
    const carouselItem = bool(params['is_carousel_item'], false);
    const imageUrl = str(params['image_url']);
    const videoUrl = str(params['video_url']);
    const caption = str(params['caption']);
    if (caption.length > 2200) throw fault(100, '(#100) The caption is longer than 2,200 characters');
    if (type === 'VIDEO' && !carouselItem) throw fault(100, '(#100) The VIDEO media type is no longer supported for feed videos; use REELS', { subcode: 2207067 });
    if (type && !['REELS', 'STORIES', 'CAROUSEL', 'VIDEO', 'IMAGE'].includes(type)) throw fault(100, `(#100) Invalid media_type ${type}`);
    if (params['alt_text'] !== undefined && (type === 'REELS' || type === 'STORIES' || videoUrl)) throw fault(100, '(#100) alt_text is supported on images only');
    if (params['share_to_feed'] !== undefined && type !== 'REELS') throw fault(100, '(#100) share_to_feed is for reels');
    let collaborators: string[] = [];
    if (params['collaborators'] !== undefined) {
      collaborators = JSON.parse(str(params['collaborators'])) as string[];
      if (!Array.isArray(collaborators) || collaborators.length > 3) throw fault(100, '(#100) collaborators takes up to 3 usernames');
      if (type === 'STORIES' || carouselItem) throw fault(100, '(#100) collaborators are not supported here');
    }
    const next = fake.nextContainers.shift() ?? {};
    const c: IgContainer = {
      id: `178${String(++seq).padStart(14, '0')}`,
      igUserId: ig.id,
      mediaType: (type || (videoUrl ? 'VIDEO' : 'IMAGE')) as IgContainer['mediaType'],
      isCarouselItem: carouselItem,
      children: [],
      params: { ...params },
      createdAt: t,
      readyAt: t + (videoUrl ? fake.videoProcessingMs : fake.processingMs),
      fetched: null,
      error: next.error ?? null,
      stuck: next.stuck ?? false,
      published: false,
      usedBy: null,
    };
    const urls: Array<{ role: string; url: string; kind: 'image' | 'video'; feed: boolean }> = [];
    if (type === 'CAROUSEL') {
      const children = str(params['children']).split(',').map((s) => s.trim()).filter(Boolean);
      if (children.length < 2 || children.length > 10) throw fault(100, '(#100) A carousel has 2 to 10 children', { subcode: 2207036 });
      for (const id of children) {
        const child = fake.containers.get(id);
        if (!child || child.igUserId !== ig.id || !child.isCarouselItem || child.usedBy) throw fault(100, `(#100) Invalid child ${id}`, { subcode: 2207036 });
        child.usedBy = c.id;
      }
      c.children = children;
      c.fetched = [];
    } else if (imageUrl) urls.push({ role: 'media', url: imageUrl, kind: 'image', feed: type !== 'STORIES' });
    else if (videoUrl) urls.push({ role: 'media', url: videoUrl, kind: 'video', feed: false });
    else throw fault(100, '(#100) The parameter image_url or video_url is required');
    if (params['cover_url'] !== undefined) {
      if (type !== 'REELS') throw fault(100, '(#100) cover_url is for reels');
      urls.push({ role: 'cover', url: str(params['cover_url']), kind: 'image', feed: false });
    }
    fake.containers.set(c.id, c);
    // Reads of the container wait for Meta's fetch to end (its outcome then shows on the fake clock).
    if (urls.length) fetching.set(c.id, fetchMedia(c, urls).catch((error: unknown) => void (c.error ??= `fake fetch failed: ${String(error)}`)));
    return { id: c.id };
  }

  async function containerRead(call: Call, c: IgContainer) {
    call.spec = { node: 'IGContainer', edge: '' };
    mayIg(call, c.igUserId);
    await settled(c);
    const s = statusOf(c);
    return pick(call, { id: c.id, status_code: s.code, status: s.status }, ['id']);
  }

  const igMediaNodeOf = (m: IgMedia) => ({
    id: m.id,
    caption: m.caption || undefined,
    media_type: m.mediaType,
    media_product_type: m.productType,
    permalink: m.permalink,
    timestamp: iso(m.timestamp),
    alt_text: m.altText ?? undefined,
    username: fake.igUsers.get(m.igUserId)!.username,
  });

  function igMediaRead(call: Call, m: IgMedia) {
    const ig = mayIg(call, m.igUserId);
    call.spec = { node: ig.login === 'instagram' ? 'IGMediaForIGOnlyAPI' : 'IGMedia', edge: '' };
    return pick(call, igMediaNodeOf(m), ['id']);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
