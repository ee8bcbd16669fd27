import type { SettingsPatch } from '../../../shared/ipc/settings';
import { outbox } from '../api';

/**
 * What the Automation API section of Settings asks the engine (its own local state stays in the
 * component: the token is shown once and never kept in a store).
 */
export const apiSettings = {
  status: () => outbox().api.status(),
  regenerateToken: () => outbox().api.regenerateToken(),
  update: (patch: Pick<SettingsPatch, 'apiEnabled' | 'apiPort' | 'apiAllowLocalMediaUrls'>) => outbox().settings.update(patch),
  settings: () => outbox().settings.get(),
  /** Calls `listener` with the changed keys whenever settings change. */
  onSettingsChanged: (listener: (keys: string[]) => void) => outbox().on('settings:changed', ({ keys }) => listener(keys)),
};
