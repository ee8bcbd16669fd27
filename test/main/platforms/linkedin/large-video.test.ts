// A 200 MB video to X, LinkedIn and a LinkedIn Page through the engine, with connections dropped
// in the middle of upload requests on each platform: every upload resumes (only the interrupted
// segment or part crosses again), each platform ends with one video whose bytes are the file's,
// and one post. The file is a real MP4 (ffmpeg, 4 s) followed by a `free` box of random bytes up to
// 200 MB: players and ffprobe skip such a box, so it imports as an H.264 video. It is written in
// pieces under the temp folder, streamed by the uploads, and removed afterwards. One such test per
// file (brief: keep it under ~30 s).
import { createHash } from 'node:crypto';
import { createWriteStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { createLinkedInAdapter } from '../../../../src/main/platforms/linkedin/posts';
import { createXAdapter } from '../../../../src/main/platforms/x/publish';
import { startLinkedInFake, type LinkedInFake } from '../../../fakes/linkedin';
import { startXFake, type XFake } from '../../../fakes/x';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { makeVideo } from '../../../support/videos';
import { settlePost, xSpecProblems } from '../x/helpers';
import { connectAll, instant } from './helpers';

const MB = 1024 * 1024;
const SIZE = 200 * MB;
const files = tempDir('outbox-200mb-');
let x: XFake;
let li: LinkedInFake;
let t: TestCore;
let path: string;
let sha: string;
const clock = new ManualClock(Date.parse('2026-06-10T07:00:00Z'));
let xAppends = 0;
let liPuts = 0;

/** A real MP4, then a top-level `free` box filling the file up to `size` bytes. */
async function bigVideo(target: string, size: number): Promise<string> {
  const small = await makeVideo(join(files.dir, 'small.mp4'), { container: 'mp4', seconds: 4, width: 320, height: 240 });
  const head = await readFile(small);
  const padding = size - head.length;
  const box = Buffer.alloc(8);
  box.writeUInt32BE(padding, 0);
  box.write('free', 4, 'latin1');
  const hash = createHash('sha256');
  const out = createWriteStream(target);
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(head);
  await write(box);
  for (let left = padding - 8; left > 0; ) {
    const piece = randomBytes(Math.min(8 * MB, left));
    await write(piece);
    left -= piece.length;
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

beforeAll(async () => {
  path = join(files.dir, 'talk.mp4');
  sha = await bigVideo(path, SIZE);
  // X drops the 3rd APPEND after 1 MB; LinkedIn drops its 5th and 40th part PUTs midway.
  x = await startXFake({ now: () => clock.now(), dropAppendAfter: () => (++xAppends === 3 ? MB : undefined) });
  li = await startLinkedInFake({ now: () => clock.now(), dropPartAfter: () => (++liPuts === 5 || liPuts === 40 ? 2 * MB : undefined) });
  const linkedin = { apiBase: li.url, authBase: li.url, redirectPort: '0' };
  t = await makeTestCore({
    clock,
    platforms: { x: { apiBase: x.url, authBase: x.url, redirectPort: '0' }, linkedin, 'linkedin-page': linkedin },
    adapters: { x: createXAdapter(instant), linkedin: createLinkedInAdapter('linkedin', instant), 'linkedin-page': createLinkedInAdapter('linkedin-page', instant) },
  });
}, 120_000);

afterAll(async () => {
  await t?.dispose();
  await x?.close();
  await li?.close();
  files.remove();
});

it('a 200 MB video with connections dropped mid-upload reaches X, LinkedIn and the Page once each, byte for byte', async () => {
  const { xId, memberId, pageId } = await connectAll(t, x, li);
  const imported = await t.core.invoke('media:import', { path });
  if (!imported.ok) throw new Error(imported.error.message);
  expect(imported.value).toMatchObject({ kind: 'video', bytes: SIZE, videoCodec: 'h264', container: 'mp4' });
  expect(statSync(path).size).toBe(SIZE);

  const created = await t.core.invoke('posts:create', {
    parts: [{ text: 'The whole talk, 200 MB of it', media: [{ mediaId: imported.value.id, altText: '' }] }],
    targets: [{ accountId: xId }, { accountId: memberId }, { accountId: pageId }],
    schedule: { mode: 'at', at: new Date(clock.now() + 5 * 60_000).toISOString() },
  });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const progress: number[] = [];
  t.core.on('publish:progress', (e) => progress.push(e.sent));
  const post = await settlePost(t, created.value.post.id);
  expect(post.entries.map((e) => [e.platform, e.status, e.errorMessage])).toEqual([
    ['x', 'published', null],
    ['linkedin', 'published', null],
    ['linkedin-page', 'published', null],
  ]);
  expect(post.status).toBe('published');

  // X: one video upload, every segment stored once (a dropped APPEND stores nothing), the file's bytes.
  expect(x.stats.drops).toBe(1);
  const xVideos = [...x.uploads.values()].filter((u) => u.category === 'tweet_video');
  expect(xVideos).toHaveLength(1);
  expect([...xVideos[0]!.appends.values()].every((n) => n === 1)).toBe(true);
  expect(await x.sha256(xVideos[0]!.id)).toBe(sha);
  expect(x.posts).toHaveLength(1);
  expect(x.posts[0]!.mediaIds).toEqual([xVideos[0]!.id]);

  // LinkedIn: one video per author, each dropped part sent again (two PUTs), the others once.
  expect(li.stats.drops).toBe(2);
  const liVideos = [...li.assets.values()].filter((a) => a.kind === 'video');
  expect(liVideos.map((v) => v.owner).sort()).toEqual(['urn:li:organization:111', 'urn:li:person:li-member-1']);
  for (const video of liVideos) {
    expect(video).toMatchObject({ status: 'AVAILABLE', finalized: true, size: SIZE });
    expect(await li.sha256(video.urn)).toBe(sha);
  }
  expect(liVideos.flatMap((v) => v.parts.map((p) => p.puts)).every((n) => n === 1)).toBe(true);
  const tries = liVideos.flatMap((v) => v.parts.map((p) => p.tries));
  expect(tries.filter((n) => n === 2)).toHaveLength(2);
  expect(tries.every((n) => n === 1 || n === 2)).toBe(true);
  expect(li.posts.map((p) => (p.content as { media: { id: string } }).media.id).sort()).toEqual(liVideos.map((v) => v.urn).sort());
  expect(progress.length).toBeGreaterThan(100);
  expect(xSpecProblems(x.exchanges)).toEqual([]);
}, 90_000);
