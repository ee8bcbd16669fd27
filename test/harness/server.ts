import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES } from '../../src/shared/ipc/events';
import type { CoreOptions } from '../../src/main/core/create-core';
import { createCoreHost, type CoreHost } from '../../src/main/core/host/core-host';
import { MemorySecretStore } from '../../src/main/core/ports/doubles';
import { startApiServer, type ApiController } from '../../src/main/api/api-controller';
import { API_TOKEN_KEY, createApiRuntime } from '../../src/main/core/api-settings/api-runtime';
import { HARNESS_BRIDGE_PATH, HARNESS_LIBRARY_PATH, HARNESS_WS_PATH, type HarnessCall } from './protocol';
import { serveLibraryFile } from '../../src/main/shell/media-protocol';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Options of the browser harness. */
export interface HarnessOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Data folder; default: a new temp folder. */
  dataDir?: string;
  /** The built renderer; default: out/renderer. */
  rendererDir?: string;
  /** Anything else createCore takes (clock, network, platforms, ...). */
  core?: Partial<CoreOptions>;
  /**
   * Turns the local automation API on (it also runs whenever the data folder has `apiEnabled`),
   * optionally on `port` and with a known `token` instead of a generated one.
   */
  api?: { port?: number; token?: string };
}

/** A running harness. */
export interface Harness {
  /** The page's address, with the run's secret (`?key=`): the only way in for the WebSocket. */
  url: string;
  /** The per-run secret the page must present (already in `url`). */
  key: string;
  dataDir: string;
  /** The engine's host: running, or on the recovery screen when the data folder's database is damaged. */
  core: CoreHost;
  /** The local automation API's address and token when it runs at start, else null. */
  api: { url: string; token: string } | null;
  /**
   * How many pages have connected and made their first call so far (the app subscribes to events
   * in the same step as its first calls): a reload is ready for events once this has grown.
   */
  connections(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

async function buildBridge(): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, 'test/harness/bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * Starts the engine in this Node process and serves the built renderer on 127.0.0.1, giving
 * the page `window.outbox` over a WebSocket. A development and test tool, never shipped.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'outbox-harness-')));
  const rendererDir = resolve(options.rendererDir ?? join(ROOT, 'out/renderer'));
  const indexHtml = await readFile(join(rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`No built renderer in ${rendererDir}: run \`npm run build\` first.`);
  });
  const page = indexHtml.replace('<head>', `<head>\n    <script src="${HARNESS_BRIDGE_PATH}"></script>`);
  const bridge = await buildBridge();
  const secrets = options.core?.secrets ?? new MemorySecretStore();
  const apiRuntime = createApiRuntime();
  const core = createCoreHost({ secrets, version: 'harness', apiRuntime, ...options.core, dataDir });
  await core.start();
  if (options.api) await core.invoke('settings:update', { apiEnabled: true, ...(options.api.port ? { apiPort: options.api.port } : {}) });
  const apiSettings = await core.invoke('settings:get');
  let apiToken: string | null = null;
  if (apiSettings.ok && apiSettings.value.apiEnabled) {
    // The harness keeps secrets in memory, so each run needs a token of its own.
    if (options.api?.token) await secrets.set(API_TOKEN_KEY, options.api.token);
    const generated = options.api?.token ? null : await core.invoke('api:regenerateToken');
    apiToken = options.api?.token ?? (generated?.ok ? generated.value.token : null);
  }
  const api: ApiController = await startApiServer({ core, secrets, runtime: apiRuntime });

  const server: Server = createServer(async (req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      // A malformed percent-escape (`/%E0%A4%A`) is the caller's mistake, never a crash.
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request path');
      return;
    }
    if (path === HARNESS_BRIDGE_PATH) {
      res.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-store' });
      return res.end(bridge);
    }
    if (path.startsWith(HARNESS_LIBRARY_PATH)) return library(req, res);
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
      return res.end(page);
    }
    const file = normalize(join(rendererDir, path));
    if (!file.startsWith(rendererDir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  });

  const presentsKey = (req: IncomingMessage) => {
    let presented = '';
    try {
      presented = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('key') ?? '';
    } catch {
      return false;
    }
    return timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(key).digest());
  };

  /** Library files for the page's <video> and covers, with ranges, as the shell's outbox-media: serves them. */
  async function library(req: IncomingMessage, res: ServerResponse) {
    if (!presentsKey(req)) {
      res.writeHead(403).end();
      return;
    }
    const headers = new Headers();
    if (typeof req.headers.range === 'string') headers.set('range', req.headers.range);
    const answer = await serveLibraryFile({ url: `http://127.0.0.1${req.url ?? '/'}`.replace(HARNESS_LIBRARY_PATH, '/library/'), method: req.method ?? 'GET', headers }, join(dataDir, 'media'));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    if (!answer.body) return res.end();
    Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream).pipe(res);
  }

  // Any web page the developer visits could open a WebSocket to 127.0.0.1: the socket must come
  // from the harness's own page (Origin) and carry this run's secret, which only that page's URL holds.
  const key = randomBytes(24).toString('base64url');
  let port = 0;
  const sockets = new Set<WebSocket>();
  let connections = 0;
  const wss = new WebSocketServer({
    server,
    path: HARNESS_WS_PATH,
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }) => {
      const ownOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
      if (!ownOrigins.includes(origin)) return false;
      let presented = '';
      try {
        presented = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('key') ?? '';
      } catch {
        return false;
      }
      return timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(key).digest());
    },
  });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    let first = true;
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', async (raw) => {
      let call: HarnessCall;
      try {
        call = JSON.parse(String(raw)) as HarnessCall;
      } catch {
        return;
      }
      if (first) {
        first = false;
        connections += 1;
      }
      // The harness passes whatever the page sent: core.invoke does all the checking.
      const result = await core.invoke(call.channel as never, call.payload as never);
      socket.send(JSON.stringify({ id: call.id, result }));
    });
  });
  const unsubscribe = EVENT_NAMES.map((event) =>
    core.on(event, (payload) => {
      const message = JSON.stringify({ event, payload });
      for (const socket of sockets) socket.send(message);
    }),
  );

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/?key=${key}`,
    key,
    dataDir,
    core,
    api: api.url() && apiToken ? { url: api.url()!, token: apiToken } : null,
    connections: () => connections,
    async close() {
      await api.close();
      unsubscribe.forEach((off) => off());
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      await core.close();
    },
  };
}
