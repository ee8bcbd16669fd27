import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, type ManualClock } from '../../../../src/main/core/ports/doubles';
import { createYouTubeAdapter } from '../../../../src/main/platforms/youtube/publish';
import type { YouTubeFake } from '../../../fakes/youtube';
import type { TestCore } from '../../../support/core';
import { makeVideo } from '../../../support/videos';
import { noSleep } from './helpers';

/** The YouTube module's adapter with waits that return at once (the fake's clock is the test's). */
export function testAdapter(options: { chunkSize?: number } = {}) {
  return createYouTubeAdapter({ sleep: noSleep, retry: { baseDelayMs: 1, maxDelayMs: 5 }, processingPollMs: 5_000, processingWaitMs: 20_000, ...options });
}

/** What makeTestCore needs to reach the fake and use the test adapter. */
export function youtubeCoreOptions(fake: YouTubeFake, adapter = testAdapter()) {
  return {
    platforms: { youtube: { apiBase: fake.url, authBase: fake.url, tokenBase: fake.url, redirectPort: '0' } },
    modules: { youtube: { publisher: adapter, scheduler: adapter.remote } },
  };
}

/** Connects the fake's channel through accounts:connect (the engine's own PKCE loopback flow; this plays the browser). */
export async function connectYouTube(t: TestCore, fake: YouTubeFake): Promise<string> {
  const app = await t.core.invoke('accounts:setAppCredentials', { platform: 'youtube', clientId: fake.clientId, clientSecret: fake.clientSecret });
  if (!app.ok) throw new Error(app.error.message);
  const opened = t.browser.next();
  const answer = t.core.invoke('accounts:connect', { platform: 'youtube' });
  const consent = await fetch(await opened, { redirect: 'manual' });
  await fetch(consent.headers.get('location')!);
  const connected = await answer;
  if (!connected.ok || connected.value.status !== 'connected') throw new Error(`not connected: ${JSON.stringify(connected)}`);
  return connected.value.account.id;
}

/** A small real MP4 and a cover PNG in `dir`. */
export async function makeMedia(dir: string): Promise<{ video: string; cover: string }> {
  const video = await makeVideo(join(dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 90, fps: 10 });
  const cover = join(dir, 'cover.png');
  writeFileSync(cover, await sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 250, g: 180, b: 20 } } }).png().toBuffer());
  return { video, cover };
}

/** Imports the video and its cover; the part media of a post. */
export async function importMedia(t: TestCore, files: { video: string; cover: string }) {
  const video = await t.core.invoke('media:import', { path: files.video });
  const cover = await t.core.invoke('media:import', { path: files.cover });
  if (!video.ok || !cover.ok) throw new Error('import failed');
  return [{ mediaId: video.value.id, altText: '', cover: { atMs: null, mediaId: cover.value.id } }];
}

/** Turns of the event loop and a little real time for sockets and disk, the clock standing still. */
export async function io(ms = 10) {
  await flushPromises(5);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await flushPromises(5);
}

/** Moves the clock in steps, letting real sockets answer between them. */
export async function run(clock: ManualClock, ms: number, step = 30_000) {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done));
    await io(2);
  }
  await clock.advance(0);
  await io();
}

/** Waits (on real I/O, the clock standing still) until `check` holds. */
export async function until(clock: ManualClock, check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(0);
    await io();
  }
}

export async function getPost(t: TestCore, id: string): Promise<Post> {
  const got = await t.core.invoke('posts:get', { id });
  if (!got.ok) throw new Error(got.error.message);
  return got.value;
}

/** The fake's videos that went public (what viewers see). */
export const publicVideos = (fake: YouTubeFake) => [...fake.videos.values()].filter((v) => v.status.privacyStatus !== 'private');

export function expectOk<T>(answer: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!answer.ok) expect.fail(answer.error.message);
  return answer.value;
}

/**
 * A real MP4 (so the library imports it as a video) grown to `size` bytes by a `free` box of
 * random bytes after its movie: players and ffprobe skip it, an upload carries every byte.
 * Streamed to disk; resolves with the file's sha256.
 */
export async function paddedVideo(clip: string, path: string, size: number): Promise<string> {
  const head = readFileSync(clip);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(head);
  const payload = size - head.length - 8;
  const box = Buffer.alloc(8);
  box.writeUInt32BE(payload + 8, 0);
  box.write('free', 4, 'latin1');
  await write(box);
  for (let left = payload; left > 0; left -= 1 << 20) await write(randomBytes(Math.min(1 << 20, left)));
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}
