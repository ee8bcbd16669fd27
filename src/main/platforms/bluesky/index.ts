import type { PlatformModule } from '../types';
import { blueskyConnector } from './auth';
import { blueskyAdapter } from './publish';

/** Bluesky: connect and publish. */
export const blueskyModule: PlatformModule = {
  id: 'bluesky',
  connector: blueskyConnector,
  publisher: blueskyAdapter,
};
