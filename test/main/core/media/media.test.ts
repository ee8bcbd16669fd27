import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore, snapshotDatabase, tempDir, type TestCore } from '../../../support/core';
import { value } from '../posts/helpers';
import { makeVideo } from '../../../support/videos';

let t: TestCore;
let files: ReturnType<typeof tempDir>;
let png: Buffer;
let jpeg: Buffer;
const mp4 = Buffer.concat([Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex'), Buffer.alloc(2048, 7)]);

beforeAll(async () => {
  t = await makeTestCore();
  files = tempDir('outbox-media-src-');
  png = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#336699' } }).png().toBuffer();
  // A portrait photo stored landscape with an EXIF rotation, as phones do.
  jpeg = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#ff0000' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
});
afterAll(async () => {
  await t.dispose();
  files.remove();
});

function file(name: string, bytes: Buffer | string): string {
  const path = join(files.dir, name);
  writeFileSync(path, bytes);
  return path;
}
const stored = () => readdirSync(join(t.dataDir, 'media')).filter((f) => !f.startsWith('.') && f !== 'thumbs');

describe('media:import', () => {
  it('copies the file into the data folder, named by its sha256, with kind, mime, bytes, width and height', async () => {
    const m = value(await t.core.invoke('media:import', { path: file('banner.png', png) }));
    expect(m).toMatchObject({ kind: 'image', mime: 'image/png', bytes: png.length, width: 64, height: 32, durationMs: null });
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored()).toContain(`${m.sha256}.png`);
    expect(value(await t.core.invoke('media:get', { id: m.id }))).toEqual(m);
  });

  it('the real type comes from the bytes, not the extension', async () => {
    const m = value(await t.core.invoke('media:import', { path: file('actually-png.jpg', png) }));
    expect(m.mime).toBe('image/png');
  });

  it('an EXIF-rotated photo reports the size it is shown at', async () => {
    const m = value(await t.core.invoke('media:import', { path: file('phone.jpg', jpeg) }));
    expect([m.mime, m.width, m.height]).toEqual(['image/jpeg', 40, 80]);
  });

  it('the same file twice is stored once', async () => {
    const a = value(await t.core.invoke('media:import', { path: file('one.png', png) }));
    const b = value(await t.core.invoke('media:import', { path: file('two.png', png) }));
    expect(b.id).toBe(a.id);
    expect(stored().filter((f) => f.startsWith(a.sha256))).toHaveLength(1);
  });

  it('a video is detected by its bytes; without a movie header it has no metadata', async () => {
    const m = value(await t.core.invoke('media:import', { path: file('clip.bin', mp4) }));
    expect(m).toMatchObject({ kind: 'video', mime: 'video/mp4', bytes: mp4.length, width: null, height: null, durationMs: null, videoCodec: null, container: null });
  });

  it('videos record their facts from ffprobe: MP4 H.264/AAC, MOV, WebM VP9, a rotated phone video', async () => {
    const mp4File = await makeVideo(join(files.dir, 'talk.mp4'), { container: 'mp4', seconds: 2, width: 640, height: 360, fps: 30 });
    const movFile = await makeVideo(join(files.dir, 'clip.mov'), { container: 'mov', seconds: 1, width: 320, height: 240, fps: 25 });
    const webmFile = await makeVideo(join(files.dir, 'web.webm'), { container: 'webm', seconds: 1, width: 320, height: 180, fps: 24 });
    const phoneFile = await makeVideo(join(files.dir, 'phone.mp4'), { container: 'mp4', seconds: 1, width: 640, height: 360, rotate: 90 });
    const talk = value(await t.core.invoke('media:import', { path: mp4File }));
    expect(talk).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 640, height: 360, frameRate: 30, videoCodec: 'h264', audioCodec: 'aac', container: 'mp4', rotation: 0 });
    expect(talk.durationMs).toBeGreaterThanOrEqual(1_950);
    expect(value(await t.core.invoke('media:import', { path: movFile }))).toMatchObject({ mime: 'video/quicktime', container: 'mov', frameRate: 25, videoCodec: 'h264' });
    const web = value(await t.core.invoke('media:import', { path: webmFile }));
    expect(web).toMatchObject({ mime: 'video/webm', container: 'webm', videoCodec: 'vp9', audioCodec: 'opus', width: 320, height: 180 });
    expect(web.durationMs).toBeGreaterThan(900);
    expect(value(await t.core.invoke('media:import', { path: phoneFile }))).toMatchObject({ width: 360, height: 640 });
    // The facts survive a read back from the database.
    expect(value(await t.core.invoke('media:get', { id: web.id }))).toEqual(web);
  });

  it('images record frames, transparency actually used and colour space', async () => {
    const frames = Buffer.alloc(20 * 30 * 4, 255);
    for (let i = 0; i < frames.length; i += 4) frames[i] = Math.floor(i / (20 * 10 * 4)) * 100; // each frame its own red
    const gif = await sharp(frames, { raw: { width: 20, height: 30, channels: 4, pageHeight: 10 } }).gif().toBuffer();
    const anim = value(await t.core.invoke('media:import', { path: file('anim.gif', gif) }));
    expect(anim).toMatchObject({ mime: 'image/gif', frames: 3, width: 20, height: 10, hasAlpha: false });
    const clear = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect(value(await t.core.invoke('media:import', { path: file('clear.png', clear) }))).toMatchObject({ hasAlpha: true, frames: 1, colorSpace: 'srgb' });
  });

  it('an unsupported file is a validation error naming the file, and nothing changes', async () => {
    const db = join(t.dataDir, 'outbox.db');
    const before = snapshotDatabase(db);
    const beforeFiles = stored();
    for (const [name, bytes] of [
      ['notes.txt', 'just some text'],
      ['doc.pdf', '%PDF-1.4 not media'],
      ['empty.png', ''],
    ] as const) {
      const r = await t.core.invoke('media:import', { path: file(name, bytes) });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('validation');
        expect(r.error.message).toContain(name);
        expect(r.error.issues?.[0]?.path).toBe('path');
      }
    }
    expect(snapshotDatabase(db)).toBe(before);
    expect(stored()).toEqual(beforeFiles);
  });

  it('a damaged image is a validation error naming the file', async () => {
    const broken = Buffer.concat([png.subarray(0, 40)]);
    const r = await t.core.invoke('media:import', { path: file('broken.png', broken) });
    expect(!r.ok && r.error.code).toBe('validation');
    expect(!r.ok && r.error.message).toContain('broken.png');
  });

  it('an unreadable or missing file is a validation error naming the file', async () => {
    const missing = await t.core.invoke('media:import', { path: join(files.dir, 'nowhere.jpg') });
    expect(!missing.ok && missing.error.message).toContain('nowhere.jpg');
    const dir = join(files.dir, 'folder.png');
    mkdirSync(dir);
    const folder = await t.core.invoke('media:import', { path: dir });
    expect(!folder.ok && folder.error.code).toBe('validation');
    if (process.getuid?.() !== 0) {
      const locked = file('locked.png', png);
      chmodSync(locked, 0o000);
      const r = await t.core.invoke('media:import', { path: locked });
      expect(!r.ok && r.error.message).toContain('locked.png');
    }
  });

  it('a relative path is refused', async () => {
    const r = await t.core.invoke('media:import', { path: 'photo.png' });
    expect(!r.ok && r.error.code).toBe('validation');
  });
});

describe('media:importData', () => {
  it('imports base64 bytes (or a data: URL) the same way', async () => {
    const fresh = await sharp({ create: { width: 10, height: 20, channels: 4, background: '#00000000' } }).webp().toBuffer();
    const m = value(await t.core.invoke('media:importData', { name: 'drop.webp', data: fresh.toString('base64') }));
    expect(m).toMatchObject({ kind: 'image', mime: 'image/webp', width: 10, height: 20, bytes: fresh.length });
    const again = value(await t.core.invoke('media:importData', { name: 'same.webp', data: `data:image/webp;base64,${fresh.toString('base64')}` }));
    expect(again.id).toBe(m.id);
  });

  it('bad base64 or an unsupported type is a validation error naming the file', async () => {
    const bad = await t.core.invoke('media:importData', { name: 'x.png', data: '###' });
    expect(!bad.ok && bad.error.issues?.[0]?.path).toBe('data');
    const text = await t.core.invoke('media:importData', { name: 'notes.txt', data: Buffer.from('hello there').toString('base64') });
    expect(!text.ok && text.error.message).toContain('notes.txt');
  });
});

describe('media:get and media:thumbnail', () => {
  it('a missing id is not_found', async () => {
    expect((await t.core.invoke('media:get', { id: 'nope' })).ok).toBe(false);
    const r = await t.core.invoke('media:thumbnail', { id: 'nope' });
    expect(!r.ok && r.error.code).toBe('not_found');
  });

  it('a thumbnail is a small webp data: URL within the asked size', async () => {
    const m = value(await t.core.invoke('media:import', { path: file('thumb-src.png', await sharp({ create: { width: 800, height: 400, channels: 3, background: '#123456' } }).png().toBuffer()) }));
    const { dataUrl } = value(await t.core.invoke('media:thumbnail', { id: m.id, size: 100 }));
    expect(dataUrl.startsWith('data:image/webp;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(dataUrl.split(',')[1]!, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 100, 50]);
    // Served from the cache the second time, identical.
    expect(value(await t.core.invoke('media:thumbnail', { id: m.id, size: 100 })).dataUrl).toBe(dataUrl);
  });

  it('a video gets a placeholder tile', async () => {
    const m = value(await t.core.invoke('media:importData', { name: 'v.mp4', data: mp4.toString('base64') }));
    const { dataUrl } = value(await t.core.invoke('media:thumbnail', { id: m.id, size: 64 }));
    const meta = await sharp(Buffer.from(dataUrl.split(',')[1]!, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);
  });
});
