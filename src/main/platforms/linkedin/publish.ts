import type { PlatformAdapter } from '../types';
import { createLinkedInAdapter } from './posts';

/** Publishing as the member (urn:li:person), with real timers. */
export const linkedinAdapter: PlatformAdapter = createLinkedInAdapter('linkedin');
