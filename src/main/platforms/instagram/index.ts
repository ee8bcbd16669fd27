import type { PlatformModule } from '../types';
import { instagramConnector } from './auth';
import { createInstagramAdapter } from './publish';

/** Instagram (Instagram Login, graph.instagram.com): connect and publish. */
export const instagramModule: PlatformModule = {
  id: 'instagram',
  connector: instagramConnector,
  publisher: createInstagramAdapter({ platform: 'instagram' }),
};
