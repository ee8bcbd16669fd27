import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { makeVideo, type VideoSpec } from './videos';

/**
 * A real video (ffmpeg) grown to `bytes` with a trailing MP4 `free` box of random bytes, which
 * players and ffprobe skip: a file of any size that still reads as the short video it is.
 * Written as a stream; resolves with its sha256.
 */
export async function paddedVideo(path: string, bytes: number, spec: Partial<VideoSpec> = {}): Promise<string> {
  const small = `${path}.small.mp4`;
  await makeVideo(small, { container: 'mp4', seconds: 3, width: 640, height: 360, ...spec });
  const size = (await stat(small)).size;
  const pad = bytes - size;
  if (pad < 8) throw new Error(`a padded video needs at least ${size + 8} bytes`);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const write = async (buf: Buffer) => {
    hash.update(buf);
    if (!out.write(buf)) await once(out, 'drain');
  };
  for await (const c of createReadStream(small)) await write(c as Buffer);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(pad, 0);
  header.write('free', 4, 'latin1');
  await write(header);
  for (let done = 8; done < pad; ) {
    const piece = randomBytes(Math.min(4 << 20, pad - done));
    await write(piece);
    done += piece.length;
  }
  out.end();
  await once(out, 'finish');
  await rm(small, { force: true });
  return hash.digest('hex');
}
