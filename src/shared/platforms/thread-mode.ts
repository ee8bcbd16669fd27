import type { PartMedia, PlatformId, PostPart } from '../domain';
import { PLATFORM_SPECS } from './catalog';

/**
 * How a thread goes to a platform that cannot thread: `first` sends part 1 only, `joined` sends
 * every part joined into one message (their texts one after the other, their media together).
 */
export const THREAD_MODES = ['joined', 'first'] as const;
/** A thread mode. */
export type ThreadMode = (typeof THREAD_MODES)[number];

/** The mode an entry without a choice gets: nothing the creator wrote is dropped. */
export const DEFAULT_THREAD_MODE: ThreadMode = 'joined';

/** What joins two parts' texts in one message: a blank line, as the creator would paste them. */
export const JOIN_SEPARATOR = '\n\n';

/** True when the platform sends a post of several parts as something other than a thread. */
export function needsThreadMode(platform: PlatformId, parts: number): boolean {
  return parts > 1 && !PLATFORM_SPECS[platform].threads;
}

/**
 * Exactly what a platform receives for a post: the parts it is sent as, with the entry's own
 * text in place of the first part's. The engine builds its publish context with this, validation
 * checks what it returns, and the composer's preview shows it: the three cannot disagree.
 */
export function sentParts<M extends PartMedia>(
  platform: PlatformId,
  parts: Array<{ text: string; media: M[] }>,
  textOverride: string | null,
  threadMode: ThreadMode | null,
): Array<{ text: string; media: M[] }> {
  const withOwn = parts.map((part, i) => (i === 0 && textOverride !== null ? { text: textOverride, media: part.media } : part));
  if (!needsThreadMode(platform, parts.length)) return withOwn;
  const mode = threadMode ?? DEFAULT_THREAD_MODE;
  if (mode === 'first') return withOwn.slice(0, 1);
  // The platform's own text replaces the whole message's text (it was written for this platform);
  // the media of every part still go along.
  const text = textOverride !== null ? textOverride : parts.map((p) => p.text.trim()).filter((t) => t !== '').join(JOIN_SEPARATOR);
  return [{ text, media: parts.flatMap((p) => p.media) }];
}

/** The same for a post's parts as the domain has them. */
export const sentPostParts = (platform: PlatformId, parts: PostPart[], textOverride: string | null, threadMode: ThreadMode | null): PostPart[] => sentParts(platform, parts, textOverride, threadMode);
