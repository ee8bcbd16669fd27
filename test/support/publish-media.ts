import type { PublishMedia } from '../../src/main/platforms/types';

/** A PublishMedia for adapter tests: the facts given, the rest as the engine fills them when unknown. */
export function publishMedia(media: Pick<PublishMedia, 'mediaId' | 'path' | 'kind' | 'mime' | 'bytes'> & Partial<PublishMedia>): PublishMedia {
  return { width: null, height: null, durationMs: null, altText: '', videoCodec: null, audioCodec: null, frameRate: null, cover: null, aspect: 'crop', ...media };
}
