// TikTok upload figures (`npm run bench -- tiktok`): a 512 MB video published by the TikTok
// adapter (creator_info, FILE_UPLOAD in 10 MiB chunks, status polling) to the Content Posting API
// fake in this same process (which writes and hashes what it receives, so the figures are a floor):
// wall time, throughput, peak RSS growth over the run, and the longest event-loop block.
// The generated file lives under os.tmpdir() and is deleted after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createTiktokAdapter } from '../src/main/platforms/tiktok/publish';
import { startTiktokFake } from '../test/fakes/tiktok';
import { paddedVideo } from '../test/support/padded-video';
import { publishMedia } from '../test/support/publish-media';

const MB = 1024 * 1024;

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-tiktok-'));
  const fake = await startTiktokFake({ dir });
  try {
    const size = 512 * MB;
    const path = join(dir, 'bench.mp4');
    await paddedVideo(path, size);
    const token = fake.grant().accessToken;
    const adapter = createTiktokAdapter({ pollDelaysMs: [50] });
    let state: Record<string, unknown> | null = null;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const start = performance.now();
    await adapter.publish({
      entry: { id: 'bench', postId: 'bench', attemptKey: 'bench', contentType: 'tiktok_video', settings: { privacyLevel: 'SELF_ONLY' } },
      parts: [{ text: 'bench', media: [publishMedia({ mediaId: 'bench', path, kind: 'video', mime: 'video/mp4', bytes: size, durationMs: 3000 })] }],
      account: { id: 'bench', platform: 'tiktok', handle: '@bench', platformUserId: 'bench', instanceUrl: '', meta: {} },
      credentials: { accessToken: token },
      progress: { get: () => state, save: async (s) => void (state = s) },
      endpoints: { apiBase: fake.url },
      signal: new AbortController().signal,
      now: () => Date.now(),
    });
    const ms = performance.now() - start;
    loop.disable();
    clearInterval(sampler);
    console.log(`512 MB to the TikTok fake: ${(ms / 1000).toFixed(2)} s, ${((size / MB) / (ms / 1000)).toFixed(0)} MB/s, peak RSS growth ${((peak - before) / MB).toFixed(1)} MB, longest event-loop block ${(loop.max / 1e6).toFixed(1)} ms, ${fake.stats.chunkPuts} chunk PUTs`);
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
