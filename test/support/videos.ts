// Real videos for tests and benches, made with the ffmpeg binary that @ffmpeg-installer/ffmpeg
// ships in npm (a test dependency): a test pattern with a tone, in the container and codecs asked.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** Path of the ffmpeg binary. */
export const FFMPEG: string = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

export interface VideoSpec {
  container: 'mp4' | 'mov' | 'webm';
  seconds: number;
  width?: number;
  height?: number;
  fps?: number;
  /** Clockwise degrees a phone records in its metadata (90: portrait held upright). */
  rotate?: number;
  /** Sound (AAC in MP4/MOV, Opus in WebM); default true. */
  audio?: boolean;
  /** Video codec: H.264 (default for MP4/MOV), HEVC, or VP9 (WebM). */
  codec?: 'h264' | 'hevc' | 'vp9';
  /** Moves the movie header to the front (default); false leaves it after the media data. */
  faststart?: boolean;
}

/** Runs ffmpeg with `args`; rejects with its message. */
export function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, _out, err) => (error ? reject(new Error(`ffmpeg failed: ${err || error.message}`)) : resolve()));
  });
}

/** Writes a real video to `path`. */
export async function makeVideo(path: string, spec: VideoSpec): Promise<string> {
  const { width = 320, height = 240, fps = 30, seconds } = spec;
  const codec = spec.codec ?? (spec.container === 'webm' ? 'vp9' : 'h264');
  const args = ['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}:duration=${seconds}`];
  if (spec.audio !== false) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`);
  if (codec === 'vp9') args.push('-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k');
  else if (codec === 'hevc') args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error', '-tag:v', 'hvc1');
  else args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (spec.audio !== false) args.push('-c:a', spec.container === 'webm' ? 'libopus' : 'aac', '-shortest');
  if (spec.container !== 'webm' && spec.faststart !== false) args.push('-movflags', '+faststart');
  if (!spec.rotate) {
    await ffmpeg([...args, '-f', spec.container, path]);
    return path;
  }
  // This ffmpeg writes the rotation only when copying streams: encode, then tag a copy.
  const plain = `${path}.plain.${spec.container}`;
  await ffmpeg([...args, '-f', spec.container, plain]);
  await ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${spec.rotate}`, ...(spec.container !== 'webm' ? ['-movflags', '+faststart'] : []), '-f', spec.container, path]);
  await rm(plain, { force: true });
  return path;
}
