import type { PlatformModule } from '../types';
import { instagramFacebookConnector } from './auth';

/** Instagram through Facebook Login: connect (no publisher yet). */
export const instagramFacebookModule: PlatformModule = {
  id: 'instagram-facebook',
  connector: instagramFacebookConnector,
};
