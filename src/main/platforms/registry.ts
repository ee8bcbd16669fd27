import type { PlatformId } from '../../shared/domain';
import { blueskyAdapter } from './bluesky/publish';
import { mastodonAdapter } from './mastodon/publish';
import { telegramAdapter } from './telegram/publish';
import type { PlatformAdapter } from './types';

/**
 * The real publish adapter of each platform that has one. A platform missing here fails its
 * entries with "Publishing to <platform> is not available in this version".
 */
export const platformAdapters: Partial<Record<PlatformId, PlatformAdapter>> = {
  bluesky: blueskyAdapter,
  mastodon: mastodonAdapter,
  telegram: telegramAdapter,
};
