import type { PlatformModule } from '../types';
import { youtubeConnector } from './auth';

/** YouTube: connect (no publisher yet). */
export const youtubeModule: PlatformModule = {
  id: 'youtube',
  connector: youtubeConnector,
};
