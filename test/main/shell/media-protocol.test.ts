// The page's library file server (outbox-media: in Electron, /library/ in the harness): whole
// files, byte ranges as Chromium asks them when it seeks a video, refusals for anything that is
// not a content-addressed file of the library.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRange, serveLibraryFile } from '../../../src/main/shell/media-protocol';
import { tempDir } from '../../support/core';

const dir = tempDir('outbox-library-');
const media = join(dir.dir, 'media');
mkdirSync(media);
const sha = 'c0ffee'.padEnd(64, '0');
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
writeFileSync(join(media, `${sha}.webm`), bytes);
writeFileSync(join(dir.dir, 'outbox.db'), 'the database');
afterAll(() => dir.remove());

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => serveLibraryFile(new Request(url, { method, headers }), media);

describe('serveLibraryFile', () => {
  it('answers the whole file with its type, length and ranges advertised', async () => {
    const answer = await get(`outbox-media://library/${sha}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('video/webm');
    expect(answer.headers.get('content-length')).toBe('1000');
    expect(answer.headers.get('accept-ranges')).toBe('bytes');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers ranges with 206 and exactly the bytes asked (open-ended and suffix too); 416 beyond the end', async () => {
    const middle = await get(`outbox-media://library/${sha}`, { Range: 'bytes=100-199' });
    expect([middle.status, middle.headers.get('content-range'), middle.headers.get('content-length')]).toEqual([206, 'bytes 100-199/1000', '100']);
    expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await get(`outbox-media://library/${sha}`, { Range: 'bytes=990-' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(990))).toBe(true);
    const suffix = await get(`outbox-media://library/${sha}`, { Range: 'bytes=-10' });
    expect(suffix.headers.get('content-range')).toBe('bytes 990-999/1000');
    const beyond = await get(`outbox-media://library/${sha}`, { Range: 'bytes=5000-' });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, 'bytes */1000']);
    const head = await get(`outbox-media://library/${sha}`, { Range: 'bytes=0-1' }, 'HEAD');
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([206, '2', '']);
  });

  it('the harness route (/library/<sha256>) is served the same way', async () => {
    const answer = await get(`http://127.0.0.1:5555/library/${sha}?key=abc`, { Range: 'bytes=0-3' });
    expect(answer.status).toBe(206);
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes.subarray(0, 4))).toBe(true);
  });

  it('nothing but a library file can be named: other paths, traversal, unknown hashes, other methods', async () => {
    for (const url of [`outbox-media://library/${'f'.repeat(64)}`, 'outbox-media://library/../outbox.db', 'outbox-media://library/outbox.db', `outbox-media://elsewhere/${sha}`, `outbox-media://library/${sha.toUpperCase()}`]) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect((await get(`outbox-media://library/${sha}`, {}, 'POST')).status).toBe(405);
  });

  it('parseRange', () => {
    expect(parseRange(null, 10)).toBeNull();
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-0', 10)).toBe('bad');
    expect(parseRange('bytes=7-3', 10)).toBe('bad');
  });
});
