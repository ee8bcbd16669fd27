import { createLinkedInAdapter } from '../linkedin/posts';
import type { PlatformAdapter } from '../types';

/** Publishing as the Page (urn:li:organization), with real timers; the Posts API code is shared with the profile. */
export const linkedinPageAdapter: PlatformAdapter = createLinkedInAdapter('linkedin-page');
