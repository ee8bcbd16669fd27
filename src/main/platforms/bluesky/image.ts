import sharp from 'sharp';
import { BLUESKY_IMAGE_MIMES, BLUESKY_LIMITS } from './limits';

/** An image ready to upload as a blob. */
export interface FittedImage {
  bytes: Uint8Array;
  mime: string;
  /** Pixel size as displayed (EXIF orientation applied): what `aspectRatio` carries. */
  width: number;
  height: number;
  /** True when the bytes are a re-encode rather than the file itself (metadata stripping aside). */
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
  if (input.byteLength <= maxBytes && BLUESKY_IMAGE_MIMES.has(mime)) {
    // Sent as it is, less what a phone writes about where it was taken (EXIF GPS, XMP, IPTC).
    const bytes = mime === 'image/jpeg' ? (stripJpegMetadata(input, meta.orientation ?? 1) ?? input) : input;
    return { bytes, mime, width, height, reencoded: false };
  }

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

/** JPEG markers kept by the strip: JFIF (APP0), ICC colour profile (APP2), Adobe colour transform (APP14). */
const KEPT_APP_MARKERS = new Set([0xe0, 0xe2, 0xee]);

/**
 * Removes metadata segments (EXIF with its GPS position, XMP, IPTC, comments) from a JPEG without
 * touching the compressed image, keeping the colour profile. The EXIF orientation survives as a
 * minimal EXIF block of its own, so a sideways-stored photo still shows upright. Returns null when
 * the bytes are not a JPEG this simple walk understands (the caller then sends them unchanged).
 */
export function stripJpegMetadata(jpeg: Uint8Array, orientation: number): Uint8Array | null {
  if (jpeg.byteLength < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  const kept: Uint8Array[] = [jpeg.subarray(0, 2)];
  if (orientation >= 2 && orientation <= 8) kept.push(orientationSegment(orientation));
  let at = 2;
  while (at + 4 <= jpeg.byteLength) {
    if (jpeg[at] !== 0xff) return null;
    const marker = jpeg[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda) {
      // Start of scan: the compressed image and everything after it go through unchanged.
      kept.push(jpeg.subarray(at));
      return concat(kept);
    }
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    if (length < 2 || at + 2 + length > jpeg.byteLength) return null;
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const drop = (isApp && !KEPT_APP_MARKERS.has(marker)) || marker === 0xfe;
    if (!drop) kept.push(jpeg.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return null;
}

/** An APP1 EXIF segment holding only the Orientation tag (big-endian TIFF, one IFD entry). */
function orientationSegment(orientation: number): Uint8Array {
  const body = [
    ...[0x45, 0x78, 0x69, 0x66, 0x00, 0x00], // "Exif\0\0"
    ...[0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08], // "MM", 42, IFD0 at offset 8
    ...[0x00, 0x01], // one entry
    ...[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00], // Orientation, SHORT, 1
    ...[0x00, 0x00, 0x00, 0x00], // no next IFD
  ];
  const length = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
