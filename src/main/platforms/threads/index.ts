import type { PlatformModule } from '../types';
import { threadsConnector } from './auth';
import { threadsAdapter } from './publish';

/** Threads: connect, and publish posts and threads (reply chains) through media containers. */
export const threadsModule: PlatformModule = {
  id: 'threads',
  connector: threadsConnector,
  publisher: threadsAdapter,
};
