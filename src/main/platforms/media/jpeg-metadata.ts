// Location and camera metadata out of a JPEG sent as it is, without touching its compressed image.

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
