import type { PlatformModule } from '../types';
import { mastodonConnector } from './auth';
import { mastodonAdapter } from './publish';

/** Mastodon: connect and publish. */
export const mastodonModule: PlatformModule = {
  id: 'mastodon',
  connector: mastodonConnector,
  publisher: mastodonAdapter,
  scheduler: mastodonAdapter.remote,
};
