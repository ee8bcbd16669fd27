import { PLATFORMS, type PlatformId } from '../../shared/domain';
import { blueskyModule } from './bluesky';
import { facebookModule } from './facebook';
import { instagramFacebookModule } from './instagram-facebook';
import { instagramModule } from './instagram';
import { linkedinPageModule } from './linkedin-page';
import { linkedinModule } from './linkedin';
import { mastodonModule } from './mastodon';
import { pinterestModule } from './pinterest';
import { telegramModule } from './telegram';
import { threadsModule } from './threads';
import { tiktokModule } from './tiktok';
import type { PlatformModule } from './types';
import { xModule } from './x';
import { youtubeModule } from './youtube';

/**
 * The one registry: every platform's module by id. Typed as a full Record, so a platform added
 * to `PLATFORMS` without a module does not compile. The engine, the accounts service and
 * `app:info.publishingPlatforms` all read it.
 */
export const platformModules: Record<PlatformId, PlatformModule> = {
  x: xModule,
  bluesky: blueskyModule,
  mastodon: mastodonModule,
  linkedin: linkedinModule,
  'linkedin-page': linkedinPageModule,
  threads: threadsModule,
  instagram: instagramModule,
  'instagram-facebook': instagramFacebookModule,
  facebook: facebookModule,
  tiktok: tiktokModule,
  youtube: youtubeModule,
  pinterest: pinterestModule,
  telegram: telegramModule,
};

/** The platforms of `modules` that have a publisher, in the catalog's order. */
export function publishingPlatforms(modules: Record<PlatformId, PlatformModule>): PlatformId[] {
  return PLATFORMS.filter((platform) => modules[platform].publisher !== undefined);
}

export type { PlatformModule } from './types';
