import type { PlatformEntry, PlatformId } from '../domain';
import { PLATFORM_SPECS } from './catalog';

// How a post handed to a platform's own scheduler is described, the same in the calendar, the
// post, the Posts list and the tray: it goes out at its time even with this computer off.

/** The platforms whose own scheduler holds an entry of the post (enabled entries only). */
export function handedOffPlatforms(entries: Array<Pick<PlatformEntry, 'platform' | 'status' | 'enabled'>>): PlatformId[] {
  return [...new Set(entries.filter((e) => e.enabled && e.status === 'handed_off').map((e) => e.platform))];
}

const names = (platforms: PlatformId[]) => platforms.map((p) => PLATFORM_SPECS[p].name).join(' and ');

/**
 * "Handed to Mastodon: goes out even if this computer is off", with the platforms that still need
 * the computer on when some do; null when no platform holds the post.
 */
export function handOffLine(entries: Array<Pick<PlatformEntry, 'platform' | 'status' | 'enabled'>>): string | null {
  const held = handedOffPlatforms(entries);
  if (held.length === 0) return null;
  const local = [...new Set(entries.filter((e) => e.enabled && e.status === 'pending' && !held.includes(e.platform)).map((e) => e.platform))];
  const rest = local.length > 0 ? ` (${names(local)} ${local.length > 1 ? 'need' : 'needs'} it on)` : '';
  return `Handed to ${names(held)}: goes out even if this computer is off${rest}`;
}

/** The short mark for tight places (the tray's menu): "handed to Mastodon". */
export function handOffMark(entries: Array<Pick<PlatformEntry, 'platform' | 'status' | 'enabled'>>): string | null {
  const held = handedOffPlatforms(entries);
  return held.length === 0 ? null : `handed to ${names(held)}`;
}
