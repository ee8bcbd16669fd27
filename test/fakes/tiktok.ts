// A local fake of TikTok's Content Posting API (direct post and upload to the inbox), with the
// Login Kit endpoints it needs, written from TikTok's official documentation:
//
// - Query Creator Info: https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info/
//     POST /v2/post/publish/creator_info/query/ (20 requests a minute per token)
//     data: creator_avatar_url, creator_username, creator_nickname, privacy_level_options,
//     comment_disabled, duet_disabled, stitch_disabled, max_video_post_duration_sec
// - Direct Post (video): https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
//     POST /v2/post/publish/video/init/ (6 a minute) { post_info, source_info } -> { publish_id, upload_url }
//     post_info: title (2,200 UTF-16 units), privacy_level (one of the creator's options),
//     disable_comment/duet/stitch, video_cover_timestamp_ms, brand_content_toggle (required),
//     brand_organic_toggle, is_aigc; source_info FILE_UPLOAD { video_size, chunk_size, total_chunk_count }
//     Errors: 400 invalid_param; 403 spam_risk_too_many_posts, spam_risk_user_banned_from_posting,
//     reached_active_user_cap, unaudited_client_can_only_post_to_private_accounts,
//     url_ownership_unverified, privacy_level_option_mismatch; 401 access_token_invalid,
//     scope_not_authorized; 429 rate_limit_exceeded; 5xx.
// - Upload to the inbox: https://developers.tiktok.com/doc/content-posting-api-reference-upload-video
//     POST /v2/post/publish/inbox/video/init/ { source_info } (video.upload scope); the post ends in
//     SEND_TO_USER_INBOX, and the creator finishes it in the TikTok app.
// - Media Transfer Guide: https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
//     chunks of at least 5 MB and at most 64 MB, the final one up to 128 MB (it takes the trailing
//     bytes); a file under 5 MB goes whole; total_chunk_count = floor(video_size / chunk_size), at
//     most 1,000; chunks PUT in order to upload_url with Content-Range: bytes first-last/total and
//     Content-Type video/mp4 | video/quicktime | video/webm; 206 while parts are missing, 201 when
//     complete; the upload_url is valid for one hour.
//     PULL_FROM_URL: TikTok downloads the media from a URL whose domain or prefix the developer
//     verified (url_ownership_unverified otherwise).
// - Photo posts: https://developers.tiktok.com/doc/content-posting-api-reference-photo-post
//     POST /v2/post/publish/content/init/ { media_type: PHOTO, post_mode: DIRECT_POST | MEDIA_UPLOAD,
//     post_info { title (90), description (4,000), privacy_level, disable_comment, auto_add_music,
//     brand_content_toggle, brand_organic_toggle }, source_info { source: PULL_FROM_URL,
//     photo_cover_index, photo_images (1-35 URLs) } } -> { publish_id }. Photos: JPEG or WebP,
//     20 MB, up to 1080p (https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide).
// - Get Post Status: https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
//     POST /v2/post/publish/status/fetch/ { publish_id } (30 a minute) -> status PROCESSING_UPLOAD |
//     PROCESSING_DOWNLOAD | SEND_TO_USER_INBOX | PUBLISH_COMPLETE | FAILED, fail_reason,
//     publicaly_available_post_id (TikTok's spelling; only for posts everyone can see),
//     uploaded_bytes, downloaded_bytes.
// - Errors: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling — every answer is
//     { data, error: { code, message, log_id } } with code "ok" on success.
// - Tokens: https://developers.tiktok.com/doc/oauth-user-access-token-management — access tokens
//     live 24 hours (expires_in 86400), refresh tokens 365 days; /v2/oauth/token/ takes client_key.
//
// The fake enforces the rules above (request fields, chunk sizes and order, the creator's
// privacy options and disabled interactions, the unaudited-app rule, per-minute rate limits on the
// fake's clock, token expiry), really downloads PULL_FROM_URL photos (an expired or missing object
// fails with photo_pull_failed), checks what it received (format, size, and with `probeVideos` the
// video's duration and frame rate through ffprobe), and can drop chunk uploads in the middle.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';

const MB = 1024 * 1024;
/** The media transfer guide's chunk bounds, read strictly both ways (MB as 2^20 below, 10^6 above). */
export const TIKTOK_MIN_CHUNK = 5 * MB;
export const TIKTOK_MAX_CHUNK = 64 * 1_000_000;
export const TIKTOK_MAX_FINAL_CHUNK = 128 * 1_000_000;
const UPLOAD_URL_TTL_MS = 60 * 60_000;
const LIMITS_PER_MINUTE: Record<string, number> = {
  '/v2/post/publish/creator_info/query/': 20,
  '/v2/post/publish/video/init/': 6,
  '/v2/post/publish/inbox/video/init/': 6,
  '/v2/post/publish/content/init/': 6,
  '/v2/post/publish/status/fetch/': 30,
};
const PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];

/** What creator_info answers (and what the fake then enforces). */
export interface TiktokCreator {
  creator_avatar_url: string;
  creator_username: string;
  creator_nickname: string;
  privacy_level_options: string[];
  comment_disabled: boolean;
  duet_disabled: boolean;
  stitch_disabled: boolean;
  max_video_post_duration_sec: number;
}

export interface TiktokFakeOptions {
  /** Where uploaded videos are kept (one file per publish). */
  dir: string;
  now?: () => number;
  clientKey?: string;
  clientSecret?: string;
  creator?: Partial<TiktokCreator>;
  /** Whether the developer app passed TikTok's audit (default true); unaudited apps post SELF_ONLY only. */
  audited?: boolean;
  /** URL prefixes verified in the developer portal for PULL_FROM_URL. */
  verifiedPrefixes?: string[];
  /** Status fetches that still answer "processing" once the media is in (default 1). */
  processingPolls?: number;
  /** Reads uploaded videos with ffprobe: duration against the creator's maximum, 23-60 fps, 360-4096 px. */
  probeVideos?: boolean;
  /** For each chunk PUT: bytes of its body to read before dropping the connection (undefined: all). */
  dropChunk?: (put: { publishId: string; index: number; n: number }) => number | undefined;
}

/** One publish as the fake holds it. */
export interface TiktokPublish {
  publishId: string;
  kind: 'video' | 'photo';
  mode: 'DIRECT_POST' | 'MEDIA_UPLOAD';
  postInfo: Record<string, unknown>;
  sourceInfo: Record<string, unknown>;
  size: number;
  chunkSize: number;
  chunkCount: number;
  /** Bytes of whole chunks held. */
  received: number;
  chunksReceived: number;
  uploadToken: string;
  createdAt: number;
  path: string;
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';
  failReason: string | null;
  postId: string | null;
  pollsSinceReady: number;
  ready: Promise<void> | null;
  sha256: string | null;
  /** Photos as pulled: bytes, sha256, size. */
  photos: Array<{ url: string; bytes: number; sha256: string; width: number; height: number; format: string }>;
  /** Chunk PUTs stored per index (a count above 1: that chunk crossed twice). */
  chunkPuts: Map<number, number>;
}

/** A post that appeared on the creator's profile (or in their inbox). */
export interface TiktokPost {
  publishId: string;
  kind: 'video' | 'photo';
  mode: 'DIRECT_POST' | 'MEDIA_UPLOAD';
  postId: string | null;
  postInfo: Record<string, unknown>;
  sha256: string | null;
  photos: TiktokPublish['photos'];
}

/** One exchange with the API (not the chunk bodies). */
export interface TiktokExchange {
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
}

export interface TiktokFake {
  url: string;
  exchanges: TiktokExchange[];
  publishes: Map<string, TiktokPublish>;
  /** What ended up posted (PUBLISH_COMPLETE) or sent to the inbox (SEND_TO_USER_INBOX). */
  posts: TiktokPost[];
  stats: { inits: number; chunkPuts: number; drops: number; clientGone: number; bytesReceived: number; statusFetches: number; pulls: number; refreshes: number; rejectedChunks: number };
  /** A token pair as Login Kit would grant it (for tests that insert the account directly). */
  grant(): { accessToken: string; refreshToken: string; expiresIn: number; openId: string };
  /** Every access token issued so far stops working (as after 24 hours). */
  expireAccessTokens(): void;
  /** Answers the next requests to `path` with an error (`times` times). */
  failNext(path: string, error: { status: number; code: string; message?: string }, times?: number): void;
  /** The next finished upload or pull fails with this fail_reason. */
  failProcessing(reason: string): void;
  setCreator(creator: Partial<TiktokCreator>): void;
  setAudited(audited: boolean): void;
  /** The upload URLs issued so far expire (as after an hour). */
  expireUploadUrls(): void;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

function ffprobe(path: string): Promise<{ durationSec: number; fps: number; width: number; height: number } | null> {
  const bin = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
  return new Promise((resolve) => {
    execFile(bin, ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,r_frame_rate,width,height', '-of', 'json', path], (error, out) => {
      if (error) return resolve(null);
      try {
        const parsed = JSON.parse(out) as { format?: { duration?: string }; streams?: Array<{ codec_type?: string; r_frame_rate?: string; width?: number; height?: number }> };
        const video = parsed.streams?.find((s) => s.codec_type === 'video');
        const [n, d] = (video?.r_frame_rate ?? '0/1').split('/').map(Number) as [number, number];
        resolve({ durationSec: Number(parsed.format?.duration ?? 0), fps: d ? n / d : 0, width: video?.width ?? 0, height: video?.height ?? 0 });
      } catch {
        resolve(null);
      }
    });
  });
}

/** Starts the fake on 127.0.0.1 (port 0). */
export async function startTiktokFake(options: TiktokFakeOptions): Promise<TiktokFake> {
  const now = options.now ?? Date.now;
  const clientKey = options.clientKey ?? 'tt-client-key';
  const clientSecret = options.clientSecret ?? 'tt-client-secret';
  let creator: TiktokCreator = {
    creator_avatar_url: 'https://p16.tiktokcdn.example/avatar.jpeg',
    creator_username: 'tiktoker',
    creator_nickname: 'Tik Toker',
    privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
    comment_disabled: false,
    duet_disabled: false,
    stitch_disabled: false,
    max_video_post_duration_sec: 600,
    ...options.creator,
  };
  let audited = options.audited ?? true;
  const processingPolls = options.processingPolls ?? 1;
  const access = new Map<string, { expiresAt: number; scope: string }>();
  const refresh = new Map<string, { scope: string }>();
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const publishes = new Map<string, TiktokPublish>();
  const byUploadToken = new Map<string, TiktokPublish>();
  const posts: TiktokPost[] = [];
  const exchanges: TiktokExchange[] = [];
  const failures: Array<{ path: string; status: number; code: string; message: string }> = [];
  const processingFailures: string[] = [];
  const windows = new Map<string, number[]>();
  const stats = { inits: 0, chunkPuts: 0, drops: 0, clientGone: 0, bytesReceived: 0, statusFetches: 0, pulls: 0, refreshes: 0, rejectedChunks: 0 };
  let chunkPutsSoFar = 0;
  let base = '';
  const logId = () => `2026${randomBytes(8).toString('hex').toUpperCase()}`;
  // Post ids as TikTok shows them in links; kept below 2^53 so the JSON number survives a parse.
  const tiktokId = () => String(7_000_000_000_000_000 + randomInt(0, 2 ** 47));

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const api = (req: IncomingMessage, res: ServerResponse, path: string, body: unknown, status: number, data: Record<string, unknown>, code = 'ok', message = '') => {
    const response = { data, error: { code, message, log_id: logId() } };
    exchanges.push({ method: req.method ?? 'GET', path, body, status, response });
    send(res, status, response);
  };
  const fail = (req: IncomingMessage, res: ServerResponse, path: string, body: unknown, status: number, code: string, message: string) => api(req, res, path, body, status, {}, code, message);

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (chunks.length === 0) return undefined;
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return Symbol.for('unparseable');
    }
  }
  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    let text = '';
    for await (const c of req) text += c;
    return new URLSearchParams(text);
  }

  const issue = (scope: string) => {
    const accessToken = `act.${randomBytes(24).toString('base64url')}`;
    const refreshToken = `rft.${randomBytes(24).toString('base64url')}`;
    access.set(accessToken, { expiresAt: now() + 86_400_000, scope });
    refresh.set(refreshToken, { scope });
    return { access_token: accessToken, expires_in: 86_400, open_id: 'tt-open-1', refresh_expires_in: 31_536_000, refresh_token: refreshToken, scope, token_type: 'Bearer' };
  };

  /** Per token and endpoint, requests in the last minute (the fake's clock). */
  function overLimit(token: string, path: string): boolean {
    const limit = LIMITS_PER_MINUTE[path];
    if (!limit) return false;
    const key = `${token} ${path}`;
    const t = now();
    const recent = (windows.get(key) ?? []).filter((at) => t - at < 60_000);
    if (recent.length >= limit) {
      windows.set(key, recent);
      return true;
    }
    recent.push(t);
    windows.set(key, recent);
    return false;
  }

  const utf16 = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  const isBool = (v: unknown) => v === undefined || typeof v === 'boolean';

  /** Checks post_info against the creator's settings; returns [status, code, message] or null. */
  function checkPostInfo(info: Record<string, unknown>, kind: 'video' | 'photo', mode: 'DIRECT_POST' | 'MEDIA_UPLOAD'): [number, string, string] | null {
    const allowed =
      kind === 'video'
        ? ['title', 'privacy_level', 'disable_duet', 'disable_stitch', 'disable_comment', 'video_cover_timestamp_ms', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc']
        : ['title', 'description', 'privacy_level', 'disable_comment', 'auto_add_music', 'brand_content_toggle', 'brand_organic_toggle'];
    const unknown = Object.keys(info).filter((k) => !allowed.includes(k));
    if (unknown.length) return [400, 'invalid_param', `Unknown field in post_info: ${unknown.join(', ')}`];
    if (kind === 'video' && utf16(info['title']) > 2200) return [400, 'invalid_param', 'title is longer than 2200 UTF-16 runes'];
    if (kind === 'photo' && utf16(info['title']) > 90) return [400, 'invalid_param', 'title is longer than 90 UTF-16 runes'];
    if (kind === 'photo' && utf16(info['description']) > 4000) return [400, 'invalid_param', 'description is longer than 4000 UTF-16 runes'];
    for (const key of ['disable_duet', 'disable_stitch', 'disable_comment', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc', 'auto_add_music']) {
      if (!isBool(info[key])) return [400, 'invalid_param', `${key} must be a boolean`];
    }
    if (info['video_cover_timestamp_ms'] !== undefined && (!Number.isInteger(info['video_cover_timestamp_ms']) || (info['video_cover_timestamp_ms'] as number) < 0)) {
      return [400, 'invalid_param', 'video_cover_timestamp_ms must be a non-negative integer'];
    }
    if (mode === 'MEDIA_UPLOAD') return null;
    if (typeof info['brand_content_toggle'] !== 'boolean') return [400, 'invalid_param', 'brand_content_toggle is required'];
    const privacy = info['privacy_level'];
    if (typeof privacy !== 'string' || !PRIVACY.includes(privacy) || !creator.privacy_level_options.includes(privacy)) {
      return [403, 'privacy_level_option_mismatch', 'privacy_level is unspecified or not one of the privacy_level_options of the creator'];
    }
    if (!audited && privacy !== 'SELF_ONLY') return [403, 'unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post to private accounts'];
    if (info['brand_content_toggle'] === true && privacy === 'SELF_ONLY') return [400, 'invalid_param', 'Branded content cannot be posted with SELF_ONLY privacy'];
    // Interactions the creator turned off cannot be turned on by an app.
    if (creator.comment_disabled && info['disable_comment'] === false) return [400, 'invalid_param', 'The creator has disabled comments'];
    if (kind === 'video' && creator.duet_disabled && info['disable_duet'] === false) return [400, 'invalid_param', 'The creator has disabled duets'];
    if (kind === 'video' && creator.stitch_disabled && info['disable_stitch'] === false) return [400, 'invalid_param', 'The creator has disabled stitches'];
    return null;
  }

  function newPublish(kind: 'video' | 'photo', mode: 'DIRECT_POST' | 'MEDIA_UPLOAD', postInfo: Record<string, unknown>, sourceInfo: Record<string, unknown>): TiktokPublish {
    const publishId = `v_${kind === 'video' ? (mode === 'DIRECT_POST' ? 'pub_file' : 'inbox_file') : 'pub_url'}~v2.${tiktokId()}`;
    const p: TiktokPublish = {
      publishId,
      kind,
      mode,
      postInfo,
      sourceInfo,
      size: 0,
      chunkSize: 0,
      chunkCount: 0,
      received: 0,
      chunksReceived: 0,
      uploadToken: randomBytes(16).toString('hex'),
      createdAt: now(),
      path: join(options.dir, `tiktok-${randomBytes(6).toString('hex')}.bin`),
      status: kind === 'video' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD',
      failReason: null,
      postId: null,
      pollsSinceReady: 0,
      ready: null,
      sha256: null,
      photos: [],
      chunkPuts: new Map(),
    };
    publishes.set(publishId, p);
    byUploadToken.set(p.uploadToken, p);
    stats.inits += 1;
    return p;
  }

  /** The media is all in: checks it, then the post goes out (or to the inbox) once polled. */
  function finish(p: TiktokPublish, failReason: string | null) {
    const forced = processingFailures.shift();
    p.failReason = forced ?? failReason;
    if (p.failReason) return;
    p.postId = tiktokId();
    posts.push({ publishId: p.publishId, kind: p.kind, mode: p.mode, postId: p.postId, postInfo: p.postInfo, sha256: p.sha256, photos: p.photos });
  }

  async function checkVideo(p: TiktokPublish): Promise<string | null> {
    const handle = await open(p.path, 'r');
    const head = Buffer.alloc(12);
    try {
      await handle.read(head, 0, 12, 0);
    } finally {
      await handle.close();
    }
    const container = head.subarray(4, 8).toString('latin1') === 'ftyp' ? 'mp4' : head.readUInt32BE(0) === 0x1a45dfa3 ? 'webm' : null;
    if (!container) return 'file_format_check_failed';
    if (!options.probeVideos) return null;
    const facts = await ffprobe(p.path);
    if (!facts) return 'file_format_check_failed';
    if (facts.durationSec > creator.max_video_post_duration_sec) return 'duration_check_failed';
    if (facts.fps < 23 || facts.fps > 60) return 'frame_rate_check_failed';
    if (Math.min(facts.width, facts.height) < 360 || Math.max(facts.width, facts.height) > 4096) return 'picture_size_check_failed';
    return null;
  }

  async function sha256Of(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const c of createReadStream(path)) hash.update(c as Buffer);
    return hash.digest('hex');
  }

  /** TikTok downloads each photo from its URL (the fake really fetches the presigned links). */
  async function pull(p: TiktokPublish, urls: string[]) {
    for (const url of urls) {
      stats.pulls += 1;
      let bytes: Buffer;
      try {
        const answer = await fetch(url);
        if (!answer.ok) return finish(p, 'photo_pull_failed');
        bytes = Buffer.from(await answer.arrayBuffer());
      } catch {
        return finish(p, 'photo_pull_failed');
      }
      if (bytes.length > 20 * MB) return finish(p, 'picture_size_check_failed');
      const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
      const webp = bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
      if (!jpeg && !webp) return finish(p, 'file_format_check_failed');
      const meta = await sharp(bytes).metadata().catch(() => null);
      if (!meta?.width || !meta.height) return finish(p, 'file_format_check_failed');
      if (Math.max(meta.width, meta.height) > 1920 || meta.width * meta.height > 1920 * 1080) return finish(p, 'picture_size_check_failed');
      p.photos.push({ url, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), width: meta.width, height: meta.height, format: jpeg ? 'jpeg' : 'webp' });
    }
    finish(p, null);
  }

  function statusOf(p: TiktokPublish): Record<string, unknown> {
    const done = p.kind === 'video' ? p.received === p.size && p.size > 0 : p.ready !== null;
    if (!done) return { status: p.status, uploaded_bytes: p.received };
    p.pollsSinceReady += 1;
    if (p.pollsSinceReady <= processingPolls) return p.kind === 'video' ? { status: 'PROCESSING_UPLOAD', uploaded_bytes: p.received } : { status: 'PROCESSING_DOWNLOAD', downloaded_bytes: p.photos.reduce((n, x) => n + x.bytes, 0) };
    if (p.failReason) {
      p.status = 'FAILED';
      return { status: 'FAILED', fail_reason: p.failReason, ...(p.kind === 'video' ? { uploaded_bytes: p.received } : {}) };
    }
    p.status = p.mode === 'MEDIA_UPLOAD' ? 'SEND_TO_USER_INBOX' : 'PUBLISH_COMPLETE';
    // Only posts everyone can see get a public id (after moderation).
    const publicId = p.status === 'PUBLISH_COMPLETE' && p.postInfo['privacy_level'] === 'PUBLIC_TO_EVERYONE' ? [Number(p.postId)] : [];
    return { status: p.status, publicaly_available_post_id: publicId, ...(p.kind === 'video' ? { uploaded_bytes: p.received } : { downloaded_bytes: p.photos.reduce((n, x) => n + x.bytes, 0) }) };
  }

  // ---- the chunk upload (PUT upload_url) --------------------------------------------------------

  async function putChunk(req: IncomingMessage, res: ServerResponse, p: TiktokPublish) {
    // A refused chunk's body is read and dropped first, so the client always gets the answer.
    const refuse = async (status: number, message: string) => {
      stats.rejectedChunks += 1;
      for await (const _ of req) void _;
      send(res, status, { error: { code: status === 416 ? 'range_not_satisfiable' : 'invalid_param', message } });
    };
    if (now() - p.createdAt > UPLOAD_URL_TTL_MS) return refuse(403, 'The upload URL has expired');
    const type = String(req.headers['content-type'] ?? '');
    if (!['video/mp4', 'video/quicktime', 'video/webm'].includes(type)) return refuse(400, 'Content-Type must be video/mp4, video/quicktime or video/webm');
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    if (!m) return refuse(400, 'Content-Range must be bytes {first}-{last}/{total}');
    const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const length = Number(req.headers['content-length'] ?? -1);
    if (total !== p.size) return refuse(400, `Content-Range total ${total} is not the video_size ${p.size}`);
    if (last < first || last - first + 1 !== length) return refuse(400, 'Content-Range does not match Content-Length');
    const index = Math.floor(first / p.chunkSize);
    const finalChunk = index === p.chunkCount - 1;
    const expectedStart = index * p.chunkSize;
    const expectedEnd = finalChunk ? p.size - 1 : expectedStart + p.chunkSize - 1;
    if (first !== expectedStart || last !== expectedEnd || index >= p.chunkCount) return refuse(400, `Chunk ${index} must be bytes ${expectedStart}-${expectedEnd}`);
    // Chunks go in order: the next one the server expects, nothing else.
    if (index !== p.chunksReceived) return refuse(416, `Expected chunk ${p.chunksReceived} (byte ${p.received}), got bytes ${first}-${last}`);
    stats.chunkPuts += 1;
    const socket = req.socket;
    const limit = options.dropChunk?.({ publishId: p.publishId, index, n: chunkPutsSoFar++ });
    let file: FileHandle | null = null;
    let read = 0;
    let dropped = false;
    try {
      file = await open(p.path, p.received === 0 && index === 0 ? 'w' : 'r+');
      for await (const piece of req) {
        let buf = piece as Buffer;
        if (limit !== undefined && read + buf.length >= limit) {
          buf = buf.subarray(0, Math.max(0, limit - read));
          dropped = true;
        }
        if (buf.length) {
          await file.write(buf, 0, buf.length, first + read);
          read += buf.length;
          stats.bytesReceived += buf.length;
        }
        if (dropped) {
          socket.destroy();
          break;
        }
      }
    } catch {
      stats.clientGone += 1;
      return;
    } finally {
      await file?.close();
    }
    if (dropped) {
      stats.drops += 1;
      return;
    }
    // A chunk that did not arrive whole is not kept (the next PUT of it starts over).
    if (read !== length) {
      stats.clientGone += 1;
      return;
    }
    p.received = last + 1;
    p.chunksReceived += 1;
    p.chunkPuts.set(index, (p.chunkPuts.get(index) ?? 0) + 1);
    if (p.chunksReceived < p.chunkCount) return send(res, 206, { error: { code: 'ok', message: '' } });
    p.sha256 = await sha256Of(p.path);
    p.ready = (async () => finish(p, await checkVideo(p)))();
    await p.ready;
    send(res, 201, { error: { code: 'ok', message: '' } });
  }

  // ---- the API ----------------------------------------------------------------------------------

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname;
    // Login Kit: authorize (consent is automatic), token, user info.
    if (req.method === 'GET' && path === '/v2/auth/authorize/') {
      const q = url.searchParams;
      const redirect = q.get('redirect_uri');
      if (q.get('client_key') !== clientKey || !redirect) return send(res, 400, { error: 'invalid_request', error_description: 'client_key or redirect_uri is wrong' });
      const back = new URL(redirect);
      back.searchParams.set('state', q.get('state') ?? '');
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        back.searchParams.set('error', 'invalid_request');
      } else {
        const code = randomBytes(18).toString('base64url');
        codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: redirect, scope: q.get('scope') ?? '' });
        back.searchParams.set('code', code);
        back.searchParams.set('scopes', q.get('scope') ?? '');
      }
      res.writeHead(302, { Location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && path === '/v2/oauth/token/') {
      const form = await readForm(req);
      if (form.get('client_key') !== clientKey || form.get('client_secret') !== clientSecret) return send(res, 400, { error: 'invalid_client', error_description: 'Client key or secret is incorrect.', log_id: logId() });
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!code || code.redirectUri !== form.get('redirect_uri')) return send(res, 400, { error: 'invalid_grant', error_description: 'Authorization code is expired.', log_id: logId() });
        // Login Kit for Desktop: the S256 challenge is hex-encoded.
        if (createHash('sha256').update(form.get('code_verifier') ?? '').digest('hex') !== code.challenge) return send(res, 400, { error: 'invalid_grant', error_description: 'code_verifier is invalid.', log_id: logId() });
        return send(res, 200, issue(code.scope));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const grant = refresh.get(form.get('refresh_token') ?? '');
        if (!grant) return send(res, 400, { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: logId() });
        refresh.delete(form.get('refresh_token') ?? '');
        stats.refreshes += 1;
        return send(res, 200, issue(grant.scope));
      }
      return send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type is not supported', log_id: logId() });
    }
    if (req.method === 'PUT' && path.startsWith('/upload/')) {
      const p = byUploadToken.get(url.searchParams.get('upload_token') ?? '');
      if (!p) {
        res.once('finish', () => req.socket.destroySoon());
        return send(res, 404, { error: { code: 'not_found', message: 'Unknown upload URL' } }, { Connection: 'close' });
      }
      return putChunk(req, res, p);
    }

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const grant = access.get(token);
    if (!grant || grant.expiresAt <= now()) return fail(req, res, path, body, 401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
    if (path === '/v2/user/info/' && req.method === 'GET') {
      return api(req, res, path, undefined, 200, { user: { open_id: 'tt-open-1', union_id: 'tt-union-1', avatar_url: creator.creator_avatar_url, display_name: creator.creator_nickname, username: creator.creator_username } });
    }
    if (req.method !== 'POST' || !(path in LIMITS_PER_MINUTE)) return fail(req, res, path, body, 404, 'not_found', `No route ${req.method} ${path}`);
    if (!/^application\/json/.test(String(req.headers['content-type'] ?? '')) && body !== undefined) return fail(req, res, path, body, 400, 'invalid_param', 'Content-Type must be application/json; charset=UTF-8');
    if (body === Symbol.for('unparseable')) return fail(req, res, path, '(not JSON)', 400, 'invalid_param', 'The request body is not valid JSON');
    const scopes = grant.scope.split(',');
    const needs = path === '/v2/post/publish/inbox/video/init/' ? 'video.upload' : path === '/v2/post/publish/content/init/' && (body as Record<string, unknown> | undefined)?.['post_mode'] === 'MEDIA_UPLOAD' ? 'video.upload' : 'video.publish';
    if (!scopes.includes(needs)) return fail(req, res, path, body, 401, 'scope_not_authorized', `The access token does not bear the user's grant on ${needs}`);
    if (overLimit(token, path)) return fail(req, res, path, body, 429, 'rate_limit_exceeded', 'Your request is blocked due to exceeding the API rate limit.');
    const forced = failures.findIndex((f) => f.path === path);
    if (forced !== -1) {
      const [f] = failures.splice(forced, 1);
      return fail(req, res, path, body, f!.status, f!.code, f!.message);
    }
    const b = (body ?? {}) as Record<string, unknown>;

    if (path === '/v2/post/publish/creator_info/query/') return api(req, res, path, body, 200, { ...creator });

    if (path === '/v2/post/publish/status/fetch/') {
      stats.statusFetches += 1;
      const p = publishes.get(String(b['publish_id'] ?? ''));
      if (!p) return fail(req, res, path, body, 400, 'invalid_publish_id', 'publish_id does not exist');
      if (p.ready) await p.ready;
      return api(req, res, path, body, 200, statusOf(p));
    }

    if (path === '/v2/post/publish/video/init/' || path === '/v2/post/publish/inbox/video/init/') {
      const inbox = path.includes('/inbox/');
      const unknownTop = Object.keys(b).filter((k) => !(inbox ? ['source_info'] : ['post_info', 'source_info']).includes(k));
      if (unknownTop.length) return fail(req, res, path, body, 400, 'invalid_param', `Unknown field: ${unknownTop.join(', ')}`);
      const source = (b['source_info'] ?? {}) as Record<string, unknown>;
      const postInfo = (b['post_info'] ?? {}) as Record<string, unknown>;
      if (!inbox) {
        const problem = checkPostInfo(postInfo, 'video', 'DIRECT_POST');
        if (problem) return fail(req, res, path, body, ...problem);
      }
      if (source['source'] === 'PULL_FROM_URL') return fail(req, res, path, body, 403, 'url_ownership_unverified', 'This fake takes videos as FILE_UPLOAD only');
      if (source['source'] !== 'FILE_UPLOAD') return fail(req, res, path, body, 400, 'invalid_param', 'source_info.source must be FILE_UPLOAD or PULL_FROM_URL');
      const size = source['video_size'];
      const chunk = source['chunk_size'];
      const count = source['total_chunk_count'];
      if (!Number.isSafeInteger(size) || !Number.isSafeInteger(chunk) || !Number.isSafeInteger(count)) return fail(req, res, path, body, 400, 'invalid_param', 'video_size, chunk_size and total_chunk_count are required integers');
      const [s, c, n] = [size as number, chunk as number, count as number];
      if (s <= 0 || s > 4 * 1024 * MB) return fail(req, res, path, body, 400, 'invalid_param', 'video_size must be between 1 byte and 4 GB');
      if (s < TIKTOK_MIN_CHUNK ? c !== s || n !== 1 : c < TIKTOK_MIN_CHUNK || c > TIKTOK_MAX_CHUNK) {
        return fail(req, res, path, body, 400, 'invalid_param', s < TIKTOK_MIN_CHUNK ? 'A video under 5 MB is uploaded whole: chunk_size must equal video_size' : 'chunk_size must be between 5 MB and 64 MB');
      }
      if (n !== Math.max(1, Math.floor(s / c)) || n > 1000) return fail(req, res, path, body, 400, 'invalid_param', 'total_chunk_count must be video_size / chunk_size rounded down (at most 1000)');
      if (s - (n - 1) * c > TIKTOK_MAX_FINAL_CHUNK) return fail(req, res, path, body, 400, 'invalid_param', 'The final chunk cannot exceed 128 MB');
      const p = newPublish('video', inbox ? 'MEDIA_UPLOAD' : 'DIRECT_POST', postInfo, source);
      p.size = s;
      p.chunkSize = c;
      p.chunkCount = n;
      return api(req, res, path, body, 200, { publish_id: p.publishId, upload_url: `${base}/upload/?upload_id=${p.publishId.split('.').pop()}&upload_token=${p.uploadToken}` });
    }

    if (path === '/v2/post/publish/content/init/') {
      const unknownTop = Object.keys(b).filter((k) => !['media_type', 'post_mode', 'post_info', 'source_info'].includes(k));
      if (unknownTop.length) return fail(req, res, path, body, 400, 'invalid_param', `Unknown field: ${unknownTop.join(', ')}`);
      if (b['media_type'] !== 'PHOTO') return fail(req, res, path, body, 400, 'invalid_param', 'media_type must be PHOTO');
      const mode = b['post_mode'];
      if (mode !== 'DIRECT_POST' && mode !== 'MEDIA_UPLOAD') return fail(req, res, path, body, 400, 'invalid_param', 'post_mode must be DIRECT_POST or MEDIA_UPLOAD');
      const postInfo = (b['post_info'] ?? {}) as Record<string, unknown>;
      const problem = checkPostInfo(postInfo, 'photo', mode);
      if (problem) return fail(req, res, path, body, ...problem);
      const source = (b['source_info'] ?? {}) as Record<string, unknown>;
      if (source['source'] !== 'PULL_FROM_URL') return fail(req, res, path, body, 400, 'invalid_param', 'Photos are posted with source PULL_FROM_URL');
      const images = source['photo_images'];
      if (!Array.isArray(images) || images.length < 1 || images.length > 35 || images.some((u) => typeof u !== 'string')) return fail(req, res, path, body, 400, 'invalid_param', 'photo_images must list 1 to 35 URLs');
      const cover = source['photo_cover_index'];
      if (cover !== undefined && (!Number.isInteger(cover) || (cover as number) < 0 || (cover as number) >= images.length)) return fail(req, res, path, body, 400, 'invalid_param', 'photo_cover_index must point into photo_images');
      const verified = options.verifiedPrefixes ?? [];
      if (!(images as string[]).every((u) => verified.some((prefix) => u.startsWith(prefix)))) return fail(req, res, path, body, 403, 'url_ownership_unverified', 'The URL prefix or domain of the media is not verified for this app');
      const p = newPublish('photo', mode, postInfo, source);
      // TikTok starts downloading at once; status fetches wait for it.
      p.ready = pull(p, images as string[]);
      return api(req, res, path, body, 200, { publish_id: p.publishId });
    }
    return fail(req, res, path, body, 404, 'not_found', `No route ${path}`);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(req, res, url).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { data: {}, error: { code: 'internal_error', message: (e as Error).message, log_id: logId() } });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    exchanges,
    publishes,
    posts,
    stats,
    grant() {
      const t = issue('user.info.basic,user.info.profile,video.publish,video.upload');
      return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresIn: t.expires_in, openId: t.open_id };
    },
    expireAccessTokens() {
      for (const g of access.values()) g.expiresAt = -Infinity;
    },
    failNext(path, error, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ path, status: error.status, code: error.code, message: error.message ?? error.code });
    },
    failProcessing(reason) {
      processingFailures.push(reason);
    },
    setCreator(next) {
      creator = { ...creator, ...next };
    },
    setAudited(value) {
      audited = value;
    },
    expireUploadUrls() {
      for (const p of publishes.values()) p.createdAt = -Infinity;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const p of publishes.values()) await rm(p.path, { force: true });
    },
  };
}
