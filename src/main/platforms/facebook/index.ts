import type { PlatformModule } from '../types';
import { facebookConnector } from './auth';
import { facebookAdapter } from './publish';

/** Facebook Pages: connect, publish, and hand scheduled posts to the Page's own scheduler. */
export const facebookModule: PlatformModule = {
  id: 'facebook',
  connector: facebookConnector,
  publisher: facebookAdapter,
  scheduler: facebookAdapter.remote,
};
