import type { PlatformModule } from '../types';
import { linkedinConnector } from './auth';
import { linkedinAdapter } from './publish';

/** LinkedIn (profile): connect and publish (Posts API: text, images, video, PDF documents, article links). */
export const linkedinModule: PlatformModule = {
  id: 'linkedin',
  connector: linkedinConnector,
  publisher: linkedinAdapter,
};
