import sharp from 'sharp';
import { BLUESKY_IMAGE_MIMES, BLUESKY_LIMITS } from './limits';

/** An image ready to upload as a blob. */
export interface FittedImage {
  bytes: Uint8Array;
  mime: string;
  /** Pixel size as displayed (EXIF orientation applied): what `aspectRatio` carries. */
  width: number;
  height: number;
  /** True when the bytes are a re-encode rather than the file itself. */
  reencoded: boolean;
}

/** JPEG qualities tried per size: the best that fits wins; below the floor the size steps down. */
const QUALITY_CEILING = 92;
const QUALITY_FLOOR = 70;
/** A size step keeps at most this share of the longest side. */
const SIZE_STEP = 0.9;
/** Below this longest side an image is not worth posting: give up instead. */
const SMALLEST_SIDE = 200;

/**
 * Returns the image as it is when Bluesky takes it (small enough, a type it shows), otherwise a
 * JPEG re-encode in memory that fits `maxBytes`, as sharp as the limit allows: the largest size
 * (capped at what Bluesky's CDN serves) at the best quality between 92 and 70 that fits, stepping
 * the size down (by an estimate from the bytes) only when quality 70 does not fit. The source
 * bytes are never modified. Throws when even a small version does not fit (or it is no image).
 */
export async function fitImage(input: Uint8Array, mime: string, maxBytes: number = BLUESKY_LIMITS.maxImageBytes): Promise<FittedImage> {
  const meta = await sharp(input).metadata();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new Error('the image has no readable size');
  if (input.byteLength <= maxBytes && BLUESKY_IMAGE_MIMES.has(mime)) return { bytes: input, mime, width, height, reencoded: false };

  // Decode once (oriented, capped, alpha flattened onto white since JPEG has none), then encode
  // from the raw pixels at each step instead of decoding the file again.
  const longest = Math.max(width, height);
  const start = Math.min(longest, BLUESKY_LIMITS.maxImageSide);
  const { data: pixels, info } = await sharp(input)
    .autoOrient()
    .resize({ width: start, height: start, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;

  const encode = async (side: number, quality: number) => {
    // libjpeg-turbo, not mozjpeg: mozjpeg saves ~10% but costs up to 20x the CPU on busy images.
    const { data, info: out } = await sharp(pixels, raw)
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: out.width, height: out.height };
  };

  let side = Math.max(info.width, info.height);
  // The common case: a photo a little over the limit fits at high quality once re-encoded.
  const first = await encode(side, QUALITY_CEILING);
  if (first.bytes.byteLength <= maxBytes) return { ...first, mime: 'image/jpeg', reencoded: true };
  while (side >= SMALLEST_SIDE) {
    const floor = await encode(side, QUALITY_FLOOR);
    if (floor.bytes.byteLength <= maxBytes) {
      // Binary search the highest quality that fits between the floor (fits) and the ceiling (does not).
      let fits = { quality: QUALITY_FLOOR, image: floor };
      let tooBig = QUALITY_CEILING;
      while (tooBig - fits.quality > 3) {
        const quality = Math.round((fits.quality + tooBig) / 2);
        const image = await encode(side, quality);
        if (image.bytes.byteLength <= maxBytes) fits = { quality, image };
        else tooBig = quality;
      }
      return { ...fits.image, mime: 'image/jpeg', reencoded: true };
    }
    // Bytes grow about with the pixel count: jump straight to the side that should just fit at
    // the floor quality (a little under, so the quality search has room), at least one step down.
    const estimate = Math.floor(side * Math.sqrt(maxBytes / floor.bytes.byteLength) * 0.97);
    side = Math.min(estimate, Math.floor(side * SIZE_STEP));
  }
  throw new Error(`the image cannot be made to fit Bluesky's ${maxBytes.toLocaleString('en')}-byte limit`);
}
