import type { PlatformModule } from '../types';
import { facebookConnector } from './auth';

/** Facebook Pages: connect (no publisher yet). */
export const facebookModule: PlatformModule = {
  id: 'facebook',
  connector: facebookConnector,
};
