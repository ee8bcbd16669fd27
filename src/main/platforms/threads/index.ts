import type { PlatformModule } from '../types';
import { threadsConnector } from './auth';

/** Threads: connect (no publisher yet). */
export const threadsModule: PlatformModule = {
  id: 'threads',
  connector: threadsConnector,
};
