// A local fake social platform that counts what it receives, for the crash, fault and bench
// runs of the publishing engine. Its API (documented here, as a platform's docs would):
//   POST /:platform/posts   JSON { account, entry, text }   header Idempotency-Key: <attempt key>
//     201 { id }            created (or, on an idempotent platform, the post the key already made)
//     429 + Retry-After     nothing created; no request for that account before the wait is over
//     500                   nothing created
//     (connection dropped)  may or may not have been created
//   GET /:platform/posts?key=<attempt key>   200 { id } | 404  (reconcile lookup)
//   GET /:platform/posts?schedule=<schedule id>   200 { id } | 404  (what a schedule became)
//   POST /:platform/scheduled   JSON { account, entry, text, at }   header Idempotency-Key
//     201 { id, at }        held until `at`, then published by the platform itself (its own
//                           scheduler, on its clock); faults as for posts (drop_after: it exists)
//   GET /:platform/scheduled?entry=<entry id>   200 [{ id, at }]
//   GET /:platform/scheduled/:id   200 { id, at } | 404 (published or cancelled)
//   PUT /:platform/scheduled/:id   JSON { at }   200 | 404;   DELETE /:platform/scheduled/:id   200 | 404
// A platform is idempotent when created with `idempotent: true` (repeats of a key return the
// first post), like Mastodon's Idempotency-Key; otherwise every POST makes a new post.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishError, retryAfterMs, type PlatformAdapter, type PublishContext, type PublishResult, type RemoteScheduler, type RemoteStatus } from '../../src/main/platforms/types';
import type { PlatformId } from '../../src/shared/domain';

/** What the fake does with one POST. */
export type Fault =
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'error500'; delayMs?: number }
  /** Drops the connection before creating anything. */
  | { kind: 'drop_before' }
  /** Creates the post, then drops the connection without answering. */
  | { kind: 'drop_after'; delayMs?: number };

/** One post that exists on the fake. */
export interface FakePost {
  id: string;
  /** The schedule it came from, when the platform's scheduler published it. */
  scheduleId?: string;
  platform: string;
  account: string;
  entry: string;
  key: string;
  text: string;
  at: number;
}

export interface CountingPlatformOptions {
  /** Platforms (path prefixes) whose POSTs are idempotent by Idempotency-Key. */
  idempotent: string[];
  /** Decides each POST's fate (default: ok). */
  fault?: (req: { platform: string; account: string; n: number }) => Fault;
  /** The time the fake judges Retry-After by (the engine's clock in tests). */
  now?: () => number;
}

/** The running fake, with everything it saw. */
export interface CountingPlatform {
  url: string;
  posts: FakePost[];
  /** Every POST received, with its time and fate. */
  requests: Array<{ platform: string; account: string; entry: string; at: number; fault: Fault['kind'] }>;
  /** Requests sent for an account before a Retry-After it was given had passed. */
  earlyRequests: Array<{ account: string; at: number; notBefore: number }>;
  /** Schedules the platform still holds (not yet published, not cancelled). */
  scheduled: Map<string, { id: string; platform: string; account: string; entry: string; key: string; text: string; at: number }>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startCountingPlatform(options: CountingPlatformOptions): Promise<CountingPlatform> {
  const now = options.now ?? Date.now;
  const posts: FakePost[] = [];
  const byKey = new Map<string, FakePost>();
  const requests: CountingPlatform['requests'] = [];
  const earlyRequests: CountingPlatform['earlyRequests'] = [];
  const notBefore = new Map<string, number>();
  const scheduled: CountingPlatform['scheduled'] = new Map();
  const scheduleByKey = new Map<string, string>();
  let n = 0;
  let scheduleIds = 0;

  /** The platform's own scheduler: publishes what is due on its clock. */
  function runSchedules() {
    for (const h of [...scheduled.values()]) {
      if (h.at > now()) continue;
      scheduled.delete(h.id);
      const post: FakePost = { id: `${h.platform}-${posts.length + 1}`, scheduleId: h.id, platform: h.platform, account: h.account, entry: h.entry, key: h.key, text: h.text, at: now() };
      posts.push(post);
      byKey.set(`${h.platform}:${h.key}`, post);
    }
  }
  const ticker = setInterval(runSchedules, 20);

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const later = (ms: number | undefined, fn: () => void) => (ms ? setTimeout(fn, ms) : fn());

  async function handle(req: IncomingMessage, res: ServerResponse) {
    runSchedules();
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, platform, what, scheduleId] = url.pathname.split('/');
    if (!platform || (what !== 'posts' && what !== 'scheduled')) return json(res, 404, { error: 'not found' });
    if (what === 'posts' && req.method === 'GET') {
      const schedule = url.searchParams.get('schedule');
      const found = schedule ? posts.find((p) => p.scheduleId === schedule) : byKey.get(`${platform}:${url.searchParams.get('key')}`);
      return found ? json(res, 200, { id: found.id }) : json(res, 404, { error: 'no such post' });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (what === 'scheduled' && req.method !== 'POST') {
      const held = scheduleId ? scheduled.get(scheduleId) : undefined;
      if (req.method === 'GET' && !scheduleId) return json(res, 200, [...scheduled.values()].filter((h) => h.entry === url.searchParams.get('entry')).map((h) => ({ id: h.id, at: h.at })));
      if (!held) return json(res, 404, { error: 'no such schedule' });
      if (req.method === 'GET') return json(res, 200, { id: held.id, at: held.at });
      if (req.method === 'DELETE') return (scheduled.delete(held.id), json(res, 200, {}));
      if (req.method === 'PUT') return ((held.at = (JSON.parse(text) as { at: number }).at), json(res, 200, { id: held.id, at: held.at }));
      return json(res, 405, { error: 'method not allowed' });
    }
    const body = JSON.parse(text) as { account: string; entry: string; text: string; at?: number };
    const key = String(req.headers['idempotency-key'] ?? '');
    const at = now();
    const wait = notBefore.get(body.account);
    if (wait !== undefined && at < wait) earlyRequests.push({ account: body.account, at, notBefore: wait });
    const fault = options.fault?.({ platform, account: body.account, n: n++ }) ?? { kind: 'ok' };
    requests.push({ platform, account: body.account, entry: body.entry, at, fault: fault.kind });
    const hold = (): { id: string; at: number } => {
      const existing = scheduleByKey.get(`${platform}:${key}`);
      const known = existing ? scheduled.get(existing) : undefined;
      if (known) return known;
      const id = `${platform}-scheduled-${++scheduleIds}`;
      const held = { id, platform, account: body.account, entry: body.entry, key, text: body.text, at: body.at! };
      scheduled.set(id, held);
      scheduleByKey.set(`${platform}:${key}`, id);
      return held;
    };
    const create = (): FakePost => {
      const mapKey = `${platform}:${key}`;
      const existing = options.idempotent.includes(platform) ? byKey.get(mapKey) : undefined;
      if (existing) return existing;
      const post = { id: `${platform}-${posts.length + 1}`, platform, account: body.account, entry: body.entry, key, text: body.text, at };
      posts.push(post);
      byKey.set(mapKey, post);
      return post;
    };
    if (what === 'scheduled') {
      // Schedules are idempotent by key, like Mastodon's scheduled statuses.
      switch (fault.kind) {
        case 'ok':
          return later(fault.delayMs, () => json(res, 201, hold()));
        case 'rate_limit':
          return json(res, 429, { error: 'Too many requests' }, { 'retry-after': String(fault.retryAfterSeconds) });
        case 'error500':
          return later(fault.delayMs, () => json(res, 500, { error: 'Internal server error' }));
        case 'drop_before':
          return req.socket.destroy();
        case 'drop_after':
          hold();
          return later(fault.delayMs, () => req.socket.destroy());
      }
    }
    switch (fault.kind) {
      case 'ok':
        return later(fault.delayMs, () => json(res, 201, { id: create().id }));
      case 'rate_limit':
        notBefore.set(body.account, at + fault.retryAfterSeconds * 1000);
        return json(res, 429, { error: 'Too many requests' }, { 'retry-after': String(fault.retryAfterSeconds) });
      case 'error500':
        return later(fault.delayMs, () => json(res, 500, { error: 'Internal server error' }));
      case 'drop_before':
        return req.socket.destroy();
      case 'drop_after':
        create();
        return later(fault.delayMs, () => req.socket.destroy());
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    requests,
    earlyRequests,
    scheduled,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A publish adapter for the fake, classifying failures the way real adapters must: 429 ->
 * rate_limited with Retry-After, 5xx -> transient, a connection that failed after the request
 * left -> transient and maybe sent, refused -> transient and certainly not sent.
 */
export function countingAdapter(platform: PlatformId, baseUrl: string, options: { idempotent: boolean; reconcile?: boolean }): PlatformAdapter {
  const endpoint = `${baseUrl}/${platform}/posts`;
  const adapter: PlatformAdapter = {
    platform,
    idempotent: options.idempotent,
    async publish(ctx: PublishContext): Promise<PublishResult> {
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': ctx.entry.attemptKey },
          body: JSON.stringify({ account: ctx.account.id, entry: ctx.entry.id, text: ctx.parts.map((p) => p.text).join('\n') }),
          signal: ctx.signal,
        });
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        throw new PublishError('transient', `Network error: ${code ?? (error as Error).message}`, { maybeSent: code !== 'ECONNREFUSED', cause: error });
      }
      if (res.status === 429) throw new PublishError('rate_limited', 'Too many requests', { httpStatus: 429, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), ctx.now()) ?? 60_000 });
      if (res.status >= 500) throw new PublishError('transient', `Server error ${res.status}`, { httpStatus: res.status });
      if (!res.ok) throw new PublishError('permanent', `Rejected (${res.status})`, { httpStatus: res.status });
      const body = (await res.json()) as { id: string };
      return { platformPostId: body.id, platformUrl: `${baseUrl}/${platform}/${body.id}`, httpStatus: res.status };
    },
  };
  if (options.reconcile) {
    adapter.reconcile = async (ctx) => {
      const res = await fetch(`${endpoint}?key=${encodeURIComponent(ctx.entry.attemptKey)}`, { signal: ctx.signal });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`lookup failed: ${res.status}`);
      const body = (await res.json()) as { id: string };
      return { platformPostId: body.id, platformUrl: `${baseUrl}/${platform}/${body.id}` };
    };
  }
  return adapter;
}

/**
 * The platform's own scheduler for the fake (a RemoteScheduler): hands entries over, moves,
 * cancels, and tells what became of them; `minLeadMs` lets a test hand off posts seconds ahead.
 */
export function countingScheduler(platform: PlatformId, baseUrl: string, minLeadMs: number): RemoteScheduler {
  const base = `${baseUrl}/${platform}/scheduled`;
  const call = async (url: string, init: RequestInit & { signal: AbortSignal }, sending = false): Promise<Response> => {
    try {
      return await fetch(url, init);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new PublishError('transient', `Network error: ${code ?? (error as Error).message}`, { maybeSent: sending && code !== 'ECONNREFUSED', cause: error });
    }
  };
  const fail = (res: Response) => {
    if (res.status === 429) return new PublishError('rate_limited', 'Too many requests', { httpStatus: 429, retryAfterMs: 60_000 });
    return new PublishError(res.status >= 500 ? 'transient' : 'permanent', `Refused (${res.status})`, { httpStatus: res.status });
  };
  return {
    minLeadMs,
    async schedule(ctx, at) {
      const res = await call(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': ctx.entry.attemptKey },
        body: JSON.stringify({ account: ctx.account.id, entry: ctx.entry.id, text: ctx.parts.map((p) => p.text).join('\n'), at }),
        signal: ctx.signal,
      }, true);
      if (!res.ok) throw fail(res);
      return { remoteId: ((await res.json()) as { id: string }).id };
    },
    async reschedule(ctx, remoteId, at) {
      const res = await call(`${base}/${remoteId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at }), signal: ctx.signal });
      if (!res.ok) throw fail(res);
    },
    async cancel(ctx, remoteId) {
      const res = await call(`${base}/${remoteId}`, { method: 'DELETE', signal: ctx.signal });
      if (!res.ok && res.status !== 404) throw fail(res);
    },
    async status(ctx, remoteId): Promise<RemoteStatus> {
      const res = await call(`${base}/${remoteId}`, { signal: ctx.signal });
      if (res.ok) return { state: 'scheduled', at: ((await res.json()) as { at: number }).at };
      if (res.status !== 404) throw fail(res);
      const post = await call(`${baseUrl}/${platform}/posts?schedule=${encodeURIComponent(remoteId)}`, { signal: ctx.signal });
      if (post.status === 404) return { state: 'missing' };
      if (!post.ok) throw fail(post);
      const id = ((await post.json()) as { id: string }).id;
      return { state: 'published', result: { platformPostId: id, platformUrl: `${baseUrl}/${platform}/${id}` } };
    },
    async find(ctx, at) {
      const res = await call(`${base}?entry=${encodeURIComponent(ctx.entry.id)}`, { signal: ctx.signal });
      if (!res.ok) throw fail(res);
      const match = ((await res.json()) as Array<{ id: string; at: number }>).find((h) => h.at === at);
      if (match) return { state: 'scheduled', remoteId: match.id };
      // Published already? The schedule carried the attempt key.
      const post = await call(`${baseUrl}/${platform}/posts?key=${encodeURIComponent(ctx.entry.attemptKey)}`, { signal: ctx.signal });
      if (post.status === 404) return { state: 'missing' };
      if (!post.ok) throw fail(post);
      const id = ((await post.json()) as { id: string }).id;
      return { state: 'published', result: { platformPostId: id, platformUrl: `${baseUrl}/${platform}/${id}` } };
    },
  };
}
