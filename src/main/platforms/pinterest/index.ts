import type { PlatformModule } from '../types';
import { pinterestConnector } from './auth';

/** Pinterest: connect (no publisher yet). */
export const pinterestModule: PlatformModule = {
  id: 'pinterest',
  connector: pinterestConnector,
};
