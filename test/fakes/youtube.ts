// A fake of Google's sign-in and the YouTube Data API v3, for publishing tests. Written from:
// - the discovery document ../shared/specs/youtube-v3-discovery.json (methods, paths, parameters,
//   resources, scopes): every exchange is recorded for test/support/google-discovery.ts to check;
// - Videos: insert, update, list (https://developers.google.com/youtube/v3/docs/videos/insert,
//   .../videos/update, .../videos/list), Thumbnails: set (.../docs/thumbnails/set), the video
//   resource's status (publishAt "can only be set if the privacy status of the video is private")
//   and processingDetails (https://developers.google.com/youtube/v3/docs/videos#resource);
// - the resumable upload protocol (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol),
//   served by the protocol fake of test/fakes/resumable-upload.ts mounted here;
// - the errors (https://developers.google.com/youtube/v3/docs/errors): 401 authError, 403
//   quotaExceeded (domain youtube.quota), 403 insufficientPermissions, 400 uploadLimitExceeded
//   ("try again in 24 hours"), 400 invalidTitle / invalidDescription / invalidTags /
//   invalidCategoryId / invalidPublishAt, 403 forbiddenPrivacySetting, 404 videoNotFound,
//   400 invalidImage, 403 forbidden (custom thumbnails not allowed), 5xx backendError;
// - quota (https://developers.google.com/youtube/v3/determine_quota_cost): a daily allowance
//   that resets at midnight Pacific Time; the costs below (videos.insert 1,600 as the issue and the
//   long-standing docs say);
// - unverified projects: "All videos uploaded via the videos.insert endpoint from unverified API
//   projects created after 28 July 2020 will be restricted to private viewing mode" (videos.insert
//   page; https://support.google.com/youtube/answer/7300965 "Videos locked as private"): with
//   `verifiedProject: false` every insert comes back private, without its publishAt;
// - Google OAuth 2.0 for installed apps (https://developers.google.com/identity/protocols/oauth2/native-app):
//   loopback redirect on any port, PKCE S256, `iss` in the redirect (RFC 9207), access tokens of
//   3,599 s, refresh tokens that are not rotated.
// Time (token expiry, quota days, processing, scheduled publishing) follows the `now` it is given.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp, { type Metadata } from 'sharp';
import type { GoogleExchange } from '../support/google-discovery';
import { youtubeDiscovery } from '../support/google-discovery';
import { readBody, takeRule, type FailRule } from './fake-http';
import { createResumableProtocol, type ResumableProtocol, type ResumableRefusal, type ResumableSessionInfo, type ResumableStats } from './resumable-upload';

/** Quota cost per call (determine_quota_cost). Chunks of a resumable upload cost nothing more. */
export const QUOTA_COSTS: Record<string, number> = {
  'youtube.videos.insert': 1600,
  'youtube.videos.update': 50,
  'youtube.videos.list': 1,
  'youtube.videos.delete': 50,
  'youtube.thumbnails.set': 50,
  'youtube.channels.list': 1,
};

/** Categories a video may be filed under (videoCategories.list, region US, assignable). */
export const ASSIGNABLE_CATEGORIES = ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29'];

const PARTS = ['contentDetails', 'fileDetails', 'id', 'liveStreamingDetails', 'localizations', 'player', 'processingDetails', 'recordingDetails', 'snippet', 'statistics', 'status', 'suggestions', 'topicDetails'];
/** Parts whose properties a write may set (the rest are computed by YouTube). */
const MUTABLE_PARTS = ['snippet', 'status', 'localizations', 'recordingDetails'];

/** A channel of the signed-in Google account. */
export interface FakeChannel {
  id: string;
  title: string;
  customUrl: string;
  /** Whether the channel may set custom thumbnails (a verified channel). */
  customThumbnails: boolean;
}

/** How processing a video ends. */
export type ProcessingOutcome = 'succeeded' | 'failed' | 'rejected';

/** A video as the fake keeps it. */
export interface FakeVideo {
  id: string;
  channelId: string;
  snippet: { title: string; description: string; tags: string[]; categoryId: string; publishedAt: string | null };
  status: {
    uploadStatus: 'uploaded' | 'processed' | 'failed' | 'rejected';
    privacyStatus: 'public' | 'unlisted' | 'private';
    publishAt: string | null;
    license: 'youtube' | 'creativeCommon';
    embeddable: boolean;
    publicStatsViewable: boolean;
    selfDeclaredMadeForKids: boolean;
    failureReason?: string;
    rejectionReason?: string;
  };
  processing: { status: 'processing' | 'succeeded' | 'failed'; readyAt: number; outcome: ProcessingOutcome };
  notifySubscribers: boolean;
  /** The unverified project's lock: YouTube keeps it private whatever is asked. */
  lockedPrivate: boolean;
  bytes: number;
  sha256: string | null;
  mime: string;
  uploadedAt: number;
  /** When YouTube made it public (upload or its publishAt). */
  wentPublicAt: number | null;
  thumbnail: { sha256: string; bytes: number; mime: string; width: number; height: number } | null;
  thumbnailsSet: number;
  updates: number;
}

/** Options of the fake. */
export interface YouTubeFakeOptions {
  /** Where uploaded bytes are kept (one file per session). */
  dir: string;
  now?: () => number;
  /** The creator's developer app. */
  clientId?: string;
  clientSecret?: string;
  /** False: the Cloud project is unverified, uploads are locked private. Default true. */
  verifiedProject?: boolean;
  /** Quota units a day (default 10,000). */
  quotaPerDay?: number;
  /** Uploads a channel may make in 24 h before uploadLimitExceeded (default 50). */
  uploadLimit?: number;
  channels?: FakeChannel[];
  /** How long processing takes on the fake's clock (default 2 minutes). */
  processingMs?: number;
  /** Cuts chunk PUTs in the middle (see the protocol fake). */
  dropAfter?: (put: { session: string; offset: number; length: number; n: number }) => number | undefined;
  /** Keep uploaded bytes on disk (default) or only hash them. */
  keepBytes?: boolean;
}

/** The running fake. */
export interface YouTubeFake {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Every API exchange (not the OAuth endpoints), for the discovery validator. */
  exchanges: GoogleExchange[];
  videos: Map<string, FakeVideo>;
  channels: FakeChannel[];
  /** The upload protocol's counters. */
  uploads: ResumableStats;
  /** The upload sessions (bytes received, sha256 of what arrived). */
  sessions(): ResumableSessionInfo[];
  verifiedProject: boolean;
  uploadLimit: number;
  /** Units spent today (Pacific Time), and a way to set them (a busy day). */
  quotaUsed(): number;
  setQuotaUsed(units: number): void;
  /** How the next uploads' processing ends (one per entry, then `succeeded`). */
  processNext(...outcomes: ProcessingOutcome[]): void;
  /** Scopes each access token was granted. */
  grantedScopes(): string[][];
  /** The next matching requests get this answer (or a dropped connection). */
  failNext(rule: FailRule): void;
  /** Every access token stops working (as after an hour): calls answer 401 until a refresh. */
  expireAccessTokens(): void;
  /** The creator removed the app: refresh tokens are refused too. */
  revokeAll(): void;
  /** The watch page of a video. */
  watchUrl(id: string): string;
  close(): Promise<void>;
}

interface Token {
  scopes: string[];
  expiresAt: number;
  channelId: string;
  refresh: string;
}

const b64 = (n: number) => randomBytes(n).toString('base64url');

/** The Pacific Time calendar day of `ms` ("2026-03-02"): YouTube's quota day. */
export function pacificDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** Starts the fake on 127.0.0.1 (port 0). */
export async function startYouTubeFake(options: YouTubeFakeOptions): Promise<YouTubeFake> {
  const now = options.now ?? Date.now;
  const spec = youtubeDiscovery();
  const clientId = options.clientId ?? 'yt-outbox.apps.googleusercontent.com';
  const clientSecret = options.clientSecret ?? 'yt-secret';
  const channels: FakeChannel[] = options.channels ?? [{ id: 'UCoutboxcreator000000001', title: 'Outbox Creator', customUrl: '@outboxcreator', customThumbnails: true }];
  const processingMs = options.processingMs ?? 2 * 60_000;
  const quotaPerDay = options.quotaPerDay ?? 10_000;
  const codes = new Map<string, { scopes: string[]; challenge: string; redirectUri: string }>();
  const access = new Map<string, Token>();
  const refresh = new Map<string, { scopes: string[]; channelId: string }>();
  const videos = new Map<string, FakeVideo>();
  const exchanges: GoogleExchange[] = [];
  const rules: FailRule[] = [];
  const quota = new Map<string, number>();
  const outcomes: ProcessingOutcome[] = [];
  const granted: string[][] = [];
  let base = '';

  // ---- state that moves with time ----
  function tick() {
    const t = now();
    for (const v of videos.values()) {
      if (v.processing.status === 'processing' && t >= v.processing.readyAt) {
        if (v.processing.outcome === 'failed') {
          v.processing.status = 'failed';
          v.status.uploadStatus = 'failed';
          v.status.failureReason = 'codec';
        } else {
          v.processing.status = 'succeeded';
          v.status.uploadStatus = v.processing.outcome === 'rejected' ? 'rejected' : 'processed';
          if (v.processing.outcome === 'rejected') v.status.rejectionReason = 'duplicate';
        }
      }
      // YouTube's own scheduler: a private video with publishAt goes public at that time, once processed.
      if (v.status.privacyStatus === 'private' && v.status.publishAt && Date.parse(v.status.publishAt) <= t && v.status.uploadStatus === 'processed' && !v.lockedPrivate) {
        v.snippet.publishedAt = v.status.publishAt;
        v.status.privacyStatus = 'public';
        v.status.publishAt = null;
        v.wentPublicAt = t;
      }
    }
  }

  const dayUsed = () => quota.get(pacificDay(now())) ?? 0;
  const spend = (units: number) => quota.set(pacificDay(now()), dayUsed() + units);

  // ---- answers ----
  const errorBody = (status: number, reason: string, message: string, domain = 'global', extra: Record<string, string> = {}) => ({
    error: { code: status, message, errors: [{ message, domain, reason, ...extra }], ...(status === 401 ? { status: 'UNAUTHENTICATED' } : status === 403 ? { status: 'PERMISSION_DENIED' } : {}) },
  });

  interface Answer {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
  }
  const fail = (status: number, reason: string, message: string, domain?: string, extra?: Record<string, string>): Answer => ({ status, body: errorBody(status, reason, message, domain, extra) });
  const QUOTA_MESSAGE = 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

  function write(res: ServerResponse, answer: Answer) {
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(text ? { 'Content-Type': 'application/json; charset=UTF-8' } : {}), 'Content-Length': String(Buffer.byteLength(text)), ...answer.headers });
    res.end(text);
  }

  // ---- auth ----
  function bearer(req: IncomingMessage): Token | Answer {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const t = access.get(token);
    if (!t || t.expiresAt <= now()) {
      return fail(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'global', { location: 'Authorization', locationType: 'header' });
    }
    return t;
  }

  /** Scope, quota and the common checks of a described call; an answer refuses it. */
  function admit(methodId: string, token: Token): Answer | null {
    const accepted = spec.scopes(methodId);
    if (!token.scopes.some((s) => accepted.includes(s))) return fail(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
    const cost = QUOTA_COSTS[methodId] ?? 1;
    if (dayUsed() + cost > quotaPerDay) return fail(403, 'quotaExceeded', QUOTA_MESSAGE, 'youtube.quota');
    spend(cost);
    return null;
  }

  // ---- resources ----
  const channelOf = (id: string) => channels.find((c) => c.id === id);

  function resource(v: FakeVideo, parts: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: 'youtube#video', etag: createHash('sha1').update(`${v.id}:${v.updates}:${v.thumbnailsSet}`).digest('base64url'), id: v.id };
    const channel = channelOf(v.channelId)!;
    if (parts.includes('snippet')) {
      const thumb = `https://i.ytimg.example/vi/${v.id}/default.jpg`;
      out['snippet'] = {
        publishedAt: v.snippet.publishedAt ?? new Date(v.uploadedAt).toISOString(),
        channelId: v.channelId,
        title: v.snippet.title,
        description: v.snippet.description,
        thumbnails: { default: { url: thumb, width: 120, height: 90 } },
        channelTitle: channel.title,
        ...(v.snippet.tags.length ? { tags: v.snippet.tags } : {}),
        categoryId: v.snippet.categoryId,
        liveBroadcastContent: 'none',
        localized: { title: v.snippet.title, description: v.snippet.description },
      };
    }
    if (parts.includes('status')) {
      const s = v.status;
      out['status'] = {
        uploadStatus: s.uploadStatus,
        ...(s.failureReason ? { failureReason: s.failureReason } : {}),
        ...(s.rejectionReason ? { rejectionReason: s.rejectionReason } : {}),
        privacyStatus: s.privacyStatus,
        ...(s.publishAt ? { publishAt: s.publishAt } : {}),
        license: s.license,
        embeddable: s.embeddable,
        publicStatsViewable: s.publicStatsViewable,
        madeForKids: s.selfDeclaredMadeForKids,
        selfDeclaredMadeForKids: s.selfDeclaredMadeForKids,
      };
    }
    if (parts.includes('processingDetails')) {
      out['processingDetails'] = {
        processingStatus: v.processing.status,
        ...(v.processing.status === 'processing' ? { processingProgress: { partsTotal: '1000', partsProcessed: String(Math.min(999, Math.floor((1 - (v.processing.readyAt - now()) / processingMs) * 1000))), timeLeftMs: String(Math.max(0, v.processing.readyAt - now())) } } : {}),
        ...(v.processing.status === 'failed' ? { processingFailureReason: 'transcodeFailed' } : {}),
      };
    }
    return out;
  }

  const partsOf = (url: URL) => (url.searchParams.get('part') ?? '').split(',').filter(Boolean);

  /** YouTube's metadata checks (videos.insert / videos.update errors). */
  function checkMetadata(body: Record<string, unknown>, parts: string[], mode: 'insert' | 'update', current?: FakeVideo): Answer | null {
    const bad = (reason: string, message: string) => fail(400, reason, message, 'youtube.video');
    const problems = spec.validateEntity('Video', body);
    if (problems.length) return fail(400, 'invalidVideoMetadata', `The request metadata is invalid: ${problems[0]}`, 'youtube.video');
    const snippet = parts.includes('snippet') ? (body['snippet'] as Record<string, unknown> | undefined) : undefined;
    if (snippet || mode === 'insert') {
      const title = String(snippet?.['title'] ?? '');
      if (!title.trim() || [...title].length > 100 || /[<>]/.test(title)) return bad('invalidTitle', 'The request metadata specifies an invalid or empty video title.');
      const description = String(snippet?.['description'] ?? '');
      if (Buffer.byteLength(description) > 5000 || /[<>]/.test(description)) return bad('invalidDescription', 'The request metadata specifies an invalid video description.');
      const tags = (snippet?.['tags'] as string[] | undefined) ?? [];
      if (tags.reduce((n, t) => n + t.length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, tags.length - 1) > 500) return bad('invalidTags', 'The request metadata specifies invalid video keywords.');
      const category = snippet?.['categoryId'];
      if (mode === 'update' && category === undefined) return bad('invalidCategoryId', 'The snippet.categoryId property must be specified when updating the snippet.');
      if (category !== undefined && !ASSIGNABLE_CATEGORIES.includes(String(category))) return bad('invalidCategoryId', 'The snippet.categoryId property specifies an invalid category ID.');
    }
    const status = parts.includes('status') ? (body['status'] as Record<string, unknown> | undefined) : undefined;
    if (status) {
      const privacy = status['privacyStatus'] ?? 'public';
      if (status['publishAt'] !== undefined) {
        const at = Date.parse(String(status['publishAt']));
        if (privacy !== 'private') return bad('invalidPublishAt', 'The request metadata specifies a scheduled publishing time, which can only be set for a private video.');
        if (!(at > now())) return bad('invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time (it must be in the future).');
      }
      if (current?.lockedPrivate && privacy !== 'private') return fail(403, 'forbiddenPrivacySetting', 'The request attempts to set an invalid privacy setting for the video.', 'youtube.video');
    }
    return null;
  }

  function applyStatus(v: FakeVideo, status: Record<string, unknown> | undefined) {
    // videos.update: "this method will override the existing values for all of the mutable
    // properties that are contained in any parts that the parameter value specifies".
    const s = status ?? {};
    v.status.privacyStatus = (s['privacyStatus'] as FakeVideo['status']['privacyStatus'] | undefined) ?? 'public';
    v.status.publishAt = typeof s['publishAt'] === 'string' ? new Date(s['publishAt']).toISOString() : null;
    v.status.license = (s['license'] as FakeVideo['status']['license'] | undefined) ?? 'youtube';
    v.status.embeddable = (s['embeddable'] as boolean | undefined) ?? true;
    v.status.publicStatsViewable = (s['publicStatsViewable'] as boolean | undefined) ?? true;
    v.status.selfDeclaredMadeForKids = (s['selfDeclaredMadeForKids'] as boolean | undefined) ?? false;
    if (v.lockedPrivate) {
      v.status.privacyStatus = 'private';
      v.status.publishAt = null;
    }
    if (v.status.privacyStatus !== 'private' && v.wentPublicAt === null) v.wentPublicAt = now();
  }

  function applySnippet(v: FakeVideo, snippet: Record<string, unknown> | undefined) {
    const s = snippet ?? {};
    v.snippet.title = String(s['title'] ?? '');
    v.snippet.description = String(s['description'] ?? '');
    v.snippet.tags = (s['tags'] as string[] | undefined) ?? [];
    v.snippet.categoryId = String(s['categoryId'] ?? '22');
  }

  // ---- the upload protocol, behind YouTube's checks ----
  // The token of each start request, for the protocol's onStart (requests may overlap).
  const starts = new WeakMap<IncomingMessage, Token>();
  const protocol: ResumableProtocol = createResumableProtocol({
    dir: options.dir,
    now,
    base: () => base,
    keepBytes: options.keepBytes,
    ...(options.dropAfter ? { dropAfter: options.dropAfter } : {}),
    async onStart({ url, metadata, req }): Promise<ResumableRefusal | { owner?: unknown }> {
      const token = starts.get(req)!;
      const refused = admit('youtube.videos.insert', token);
      if (refused) return refusal(refused);
      const parts = partsOf(url);
      const unknown = parts.find((p) => !PARTS.includes(p));
      if (unknown) return { status: 400, reason: 'unexpectedPart', message: `The request specifies an unexpected part: ${unknown}` };
      const bad = checkMetadata(metadata, parts, 'insert');
      if (bad) return refusal(bad);
      const day = now() - 24 * 3600_000;
      const recent = [...videos.values()].filter((v) => v.channelId === token.channelId && v.uploadedAt > day).length;
      if (recent >= fake.uploadLimit) return { status: 400, reason: 'uploadLimitExceeded', message: 'The user has exceeded the number of videos they may upload.', domain: 'youtube.video' };
      return { owner: token.channelId };
    },
    onComplete(session) {
      const v = createVideo(session);
      return resource(v, (session.query.get('part') ?? '').split(','));
    },
    onAnswer(answer) {
      const query = [...answer.url.searchParams.entries()];
      if (answer.leg === 'start') {
        exchanges.push({ method: 'POST', path: answer.url.pathname, query, leg: 'upload', body: answer.body, status: answer.status, response: answer.response, headers: answer.headers });
      } else {
        exchanges.push({ method: 'PUT', path: answer.url.pathname, query, leg: 'session', methodId: 'youtube.videos.insert', body: undefined, status: answer.status, response: answer.response, headers: answer.headers });
      }
    },
  });
  const refusal = (a: Answer): ResumableRefusal => {
    const e = (a.body as { error: { message: string; errors: Array<{ reason: string; domain: string }> } }).error;
    return { status: a.status, reason: e.errors[0]!.reason, message: e.message, domain: e.errors[0]!.domain };
  };

  function createVideo(session: ResumableSessionInfo): FakeVideo {
    const metadata = session.metadata;
    const parts = (session.query.get('part') ?? '').split(',');
    const outcome = outcomes.shift() ?? 'succeeded';
    const v: FakeVideo = {
      id: b64(8).slice(0, 11),
      channelId: String(session.owner),
      snippet: { title: '', description: '', tags: [], categoryId: '22', publishedAt: null },
      status: { uploadStatus: 'uploaded', privacyStatus: 'public', publishAt: null, license: 'youtube', embeddable: true, publicStatsViewable: true, selfDeclaredMadeForKids: false },
      processing: { status: 'processing', readyAt: now() + processingMs, outcome },
      notifySubscribers: session.query.get('notifySubscribers') !== 'false',
      lockedPrivate: !fake.verifiedProject,
      bytes: session.total,
      sha256: session.sha256,
      mime: session.mime,
      uploadedAt: now(),
      wentPublicAt: null,
      thumbnail: null,
      thumbnailsSet: 0,
      updates: 0,
    };
    if (parts.includes('snippet')) applySnippet(v, metadata['snippet'] as Record<string, unknown>);
    applyStatus(v, parts.includes('status') ? (metadata['status'] as Record<string, unknown>) : undefined);
    videos.set(v.id, v);
    return v;
  }

  // ---- the described calls ----
  async function api(req: IncomingMessage, url: URL, token: Token, raw: Buffer): Promise<{ methodId: string; answer: Answer; body: unknown }> {
    const found = spec.find(req.method ?? 'GET', url.pathname);
    if (!found) return { methodId: '', answer: fail(404, 'notFound', `No method ${req.method} ${url.pathname}`), body: undefined };
    const methodId = found.method.id;
    let body: unknown;
    if (found.upload === null && raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return { methodId, answer: fail(400, 'parseError', 'Parse Error'), body: undefined };
      }
    }
    const refused = admit(methodId, token);
    if (refused) return { methodId, answer: refused, body };
    const parts = partsOf(url);
    if (methodId === 'youtube.channels.list') {
      const id = url.searchParams.get('id');
      const mine = url.searchParams.get('mine') === 'true';
      const items = channels.filter((c) => (mine ? c.id === token.channelId : id?.split(',').includes(c.id)));
      return {
        methodId,
        body,
        answer: {
          status: 200,
          body: {
            kind: 'youtube#channelListResponse',
            etag: b64(6),
            pageInfo: { totalResults: items.length, resultsPerPage: 5 },
            items: items.map((c) => ({ kind: 'youtube#channel', etag: b64(6), id: c.id, snippet: { title: c.title, description: '', customUrl: c.customUrl, publishedAt: '2020-01-01T00:00:00Z', thumbnails: { default: { url: `https://yt3.example/${c.id}.jpg`, width: 88, height: 88 } } } })),
          },
        },
      };
    }
    if (methodId === 'youtube.videos.list') {
      const ids = (url.searchParams.get('id') ?? '').split(',').filter(Boolean);
      // Private videos are listed to their owner only.
      const items = ids.flatMap((id) => {
        const v = videos.get(id);
        return v && (v.channelId === token.channelId || v.status.privacyStatus !== 'private') ? [resource(v, v.channelId === token.channelId ? parts : parts.filter((p) => p !== 'processingDetails'))] : [];
      });
      return { methodId, body, answer: { status: 200, body: { kind: 'youtube#videoListResponse', etag: b64(6), pageInfo: { totalResults: items.length, resultsPerPage: items.length }, items } } };
    }
    if (methodId === 'youtube.videos.update') {
      const b = (body ?? {}) as Record<string, unknown>;
      const v = videos.get(String(b['id'] ?? ''));
      if (!v || v.channelId !== token.channelId) return { methodId, body, answer: fail(404, 'videoNotFound', 'The video that you are trying to update cannot be found.', 'youtube.video') };
      const bad = checkMetadata(b, parts, 'update', v);
      if (bad) return { methodId, body, answer: bad };
      if (parts.includes('snippet')) applySnippet(v, b['snippet'] as Record<string, unknown>);
      if (parts.includes('status')) applyStatus(v, b['status'] as Record<string, unknown>);
      v.updates += 1;
      return { methodId, body, answer: { status: 200, body: resource(v, parts.filter((p) => MUTABLE_PARTS.includes(p) || p === 'id')) } };
    }
    if (methodId === 'youtube.thumbnails.set') {
      const v = videos.get(url.searchParams.get('videoId') ?? '');
      if (!v || v.channelId !== token.channelId) return { methodId, body, answer: fail(404, 'videoNotFound', 'The video that you are trying to update cannot be found.', 'youtube.thumbnail') };
      if (!channelOf(v.channelId)!.customThumbnails) return { methodId, body, answer: fail(403, 'forbidden', "The authenticated user doesn't have permissions to upload and set custom video thumbnails.", 'youtube.thumbnail') };
      const mime = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!raw.length) return { methodId, body, answer: fail(400, 'mediaBodyRequired', 'The request does not include the image content.', 'youtube.thumbnail') };
      if (!['image/jpeg', 'image/png', 'application/octet-stream'].includes(mime)) return { methodId, body, answer: fail(400, 'invalidImage', `The provided image content is invalid (${mime}).`, 'youtube.thumbnail') };
      if (raw.length > Number(found.method.mediaUpload?.maxSize ?? 2_097_152)) return { methodId, body, answer: fail(400, 'invalidImage', 'The provided image content is larger than 2 MB.', 'youtube.thumbnail') };
      let meta: Metadata;
      try {
        meta = await sharp(raw).metadata();
      } catch {
        return { methodId, body, answer: fail(400, 'invalidImage', 'The provided image content is invalid.', 'youtube.thumbnail') };
      }
      if (meta.format !== 'jpeg' && meta.format !== 'png') return { methodId, body, answer: fail(400, 'invalidImage', `The provided image content is invalid (${meta.format}).`, 'youtube.thumbnail') };
      v.thumbnail = { sha256: createHash('sha256').update(raw).digest('hex'), bytes: raw.length, mime: `image/${meta.format}`, width: meta.width ?? 0, height: meta.height ?? 0 };
      v.thumbnailsSet += 1;
      const url0 = `https://i.ytimg.example/vi/${v.id}/custom-${v.thumbnailsSet}.jpg`;
      return { methodId, body, answer: { status: 200, body: { kind: 'youtube#thumbnailSetResponse', etag: b64(6), items: [{ default: { url: url0, width: 120, height: 90 }, medium: { url: url0, width: 320, height: 180 }, high: { url: url0, width: 480, height: 360 } }] } } };
    }
    return { methodId, body, answer: fail(501, 'notImplemented', `${methodId} is not faked`) };
  }

  // ---- OAuth ----
  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const redirect = q.get('redirect_uri') ?? '';
    let back: URL;
    try {
      back = new URL(redirect);
    } catch {
      return write(res, { status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri is missing' } });
    }
    // Loopback redirect URIs match on any port (installed apps).
    if (q.get('client_id') !== clientId || back.hostname !== '127.0.0.1' || q.get('response_type') !== 'code') return write(res, { status: 400, body: { error: 'invalid_request', error_description: 'Error 400: redirect_uri_mismatch or unknown client' } });
    back.searchParams.set('state', q.get('state') ?? '');
    back.searchParams.set('iss', 'https://accounts.google.com');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = `4/${b64(24)}`;
      codes.set(code, { scopes: (q.get('scope') ?? '').split(' ').filter(Boolean), challenge: q.get('code_challenge')!, redirectUri: redirect });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', q.get('scope') ?? '');
    }
    res.writeHead(302, { location: back.href }).end();
  }

  function issue(scopes: string[], channelId: string, refreshToken: string): Record<string, unknown> {
    const token = `ya29.${b64(32)}`;
    access.set(token, { scopes, expiresAt: now() + 3599_000, channelId, refresh: refreshToken });
    granted.push(scopes);
    return { access_token: token, expires_in: 3599, scope: scopes.join(' '), token_type: 'Bearer' };
  }

  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return write(res, { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } });
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.redirectUri !== form.get('redirect_uri')) return write(res, { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } });
      if (createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== code.challenge) return write(res, { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' } });
      const rt = `1//${b64(32)}`;
      const channelId = channels[0]!.id;
      refresh.set(rt, { scopes: code.scopes, channelId });
      return write(res, { status: 200, body: { ...issue(code.scopes, channelId, rt), refresh_token: rt } });
    }
    if (form.get('grant_type') === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const grant = refresh.get(rt);
      if (!grant) return write(res, { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
      // Google keeps the refresh token: the answer carries a new access token only.
      return write(res, { status: 200, body: issue(grant.scopes, grant.channelId, rt) });
    }
    return write(res, { status: 400, body: { error: 'unsupported_grant_type' } });
  }

  // ---- the server ----
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    void (async () => {
      if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return authorize(url, res);
      if (req.method === 'POST' && url.pathname === '/token') return tokenEndpoint(req, res);
      tick();
      const isSession = req.method === 'PUT' && url.searchParams.has('upload_id');
      const rule = takeRule(rules, req.method ?? 'GET', url.pathname);
      if (rule?.drop && !rule.afterHandling) {
        req.socket.destroy();
        return;
      }
      if (rule?.drop && rule.afterHandling) {
        // Handled, then the answer is lost (a timeout after YouTube did it).
        res.writeHead = (() => res) as unknown as typeof res.writeHead;
        res.end = (() => {
          req.socket.destroy();
          return res;
        }) as unknown as typeof res.end;
      } else if (rule) {
        if (!isSession) await readBody(req).catch(() => undefined);
        const body = rule.body ?? errorBody(rule.status, rule.status >= 500 ? 'backendError' : 'failed', rule.status >= 500 ? 'Backend Error' : `Told to fail with ${rule.status}`);
        const found = spec.find(req.method ?? 'GET', url.pathname);
        exchanges.push({ method: req.method ?? 'GET', path: url.pathname, query: [...url.searchParams.entries()], leg: isSession ? 'session' : found?.upload && req.method === 'POST' ? 'upload' : 'api', ...(isSession || found ? { methodId: found?.method.id ?? 'youtube.videos.insert' } : {}), body: undefined, status: rule.status, response: body, headers: {} });
        if (isSession) res.once('finish', () => req.socket.destroySoon());
        return write(res, { status: rule.status, body, headers: { ...rule.headers, ...(isSession ? { Connection: 'close' } : {}) } });
      }
      const token = bearer(req);
      if (!('scopes' in token)) {
        res.once('finish', () => req.socket.destroySoon());
        const found = spec.find(req.method ?? 'GET', url.pathname);
        exchanges.push({ method: req.method ?? 'GET', path: url.pathname, query: [...url.searchParams.entries()], leg: isSession ? 'session' : found?.upload && req.method === 'POST' ? 'upload' : 'api', methodId: found?.method.id ?? 'youtube.videos.insert', body: undefined, status: token.status, response: token.body, headers: {} });
        return write(res, { ...token, headers: { Connection: 'close' } });
      }
      if (req.method === 'POST' && url.pathname.endsWith('/youtube/v3/videos') && url.searchParams.get('uploadType') === 'resumable') {
        starts.set(req, token);
        if (await protocol.handle(req, res, url)) return;
      }
      if (isSession) {
        if (await protocol.handle(req, res, url)) return;
      }
      const raw = await readBody(req);
      const { methodId, answer, body } = await api(req, url, token, raw);
      const found = spec.find(req.method ?? 'GET', url.pathname);
      exchanges.push({ method: req.method ?? 'GET', path: url.pathname, query: [...url.searchParams.entries()], leg: found?.upload ? 'upload' : 'api', ...(methodId ? { methodId } : {}), body, status: answer.status, response: answer.body, headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) });
      write(res, answer);
    })().catch((e: unknown) => {
      if (!res.headersSent) write(res, { status: 500, body: errorBody(500, 'backendError', (e as Error).message) });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: YouTubeFake = {
    url: base,
    clientId,
    clientSecret,
    exchanges,
    videos,
    channels,
    uploads: protocol.stats,
    sessions: () => protocol.sessions(),
    verifiedProject: options.verifiedProject ?? true,
    uploadLimit: options.uploadLimit ?? 50,
    quotaUsed: dayUsed,
    setQuotaUsed: (units) => void quota.set(pacificDay(now()), units),
    processNext: (...next) => void outcomes.push(...next),
    grantedScopes: () => granted.map((s) => [...s]),
    failNext: (rule) => void rules.push({ ...rule }),
    expireAccessTokens() {
      for (const t of access.values()) t.expiresAt = 0;
    },
    revokeAll() {
      access.clear();
      refresh.clear();
    },
    watchUrl: (id) => `https://www.youtube.com/watch?v=${id}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await protocol.close();
    },
  };
  return fake;
}
