import type { PlatformModule } from '../types';
import { xConnector } from './auth';

/** X: connect (no publisher yet). */
export const xModule: PlatformModule = {
  id: 'x',
  connector: xConnector,
};
