import type { PlatformModule } from '../types';
import { instagramConnector } from './auth';

/** Instagram (Instagram Login): connect (no publisher yet). */
export const instagramModule: PlatformModule = {
  id: 'instagram',
  connector: instagramConnector,
};
