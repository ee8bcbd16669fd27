import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import type { z } from 'zod';
import { describeIssues, zodIssues } from '../core/invoke';
import { API_TOKEN_KEY } from '../core/api-settings/api-runtime';
import type { Core } from '../core/create-core';
import type { Clock, SecretStore } from '../core/ports/ports';
import { systemClock } from '../core/ports/system';
import { ApiError } from './api-error';
import { createByteBudget, fetchMedia } from './media-fetch';
import { openApiDocument } from './openapi';
import { createOperations } from './routes';
import { createLabelBody, createPostBody, listPostsQuery, updateAccountBody, updatePostBody, validatePostBody } from './schemas';
import { checkHostAndOrigin, checkToken, createRateLimiter } from './security';

/** Size, time and rate limits of the API. */
export interface ApiLimits {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Largest media file a `url` may name, in bytes (the engine takes 100 MB at most). */
  maxMediaBytes: number;
  /** Longest a media download may take, in milliseconds. */
  mediaTimeoutMs: number;
  /** Requests accepted per minute for the valid token, all routes together. */
  requestsPerMinute: number;
  /** Requests without a valid token accepted per minute (a budget of their own: they never spend the token's). */
  unauthenticatedPerMinute: number;
  /** Media bytes all requests together may hold on disk awaiting import. */
  maxConcurrentMediaBytes: number;
  /** A request's headers must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** Open connections at once; past it new ones are closed. */
  maxConnections: number;
}

/** The limits used unless the caller sets others. */
export const DEFAULT_API_LIMITS: ApiLimits = {
  maxBodyBytes: 1024 * 1024,
  maxMediaBytes: 100 * 1024 * 1024,
  mediaTimeoutMs: 60_000,
  requestsPerMinute: 600,
  unauthenticatedPerMinute: 60,
  maxConcurrentMediaBytes: 400 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxConnections: 32,
};

/** What the API server needs. */
export interface ApiServerOptions {
  /** The engine: every request becomes `core.invoke` calls. */
  core: Pick<Core, 'invoke'>;
  /** The store the personal access token lives in (the same one the engine was given). */
  secrets: SecretStore;
  /** Time for the rate limit and the media download limit; default: the real clock. */
  clock?: Clock;
  /** `file://` media must be inside this folder; default: the user's home. */
  homeDir?: string;
  /** Where media downloads wait for import; default: the OS temp folder. */
  tempDir?: string;
  limits?: Partial<ApiLimits>;
  /** Where unexpected errors are reported; default: console.error. */
  log?: (message: string, error: unknown) => void;
}

/** A listening API server. */
export interface RunningApiServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (status === 204) {
    res.writeHead(204, { 'cache-control': 'no-store', ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Reads a JSON body within the size limit. Throws 413 (too large) or 400 (not JSON). */
async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  if (type !== 'application/json') throw new ApiError(400, 'bad_request', 'Send the body as JSON with Content-Type: application/json');
  try {
    return JSON.parse(Buffer.concat(chunks, total).toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad_request', 'The request body is not valid JSON');
  }
}

function tooLarge(maxBytes: number) {
  return new ApiError(413, 'payload_too_large', `The request body is larger than ${Math.floor(maxBytes / 1024)} KB`, undefined, { connection: 'close' });
}

/** Parses with a request schema; a refusal is a 422 naming the fields. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new ApiError(422, 'validation', describeIssues(issues), issues);
  }
  return parsed.data;
}

/** The id in a path segment; one that cannot exist is a 404 without asking the engine. */
function pathId(raw: string, what: 'Post' | 'Media' | 'Account'): string {
  let id = '';
  try {
    id = decodeURIComponent(raw);
  } catch {
    // Not valid percent-encoding: no such id.
  }
  if (id.length === 0 || id.length > 100) throw new ApiError(404, 'not_found', `${what} ${id.slice(0, 100) || '(empty id)'} does not exist`);
  return id;
}

function methodNotAllowed(allow: string[]): never {
  throw new ApiError(405, 'method_not_allowed', `Use ${allow.join(' or ')} here`, undefined, { allow: allow.join(', ') });
}

/**
 * Builds the request handler of the local automation API. Order of checks: Host and Origin,
 * the rate limit, the token, then the route; bodies are read only after all of them.
 */
export function createApiHandler(options: ApiServerOptions, port: () => number) {
  const limits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const clock = options.clock ?? systemClock;
  const homeDir = options.homeDir ?? homedir();
  const log = options.log ?? ((message, error) => console.error(`[outbox api] ${message}`, error));
  // Two budgets: the valid token's, and a small one for everything else, so requests without
  // the token (any local process, any web page's no-cors fetch) can never lock the token out.
  const tokenLimiter = createRateLimiter(clock, limits.requestsPerMinute);
  const strangerLimiter = createRateLimiter(clock, limits.unauthenticatedPerMinute);
  const budget = createByteBudget(limits.maxConcurrentMediaBytes);
  const ops = createOperations({
    invoke: options.core.invoke,
    clock,
    async fetchMedia(url, field) {
      const settings = await options.core.invoke('settings:get');
      const allowLocal = settings.ok && settings.value.apiAllowLocalMediaUrls;
      return fetchMedia(url, field, { maxBytes: limits.maxMediaBytes, timeoutMs: limits.mediaTimeoutMs, homeDir, clock, budget, allowLocal, ...(options.tempDir ? { tempDir: options.tempDir } : {}) });
    },
  });

  async function route(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const base = `http://${req.headers.host}`;
    const segments = url.pathname.split('/').slice(1);
    if (segments[0] !== 'v1') throw new ApiError(404, 'not_found', `No route ${url.pathname}`);
    const [, resource, raw, action, ...extra] = segments;
    const notFound = () => new ApiError(404, 'not_found', `No route ${url.pathname}`);
    const body = async <S extends z.ZodType>(schema: S) => parse(schema, await readJson(req, limits.maxBodyBytes));
    if (extra.length > 0) throw notFound();

    if (resource === 'openapi.json' && raw === undefined) {
      if (method !== 'GET') methodNotAllowed(['GET']);
      return { status: 200, body: openApiDocument(base) };
    }
    if (resource === 'accounts' && action === undefined) {
      if (raw === undefined) {
        if (method !== 'GET') methodNotAllowed(['GET']);
        return { status: 200, body: await ops.listAccounts() };
      }
      const id = pathId(raw, 'Account');
      if (method === 'GET') return { status: 200, body: await ops.getAccount(id) };
      if (method === 'PUT') return { status: 200, body: await ops.updateAccount(id, await body(updateAccountBody)) };
      methodNotAllowed(['GET', 'PUT']);
    }
    if (resource === 'labels' && raw === undefined) {
      if (method === 'GET') return { status: 200, body: await ops.listLabels() };
      if (method === 'POST') return { status: 201, body: await ops.createLabel(await body(createLabelBody)) };
      methodNotAllowed(['GET', 'POST']);
    }
    if (resource === 'queue' && raw === undefined) {
      if (method !== 'GET') methodNotAllowed(['GET']);
      return { status: 200, body: await ops.queue() };
    }
    if (resource === 'media' && raw !== undefined && action === undefined) {
      if (method !== 'GET') methodNotAllowed(['GET']);
      return { status: 200, body: await ops.getMedia(pathId(raw, 'Media')) };
    }
    if (resource !== 'posts') throw notFound();
    if (raw === undefined) {
      if (method === 'GET') return { status: 200, body: await ops.listPosts(parse(listPostsQuery, Object.fromEntries(url.searchParams)), base) };
      if (method === 'POST') return { status: 201, body: await ops.createPost(await body(createPostBody), base) };
      methodNotAllowed(['GET', 'POST']);
    }
    if (raw === 'validate' && action === undefined) {
      if (method !== 'POST') methodNotAllowed(['POST']);
      return { status: 200, body: await ops.validatePost(await body(validatePostBody)) };
    }
    const id = pathId(raw, 'Post');
    if (action === undefined) {
      if (method === 'GET') return { status: 200, body: await ops.getPost(id, base) };
      if (method === 'PUT') return { status: 200, body: await ops.updatePost(id, await body(updatePostBody), base) };
      if (method === 'DELETE') {
        await ops.deletePost(id);
        return { status: 204 };
      }
      methodNotAllowed(['GET', 'PUT', 'DELETE']);
    }
    if (action === 'publish') {
      if (method !== 'POST') methodNotAllowed(['POST']);
      return { status: 200, body: await ops.publishPost(id, base) };
    }
    if (action === 'duplicate') {
      if (method !== 'POST') methodNotAllowed(['POST']);
      return { status: 201, body: await ops.duplicatePost(id, base) };
    }
    throw notFound();
  }

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      checkHostAndOrigin(req.headers, port());
      try {
        await checkToken(req.headers, () => options.secrets.get(API_TOKEN_KEY));
      } catch (error) {
        // Past their own budget, requests without the token get 429 instead of 401.
        strangerLimiter.take();
        throw error;
      }
      tokenLimiter.take();
      const { status, body } = await route(req);
      send(res, status, body);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : (log(`${req.method} ${req.url} failed`, error), new ApiError(500, 'internal', 'Something went wrong in Outbox; the details are in its log'));
      // An unread body (refused before reading, or too large) is drained so the answer reaches the caller.
      if (!req.readableEnded) req.resume();
      send(res, apiError.status, apiError.body(), apiError.headers);
    }
  };
}

/** Starts the API on 127.0.0.1:`port` (0 picks a free one). Only 127.0.0.1 is ever bound. */
export async function listenApiServer(options: ApiServerOptions & { port: number }): Promise<RunningApiServer> {
  let bound = options.port;
  const limits = { ...DEFAULT_API_LIMITS, ...options.limits };
  // Slow or stuck clients must not hold sockets: headers and whole requests have deadlines
  // (checked every quarter of the shorter one), idle keep-alive sockets close, connections are capped.
  const server: Server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)) },
    createApiHandler(options, () => bound),
  );
  server.keepAliveTimeout = Math.min(5_000, limits.headersTimeoutMs);
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (e.g. out of file descriptors) is logged, never thrown at the app.
  server.on('error', (error) => (options.log ?? console.error)('server error', error));
  const address = server.address();
  bound = typeof address === 'object' && address ? address.port : options.port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
