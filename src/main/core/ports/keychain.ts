import { AsyncEntry } from '@napi-rs/keyring';
import type { SecretStore } from './ports';

/** The keychain service name every Outbox secret is stored under. */
export const KEYCHAIN_SERVICE = 'Outbox';

/** Thrown when the OS has no usable keychain; the message says what to install. */
export class KeychainUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      'No OS keychain is available, so Outbox cannot store account secrets. ' +
        (process.platform === 'linux'
          ? 'Install and unlock a Secret Service keyring (for example gnome-keyring or KWallet) and try again.'
          : 'Make sure the system keychain is unlocked and try again.') +
        ` (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'KeychainUnavailableError';
  }
}

/** Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service). */
export function createKeychainSecretStore(service = KEYCHAIN_SERVICE): SecretStore {
  const entry = (key: string) => new AsyncEntry(service, key);
  return {
    async get(key) {
      try {
        return (await entry(key).getPassword()) ?? null;
      } catch (error) {
        throw new KeychainUnavailableError(error);
      }
    },
    async set(key, value) {
      try {
        await entry(key).setPassword(value);
      } catch (error) {
        throw new KeychainUnavailableError(error);
      }
    },
    async delete(key) {
      try {
        await entry(key).deleteCredential();
      } catch (error) {
        throw new KeychainUnavailableError(error);
      }
    },
  };
}
