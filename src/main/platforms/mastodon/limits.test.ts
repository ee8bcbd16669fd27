import { describe, expect, it } from 'vitest';
import { MASTODON_DEFAULTS } from '../../../shared/platforms/catalog';
import { parseInstanceLimits } from './limits';

describe('parseInstanceLimits', () => {
  it("reads an instance's own limits from /api/v2/instance configuration", () => {
    const limits = parseInstanceLimits({
      configuration: {
        statuses: { max_characters: 11_000, max_media_attachments: 8, characters_reserved_per_url: 30 },
        media_attachments: { image_size_limit: 33_554_432, video_size_limit: 103_809_024, description_limit: 3000 },
        polls: { max_options: 10, max_characters_per_option: 100 },
      },
    });
    expect(limits).toEqual({ maxCharacters: 11_000, maxMediaAttachments: 8, charactersReservedPerUrl: 30, imageSizeLimit: 33_554_432, videoSizeLimit: 103_809_024, maxPollOptions: 10, maxPollOptionCharacters: 100, descriptionLimit: 3000 });
  });

  it("falls back to Mastodon's defaults for what an instance does not say, and reads max_toot_chars of Pleroma-style servers", () => {
    expect(parseInstanceLimits({ max_toot_chars: 5000 })).toEqual({ ...MASTODON_DEFAULTS, maxCharacters: 5000 });
    expect(parseInstanceLimits(null)).toEqual({ ...MASTODON_DEFAULTS });
    expect(parseInstanceLimits({ configuration: { statuses: { max_characters: 'lots', max_media_attachments: -1 } } })).toEqual({ ...MASTODON_DEFAULTS });
  });
});
