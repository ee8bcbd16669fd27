import type { AppInfo } from '../../../shared/ipc/app';
import { OAUTH_REDIRECT_URI } from '../accounts/accounts.service';
import type { DomainHandlers } from '../handlers';

/** `app:*` channels. */
export function createAppHandlers(info: Omit<AppInfo, 'oauthRedirectUri'>): DomainHandlers<'app'> {
  return {
    // The redirect URI the OAuth listener binds, so the connect dialog shows exactly that one.
    'app:info': () => ({ ...info, oauthRedirectUri: OAUTH_REDIRECT_URI, publishingPlatforms: [...info.publishingPlatforms] }),
  };
}
