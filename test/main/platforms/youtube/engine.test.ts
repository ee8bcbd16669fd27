// A 300 MB video to YouTube through the engine: the connection drops twice and the engine process
// is SIGKILLed in the middle of the upload; the next start reconciles the entry by asking the
// upload session what it holds and goes on from there. One session, one video, every byte once,
// and the sha256 of what the fake received is the file's.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCore } from '../../../../src/main/core/create-core';
import { FakeNetwork, FakePower, ManualClock, MemorySecretStore, RecordingBrowser, RecordingNotifier } from '../../../../src/main/core/ports/doubles';
import { startYouTubeFake } from '../../../fakes/youtube';
import { tempDir } from '../../../support/core';
import { youtubeDiscovery } from '../../../support/google-discovery';
import { makeVideo } from '../../../support/videos';
import { connectYouTube, expectOk, getPost, paddedVideo, testAdapter, until, youtubeCoreOptions } from './engine-helpers';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../../..');
const migrationsDir = join(root, 'src/main/core/db/migrations');
const bundleDir = join(root, 'node_modules/.cache', `outbox-youtube-engine-${process.pid}`);
const bundle = join(bundleDir, 'child.mjs');
const MiB = 1024 * 1024;
const SIZE = 300 * MiB;
const work = tempDir('outbox-youtube-engine-');
let file: string;
let sha: string;

beforeAll(async () => {
  mkdirSync(bundleDir, { recursive: true });
  // Packages stay outside the bundle (resolved from node_modules at run time, native ones included).
  buildSync({ entryPoints: [join(here, 'engine-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bundle, logLevel: 'error' });
  const clip = await makeVideo(join(work.dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 90, fps: 10 });
  file = join(work.dir, 'big.mp4');
  sha = await paddedVideo(clip, file, SIZE);
}, 60_000);

afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  work.remove();
});

it('300 MB: two dropped connections and a SIGKILL mid-upload; the next start resumes the session: one video, every byte once, the sha256 matches', async () => {
  const drops: number[] = [];
  const fake = await startYouTubeFake({
    dir: work.dir,
    keepBytes: false,
    processingMs: 0,
    // One drop before the kill, one after the restart, each in the middle of a chunk.
    dropAfter: ({ offset }) => {
      if (drops.length === 0 && offset >= 48 * MiB) return drops.push(offset), 3 * MiB + 17;
      if (drops.length === 1 && offset >= 200 * MiB) return drops.push(offset), 5 * MiB + 3;
      return undefined;
    },
  });
  const dataDir = join(work.dir, 'data');
  mkdirSync(dataDir);
  const secrets = new MemorySecretStore();
  const doubles = () => ({ secrets, notifier: new RecordingNotifier(), power: new FakePower(), openBrowser: new RecordingBrowser().open });
  try {
    // Set up with an engine that cannot publish (offline): the account (through the OAuth flow),
    // the video and its cover in the library, the post to publish now.
    const browser = new RecordingBrowser();
    const setupClock = new ManualClock(Date.now());
    const setup = await createCore({ dataDir, clock: setupClock, ...doubles(), openBrowser: browser.open, network: new FakeNetwork(false), ...youtubeCoreOptions(fake) });
    const account = await connectYouTube({ core: setup, browser } as never, fake);
    const video = expectOk(await setup.invoke('media:import', { path: file }));
    expect(video).toMatchObject({ kind: 'video', bytes: SIZE, sha256: sha });
    const created = expectOk(
      await setup.invoke('posts:create', {
        parts: [{ text: 'The whole walk, uncut.', media: [{ mediaId: video.id, altText: '' }] }],
        targets: [{ accountId: account, settings: { title: 'Coast walk (full)', madeForKids: false } }],
        schedule: { mode: 'now' },
      }),
    );
    const postId = created.post.id;
    await setup.close();
    const stored = JSON.parse((await secrets.get(`account:${account}`))!) as { secrets: Record<string, unknown> };

    // The engine in its own process, killed once about half the bytes have arrived.
    const child = spawn(process.execPath, [bundle, dataDir, migrationsDir, fake.url, JSON.stringify(stored.secrets)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const killer = setInterval(() => {
      if (fake.uploads.bytesReceived > 150 * MiB) child.kill('SIGKILL');
    }, 1);
    const signal = await exited;
    clearInterval(killer);
    expect(signal, stderr).toBe('SIGKILL');
    expect(drops).toHaveLength(1);
    expect(fake.videos.size).toBe(0);
    const held = fake.sessions()[0]!.received;
    expect(held).toBeGreaterThan(150 * MiB);
    expect(held).toBeLessThan(SIZE);

    // The next start: the entry is found publishing with its attempt open, and reconciled.
    const clock = new ManualClock(Date.now());
    const core = await createCore({ dataDir, clock, ...doubles(), network: new FakeNetwork(true), ...youtubeCoreOptions(fake, testAdapter()) });
    try {
      await until(clock, async () => (await getPost({ core } as never, postId)).status === 'published', 'the resumed upload', 120_000);
      const post = await getPost({ core } as never, postId);
      const [only] = [...fake.videos.values()];
      expect(fake.videos.size).toBe(1);
      expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: only!.id, platformUrl: fake.watchUrl(only!.id) });
      expect(only!.snippet).toMatchObject({ title: 'Coast walk (full)', description: 'The whole walk, uncut.' });
      expect(post.entries[0]!.attempts.map((a) => a.outcome)).toContain('reconciled');
      expect(drops).toHaveLength(2);
      expect(fake.uploads).toMatchObject({ sessionsStarted: 1, completed: 1, misplaced: 0, drops: 2, bytesReceived: SIZE });
      expect(fake.sessions()[0]).toMatchObject({ complete: true, received: SIZE, sha256: sha });
      expect(only!.sha256).toBe(sha);
      expect(youtubeDiscovery().validateExchanges(fake.exchanges)).toEqual([]);
      console.log('[youtube engine test]', JSON.stringify(fake.uploads));
    } finally {
      await core.close();
    }
  } finally {
    await fake.close();
  }
}, 180_000);

