import { randomBytes } from 'node:crypto';
import { lazy } from '../../platforms/lazy';
import type { SecretStore } from './ports';

/** The native keyring binding: loaded with the first secret read or written (start-up reads none). */
const keyring = lazy(() => import('@napi-rs/keyring'));

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

/** Marks an entry whose value is split over several entries: `<prefix><generation>:<count>`. */
const CHUNKED = '\u0000outbox-chunks:';
/**
 * Windows Credential Manager keeps at most 2560 bytes per credential, and the keyring library
 * stores passwords there as UTF-16: 1000 characters per entry stays clear of it.
 */
const WINDOWS_MAX_CHARS = 1000;

/** Options of the keychain store. */
export interface KeychainOptions {
  /** Longer values are split over several entries (default: 1000 on Windows, unlimited elsewhere). */
  maxEntryChars?: number;
}

/**
 * Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service). A
 * value too long for one entry is written as numbered chunks of a fresh generation first and
 * the head entry naming that generation last, so a crash midway leaves the previous value whole.
 */
export function createKeychainSecretStore(service = KEYCHAIN_SERVICE, options: KeychainOptions = {}): SecretStore {
  const max = options.maxEntryChars ?? (process.platform === 'win32' ? WINDOWS_MAX_CHARS : Number.POSITIVE_INFINITY);
  const entry = async (key: string) => new (await keyring()).AsyncEntry(service, key);
  const chunkKey = (key: string, generation: string, index: number) => `${key}#${generation}.${index}`;
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw error instanceof KeychainUnavailableError ? error : new KeychainUnavailableError(error);
    }
  };
  const raw = {
    get: (key: string) => guard(async () => (await (await entry(key)).getPassword()) ?? null),
    set: (key: string, value: string) => guard(async () => (await entry(key)).setPassword(value)),
    delete: (key: string) => guard(async () => void (await (await entry(key)).deleteCredential())),
  };
  const parseHead = (text: string | null) => {
    if (text === null || !text.startsWith(CHUNKED)) return null;
    const [generation, count] = text.slice(CHUNKED.length).split(':');
    return { generation: generation ?? '', count: Number(count) };
  };
  const deleteChunks = async (key: string, head: { generation: string; count: number } | null) => {
    if (!head) return;
    for (let i = 0; i < head.count; i++) await raw.delete(chunkKey(key, head.generation, i));
  };

  return {
    async get(key) {
      const text = await raw.get(key);
      const head = parseHead(text);
      if (!head) return text;
      let value = '';
      for (let i = 0; i < head.count; i++) {
        const part = await raw.get(chunkKey(key, head.generation, i));
        if (part === null) throw new Error(`The keychain entry ${key} is incomplete (part ${i + 1} of ${head.count} is missing)`);
        value += part;
      }
      return value;
    },
    async set(key, value) {
      const previous = parseHead(await raw.get(key));
      if (value.length <= max && !value.startsWith(CHUNKED)) {
        await raw.set(key, value);
      } else {
        const generation = randomBytes(4).toString('hex');
        const count = Math.ceil(value.length / max);
        for (let i = 0; i < count; i++) await raw.set(chunkKey(key, generation, i), value.slice(i * max, (i + 1) * max));
        await raw.set(key, `${CHUNKED}${generation}:${count}`);
      }
      await deleteChunks(key, previous);
    },
    async delete(key) {
      const head = parseHead(await raw.get(key));
      await raw.delete(key);
      await deleteChunks(key, head);
    },
  };
}
