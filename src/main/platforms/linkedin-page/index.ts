import type { PlatformModule } from '../types';
import { linkedinPageConnector } from './auth';
import { linkedinPageAdapter } from './publish';

/** LinkedIn Page: connect (choose the Page) and publish as it (the same Posts API as the profile). */
export const linkedinPageModule: PlatformModule = {
  id: 'linkedin-page',
  connector: linkedinPageConnector,
  publisher: linkedinPageAdapter,
};
