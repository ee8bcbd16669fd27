import { platformSpec } from '../../shared/platforms/catalog';
import { parsePlatformSettings, type PlatformSettings } from '../../shared/platforms/settings';
import type { PlatformId } from '../../shared/domain';
import { PublishError, type PublishContext } from './types';

/**
 * The entry's settings for its platform, parsed with the catalog's zod schema (the composer and
 * the API check them first; a stored value that no longer parses fails the entry for good,
 * naming the field).
 */
export function entrySettings<P extends PlatformId>(ctx: Pick<PublishContext, 'entry'>, platform: P): PlatformSettings<P> {
  const parsed = parsePlatformSettings(platform, ctx.entry.settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PublishError('permanent', `${platformSpec(platform).name} settings are not valid: ${issue ? `${issue.path.join('.') || 'settings'} ${issue.message}` : parsed.error.message}`);
  }
  return parsed.data as PlatformSettings<P>;
}
