import { MASTODON_DEFAULTS } from '../../../shared/platforms/catalog';

/**
 * An instance's own limits, kept in the account's `meta.limits` at connect (and refreshed by
 * checks). Validation reads exactly these names instead of Mastodon's defaults.
 */
export interface MastodonLimits {
  maxCharacters: number;
  charactersReservedPerUrl: number;
  maxMediaAttachments: number;
  imageSizeLimit: number;
  videoSizeLimit: number;
  maxPollOptions: number;
  maxPollOptionCharacters: number;
  /** Longest alt text, where the instance says (4.4+); absent otherwise. */
  descriptionLimit?: number;
}

function positive(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}

function path(obj: unknown, ...keys: string[]): unknown {
  let node = obj;
  for (const key of keys) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Reads the limits from `/api/v2/instance` (or the v1 answer of older servers, where they sit in
 * the same `configuration` object; Pleroma-style servers say `max_toot_chars`). Missing values
 * fall back to Mastodon's defaults.
 */
export function parseInstanceLimits(instance: unknown): MastodonLimits {
  const config = path(instance, 'configuration');
  const limits: MastodonLimits = {
    maxCharacters: positive(path(config, 'statuses', 'max_characters')) ?? positive(path(instance, 'max_toot_chars')) ?? MASTODON_DEFAULTS.maxCharacters,
    charactersReservedPerUrl: positive(path(config, 'statuses', 'characters_reserved_per_url')) ?? MASTODON_DEFAULTS.charactersReservedPerUrl,
    maxMediaAttachments: positive(path(config, 'statuses', 'max_media_attachments')) ?? MASTODON_DEFAULTS.maxMediaAttachments,
    imageSizeLimit: positive(path(config, 'media_attachments', 'image_size_limit')) ?? MASTODON_DEFAULTS.imageSizeLimit,
    videoSizeLimit: positive(path(config, 'media_attachments', 'video_size_limit')) ?? MASTODON_DEFAULTS.videoSizeLimit,
    maxPollOptions: positive(path(config, 'polls', 'max_options')) ?? MASTODON_DEFAULTS.maxPollOptions,
    maxPollOptionCharacters: positive(path(config, 'polls', 'max_characters_per_option')) ?? MASTODON_DEFAULTS.maxPollOptionCharacters,
  };
  const descriptionLimit = positive(path(config, 'media_attachments', 'description_limit'));
  if (descriptionLimit !== undefined) limits.descriptionLimit = descriptionLimit;
  return limits;
}
