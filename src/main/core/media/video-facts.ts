// Video facts from ffprobe (FFmpeg's prober, shipped as a binary inside the npm package
// @ffprobe-installer/ffprobe, so it works offline and needs no download at install).
import { execFile } from 'node:child_process';

/** What a video file is, as platforms check it. */
export interface VideoFacts {
  durationMs: number | null;
  /** As shown: a phone video recorded rotated reports its upright size. */
  width: number | null;
  height: number | null;
  /** Frames a second (average), e.g. 29.97. */
  frameRate: number | null;
  /** ffprobe's codec names: h264, hevc, vp9, av1... */
  videoCodec: string | null;
  /** Null when the video has no sound. */
  audioCodec: string | null;
  /** Clockwise degrees the player turns the picture (0, 90, 180, 270). */
  rotation: number;
  container: 'mp4' | 'mov' | 'webm' | 'mkv' | null;
  bytes: number | null;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}
interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; size?: string; tags?: Record<string, string> };
}

let probePath: Promise<string> | null = null;

/** The ffprobe binary: inside app.asar.unpacked when packaged (a binary cannot run from inside an asar). */
function ffprobe(): Promise<string> {
  probePath ??= import('@ffprobe-installer/ffprobe').then((m) => ((m as { default?: { path: string } }).default ?? (m as unknown as { path: string })).path.replace(`app.asar${sep()}`, `app.asar.unpacked${sep()}`));
  return probePath;
}
const sep = () => (process.platform === 'win32' ? '\\' : '/');

/**
 * Reads a video's facts with ffprobe (MP4, MOV, WebM, Matroska). `mime` (from the file's bytes)
 * tells WebM from Matroska. Rejects when ffprobe cannot read the file as a video.
 */
export async function readVideoFacts(path: string, options: { mime?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<VideoFacts> {
  const binary = await ffprobe();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      binary,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true, signal: options.signal },
      (error, out, err) => (error ? reject(new Error(`ffprobe cannot read the video: ${String(err || error.message).trim().split('\n')[0]}`, { cause: error })) : resolve(out)),
    );
  });
  return parseProbe(JSON.parse(stdout) as ProbeOutput, options.mime);
}

/** The facts in ffprobe's JSON (`-show_format -show_streams`). */
export function parseProbe(probe: ProbeOutput, mime?: string): VideoFacts {
  const streams = probe.streams ?? [];
  // A cover picture inside an MP4 is a "video" stream too; the real one is not attached.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw new Error('ffprobe found no video stream');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const rotation = rotationOf(video);
  const quarter = rotation === 90 || rotation === 270;
  const width = video.width || null;
  const height = video.height || null;
  const seconds = Number(probe.format?.duration ?? video.duration);
  const bytes = Number(probe.format?.size);
  return {
    durationMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null,
    width: quarter ? height : width,
    height: quarter ? width : height,
    frameRate: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    videoCodec: video.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    rotation,
    container: containerOf(probe, mime, video.codec_name),
    bytes: Number.isFinite(bytes) ? bytes : null,
  };
}

function rotationOf(video: ProbeStream): number {
  // FFmpeg 5+ reports the display matrix (counter-clockwise degrees, so a phone's portrait is
  // -90); older files and tools carry a `rotate` tag in clockwise degrees.
  const matrix = video.side_data_list?.find((d) => d.side_data_type === 'Display Matrix' && typeof d.rotation === 'number');
  const degrees = matrix ? -matrix.rotation! : Number(video.tags?.['rotate'] ?? 0);
  const normal = ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
  return Number.isFinite(normal) ? normal : 0;
}

function rate(value: string | undefined): number | null {
  if (!value) return null;
  const [num, den] = value.split('/').map(Number);
  if (!num || !Number.isFinite(num)) return null;
  const fps = den ? num / den : num;
  return Number.isFinite(fps) && fps > 0 ? Math.round(fps * 1000) / 1000 : null;
}

function containerOf(probe: ProbeOutput, mime: string | undefined, codec: string | undefined): VideoFacts['container'] {
  const name = probe.format?.format_name ?? '';
  if (name.includes('mp4') || name.includes('mov')) {
    // One demuxer reads both; QuickTime files carry the brand "qt  ".
    return (probe.format?.tags?.['major_brand'] ?? '').trim() === 'qt' || mime === 'video/quicktime' ? 'mov' : 'mp4';
  }
  if (name.includes('matroska') || name.includes('webm')) {
    if (mime === 'video/webm') return 'webm';
    if (mime === 'video/x-matroska') return 'mkv';
    return codec && ['vp8', 'vp9', 'av1'].includes(codec) ? 'webm' : 'mkv';
  }
  return null;
}
