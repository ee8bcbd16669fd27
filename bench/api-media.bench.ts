// Memory of the API while media are imported: three concurrent requests, each naming a 99 MB
// file (issue 20 measured 264 MB -> 1.7 GB when media were read into memory). Prints the peak
// RSS and heap+buffers above the start, and the wall time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listenApiServer } from '../src/main/api/server';
import { createCore } from '../src/main/core/create-core';
import { MemorySecretStore } from '../src/main/core/ports/doubles';

const MB = 1024 * 1024;

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-media-'));
  const home = mkdtempSync(join(tmpdir(), 'outbox-bench-home-'));
  const secrets = new MemorySecretStore();
  const core = await createCore({ dataDir: dir, secrets });
  const token = await core.invoke('api:regenerateToken');
  if (!token.ok) throw new Error(token.error.message);
  const server = await listenApiServer({ core, secrets, port: 0, homeDir: home });
  // An MP4 signature (ftyp) then distinct filler: three different 99 MB videos.
  const head = Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex');
  const urls = [0, 1, 2].map((i) => {
    const body = Buffer.alloc(99 * MB, i + 1);
    head.copy(body);
    writeFileSync(join(home, `clip-${i}.mp4`), body);
    return pathToFileURL(join(home, `clip-${i}.mp4`)).href;
  });
  const post = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ content: 'a video', media: { video: { url } } });
      const req = request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/v1/posts', headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token.value.token}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = 0;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss - base.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers - base.heapUsed - base.arrayBuffers);
    }, 5);
    const started = performance.now();
    const statuses = await Promise.all(urls.map(post));
    const ms = performance.now() - started;
    clearInterval(sampler);
    console.log(`3 concurrent POST /v1/posts with 99 MB file:// videos: statuses ${statuses.join(', ')}, ${ms.toFixed(0)} ms`);
    console.log(`  peak RSS above start: ${(peakRss / MB).toFixed(1)} MB; peak heap + buffers above start: ${(peakHeap / MB).toFixed(1)} MB (start RSS ${(base.rss / MB).toFixed(0)} MB)`);
  } finally {
    await server.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
