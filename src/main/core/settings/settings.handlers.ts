import type { DomainHandlers } from '../handlers';
import type { SettingsService } from './settings.service';

/** `settings:*` channels. */
export function createSettingsHandlers(settings: SettingsService): DomainHandlers<'settings'> {
  return {
    'settings:get': () => settings.get(),
    'settings:update': (patch) => settings.update(patch),
  };
}
