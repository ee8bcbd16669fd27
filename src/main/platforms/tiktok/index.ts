import type { PlatformModule } from '../types';
import { tiktokConnector } from './auth';

/** TikTok: connect (no publisher yet). */
export const tiktokModule: PlatformModule = {
  id: 'tiktok',
  connector: tiktokConnector,
};
