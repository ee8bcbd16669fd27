import type { PlatformId } from '../../shared/domain';
import { blueskyConnector } from './bluesky/auth';
import type { PlatformConnector } from './connect-types';
import { mastodonConnector } from './mastodon/auth';
import { telegramConnector } from './telegram/auth';
import { xConnector } from './x/auth';

/**
 * Every platform's account connection, by platform id. The accounts service dispatches
 * `accounts:connect`, checks and refreshes through this table.
 */
// `any`: each connector takes its own input shape (the accounts:connect payload less `platform`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const connectors: Partial<Record<PlatformId, PlatformConnector<any>>> = {
  x: xConnector,
  bluesky: blueskyConnector,
  mastodon: mastodonConnector,
  telegram: telegramConnector,
};
