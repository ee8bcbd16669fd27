import type { PlatformModule } from '../types';
import { xConnector } from './auth';
import { xAdapter } from './publish';

/** X: connect (OAuth 2.0 with PKCE) and publish (API v2: posts, threads, media, polls). */
export const xModule: PlatformModule = {
  id: 'x',
  connector: xConnector,
  publisher: xAdapter,
};
