import { open } from 'node:fs/promises';

/** What a video's container says about it. */
export interface VideoInfo {
  durationMs: number | null;
  /** As shown: a phone video recorded rotated reports its upright size. */
  width: number | null;
  height: number | null;
}

// The movie header can be large for long videos (sample tables), but not unbounded.
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

interface Box {
  type: string;
  /** Where the payload starts and ends, relative to the buffer. */
  start: number;
  end: number;
}

function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let pos = from;
  while (pos + 8 <= to) {
    let size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > to) return;
      size = Number(buf.readBigUInt64BE(pos + 8));
      header = 16;
    } else if (size === 0) {
      size = to - pos;
    }
    if (size < header || pos + size > to) return;
    yield { type, start: pos + header, end: pos + size };
    pos += size;
  }
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  for (const b of boxes(buf, parent.start, parent.end)) if (b.type === type) return b;
  return undefined;
}

function parseMoov(buf: Buffer): VideoInfo {
  const moov: Box = { type: 'moov', start: 0, end: buf.length };
  let durationMs: number | null = null;
  const mvhd = child(buf, moov, 'mvhd');
  if (mvhd) {
    const v1 = buf.readUInt8(mvhd.start) === 1;
    const timescale = buf.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
    const duration = v1 ? Number(buf.readBigUInt64BE(mvhd.start + 24)) : buf.readUInt32BE(mvhd.start + 16);
    if (timescale > 0 && duration > 0 && duration !== 0xffffffff) durationMs = Math.round((duration / timescale) * 1000);
  }
  for (const trak of boxes(buf, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(buf, trak, 'tkhd');
    if (!tkhd) continue;
    const v1 = buf.readUInt8(tkhd.start) === 1;
    // version/flags, times, track id, reserved, duration, reserved(8), layer, group, volume, reserved(2)
    const matrixAt = tkhd.start + 4 + (v1 ? 32 : 20) + 16;
    if (matrixAt + 44 > tkhd.end) continue;
    const width = buf.readUInt32BE(matrixAt + 36) / 65536;
    const height = buf.readUInt32BE(matrixAt + 40) / 65536;
    if (width <= 0 || height <= 0) continue; // an audio track
    const a = buf.readInt32BE(matrixAt);
    const d = buf.readInt32BE(matrixAt + 16);
    const quarterTurn = a === 0 && d === 0;
    return { durationMs, width: Math.round(quarterTurn ? height : width), height: Math.round(quarterTurn ? width : height) };
  }
  return { durationMs, width: null, height: null };
}

/**
 * Reads duration and size from an MP4 / QuickTime file's movie header (`moov`: `mvhd` and the
 * first video track's `tkhd`), wherever the box sits in the file. Null when it has none.
 */
export async function readMp4Info(path: string): Promise<VideoInfo | null> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(16);
    let pos = 0;
    while (pos + 8 <= size) {
      const { bytesRead } = await file.read(head, 0, 16, pos);
      if (bytesRead < 8) return null;
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      let header = 8;
      if (boxSize === 1) {
        if (bytesRead < 16) return null;
        boxSize = Number(head.readBigUInt64BE(8));
        header = 16;
      } else if (boxSize === 0) {
        boxSize = size - pos;
      }
      if (boxSize < header) return null;
      if (type === 'moov') {
        const length = Math.min(boxSize, size - pos) - header;
        if (length > MAX_MOOV_BYTES) return null;
        const moov = Buffer.alloc(length);
        await file.read(moov, 0, length, pos + header);
        try {
          return parseMoov(moov);
        } catch {
          // A damaged header (boxes that lie about their size): no metadata, not an error.
          return null;
        }
      }
      pos += boxSize;
    }
    return null;
  } finally {
    await file.close();
  }
}
