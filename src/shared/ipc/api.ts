import { channel, noPayload } from './define';

/** The default port of the local automation API. */
export const DEFAULT_API_PORT = 7787;

/** How the local automation API stands, as the Settings view shows it. Never carries the token. */
export interface ApiStatus {
  /** The `apiEnabled` setting. */
  enabled: boolean;
  /** The `apiPort` setting. */
  port: number;
  /** True while the server listens on `port`. */
  running: boolean;
  /** Where it listens (`http://127.0.0.1:<port>`), or null when it does not. */
  url: string | null;
  /** True once a personal access token has been generated. */
  tokenSet: boolean;
  /** Why the server is not running although enabled (e.g. the port is taken), or null. */
  error: string | null;
}

/** A freshly generated personal access token: shown to the creator once, never again. */
export interface ApiToken {
  token: string;
}

/** Local automation API channels. */
export const apiChannels = {
  'api:status': channel(noPayload).returns<ApiStatus>(),
  /**
   * Generates a new personal access token, stores it in the keychain and answers it ONCE; the
   * previous token stops working at once. The only channel that answers a secret, by design.
   */
  'api:regenerateToken': channel(noPayload).returns<ApiToken>(),
};
