import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/core';
import { readMp4Info } from './mp4';

const dir = tempDir('outbox-mp4-');
afterAll(() => dir.remove());

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
function mvhd(timescale: number, duration: number): Buffer {
  const b = Buffer.alloc(100);
  b.writeUInt32BE(timescale, 12);
  b.writeUInt32BE(duration, 16);
  return box('mvhd', b);
}
function tkhd(width: number, height: number, rotated = false): Buffer {
  const b = Buffer.alloc(84);
  const matrix = 40;
  // Identity, or a quarter turn (a = 0, b = 1, c = -1, d = 0) as phones write portrait video.
  b.writeInt32BE(rotated ? 0 : 0x10000, matrix);
  b.writeInt32BE(rotated ? 0x10000 : 0, matrix + 4);
  b.writeInt32BE(rotated ? -0x10000 : 0, matrix + 12);
  b.writeInt32BE(rotated ? 0 : 0x10000, matrix + 16);
  b.writeInt32BE(0x40000000, matrix + 32);
  b.writeUInt32BE(width * 65536, matrix + 36);
  b.writeUInt32BE(height * 65536, matrix + 40);
  return box('tkhd', b);
}
const ftyp = box('ftyp', Buffer.from('mp42\0\0\0\0mp42isom', 'latin1'));
function write(name: string, ...parts: Buffer[]) {
  const path = join(dir.dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

describe('readMp4Info', () => {
  it('reads duration and the video track size', async () => {
    const path = write('a.mp4', ftyp, box('moov', mvhd(1000, 12_345), box('trak', tkhd(0, 0)), box('trak', tkhd(1920, 1080))), box('mdat', Buffer.alloc(64)));
    expect(await readMp4Info(path)).toEqual({ durationMs: 12_345, width: 1920, height: 1080 });
  });

  it('finds the movie header after the media data (not "fast start")', async () => {
    const path = write('b.mp4', ftyp, box('mdat', Buffer.alloc(4096)), box('moov', mvhd(600, 1800), box('trak', tkhd(640, 360))));
    expect(await readMp4Info(path)).toEqual({ durationMs: 3000, width: 640, height: 360 });
  });

  it('a phone video recorded rotated reports its upright size', async () => {
    const path = write('c.mov', ftyp, box('moov', mvhd(1000, 1000), box('trak', tkhd(1920, 1080, true))));
    expect(await readMp4Info(path)).toEqual({ durationMs: 1000, width: 1080, height: 1920 });
  });

  it('a file without a movie header gives null; a truncated one does not throw', async () => {
    expect(await readMp4Info(write('d.mp4', ftyp, box('mdat', Buffer.alloc(10))))).toBeNull();
    const whole = Buffer.concat([ftyp, box('moov', mvhd(1000, 5000), box('trak', tkhd(100, 100)))]);
    const cut = await readMp4Info(write('e.mp4', whole.subarray(0, whole.length - 30)));
    expect(cut === null || typeof cut === 'object').toBe(true);
  });
});
