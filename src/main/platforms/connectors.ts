import type { PlatformId } from '../../shared/domain';
import { blueskyConnector } from './bluesky/auth';
import type { PlatformConnector } from './connect-types';
import { facebookConnector } from './facebook/auth';
import { instagramFacebookConnector } from './instagram-facebook/auth';
import { instagramConnector } from './instagram/auth';
import { linkedinPageConnector } from './linkedin-page/auth';
import { linkedinConnector } from './linkedin/auth';
import { mastodonConnector } from './mastodon/auth';
import { pinterestConnector } from './pinterest/auth';
import { telegramConnector } from './telegram/auth';
import { threadsConnector } from './threads/auth';
import { tiktokConnector } from './tiktok/auth';
import { xConnector } from './x/auth';
import { youtubeConnector } from './youtube/auth';

/**
 * Every platform's account connection, by platform id. The accounts service dispatches
 * `accounts:connect`, checks and refreshes through this table.
 */
// `any`: each connector takes its own input shape (the accounts:connect payload less `platform`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const connectors: Record<PlatformId, PlatformConnector<any>> = {
  x: xConnector,
  bluesky: blueskyConnector,
  mastodon: mastodonConnector,
  linkedin: linkedinConnector,
  'linkedin-page': linkedinPageConnector,
  threads: threadsConnector,
  instagram: instagramConnector,
  'instagram-facebook': instagramFacebookConnector,
  facebook: facebookConnector,
  tiktok: tiktokConnector,
  youtube: youtubeConnector,
  pinterest: pinterestConnector,
  telegram: telegramConnector,
};
