import type { AppInfo } from '../../../shared/ipc/app';
import type { DomainHandlers } from '../handlers';

/** `app:*` channels. */
export function createAppHandlers(info: AppInfo): DomainHandlers<'app'> {
  return {
    'app:info': () => ({ ...info, publishingPlatforms: [...info.publishingPlatforms] }),
  };
}
