// What will be sent for each media item to a platform, decided from the item's facts and the
// catalog's rules alone (pure, so the composer shows it before the post is scheduled and the
// fitter follows the very same decision when it re-encodes).
import { contentTypeSpec, formatBytes, formatSeconds, type AspectRange, type ImageFormat, type ImageRules, type MediaRules, type VideoContainer } from './catalog';
import type { PlatformId } from '../domain';

/** How an image outside a platform's aspect-ratio range is brought inside it. */
export type AspectFit = 'crop' | 'pad';

/** What the plan needs to know about a media item (the Media domain type has all of it). */
export interface MediaFactsForPlan {
  kind: 'image' | 'video' | 'document';
  mime: string;
  bytes: number;
  /** As shown (EXIF orientation or video rotation applied); null when unknown. */
  width: number | null;
  height: number | null;
  durationMs?: number | null;
  /** Frames of an animated image (1 for a still). */
  frames?: number | null;
  hasAlpha?: boolean | null;
  /** sharp's colour space name: srgb, cmyk, b-w... */
  colorSpace?: string | null;
  container?: string | null;
  videoCodec?: string | null;
  audioCodec?: string | null;
  frameRate?: number | null;
}

/** What the fitter will do to one image for one platform. */
export interface ImagePlan {
  /** `as_is`: the file goes unchanged (a JPEG only loses its location metadata). */
  action: 'as_is' | 'reencode';
  format: ImageFormat;
  /** Size of the image sent (before any size step the byte limit may still force). */
  width: number;
  height: number;
  animated: boolean;
  /** Set when the image is cropped or padded into the platform's aspect range. */
  aspect: { fit: AspectFit; ratio: number } | null;
  /** True when transparency is kept (PNG or WebP with alpha). */
  alpha: boolean;
  /** The byte limit the result must obey. */
  maxBytes: number;
  /** Why it is re-encoded, in words ("larger than 2,048 px"). */
  reasons: string[];
}

/** One line of what will be sent, for one media item. */
export interface MediaPlanLine {
  /** `as_is`, `fit` (re-encoded to fit), or `refuse` (cannot be fitted: the reason says why). */
  action: 'as_is' | 'fit' | 'refuse';
  /** In the creator's words: "sent as is (2.1 MB)", "resized to 2,048 px, at most 10 MB", "too long: 3 min 5 s; at most 2 min 20 s". */
  summary: string;
  /** The image plan, for images that can be sent. */
  image?: ImagePlan;
}

/** The result of a fit, to describe it exactly once it is known. */
export interface FitOutcome {
  bytes: number;
  width: number;
  height: number;
  format: ImageFormat;
}

const FORMAT_OF: Record<string, ImageFormat> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };
const FORMAT_NAME: Record<ImageFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF' };
const CODEC_NAME: Record<string, string> = { h264: 'H.264', hevc: 'HEVC (H.265)', vp8: 'VP8', vp9: 'VP9', av1: 'AV1', aac: 'AAC', mp3: 'MP3', opus: 'Opus', vorbis: 'Vorbis', prores: 'ProRes', mpeg4: 'MPEG-4 Part 2' };
const CONTAINER_NAME: Record<VideoContainer, string> = { mp4: 'MP4', mov: 'MOV', webm: 'WebM', mkv: 'Matroska' };

/** A codec as creators read it ("H.264", "VP9"). */
export function codecName(codec: string): string {
  return CODEC_NAME[codec] ?? codec.toUpperCase();
}

/** The image format of a mime type, or null when it is not one platforms take. */
export function imageFormatOf(mime: string): ImageFormat | null {
  return FORMAT_OF[mime] ?? null;
}

/** The image rules of a content type, with what every platform takes when the catalog says nothing more. */
export function imageRulesOf(rules: MediaRules): ImageRules & { maxBytes: number } {
  const image = rules.image ?? { formats: ['jpeg', 'png', 'webp', 'gif'], transparency: true, animatedGif: {} };
  return { ...image, maxBytes: Math.min(image.maxBytes ?? Infinity, rules.imageMaxBytes || Infinity) };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ratioName = (r: number) => {
  for (const [w, h] of [[4, 5], [1, 1], [9, 16], [16, 9], [3, 4], [4, 3], [2, 3], [3, 2], [1, 20], [20, 1]] as const) if (Math.abs(r - w / h) < 0.005) return `${w}:${h}`;
  return `${Math.round(r * 100) / 100}:1`;
};

/**
 * Decides how an image reaches a platform: the format (the same when the platform takes it;
 * PNG or WebP when transparency must survive; otherwise JPEG), the pixel size within every limit,
 * a crop or pad into the aspect range, and whether it may go as it is. `frames` > 1 is an
 * animated image. Refuses (a string) only what no fitting can help.
 */
export function planImage(facts: MediaFactsForPlan, mediaRules: MediaRules, options: { aspect?: AspectFit } = {}): ImagePlan | string {
  const rules = imageRulesOf(mediaRules);
  const { width, height } = facts;
  if (!width || !height) return 'its size cannot be read';
  const source = imageFormatOf(facts.mime);
  const reasons: string[] = [];
  const frames = facts.frames ?? 1;
  const gifMax = mediaRules.gifMaxBytes ?? rules.maxBytes;

  // Animation survives only as a GIF the platform animates, within its GIF limits and without a
  // crop (sharp cannot crop the frames of an animation).
  let animated = frames > 1 && source === 'gif' && rules.animatedGif !== false && rules.formats.includes('gif');
  const ratio = width / height;
  const outside = rules.aspect && (ratio < rules.aspect.min - 1e-9 || ratio > rules.aspect.max + 1e-9);
  if (animated && outside) animated = false;
  if (frames > 1 && !animated) reasons.push('only its first frame is sent (no animation here)');

  const takes = (f: ImageFormat) => rules.formats.includes(f);
  const alpha = !animated && !!facts.hasAlpha && rules.transparency && (takes('png') || takes('webp'));
  const flatten = !!facts.hasAlpha && !alpha && !animated;
  const still = (): ImageFormat => {
    if (alpha) return source === 'webp' && takes('webp') ? 'webp' : takes('png') ? 'png' : 'webp';
    return takes('jpeg') ? 'jpeg' : takes('webp') ? 'webp' : rules.formats[0]!;
  };
  let format: ImageFormat;
  if (animated) format = 'gif';
  else if (source && takes(source) && !flatten && (source !== 'gif' || frames <= 1)) format = source;
  else format = still();
  if (source && !takes(source)) reasons.push(`${FORMAT_NAME[source]} is not taken here`);
  else if (!source) reasons.push(`${facts.mime} is not taken here`);
  if (flatten) reasons.push('transparency flattened onto white');
  if (facts.colorSpace === 'cmyk') reasons.push('CMYK colours converted to sRGB');

  // Geometry: the aspect fix first (at full size), then one scale for every pixel limit.
  let w = width;
  let h = height;
  let aspect: ImagePlan['aspect'] = null;
  if (outside && rules.aspect) {
    const fit = options.aspect ?? 'crop';
    const target = ratio < rules.aspect.min ? rules.aspect.min : rules.aspect.max;
    ({ w, h } = reshape(w, h, target, fit));
    aspect = { fit, ratio: target };
    reasons.push(`${fit === 'crop' ? 'cropped' : 'padded'} to ${ratioName(target)}`);
  }
  const limits = animated && rules.animatedGif ? { ...rules, maxWidth: min(rules.maxWidth, rules.animatedGif.maxWidth), maxHeight: rules.animatedGif.maxHeight, maxPixels: min(rules.maxPixels, rules.animatedGif.maxPixelsTimesFrames ? rules.animatedGif.maxPixelsTimesFrames / frames : undefined) } : rules;
  const scale = Math.min(
    1,
    limits.maxSide ? limits.maxSide / Math.max(w, h) : 1,
    limits.maxWidth ? limits.maxWidth / w : 1,
    'maxHeight' in limits && limits.maxHeight ? limits.maxHeight / h : 1,
    limits.maxPixels ? Math.sqrt(limits.maxPixels / (w * h)) : 1,
    limits.maxDimensionSum ? limits.maxDimensionSum / (w + h) : 1,
  );
  if (scale < 1) {
    ({ w, h } = scaled(w, h, scale, aspect ? { min: aspect.ratio, max: aspect.ratio } : rules.aspect));
    reasons.push(`resized to ${fmt(Math.max(w, h))} px`);
  }
  if (animated && rules.animatedGif && rules.animatedGif.maxFrames && frames > rules.animatedGif.maxFrames) {
    return `the GIF has ${fmt(frames)} frames; at most ${fmt(rules.animatedGif.maxFrames)} are taken`;
  }
  const maxBytes = animated ? gifMax : rules.maxBytes;
  if (facts.bytes > maxBytes && reasons.length === 0) reasons.push(`over ${formatBytes(maxBytes)}`);
  // A still GIF that must be re-encoded becomes a PNG (sharp writes GIFs for animations only).
  if (reasons.length > 0 && format === 'gif' && !animated) format = takes('png') ? 'png' : still();
  return { action: reasons.length === 0 ? 'as_is' : 'reencode', format, width: w, height: h, animated, aspect, alpha, maxBytes, reasons };
}

/** Width and height reshaped to `ratio` by cropping (keeps the inside) or padding (adds a border). */
function reshape(w: number, h: number, ratio: number, fit: AspectFit): { w: number; h: number } {
  const tooTall = w / h < ratio;
  if (fit === 'crop') return tooTall ? { w, h: Math.max(1, Math.floor(w / ratio)) } : { w: Math.max(1, Math.floor(h * ratio)), h };
  return tooTall ? { w: Math.ceil(h * ratio), h } : { w, h: Math.ceil(w / ratio) };
}

/** Scales down, rounding so the result stays within the limits and the aspect range. */
function scaled(w: number, h: number, scale: number, aspect: AspectRange | undefined): { w: number; h: number } {
  let sw = Math.max(1, Math.floor(w * scale));
  let sh = Math.max(1, Math.floor(h * scale));
  if (aspect) {
    // Rounding must not push the ratio out of range: trim the side that overshoots.
    if (sw / sh < aspect.min - 1e-9) sh = Math.max(1, Math.floor(sw / aspect.min));
    if (sw / sh > aspect.max + 1e-9) sh = Math.ceil(sw / aspect.max);
  }
  return { w: sw, h: sh };
}

const min = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** Why a video cannot go to a platform as it is (videos are never re-encoded), or null when it can. */
export function videoRefusal(facts: MediaFactsForPlan, rules: MediaRules, label = 'post'): string | null {
  const seconds = facts.durationMs != null ? facts.durationMs / 1000 : null;
  if (rules.maxVideos === 0) return `a ${label} cannot include video`;
  if (rules.videoMaxBytes > 0 && facts.bytes > rules.videoMaxBytes) return `${formatBytes(facts.bytes)}; the limit is ${formatBytes(rules.videoMaxBytes)}`;
  if (seconds !== null && rules.videoMaxSeconds !== undefined && seconds > rules.videoMaxSeconds) return `too long: ${formatSeconds(seconds)}; a ${label} can be at most ${formatSeconds(rules.videoMaxSeconds)}`;
  if (seconds !== null && rules.videoMinSeconds !== undefined && seconds < rules.videoMinSeconds) return `too short: ${formatSeconds(seconds)}; a ${label} must be at least ${formatSeconds(rules.videoMinSeconds)}`;
  const problem = videoFormatProblem(facts, rules, label);
  return problem ? `the video ${problem.fact}; ${problem.rule}` : null;
}

/**
 * Why a video's container, codecs or frame rate do not suit a content type, in two halves a
 * sentence joins ("is a WebM file" / "a reel takes MP4 or MOV"), or null. Unknown facts pass.
 */
export function videoFormatProblem(facts: Pick<MediaFactsForPlan, 'container' | 'videoCodec' | 'audioCodec' | 'frameRate'>, rules: MediaRules, label = 'post'): { fact: string; rule: string } | null {
  const v = rules.video;
  if (!v) return null;
  if (facts.container && v.containers && !v.containers.includes(facts.container as VideoContainer)) {
    return { fact: `is a ${CONTAINER_NAME[facts.container as VideoContainer] ?? facts.container} file`, rule: `a ${label} takes ${list(v.containers.map((c) => CONTAINER_NAME[c]))}` };
  }
  if (facts.videoCodec && v.codecs && !v.codecs.includes(facts.videoCodec)) return { fact: `is ${codecName(facts.videoCodec)} video`, rule: `a ${label} takes ${list(v.codecs.map(codecName))}` };
  if (facts.audioCodec && v.audioCodecs && !v.audioCodecs.includes(facts.audioCodec)) return { fact: `has ${codecName(facts.audioCodec)} sound`, rule: `a ${label} takes ${list(v.audioCodecs.map(codecName))} sound` };
  if (facts.frameRate && v.maxFps && facts.frameRate > v.maxFps + 0.01) return { fact: `is ${round(facts.frameRate)} frames a second`, rule: `a ${label} takes at most ${v.maxFps}` };
  if (facts.frameRate && v.minFps && facts.frameRate < v.minFps - 0.01) return { fact: `is ${round(facts.frameRate)} frames a second`, rule: `a ${label} takes at least ${v.minFps}` };
  return null;
}

const round = (n: number) => Math.round(n * 100) / 100;
const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);

/** The line for one image plan, exact when the fit's outcome is known. */
export function describeImagePlan(plan: ImagePlan, facts: Pick<MediaFactsForPlan, 'bytes' | 'mime'>, outcome?: FitOutcome): string {
  if (plan.action === 'as_is') return `sent as is (${formatBytes(outcome?.bytes ?? facts.bytes)})`;
  const what = plan.reasons.filter((r) => !r.endsWith('is not taken here') && !r.startsWith('over '));
  const sent = outcome?.format ?? plan.format;
  const converted = sent !== imageFormatOf(facts.mime) ? [`converted to ${FORMAT_NAME[sent]}`] : [];
  let resized = what.find((r) => r.startsWith('resized to'));
  if (outcome && (outcome.width !== plan.width || outcome.height !== plan.height)) resized = `resized to ${fmt(Math.max(outcome.width, outcome.height))} px`;
  const rest = what.filter((r) => !r.startsWith('resized to'));
  const size = outcome ? formatBytes(outcome.bytes) : `at most ${formatBytes(plan.maxBytes)}`;
  const parts = [...(resized ? [resized] : []), ...rest, ...converted];
  return `${parts.length ? parts.join(', ') : 're-encoded'}, ${size}`;
}

/**
 * What will be sent for each media item of a part to a platform and content type, in the
 * creator's words, or why an item (or the set: too many items, mixing) cannot go. `outcomes`
 * (by index) makes the lines of already-fitted images exact.
 */
export function describeMedia(
  items: MediaFactsForPlan[],
  platform: PlatformId,
  contentType: string,
  options: { aspect?: AspectFit; outcomes?: Array<FitOutcome | undefined> } = {},
): { lines: MediaPlanLine[]; refusal: string | null } {
  const spec = contentTypeSpec(platform, contentType);
  if (!spec) return { lines: items.map(() => ({ action: 'refuse', summary: `${contentType} is not a post type here` })), refusal: `${contentType} is not a post type here` };
  const rules = spec.media;
  const label = spec.label.toLowerCase();
  const images = items.filter((i) => i.kind === 'image').length;
  const documents = items.filter((i) => i.kind === 'document').length;
  const videos = items.length - images - documents;
  const maxDocuments = rules.maxDocuments ?? 0;
  let refusal: string | null = null;
  if (documents > maxDocuments) refusal = maxDocuments === 0 ? `a ${label} here cannot include a document (PDF)` : `too many documents: ${documents}; at most ${maxDocuments}`;
  else if (documents > 0 && items.length > documents) refusal = 'a document (PDF) goes alone, without images or video';
  else if (images > rules.maxImages) refusal = rules.maxImages === 0 ? `a ${label} cannot include images` : `too many images: ${images}; at most ${rules.maxImages}`;
  else if (videos > rules.maxVideos) refusal = rules.maxVideos === 0 ? `a ${label} cannot include video` : `too many videos: ${videos}; at most ${rules.maxVideos}`;
  else if (items.length > rules.maxItems) refusal = `too many items: ${items.length}; a ${label} takes at most ${rules.maxItems}`;
  else if (!rules.mix && images > 0 && videos > 0) refusal = 'images and video cannot be combined here';
  const lines = items.map((item, i): MediaPlanLine => {
    if (item.kind === 'document') {
      if (maxDocuments === 0) return { action: 'refuse', summary: `a ${label} here cannot include a document (PDF)` };
      const max = rules.documentMaxBytes ?? 0;
      if (max > 0 && item.bytes > max) return { action: 'refuse', summary: `${formatBytes(item.bytes)}; the limit is ${formatBytes(max)}` };
      return { action: 'as_is', summary: `sent as is (${formatBytes(item.bytes)})` };
    }
    if (item.kind === 'video') {
      const why = videoRefusal(item, rules, label);
      const length = item.durationMs != null ? `, ${formatSeconds(item.durationMs / 1000)}` : '';
      return why ? { action: 'refuse', summary: why } : { action: 'as_is', summary: `sent as is (${formatBytes(item.bytes)}${length})` };
    }
    if (rules.maxImages === 0) return { action: 'refuse', summary: `a ${label} cannot include images` };
    const plan = planImage(item, rules, options);
    if (typeof plan === 'string') return { action: 'refuse', summary: plan };
    return { action: plan.action === 'as_is' ? 'as_is' : 'fit', summary: describeImagePlan(plan, item, options.outcomes?.[i]), image: plan };
  });
  return { lines, refusal };
}
