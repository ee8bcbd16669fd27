import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ports/doubles';
import { ApiError } from './api-error';
import { fetchMedia, type MediaFetchOptions } from './media-fetch';

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
  return { maxBytes: 1000, timeoutMs: 5_000, homeDir: home, clock: new ManualClock(), ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('fetching media by URL', () => {
  it('downloads an http URL within the limits and names it after the path', async () => {
    const media = await fetchMedia(`${base}/cat%20photo.png`, 'media.images.0.url', options());
    expect(media.name).toBe('cat photo.png');
    expect(media.data).toEqual(Buffer.alloc(500, 1));
  });

  it('follows a redirect', async () => {
    expect((await fetchMedia(`${base}/moved`, 'f', options())).data.length).toBe(500);
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
    expect(media).toEqual({ name: 'photo.png', data: Buffer.alloc(100, 7) });
  });

  it('refuses other schemes', async () => {
    expect((await refusal(fetchMedia('ftp://127.0.0.1/a.png', 'f', options()))).status).toBe(422);
    expect((await refusal(fetchMedia('data:image/png;base64,AAAA', 'f', options()))).status).toBe(422);
  });
});
