import { contentTypeSpec } from '../../../shared/platforms/catalog';
import { fitImage as fitForPlatform, type FittedImage } from '../media/fit';
import { BLUESKY_LIMITS } from './limits';

export type { FittedImage } from '../media/fit';
export { stripJpegMetadata } from '../media/jpeg-metadata';

const RULES = contentTypeSpec('bluesky', 'bluesky_post')!.media;

/**
 * Fits an image for a Bluesky blob with the general fitter and the catalog's Bluesky rules: sent
 * as it is when Bluesky takes it (small enough, a type it shows, at most the 2,000 px its CDN
 * serves), otherwise a JPEG re-encode in memory under `maxBytes` (transparency flattened onto
 * white, since the CDN serves JPEG anyway). The source bytes are never modified. Throws when even
 * a small version does not fit (or it is no image). `mime` is kept for callers: the type is read
 * from the bytes.
 */
export async function fitImage(input: Uint8Array, _mime: string, maxBytes: number = BLUESKY_LIMITS.maxImageBytes): Promise<FittedImage> {
  return fitForPlatform(input, { ...RULES, image: { ...RULES.image!, maxBytes } });
}
