import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ports/doubles';
import { ApiError } from './api-error';
import { createByteBudget, fetchMedia, isPublicAddress, type MediaFetchOptions } from './media-fetch';

let server: Server;
let base: string;
let home: string;
const stalled: ServerResponse[] = [];
let arrived: () => void = () => {};

beforeAll(async () => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'outbox-media-home-')));
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/cat%20photo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(500, 1));
    if (path === '/declared-big') return res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
    if (path === '/streamed-big') {
      res.writeHead(200, { 'content-type': 'image/png' });
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(200));
      return res.end();
    }
    if (path === '/moved') return res.writeHead(302, { location: '/cat%20photo.png' }).end();
    if (path === '/stall') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.alloc(10));
      stalled.push(res);
      arrived();
      return;
    }
    res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(home, { recursive: true, force: true });
});

function options(overrides: Partial<MediaFetchOptions> = {}): MediaFetchOptions {
  return { maxBytes: 1000, timeoutMs: 5_000, homeDir: home, clock: new ManualClock(), budget: createByteBudget(10_000), allowLocal: true, ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('which addresses are public', () => {
  it('loopback, private, link-local, unique-local, mapped and reserved addresses are not', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12:3456::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', 'ff02::1', '[::1]']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });
  it('public addresses are', () => {
    for (const ip of ['93.184.216.34', '1.1.1.1', '172.32.0.1', '2606:4700::1111', '::ffff:93.184.216.34']) expect(isPublicAddress(ip), ip).toBe(true);
  });
  it('anything that is not an address is not public', () => {
    expect(isPublicAddress('localhost')).toBe(false);
  });
});

describe('fetching media by URL', () => {
  it('downloads an http URL within the limits and names it after the path', async () => {
    const budget = createByteBudget(10_000);
    const media = await fetchMedia(`${base}/cat%20photo.png`, 'media.images.0.url', options({ budget }));
    expect(media.name).toBe('cat photo.png');
    expect(readFileSync(media.path)).toEqual(Buffer.alloc(500, 1));
    expect(media.bytes).toBe(500);
    expect(budget.inUse()).toBe(500);
    await media.release();
    expect(budget.inUse()).toBe(0);
    expect(() => readFileSync(media.path)).toThrow();
  });

  it('follows a redirect', async () => {
    expect((await fetchMedia(`${base}/moved`, 'f', options())).bytes).toBe(500);
  });

  it('a declared length over the limit is 413 on the field, before reading the body', async () => {
    const error = await refusal(fetchMedia(`${base}/declared-big`, 'media.images.1.url', options()));
    expect(error.status).toBe(413);
    expect(error.issues).toEqual([{ path: 'media.images.1.url', message: expect.stringMatching(/larger than/) }]);
  });

  it('a streamed body that passes the limit is cut off with 413', async () => {
    const error = await refusal(fetchMedia(`${base}/streamed-big`, 'media.video.url', options()));
    expect(error.status).toBe(413);
  });

  it('an error answer from the server is 422 naming the status', async () => {
    const error = await refusal(fetchMedia(`${base}/missing`, 'media.video.url', options()));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/HTTP 404/);
  });

  it('an unreachable host is 422', async () => {
    const error = await refusal(fetchMedia('http://127.0.0.1:1/x.png', 'f', options()));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/could not be fetched/);
  });

  it('a download that outlasts the time limit is aborted with 422 (time on the injected clock)', async () => {
    const clock = new ManualClock();
    const started = new Promise<void>((r) => (arrived = r));
    const pending = refusal(fetchMedia(`${base}/stall`, 'media.images.0.url', options({ clock, timeoutMs: 30_000 })));
    await started;
    await clock.advance(29_000);
    expect(clock.pending()).toBe(1);
    await clock.advance(1_000);
    const error = await pending;
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/longer than 30 s/);
  });

  it('reads a regular file inside home through a file:// URL', async () => {
    writeFileSync(join(home, 'photo.png'), Buffer.alloc(100, 7));
    const media = await fetchMedia(pathToFileURL(join(home, 'photo.png')).href, 'f', options());
    expect(media).toMatchObject({ name: 'photo.png', bytes: 100, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readFileSync(media.path)).toEqual(Buffer.alloc(100, 7));
    await media.release();
  });

  it('without "allow local", a loopback URL is refused before any connection', async () => {
    const error = await refusal(fetchMedia(`${base}/cat%20photo.png`, 'media.images.0.url', options({ allowLocal: false })));
    expect(error.message).toMatch(/local or private network address/);
  });

  it('a redirect from an allowed address to loopback is refused at the hop', async () => {
    // 127.0.0.2 stands in for a public host: the policy below allows it and nothing else.
    const hop = createServer((req, res) => res.writeHead(302, { location: `${base}/cat%20photo.png` }).end());
    await new Promise<void>((r) => hop.listen(0, '127.0.0.2', () => r()));
    const address = hop.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const onlyHop = (ip: string) => ip === '127.0.0.2';
      const error = await refusal(fetchMedia(`http://127.0.0.2:${port}/go`, 'media.video.url', options({ allowLocal: false, isPublicAddress: onlyHop })));
      expect(error.issues).toEqual([{ path: 'media.video.url', message: expect.stringMatching(/local or private network address/) }]);
    } finally {
      await new Promise<void>((r) => hop.close(() => r()));
    }
  });

  it('a host name that resolves to loopback is refused (checked on the resolved address)', async () => {
    const port = new URL(base).port;
    const error = await refusal(fetchMedia(`http://localhost:${port}/cat%20photo.png`, 'f', options({ allowLocal: false })));
    expect(error.message).toMatch(/local or private network address/);
  });

  it('a download that passes the shared budget is 429 and gives its bytes back', async () => {
    const budget = createByteBudget(1500);
    expect(budget.take(1200)).toBe(true);
    const error = await refusal(fetchMedia(`${base}/cat%20photo.png`, 'f', options({ budget })));
    expect(error.status).toBe(429);
    expect(error.headers['retry-after']).toBeDefined();
    expect(budget.inUse()).toBe(1200);
  });

  it('refuses other schemes', async () => {
    expect((await refusal(fetchMedia('ftp://127.0.0.1/a.png', 'f', options()))).status).toBe(422);
    expect((await refusal(fetchMedia('data:image/png;base64,AAAA', 'f', options()))).status).toBe(422);
  });
});
