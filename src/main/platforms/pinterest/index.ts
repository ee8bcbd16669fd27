import type { PlatformModule } from '../types';
import { pinterestConnector } from './auth';
import { boardsLookup } from './boards';
import { pinterestAdapter } from './publish';

/** Pinterest: connect, publish image, carousel and video pins, and the composer's board list. */
export const pinterestModule: PlatformModule = {
  id: 'pinterest',
  connector: pinterestConnector,
  publisher: pinterestAdapter,
  lookups: { boards: boardsLookup },
};
