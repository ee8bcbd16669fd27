import type { PlatformId } from '../../../shared/domain';
import { PLATFORM_SPECS } from '../../../shared/platforms';

/**
 * What only the UI needs per platform: its colour and the order of pickers (the mark's drawing
 * is in components/PlatformMark). The name, limits and settings come from the shared catalog.
 */
export const PLATFORM_LOOK: Record<PlatformId, { color: string; connectNote?: string }> = {
  x: { color: '#111111' },
  bluesky: { color: '#1064d8' },
  mastodon: { color: '#5b48d6' },
  linkedin: { color: '#0a66c2' },
  'linkedin-page': { color: '#004182' },
  threads: { color: '#222222' },
  instagram: { color: '#c1306c' },
  // Two ways to reach Instagram: the catalog names both "Instagram"; the connect card tells them apart.
  'instagram-facebook': { color: '#a52a64', connectNote: 'through a Facebook Page' },
  facebook: { color: '#1463d1' },
  tiktok: { color: '#161616' },
  youtube: { color: '#c4120c' },
  pinterest: { color: '#b60020' },
  telegram: { color: '#17689a' },
};

/** The platform's display name, from the shared catalog (the one place names live). */
export const platformName = (p: PlatformId): string => PLATFORM_SPECS[p]?.name ?? p;

/** The order platforms appear in pickers. */
export const PLATFORM_ORDER: PlatformId[] = ['x', 'bluesky', 'mastodon', 'threads', 'linkedin', 'linkedin-page', 'instagram', 'instagram-facebook', 'facebook', 'tiktok', 'youtube', 'pinterest', 'telegram'];
