import type { PlatformModule } from '../types';
import { youtubeConnector } from './auth';
import { youtubeAdapter } from './publish';

/** YouTube: connect, upload videos (resumable, with their cover), and hand scheduled ones to YouTube's own scheduler. */
export const youtubeModule: PlatformModule = {
  id: 'youtube',
  connector: youtubeConnector,
  publisher: youtubeAdapter,
  scheduler: youtubeAdapter.remote,
};
