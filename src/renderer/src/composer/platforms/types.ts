import type { Account } from '../../../../shared/domain';
import type { ComposerTarget } from '../../stores/composer.store';

/** What a platform's own composer section gets (a board picker, TikTok's creator info). */
export interface PlatformSectionProps {
  account: Account;
  target: ComposerTarget;
  /** The content type the entry posts as (the platform's default when none is chosen). */
  contentType: string;
  /** A prefix for element ids, unique per section. */
  idPrefix: string;
  /** Changes settings: a key set to undefined is removed. */
  setSettings(patch: Record<string, unknown>): void;
}
