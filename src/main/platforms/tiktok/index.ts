import type { PlatformModule } from '../types';
import { tiktokConnector } from './auth';
import { creatorInfoLookup } from './creator-info';
import { tiktokAdapter } from './publish';

/** TikTok: connect, publish videos (FILE_UPLOAD) and photo posts (from the creator's bucket), and the composer's creator info. */
export const tiktokModule: PlatformModule = {
  id: 'tiktok',
  connector: tiktokConnector,
  publisher: tiktokAdapter,
  lookups: { creatorInfo: creatorInfoLookup },
};
