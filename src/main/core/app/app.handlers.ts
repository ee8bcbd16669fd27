import type { DomainHandlers } from '../handlers';

/** `app:*` channels. */
export function createAppHandlers(info: { version: string; dataDir: string; schemaVersion: number }): DomainHandlers<'app'> {
  return {
    'app:info': () => ({ ...info }),
  };
}
