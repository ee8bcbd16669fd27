import type { PlatformId } from '../../../shared/domain';

/** How the UI names and marks each platform (limits and content types come from the engine). */
export const PLATFORM_INFO: Record<PlatformId, { name: string; mark: string; color: string }> = {
  x: { name: 'X', mark: 'X', color: '#111111' },
  bluesky: { name: 'Bluesky', mark: 'Bs', color: '#1064d8' },
  mastodon: { name: 'Mastodon', mark: 'M', color: '#5b48d6' },
  linkedin: { name: 'LinkedIn', mark: 'in', color: '#0a66c2' },
  'linkedin-page': { name: 'LinkedIn Page', mark: 'in', color: '#004182' },
  threads: { name: 'Threads', mark: '@', color: '#222222' },
  instagram: { name: 'Instagram', mark: 'Ig', color: '#c1306c' },
  'instagram-facebook': { name: 'Instagram (via Facebook)', mark: 'Ig', color: '#a52a64' },
  facebook: { name: 'Facebook', mark: 'f', color: '#1463d1' },
  tiktok: { name: 'TikTok', mark: 'Tk', color: '#161616' },
  youtube: { name: 'YouTube', mark: '▶', color: '#c4120c' },
  pinterest: { name: 'Pinterest', mark: 'P', color: '#b60020' },
  telegram: { name: 'Telegram', mark: 'Tg', color: '#17689a' },
};

/** The platform's name, for text. */
export const platformName = (p: PlatformId) => PLATFORM_INFO[p]?.name ?? p;

/** The order platforms appear in pickers. */
export const PLATFORM_ORDER: PlatformId[] = ['x', 'bluesky', 'mastodon', 'threads', 'linkedin', 'linkedin-page', 'instagram', 'instagram-facebook', 'facebook', 'tiktok', 'youtube', 'pinterest', 'telegram'];
