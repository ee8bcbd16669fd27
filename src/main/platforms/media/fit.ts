// Images fitted to what each platform takes, from the catalog's rules (sharp). The decision (the
// format, the pixel size, a crop or pad into the aspect range, whether it may go as it is) is
// `planImage` in src/shared/platforms/media-plan.ts, which the composer shows before scheduling;
// this file carries it out and then makes the bytes fit. The creator's file is only ever read:
// the result lives in memory (or a temp file the caller removes).
import { randomUUID } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type SharpModule from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { defaultOf, lazy } from '../lazy';
import type { ImageFormat, MediaRules } from '../../../shared/platforms/catalog';
import { describeImagePlan, planImage, type AspectFit, type ImagePlan, type MediaFactsForPlan } from '../../../shared/platforms/media-plan';
import { stripJpegMetadata } from './jpeg-metadata';

/** sharp (libvips, with its native binding): loaded with the first image read or fitted. */
const sharpModule = lazy(() => import('sharp'));
/** The sharp function, once loaded. */
export async function loadSharp(): Promise<typeof SharpModule> {
  return defaultOf<typeof SharpModule>(await sharpModule());
}

/** Choices the creator makes for a fit. */
export interface FitOptions {
  /** Outside the platform's aspect range (Instagram 4:5 to 1.91:1): `crop` the middle (default) or `pad` with borders. */
  aspect?: AspectFit;
  /** Colour under transparency that cannot be kept, and of the padding (default white). */
  background?: string;
}

/** An image ready to upload. */
export interface FittedImage {
  bytes: Uint8Array;
  mime: string;
  format: ImageFormat;
  /** Pixel size as displayed (EXIF orientation applied). */
  width: number;
  height: number;
  /** True when the bytes are a re-encode rather than the file itself (a JPEG's metadata strip aside). */
  reencoded: boolean;
  animated: boolean;
  /** What the composer line says: "sent as is (1.2 MB)", "resized to 2,048 px, 1.4 MB". */
  summary: string;
  plan: ImagePlan;
}

/** Image facts as the plan needs them, read from the file (or bytes). */
export type ImageFacts = MediaFactsForPlan & { kind: 'image'; format: string; orientation: number };

const MIME: Record<ImageFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };
/** Lossy qualities tried per size: the best that fits wins; below the floor the size steps down. */
const QUALITY_CEILING = 92;
const QUALITY_FLOOR = 70;
/** A size step keeps at most this share of the longest side. */
const SIZE_STEP = 0.9;
/** Below this longest side an image is not worth posting: give up instead. */
const SMALLEST_SIDE = 200;

/** Reads what the plan needs from an image: displayed size, frames, transparency actually used, colour space. */
export async function readImageFacts(source: string | Uint8Array): Promise<ImageFacts> {
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(source).metadata();
  } catch (error) {
    throw new Error(`it cannot be read as an image (${(error as Error).message})`, { cause: error });
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new Error('the image has no readable size');
  // An alpha channel that is opaque everywhere is no transparency (many exports carry one).
  const hasAlpha = meta.hasAlpha ? !(await sharp(source, { pages: 1 }).stats()).isOpaque : false;
  const bytes = typeof source === 'string' ? (await stat(source)).size : source.byteLength;
  const format = String(meta.format);
  const mime = format === 'jpeg' || format === 'png' || format === 'webp' || format === 'gif' ? MIME[format] : `image/${format}`;
  return { kind: 'image', mime, format, bytes, width, height, frames: meta.pages ?? 1, hasAlpha, colorSpace: meta.space ?? null, orientation: meta.orientation ?? 1 };
}

/**
 * Fits an image (a path or bytes, never modified) to a content type's rules: sent as it is when
 * the platform takes it (a JPEG loses its location metadata), otherwise re-encoded in memory as
 * `planImage` decides, at the best quality that fits the byte limit, stepping the size down only
 * when quality alone cannot. Throws when the image cannot be read or cannot be made to fit.
 */
export async function fitImage(source: string | Uint8Array, rules: MediaRules, options: FitOptions = {}): Promise<FittedImage> {
  const facts = await readImageFacts(source);
  const plan = planImage(facts, rules, options);
  if (typeof plan === 'string') throw new Error(plan);
  const done = (bytes: Uint8Array, width: number, height: number, format: ImageFormat, reencoded: boolean, animated: boolean): FittedImage => ({
    bytes,
    mime: MIME[format],
    format,
    width,
    height,
    reencoded,
    animated,
    plan,
    summary: describeImagePlan(plan, facts, { bytes: bytes.byteLength, width, height, format }),
  });

  if (plan.action === 'as_is') {
    const bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
    // Sent as it is, less what a phone writes about where it was taken (EXIF GPS, XMP, IPTC).
    const out = plan.format === 'jpeg' ? (stripJpegMetadata(bytes, facts.orientation) ?? bytes) : bytes;
    return done(out, facts.width!, facts.height!, plan.format, false, plan.animated);
  }
  const background = options.background ?? '#ffffff';
  if (plan.animated) {
    const gif = await fitAnimated(source, plan);
    return done(gif.bytes, gif.width, gif.height, 'gif', true, true);
  }
  const still = await fitStill(source, plan, rules, background);
  return done(still.bytes, still.width, still.height, still.format, true, false);
}

/** Writes a fitted image to a temp file for an upload that reads from disk; `remove` deletes it. */
export async function fittedToTempFile(fitted: FittedImage, dir: string = tmpdir()): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = join(dir, `outbox-fit-${randomUUID()}.${fitted.format === 'jpeg' ? 'jpg' : fitted.format}`);
  await writeFile(path, fitted.bytes, { mode: 0o600 });
  return { path, remove: () => rm(path, { force: true }) };
}

interface Encoded {
  bytes: Uint8Array;
  width: number;
  height: number;
  format: ImageFormat;
}

const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

async function fitStill(source: string | Uint8Array, plan: ImagePlan, rules: MediaRules, background: string): Promise<Encoded> {
  const sharp = await loadSharp();
  // Decode once, oriented and already at the planned size (crop or pad included), in sRGB, with
  // alpha only when it is kept; then encode from the raw pixels at each step.
  let pipeline: Sharp = sharp(source, { pages: 1 }).autoOrient();
  if (plan.aspect?.fit === 'pad') {
    const fill = plan.alpha ? { r: 0, g: 0, b: 0, alpha: 0 } : background;
    pipeline = pipeline.resize({ width: plan.width, height: plan.height, fit: 'contain', background: fill });
  } else if (plan.aspect?.fit === 'crop') {
    // The most interesting region stays (sharp's attention strategy: skin, saturation, edges).
    pipeline = pipeline.resize({ width: plan.width, height: plan.height, fit: 'cover', position: sharp.strategy.attention });
  } else {
    pipeline = pipeline.resize({ width: plan.width, height: plan.height, fit: 'fill' });
  }
  pipeline = plan.alpha ? pipeline.ensureAlpha() : pipeline.flatten({ background });
  const { data: pixels, info } = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  const maxBytes = plan.maxBytes;
  const lossy = (format: ImageFormat) => format === 'jpeg' || format === 'webp';

  const encode = async (side: number, format: ImageFormat, quality: number): Promise<Encoded> => {
    let img = sharp(pixels, raw).resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
    // libjpeg-turbo, not mozjpeg: mozjpeg saves ~10% but costs up to 20x the CPU on busy images.
    if (format === 'jpeg') img = img.jpeg({ quality });
    else if (format === 'webp') img = img.webp({ quality, alphaQuality: 90, effort: 4 });
    // PNG: lossless first (quality 100), then a 256-colour palette at the given quality.
    else img = quality >= 100 ? img.png({ compressionLevel: 9, adaptiveFiltering: true }) : img.png({ palette: true, quality, effort: 7 });
    const { data, info: out } = await img.toBuffer({ resolveWithObject: true });
    return { bytes: view(data), width: out.width, height: out.height, format };
  };

  // Formats tried in turn: the planned one, then (if it cannot fit) the platform's lossy one.
  const takes = (f: ImageFormat) => (rules.image?.formats ?? ['jpeg', 'png', 'webp', 'gif']).includes(f);
  const formats: ImageFormat[] = [plan.format];
  if (plan.format === 'png') {
    if (plan.alpha && takes('webp')) formats.push('webp');
    if (!plan.alpha && takes('jpeg')) formats.push('jpeg');
  }

  let side = Math.max(info.width, info.height);
  for (const format of formats) {
    const first = await encode(side, format, lossy(format) ? QUALITY_CEILING : 100);
    if (first.bytes.byteLength <= maxBytes) return first;
  }
  const format = formats.at(-1)!;
  while (side >= SMALLEST_SIDE) {
    const floor = await encode(side, format, QUALITY_FLOOR);
    if (floor.bytes.byteLength <= maxBytes) {
      // Binary search the highest quality that fits between the floor (fits) and the ceiling (does not).
      let fits = { quality: QUALITY_FLOOR, image: floor };
      let tooBig = QUALITY_CEILING;
      while (tooBig - fits.quality > 3) {
        const quality = Math.round((fits.quality + tooBig) / 2);
        const image = await encode(side, format, quality);
        if (image.bytes.byteLength <= maxBytes) fits = { quality, image };
        else tooBig = quality;
      }
      return fits.image;
    }
    // Bytes grow about with the pixel count: jump straight to the side that should just fit at
    // the floor quality (a little under, so the quality search has room), at least one step down.
    const estimate = Math.floor(side * Math.sqrt(maxBytes / floor.bytes.byteLength) * 0.97);
    side = Math.min(estimate, Math.floor(side * SIZE_STEP));
  }
  throw new Error(`the image cannot be made to fit the ${maxBytes.toLocaleString('en')}-byte limit`);
}

async function fitAnimated(source: string | Uint8Array, plan: ImagePlan): Promise<Encoded> {
  const sharp = await loadSharp();
  // GIFs shrink with fewer colours first, then with fewer pixels per frame.
  let width = plan.width;
  let height = plan.height;
  for (;;) {
    for (const colours of [256, 128, 64]) {
      const { data, info } = await sharp(source, { animated: true })
        .resize({ width, height, fit: 'fill' })
        .gif({ colours, effort: 7, dither: 1 })
        .toBuffer({ resolveWithObject: true });
      if (data.byteLength <= plan.maxBytes) return { bytes: view(data), width: info.width, height: info.pageHeight ?? height, format: 'gif' };
    }
    if (Math.max(width, height) * SIZE_STEP < SMALLEST_SIDE) break;
    width = Math.max(1, Math.floor(width * SIZE_STEP));
    height = Math.max(1, Math.floor(height * SIZE_STEP));
  }
  throw new Error(`the animated GIF cannot be made to fit the ${plan.maxBytes.toLocaleString('en')}-byte limit`);
}
