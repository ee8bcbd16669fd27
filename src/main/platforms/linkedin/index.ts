import type { PlatformModule } from '../types';
import { linkedinConnector } from './auth';

/** LinkedIn (profile): connect (no publisher yet). */
export const linkedinModule: PlatformModule = {
  id: 'linkedin',
  connector: linkedinConnector,
};
