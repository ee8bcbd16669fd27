import type { PlatformModule } from '../types';
import { linkedinPageConnector } from './auth';

/** LinkedIn Page: connect (no publisher yet). */
export const linkedinPageModule: PlatformModule = {
  id: 'linkedin-page',
  connector: linkedinPageConnector,
};
