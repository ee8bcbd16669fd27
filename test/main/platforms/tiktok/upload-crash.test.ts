// A 300 MB video to TikTok through the engine, the hard way: the engine runs in a child process
// (the shipped TikTok adapter, the real database), the fake drops the connection twice in the
// middle of chunks, and the engine is SIGKILLed once in the middle of the upload and started
// again on the same folder. It must resume (one init, no chunk stored twice), post one video,
// and the file TikTok assembled must have the source's sha256.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCore } from '../../../../src/main/core/create-core';
import { FakeNetwork, MemorySecretStore } from '../../../../src/main/core/ports/doubles';
import { startTiktokFake } from '../../../fakes/tiktok';
import { tempDir } from '../../../support/core';
import { paddedVideo } from '../../../support/padded-video';
import { PublishingFixture } from '../../../support/publishing-fixture';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../../..');
const migrationsDir = join(root, 'src/main/core/db/migrations');
const bundleDir = join(root, 'node_modules/.cache', `outbox-tiktok-crash-${process.pid}`);
const bundle = join(bundleDir, 'child.mjs');
const MiB = 1024 * 1024;
const SIZE = 300 * MiB;
const work = tempDir('outbox-tiktok-crash-');

beforeAll(() => {
  mkdirSync(bundleDir, { recursive: true });
  buildSync({
    entryPoints: [join(here, 'engine-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'sharp'],
    outfile: bundle,
    logLevel: 'error',
    banner: { js: "import { createRequire as __outboxRequire } from 'node:module'; const require = __outboxRequire(import.meta.url);" },
  });
});
afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  work.remove();
});

function startChild(args: string[]) {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code, signal) => signal === null && reject(new Error(`child exited ${code} before ready: ${stderr}`)));
  });
  ready.catch(() => {});
  return { child, ready, exited, stderr: () => stderr };
}

const until = async (what: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

it('300 MB with the connection dropped twice and one SIGKILL mid-upload: resumed, one video, the sha256 matches', async () => {
  const source = join(work.dir, 'long-take.mp4');
  const sha = await paddedVideo(source, SIZE);
  const dataDir = join(work.dir, 'data');
  mkdirSync(dataDir);
  let drops = 0;
  // Chunks 4 and 22 (of 30) are cut 3 MiB in.
  const fake = await startTiktokFake({ dir: work.dir, dropChunk: ({ index }) => ((index === 4 || index === 22) && drops++ < 2 ? 3 * MiB : undefined) });
  try {
    const token = fake.grant().accessToken;
    // The post, written with an engine that cannot publish (offline), then closed.
    const setup = await createCore({ dataDir, secrets: new MemorySecretStore(), network: new FakeNetwork(false) });
    const fx = new PublishingFixture(dataDir);
    const accountId = fx.account('tiktok', '@tiktoker');
    const imported = await setup.invoke('media:import', { path: source });
    if (!imported.ok) throw new Error(imported.error.message);
    rmSync(source); // the library keeps its own copy; this one is not needed any more
    const created = await setup.invoke('posts:create', {
      parts: [{ text: 'The long take', media: [{ mediaId: imported.value.id, altText: '' }] }],
      targets: [{ accountId, settings: { privacyLevel: 'SELF_ONLY' } }],
      schedule: { mode: 'at', at: new Date(Date.now() + 1000).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    await setup.close();

    const args = [dataDir, fake.url, migrationsDir, token];
    // Killed once half the file has crossed, wherever a chunk is then.
    const first = startChild(args);
    await first.ready;
    await until(() => fake.stats.bytesReceived > SIZE / 2, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fake.posts).toHaveLength(0);

    const second = startChild(args);
    await second.ready;
    const db = new Database(join(dataDir, 'outbox.db'), { readonly: true });
    const status = () => (db.prepare('SELECT status FROM posts WHERE id = ?').get(created.value.post.id) as { status: string }).status;
    try {
      await until(() => !['scheduled', 'publishing'].includes(status()), 60_000);
      expect(status()).toBe('published');
      const entry = db.prepare('SELECT platform_post_id, error_message FROM entries WHERE post_id = ?').get(created.value.post.id) as { platform_post_id: string; error_message: string | null };
      expect(entry).toEqual({ platform_post_id: fake.posts[0]!.publishId, error_message: null });
    } finally {
      db.close();
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toBe('');

    expect(fake.stats.drops).toBe(2);
    expect(fake.stats.inits).toBe(1); // resumed after the kill, never started over
    expect(fake.posts).toHaveLength(1);
    expect(fake.posts[0]!.sha256).toBe(sha);
    const publish = [...fake.publishes.values()][0]!;
    // Every chunk stored exactly once; what crossed twice is at most the chunks cut or in flight.
    expect([...publish.chunkPuts.values()]).toEqual(Array.from({ length: 30 }, () => 1));
    expect(fake.stats.bytesReceived).toBeLessThan(SIZE + 3 * 10 * MiB);
    console.log('[tiktok upload crash]', JSON.stringify(fake.stats));
    fx.close();
  } finally {
    await fake.close();
  }
}, 120_000);
