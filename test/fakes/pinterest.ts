// A local fake of Pinterest's REST API v5, with the shapes of ../shared/specs/pinterest-v5-openapi.json
// (Pinterest's own description, v5.23; tests validate every exchange against it) and the behaviour
// of Pinterest's docs:
//
// - https://developers.pinterest.com/docs/api/v5/boards-list  GET /v5/boards (bookmark pages)
// - https://developers.pinterest.com/docs/api/v5/pins-create  POST /v5/pins with media_source
//   image_base64 { content_type image/jpeg|image/png, data }, multiple_image_base64 (2-5 items:
//   a carousel), video_id { media_id, cover_image_url | cover_image_data | cover_image_key_frame_time }
// - https://developers.pinterest.com/docs/api/v5/boards-list_pins  GET /v5/boards/{id}/pins (newest first)
// - https://developers.pinterest.com/docs/api-features/creating-boards-and-pins/#creating-video-pins
//   POST /v5/media { media_type: video } -> { media_id, upload_url, upload_parameters }; the file
//   is POSTed to upload_url as multipart/form-data with every upload_parameters field and `file`
//   (an S3 POST policy: 204 on success, 403 once the policy expired); GET /v5/media/{id} answers
//   registered -> processing -> succeeded (or failed).
// - https://developers.pinterest.com/docs/getting-started/authentication-and-scopes/  POST
//   /v5/oauth/token with HTTP Basic client auth (authorization_code with PKCE, refresh_token);
//   access tokens for 30 days, refresh tokens for a year.
//
// Failure modes: expired tokens (401), 429 rate limits, 5xx on demand, unknown boards, images that
// are not JPEG or PNG, video processing that fails, upload policies that expire, dropped uploads,
// and a pin created whose answer never arrives (for reconciling).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import busboy from 'busboy';
import type { Exchange } from '../support/openapi';

export interface PinterestFakeOptions {
  /** Where uploaded videos are kept. */
  dir: string;
  now?: () => number;
  clientId?: string;
  clientSecret?: string;
  boards?: Array<{ id: string; name: string; privacy?: 'PUBLIC' | 'PROTECTED' | 'SECRET'; description?: string }>;
  /** GET /v5/media/{id} answers `processing` this many times after the upload (default 1). */
  processingPolls?: number;
  /** For each upload POST: bytes of its body to read before dropping the connection. */
  dropUpload?: (n: number) => number | undefined;
}

/** A pin as the fake keeps it (the API's Pin plus what arrived). */
export interface FakePin {
  id: string;
  createdAt: number;
  boardId: string;
  title: string | null;
  description: string | null;
  link: string | null;
  altText: string | null;
  note: string | null;
  mediaType: 'image' | 'multiple_images' | 'video';
  /** sha256 of each image (decoded) or of the video file. */
  sha256: string[];
  cover: Record<string, unknown> | null;
}

interface FakeMedia {
  id: string;
  status: 'registered' | 'processing' | 'succeeded' | 'failed';
  key: string;
  parameters: Record<string, string>;
  createdAt: number;
  polls: number;
  path: string;
  sha256: string | null;
  bytes: number;
}

export interface PinterestFake {
  url: string;
  /** API exchanges as the spec names the paths (without /v5). */
  exchanges: Exchange[];
  /** Upload-leg requests (not described by the spec). */
  uploads: Array<{ status: number; fields: Record<string, string>; bytes: number }>;
  pins: FakePin[];
  media: Map<string, FakeMedia>;
  grant(): { accessToken: string; refreshToken: string };
  expireAccessTokens(): void;
  /** The next requests to `path` (as the spec names it, e.g. /pins) answer `status`. */
  failNext(path: string, status: number, times?: number): void;
  /** The next pin is created, but the connection drops before the answer. */
  dropNextPinAnswer(): void;
  failProcessing(): void;
  expireUploadPolicies(): void;
  /** A board made on Pinterest meanwhile (the board picker's refresh finds it). */
  addBoard(board: { id: string; name: string; privacy?: 'PUBLIC' | 'PROTECTED' | 'SECRET' }): void;
  stats: { refreshes: number; uploadDrops: number };
  close(): Promise<void>;
}

const POLICY_TTL_MS = 60 * 60_000;

export async function startPinterestFake(options: PinterestFakeOptions): Promise<PinterestFake> {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'pin-client';
  const clientSecret = options.clientSecret ?? 'pin-secret';
  const boards = (options.boards ?? [
    { id: '549755885175', name: 'Summer recipes', privacy: 'PUBLIC' as const, description: 'My favourite summer recipes' },
    { id: '549755885176', name: 'Garden', privacy: 'SECRET' as const },
  ]).map((b) => ({ privacy: 'PUBLIC', description: '', ...b }));
  const access = new Map<string, { expiresAt: number; scope: string }>();
  const refresh = new Map<string, string>();
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const pins: FakePin[] = [];
  const media = new Map<string, FakeMedia>();
  const exchanges: Exchange[] = [];
  const uploads: PinterestFake['uploads'] = [];
  const failures: Array<{ path: string; status: number }> = [];
  const stats = { refreshes: 0, uploadDrops: 0 };
  let dropPin = false;
  let failNextProcessing = false;
  let uploadsSoFar = 0;
  let base = '';
  // Pinterest ids are long strings of digits (the description's `^\d+$`).
  const digits = (n: number) => String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => randomInt(0, 10)).join('');

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json' } : {}), 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const answer = (req: IncomingMessage, res: ServerResponse, path: string, body: unknown, status: number, response: unknown, contentType = 'application/json') => {
    exchanges.push({ method: req.method ?? 'GET', path, body, status, headers: { 'content-type': contentType }, response });
    send(res, status, response);
  };
  const error = (req: IncomingMessage, res: ServerResponse, path: string, body: unknown, status: number, code: number, message: string, contentType?: string) => answer(req, res, path, body, status, { code, message }, contentType);

  const issue = (scope: string) => {
    const accessToken = `pina_${randomBytes(24).toString('base64url')}`;
    const refreshToken = `pinr_${randomBytes(24).toString('base64url')}`;
    access.set(accessToken, { expiresAt: now() + 30 * 86_400_000, scope });
    refresh.set(refreshToken, scope);
    return { access_token: accessToken, refresh_token: refreshToken, response_type: 'authorization_code', token_type: 'bearer', expires_in: 2_592_000, refresh_token_expires_in: 31_536_000, scope };
  };

  async function readAll(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const pinOf = (p: FakePin) => {
    const image = (w: number) => ({ width: w, height: w, url: `https://i.pinimg.example/${w}x/${p.sha256[0]?.slice(0, 8) ?? 'x'}.jpg` });
    const sizes = { '150x150': image(150), '400x300': { width: 400, height: 300, url: 'https://i.pinimg.example/400x300/p.jpg' }, '600x': image(600), '1200x': image(1200) };
    const mediaBody =
      p.mediaType === 'image'
        ? { media_type: 'image', images: sizes }
        : p.mediaType === 'multiple_images'
          ? { media_type: 'multiple_images', items: p.sha256.map(() => ({ item_type: 'image', images: sizes, title: null, description: null, link: null })) }
          : { media_type: 'video', cover_image_url: 'https://i.pinimg.example/videos/thumbnails/originals/cover.jpg', duration: null, height: null, width: null, video_url: null };
    return {
      id: p.id,
      created_at: new Date(p.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      link: p.link,
      title: p.title,
      description: p.description,
      dominant_color: '#6E7874',
      alt_text: p.altText,
      creative_type: p.mediaType === 'video' ? 'VIDEO' : p.mediaType === 'multiple_images' ? 'CAROUSEL' : 'REGULAR',
      board_id: p.boardId,
      board_section_id: null,
      board_owner: { username: 'pinner' },
      is_owner: true,
      media: mediaBody,
      parent_pin_id: null,
      is_standard: true,
      has_been_promoted: false,
      note: p.note,
      pin_metrics: null,
    };
  };

  const isImage = (b: Buffer, type: string) =>
    type === 'image/jpeg' ? b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff : type === 'image/png' ? b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) : false;

  /** POST /v5/pins: returns [status, body] (a Pin or an error). */
  function createPin(body: Record<string, unknown>): [number, unknown, FakePin | null] {
    const boardId = String(body['board_id'] ?? '');
    if (!boards.some((b) => b.id === boardId)) return [404, { code: 3, message: `Board not found.` }, null];
    const source = (body['media_source'] ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : null);
    for (const [k, max] of [['title', 100], ['description', 800], ['alt_text', 500], ['link', 2048]] as const) {
      if ((str(k)?.length ?? 0) > max) return [400, { code: 1, message: `Invalid parameters. ${k} is longer than ${max} characters.` }, null];
    }
    const pin: FakePin = { id: digits(18), createdAt: now(), boardId, title: str('title'), description: str('description'), link: str('link'), altText: str('alt_text'), note: str('note'), mediaType: 'image', sha256: [], cover: null };
    const decode = (item: Record<string, unknown>): Buffer | string => {
      const data = Buffer.from(String(item['data'] ?? ''), 'base64');
      if (!isImage(data, String(item['content_type'] ?? ''))) return `Invalid image: the data is not a ${String(item['content_type'])} image.`;
      if (data.length > 20 * 1024 * 1024) return 'Invalid image: larger than 20 MB.';
      return data;
    };
    if (source['source_type'] === 'image_base64') {
      const data = decode(source);
      if (typeof data === 'string') return [400, { code: 1, message: data }, null];
      pin.sha256 = [createHash('sha256').update(data).digest('hex')];
    } else if (source['source_type'] === 'multiple_image_base64') {
      const items = Array.isArray(source['items']) ? (source['items'] as Array<Record<string, unknown>>) : [];
      if (items.length < 2 || items.length > 5) return [400, { code: 1, message: 'Invalid parameters. A carousel has 2 to 5 images.' }, null];
      for (const item of items) {
        const data = decode(item);
        if (typeof data === 'string') return [400, { code: 1, message: data }, null];
        pin.sha256.push(createHash('sha256').update(data).digest('hex'));
      }
      pin.mediaType = 'multiple_images';
    } else if (source['source_type'] === 'video_id') {
      const m = media.get(String(source['media_id'] ?? ''));
      if (!m) return [400, { code: 1, message: 'Invalid parameters. Media not found.' }, null];
      if (m.status !== 'succeeded') return [400, { code: 1, message: `Invalid parameters. The video is ${m.status}, not ready to be pinned.` }, null];
      const cover = ['cover_image_url', 'cover_image_data', 'cover_image_key_frame_time'].filter((k) => source[k] !== undefined);
      if (cover.length !== 1) return [400, { code: 1, message: 'Invalid parameters. A video Pin needs one cover: cover_image_url, cover_image_data or cover_image_key_frame_time.' }, null];
      if (source['cover_image_data'] !== undefined) {
        const data = decode({ data: source['cover_image_data'], content_type: source['cover_image_content_type'] });
        if (typeof data === 'string') return [400, { code: 1, message: `Cover: ${data}` }, null];
      }
      pin.cover = Object.fromEntries(cover.map((k) => [k, k === 'cover_image_data' ? 'base64' : source[k]]));
      pin.sha256 = [m.sha256 ?? ''];
      pin.mediaType = 'video';
    } else {
      return [400, { code: 1, message: 'Invalid parameters. media_source.source_type is not supported here.' }, null];
    }
    return [201, pinOf(pin), pin];
  }

  /** The upload leg: an S3 POST policy form, streamed to disk. */
  function upload(req: IncomingMessage, res: ServerResponse) {
    const limit = options.dropUpload?.(uploadsSoFar++);
    const fields: Record<string, string> = {};
    let bytes = 0;
    let seen = 0;
    let target: FakeMedia | null = null;
    let refusal: [number, string] | null = null;
    const hash = createHash('sha256');
    let writing: Promise<void> = Promise.resolve();
    let dropped = false;
    const bb = busboy({ headers: req.headers });
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('file', (name, stream) => {
      target = [...media.values()].find((m) => m.key === fields['key']) ?? null;
      const expected = target?.parameters ?? {};
      if (name !== 'file') refusal = [400, 'The file must be sent as the `file` field'];
      else if (!target) refusal = [403, 'Invalid according to Policy: key'];
      else if (Object.entries(expected).some(([k, v]) => fields[k] !== v)) refusal = [403, 'Invalid according to Policy: every upload_parameters field must be sent before the file'];
      else if (now() - target.createdAt > POLICY_TTL_MS) refusal = [403, 'Invalid according to Policy: Policy expired.'];
      // A body cut short ends the file part with an error: nothing is kept of it.
      stream.on('error', () => (dropped = true));
      if (refusal) return stream.resume();
      const out = createWriteStream(target!.path);
      writing = new Promise((resolve, reject) => {
        out.on('finish', () => resolve());
        out.on('error', reject);
      });
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      stream.pipe(out);
    });
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (limit !== undefined && seen >= limit && !dropped) {
        dropped = true;
        stats.uploadDrops += 1;
        req.unpipe(bb);
        req.socket.destroy();
      }
    });
    // A body cut short (dropped, or the client went away) stores nothing.
    req.on('aborted', () => (dropped = true));
    bb.on('error', () => (dropped = true));
    bb.on('close', () => {
      void writing.then(() => {
        if (dropped) return;
        if (refusal || !target) {
          uploads.push({ status: refusal?.[0] ?? 400, fields, bytes });
          return send(res, refusal?.[0] ?? 400, undefined);
        }
        target.status = 'processing';
        target.sha256 = hash.digest('hex');
        target.bytes = bytes;
        uploads.push({ status: 204, fields, bytes });
        send(res, 204);
      }, () => undefined);
    });
    req.pipe(bb);
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    const full = url.pathname;
    if (req.method === 'GET' && full === '/oauth/') {
      const q = url.searchParams;
      const redirect = q.get('redirect_uri');
      if (q.get('client_id') !== clientId || !redirect) return send(res, 400, { code: 1, message: 'Invalid client_id or redirect_uri' });
      const back = new URL(redirect);
      back.searchParams.set('state', q.get('state') ?? '');
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: redirect, scope: q.get('scope') ?? '' });
      back.searchParams.set('code', code);
      res.writeHead(302, { Location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && full === '/media-upload/') return upload(req, res);
    if (!full.startsWith('/v5/')) return send(res, 404, { code: 404, message: 'Not found' });
    const path = full.slice(3);
    if (req.method === 'POST' && path === '/oauth/token') {
      const form = new URLSearchParams(await readAll(req));
      const recorded = Object.fromEntries(form);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
      const type = 'application/x-www-form-urlencoded';
      if (id !== clientId || secret !== clientSecret) return error(req, res, path, recorded, 401, 2, 'Authentication failed.', type);
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!code || code.redirectUri !== form.get('redirect_uri')) return error(req, res, path, recorded, 400, 1, 'Invalid authorization code.', type);
        if (code.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== code.challenge) return error(req, res, path, recorded, 400, 1, 'Invalid code_verifier.', type);
        return answer(req, res, path, recorded, 200, issue(code.scope), type);
      }
      if (form.get('grant_type') === 'refresh_token') {
        const scope = refresh.get(form.get('refresh_token') ?? '');
        if (!scope) return error(req, res, path, recorded, 400, 1, 'Invalid refresh token.', type);
        stats.refreshes += 1;
        const issued = issue(scope);
        refresh.delete(issued.refresh_token);
        // Pinterest keeps the refresh token (continuous refresh is opt-in): answer without a new one.
        return answer(req, res, path, recorded, 200, { access_token: issued.access_token, response_type: 'refresh_token', token_type: 'bearer', expires_in: issued.expires_in, scope }, type);
      }
      return error(req, res, path, recorded, 400, 1, 'Unsupported grant_type.', type);
    }

    const body = req.method === 'POST' ? await readAll(req).then((t) => (t ? (JSON.parse(t) as unknown) : undefined)) : undefined;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const grant = access.get(token);
    if (!grant || grant.expiresAt <= now()) return error(req, res, path, body, 401, 2, 'Authentication failed.');
    const forced = failures.findIndex((f) => f.path === path || (f.path.endsWith('/*') && path.startsWith(f.path.slice(0, -1))));
    if (forced !== -1) {
      const [f] = failures.splice(forced, 1);
      return f!.status === 429 ? error(req, res, path, body, 429, 8, 'You have exceeded your rate limit. Try again later.') : error(req, res, path, body, f!.status, f!.status >= 500 ? 0 : 1, `Told to fail with ${f!.status}`);
    }
    if (req.method === 'GET' && path === '/user_account') return answer(req, res, path, undefined, 200, { account_type: 'BUSINESS', id: '100', username: 'pinner', business_name: 'Pinner Studio', profile_image: 'https://i.pinimg.example/p.jpg', website_url: 'https://pinner.example' });
    if (req.method === 'GET' && path === '/boards') {
      const size = Math.min(250, Number(url.searchParams.get('page_size') ?? 25));
      const start = Number(url.searchParams.get('bookmark') ?? 0);
      const page = boards.slice(start, start + size).map((b) => ({ id: b.id, name: b.name, description: b.description, privacy: b.privacy, owner: { username: 'pinner' }, pin_count: pins.filter((p) => p.boardId === b.id).length, follower_count: 0, collaborator_count: 0, created_at: '2025-01-01T10:00:00Z', board_pins_modified_at: '2025-01-01T10:00:00Z', is_ads_only: false, media: { image_cover_url: null, pin_thumbnail_urls: [] } }));
      return answer(req, res, path, undefined, 200, { items: page, bookmark: start + size < boards.length ? String(start + size) : null });
    }
    const boardPins = /^\/boards\/(\d+)\/pins$/.exec(path);
    if (req.method === 'GET' && boardPins) {
      if (!boards.some((b) => b.id === boardPins[1])) return error(req, res, path, undefined, 404, 404, 'Board not found.');
      const size = Math.min(250, Number(url.searchParams.get('page_size') ?? 25));
      const items = pins.filter((p) => p.boardId === boardPins[1]).sort((a, b) => b.createdAt - a.createdAt).slice(0, size).map(pinOf);
      return answer(req, res, path, undefined, 200, { items, bookmark: null });
    }
    if (req.method === 'POST' && path === '/pins') {
      const [status, response, pin] = createPin((body ?? {}) as Record<string, unknown>);
      if (pin) pins.push(pin);
      if (pin && dropPin) {
        dropPin = false;
        exchanges.push({ method: 'POST', path, body, status, headers: { 'content-type': 'application/json' }, response });
        req.socket.destroy();
        return;
      }
      return answer(req, res, path, body, status, response);
    }
    if (req.method === 'POST' && path === '/media') {
      if ((body as Record<string, unknown> | undefined)?.['media_type'] !== 'video') return error(req, res, path, body, 400, 1, 'Invalid parameters. media_type must be video.');
      const id = digits(19);
      const key = `uploads/${randomBytes(2).toString('hex')}/${randomBytes(2).toString('hex')}/${id}:video:${digits(18)}`;
      const parameters = {
        'x-amz-date': '20260501T101112Z',
        'x-amz-signature': randomBytes(32).toString('hex'),
        'x-amz-security-token': randomBytes(24).toString('base64'),
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        key,
        policy: Buffer.from(JSON.stringify({ expiration: new Date(now() + POLICY_TTL_MS).toISOString() })).toString('base64'),
        'x-amz-credential': 'ASIAFAKE/20260501/us-east-1/s3/aws4_request',
        'Content-Type': 'multipart/form-data',
      };
      media.set(id, { id, status: 'registered', key, parameters, createdAt: now(), polls: 0, path: join(options.dir, `pin-${id}.bin`), sha256: null, bytes: 0 });
      return answer(req, res, path, body, 201, { media_id: id, media_type: 'video', upload_url: `${base}/media-upload/`, upload_parameters: parameters });
    }
    const mediaGet = /^\/media\/(\d+)$/.exec(path);
    if (req.method === 'GET' && mediaGet) {
      const m = media.get(mediaGet[1]!);
      if (!m) return error(req, res, path, undefined, 404, 404, 'Media not found.');
      if (m.status === 'processing') {
        m.polls += 1;
        if (m.polls > (options.processingPolls ?? 1)) {
          m.status = failNextProcessing ? 'failed' : 'succeeded';
          failNextProcessing = false;
        }
      }
      return answer(req, res, path, undefined, 200, { media_id: m.id, media_type: 'video', status: m.status });
    }
    return error(req, res, path, body, 404, 404, `No route ${req.method} ${path}`);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(req, res, url).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 0, message: (e as Error).message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    exchanges,
    uploads,
    pins,
    media,
    stats,
    grant() {
      const t = issue('boards:read,boards:write,pins:read,pins:write,user_accounts:read');
      return { accessToken: t.access_token, refreshToken: t.refresh_token };
    },
    expireAccessTokens() {
      for (const g of access.values()) g.expiresAt = -Infinity;
    },
    failNext(path, status, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ path, status });
    },
    dropNextPinAnswer() {
      dropPin = true;
    },
    failProcessing() {
      failNextProcessing = true;
    },
    expireUploadPolicies() {
      for (const m of media.values()) m.createdAt = -Infinity;
    },
    addBoard(board) {
      boards.push({ privacy: 'PUBLIC', description: '', ...board });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const m of media.values()) await rm(m.path, { force: true });
    },
  };
}
