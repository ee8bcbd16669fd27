import { createInstagramAdapter } from '../instagram/publish';
import type { PlatformModule } from '../types';
import { instagramFacebookConnector } from './auth';

/** Instagram through Facebook Login (graph.facebook.com): connect and publish (the same Content Publishing API as Instagram Login). */
export const instagramFacebookModule: PlatformModule = {
  id: 'instagram-facebook',
  connector: instagramFacebookConnector,
  publisher: createInstagramAdapter({ platform: 'instagram-facebook' }),
};
