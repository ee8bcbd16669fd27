// Video covers through the engine: a real MP4 (made with ffmpeg), a frame of it drawn as an image
// (as the composer draws it from the <video> element) and imported, stored in the part's media
// `cover`; the frame time and the image reach the adapter's PublishMedia.cover; duplicates keep
// the cover; bad covers are refused naming the field and change nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartMedia } from '../../../../src/shared/domain';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import type { PlatformAdapter, PublishContext, PublishMedia } from '../../../../src/main/platforms/types';
import { makeTestCore, snapshotDatabase, tempDir, type TestCore } from '../../../support/core';
import { PublishingFixture, TestCredentials } from '../../../support/publishing-fixture';
import { ffmpeg, makeVideo } from '../../../support/videos';

const files = tempDir('outbox-covers-');
let t: TestCore;
let fx: PublishingFixture;
let clock: ManualClock;
/** What the adapter received, per publish. */
const received: PublishMedia[][] = [];
let video: { id: string; durationMs: number | null; width: number | null; height: number | null };
let frame: { id: string; sha256: string };
let picture: { id: string };
let account: string;

const adapter: PlatformAdapter = {
  platform: 'bluesky',
  idempotent: true,
  async publish(ctx: PublishContext) {
    received.push(ctx.parts.flatMap((p) => p.media));
    return { platformPostId: `p${received.length}`, platformUrl: 'https://example.test/p' };
  },
};

async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  const connectors = { bluesky: { platform: 'bluesky', connect: async () => Promise.reject(new Error('no')), check: async () => ({ connection: 'connected' as const }) } };
  t = await makeTestCore({ clock, adapters: { bluesky: adapter }, credentials: new TestCredentials(() => fx), connectors: connectors as never });
  fx = new PublishingFixture(t.dataDir, t.secrets);
  account = fx.account('bluesky');
  const mp4 = await makeVideo(join(files.dir, 'clip.mp4'), { container: 'mp4', seconds: 3, width: 320, height: 240, fps: 25 });
  video = await value(t.core.invoke('media:import', { path: mp4 }));
  // The frame at 1.5 s, as a JPEG: what the composer's canvas gives.
  const still = join(files.dir, 'frame.jpg');
  await ffmpeg(['-ss', '1.5', '-i', mp4, '-frames:v', '1', '-q:v', '3', still]);
  frame = await value(t.core.invoke('media:import', { path: still }));
  const own = join(files.dir, 'own-cover.png');
  await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#ff8800' } }).png().toFile(own);
  picture = await value(t.core.invoke('media:import', { path: own }));
}, 60_000);

afterAll(async () => {
  fx?.close();
  await t?.dispose();
  files.remove();
});

async function publish(media: PartMedia[]): Promise<PublishMedia[]> {
  const before = received.length;
  const post = await value(t.core.invoke('posts:create', { parts: [{ text: 'with a cover', media }], targets: [{ accountId: account }], schedule: { mode: 'now' } }));
  await clock.advance(1);
  await expect.poll(async () => (await value(t.core.invoke('posts:get', { id: post.post.id }))).status, { timeout: 10_000 }).toBe('published');
  expect(received.length).toBe(before + 1);
  return received.at(-1)!;
}

describe('video covers', () => {
  it('a frame cover: its time and the drawn image reach PublishMedia.cover', async () => {
    expect(video).toMatchObject({ width: 320, height: 240 });
    expect(video.durationMs).toBeGreaterThanOrEqual(2900);
    const [sent] = await publish([{ mediaId: video.id, altText: 'a test pattern', cover: { atMs: 1500, mediaId: frame.id } }]);
    expect(sent!.kind).toBe('video');
    expect(sent!.cover).toEqual({ atMs: 1500, image: { path: expect.any(String), mime: 'image/jpeg', width: 320, height: 240, bytes: expect.any(Number) } });
    // The image is the library's copy of the drawn frame, byte for byte.
    expect(createHash('sha256').update(readFileSync(sent!.cover!.image!.path)).digest('hex')).toBe(frame.sha256);
  });

  it("an image of the creator's own as the cover: no frame time", async () => {
    const [sent] = await publish([{ mediaId: video.id, altText: '', cover: { atMs: null, mediaId: picture.id } }]);
    expect(sent!.cover).toEqual({ atMs: null, image: expect.objectContaining({ mime: 'image/png', width: 1280, height: 720 }) });
  });

  it('a frame time alone (TikTok takes the time only), and no cover at all', async () => {
    expect((await publish([{ mediaId: video.id, altText: '', cover: { atMs: 2000, mediaId: null } }]))[0]!.cover).toEqual({ atMs: 2000, image: null });
    expect((await publish([{ mediaId: video.id, altText: '' }]))[0]!.cover).toBeNull();
  });

  it('a duplicate keeps the cover; the cover image cannot be deleted while a post uses it', async () => {
    const created = await value(t.core.invoke('posts:create', { parts: [{ text: 'draft', media: [{ mediaId: video.id, altText: '', cover: { atMs: 1500, mediaId: frame.id } }] }], schedule: { mode: 'draft' } }));
    const copy = await value(t.core.invoke('posts:duplicate', { id: created.post.id }));
    expect(copy.id).not.toBe(created.post.id);
    expect(copy.parts[0]!.media[0]!.cover).toEqual({ atMs: 1500, mediaId: frame.id });
    const refused = await t.core.invoke('media:delete', { id: frame.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(created.post.id) } });
  });

  it('bad covers are refused naming the field, and change nothing', async () => {
    const db = join(t.dataDir, 'outbox.db');
    const before = snapshotDatabase(db);
    const attempt = (media: unknown) => t.core.invoke('posts:create', { parts: [{ text: 'x', media: [media] }], schedule: { mode: 'draft' } } as never);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ mediaId: frame.id, altText: '', cover: { atMs: 0, mediaId: picture.id } }, 'parts.0.media.0.cover', /only a video has a cover/],
      [{ mediaId: video.id, altText: '', cover: { atMs: null, mediaId: 'no-such-media' } }, 'parts.0.media.0.cover.mediaId', /no media library item/],
      [{ mediaId: video.id, altText: '', cover: { atMs: null, mediaId: video.id } }, 'parts.0.media.0.cover.mediaId', /must be an image/],
      [{ mediaId: video.id, altText: '', cover: { atMs: 60_000, mediaId: null } }, 'parts.0.media.0.cover.atMs', /video is 3\.\d s long/],
      [{ mediaId: video.id, altText: '', cover: { atMs: null, mediaId: null } }, 'parts.0.media.0.cover', /frame time or an image/],
      [{ mediaId: video.id, altText: '', cover: { atMs: -5, mediaId: null } }, 'parts.0.media.0.cover.atMs', /./],
    ];
    for (const [media, path, message] of cases) {
      const result = await attempt(media);
      expect(result, path).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path, message: expect.stringMatching(message) }] } });
    }
    // posts:validate refuses them the same way.
    expect(await t.core.invoke('posts:validate', { parts: [{ text: 'x', media: [{ mediaId: frame.id, altText: '', cover: { atMs: 0, mediaId: null } }] }], targets: [{ accountId: account }] })).toMatchObject({
      ok: false,
      error: { issues: [{ path: 'parts.0.media.0.cover' }] },
    });
    expect(snapshotDatabase(db)).toBe(before);
  });
});
