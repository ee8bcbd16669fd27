import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HARNESS_LIBRARY_PATH, HARNESS_WS_PATH } from './protocol';
import { startHarness, type Harness } from './server';

// The browser harness is a development tool, but it runs on developers' machines: no other web
// page may drive it, and no request may crash it.

let harness: Harness;
let rendererDir: string;
let origin: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'outbox-harness-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body>app</body></html>');
  harness = await startHarness({ rendererDir });
  origin = new URL(harness.url).origin;
});
afterAll(async () => {
  await harness.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Opens the harness WebSocket as a page of `from` would, with `key`; answers app:info or the refusal. */
function tryCall(from: string | undefined, key: string | null): Promise<{ opened: boolean; status?: number; result?: unknown }> {
  return new Promise((resolve) => {
    const url = `${origin.replace('http', 'ws')}${HARNESS_WS_PATH}${key === null ? '' : `?key=${encodeURIComponent(key)}`}`;
    const socket = new WebSocket(url, from === undefined ? {} : { origin: from });
    socket.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      socket.terminate();
    });
    socket.on('error', () => resolve({ opened: false }));
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, channel: 'app:info', payload: undefined })));
    socket.on('message', (data) => {
      resolve({ opened: true, result: JSON.parse(String(data)).result });
      socket.close();
    });
  });
}

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the harness WebSocket', () => {
  it('its own page, with the run key from its URL, reaches the engine', async () => {
    expect(harness.url).toContain(`?key=${harness.key}`);
    const answer = await tryCall(origin, harness.key);
    expect(answer).toMatchObject({ opened: true, result: { ok: true, value: { version: 'harness' } } });
  });

  it('another origin is refused, even with the key', async () => {
    expect(await tryCall('https://evil.example', harness.key)).toMatchObject({ opened: false, status: 401 });
    expect(await tryCall('null', harness.key)).toMatchObject({ opened: false, status: 401 });
    expect(await tryCall(origin.replace(/:\d+$/, ':1'), harness.key)).toMatchObject({ opened: false, status: 401 });
  });

  it('no Origin at all (not a browser page of the harness) is refused', async () => {
    expect(await tryCall(undefined, harness.key)).toMatchObject({ opened: false, status: 401 });
  });

  it('its own origin without the key, or with a wrong one, is refused', async () => {
    expect(await tryCall(origin, null)).toMatchObject({ opened: false, status: 401 });
    expect(await tryCall(origin, `${harness.key}x`)).toMatchObject({ opened: false, status: 401 });
    expect(await tryCall(origin, '')).toMatchObject({ opened: false, status: 401 });
  });
});

describe('the harness HTTP server', () => {
  it('a malformed percent-escape is 400 and the harness keeps serving', async () => {
    expect(await get('/%E0%A4%A')).toBe(400);
    expect(await get('/assets/%ZZ.js')).toBe(400);
    expect(await get('/')).toBe(200);
  });

  it('library files (the page plays videos from them) need the run key; nothing else of the data folder is served', async () => {
    const sha = '1f'.repeat(32);
    writeFileSync(join(harness.dataDir, 'media', `${sha}.mp4`), 'video bytes');
    expect(await get(`${HARNESS_LIBRARY_PATH}${sha}?key=${encodeURIComponent(harness.key)}`)).toBe(200);
    expect(await get(`${HARNESS_LIBRARY_PATH}${sha}`)).toBe(403);
    expect(await get(`${HARNESS_LIBRARY_PATH}${sha}?key=wrong`)).toBe(403);
    expect(await get(`${HARNESS_LIBRARY_PATH}..%2Foutbox.db?key=${encodeURIComponent(harness.key)}`)).toBe(404);
    expect(await get(`${HARNESS_LIBRARY_PATH}${'2e'.repeat(32)}?key=${encodeURIComponent(harness.key)}`)).toBe(404);
  });
});
