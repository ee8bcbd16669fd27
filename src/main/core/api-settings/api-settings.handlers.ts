import { randomBytes } from 'node:crypto';
import type { ApiStatus } from '../../../shared/ipc/api';
import type { DomainHandlers } from '../handlers';
import type { SecretStore } from '../ports/ports';
import type { SettingsService } from '../settings/settings.service';
import { API_TOKEN_KEY, type ApiRuntime } from './api-runtime';

/** Personal access tokens start with this, so secret scanners and people can tell what they are. */
export const API_TOKEN_PREFIX = 'obx_';

/** A new token: 256 random bits, URL-safe. */
export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** `api:*` channels: the settings side of the local automation API. */
export function createApiSettingsHandlers(deps: { settings: SettingsService; secrets: SecretStore; runtime: ApiRuntime }): DomainHandlers<'api'> {
  return {
    'api:status': async (): Promise<ApiStatus> => {
      const { apiEnabled, apiPort } = deps.settings.get();
      const state = deps.runtime.get();
      const running = apiEnabled && state.running && state.port === apiPort;
      // Status must answer even without a keychain (Linux with no Secret Service): it then says why.
      let tokenSet = false;
      let keychainError: string | null = null;
      try {
        tokenSet = (await deps.secrets.get(API_TOKEN_KEY)) !== null;
      } catch (error) {
        keychainError = error instanceof Error ? error.message : String(error);
      }
      return {
        enabled: apiEnabled,
        port: apiPort,
        running,
        url: running ? `http://127.0.0.1:${apiPort}` : null,
        tokenSet,
        error: (apiEnabled && !running ? state.error : null) ?? keychainError,
      };
    },
    'api:regenerateToken': async () => {
      const token = generateApiToken();
      // Overwriting the one stored token is what revokes the old one: the server reads it per request.
      await deps.secrets.set(API_TOKEN_KEY, token);
      return { token };
    },
  };
}
