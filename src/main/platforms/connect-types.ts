import type { PlatformId } from '../../shared/domain';
import type { PublishAccount } from './types';

/** What a platform knows about an account once connected. `secrets` go to the keychain only. */
export interface ConnectedAccount {
  /** The platform's id for the user, page, channel or chat. */
  platformUserId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  /** Mastodon instance, Bluesky PDS, Telegram Bot API base; '' where the platform has one home. */
  instanceUrl: string;
  /** Non-secret facts kept in the database (chat id, instance limits under `limits`, page ids). */
  meta: Record<string, unknown>;
  /** Tokens, passwords, sessions: stored as JSON in the keychain under the account's key. */
  secrets: Record<string, unknown>;
  /** When the access token expires (UTC ms), or null. */
  tokenExpiresAt: number | null;
}

/** When the platform needs a choice after consent (pages, channels). */
export interface ConnectChoice {
  kind: 'choose';
  options: Array<{ id: string; name: string; kind: string; avatarUrl: string | null }>;
  /** Finishes the connection with the chosen option. */
  complete(optionId: string): Promise<ConnectedAccount>;
}

/** An OAuth 2.0 client as a platform describes it. */
export interface OAuthClientConfig {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /** How the scopes are joined in the authorize URL (' ' by default; some platforms use ','). */
  scopeSeparator?: string;
  /** Extra query parameters for the authorize URL. */
  extraAuthorizeParams?: Record<string, string>;
  /** How the client authenticates at the token endpoint. */
  tokenAuth?: 'body' | 'basic' | 'none';
  /** The issuer to check `iss` against, where the server sends it. */
  issuer?: string;
  /** The name of the client id parameter ('client_id' by default; TikTok uses 'client_key'). */
  clientIdParam?: string;
  /** How the S256 challenge is encoded (base64url per RFC 7636; TikTok desktop wants hex). */
  pkceEncoding?: 'base64url' | 'hex';
  /** The loopback redirect path ('/callback' by default). */
  redirectPath?: string;
}

/** Tokens from an authorization code or refresh grant. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds, as the server said. */
  expiresIn: number | null;
  scope: string | null;
  tokenType: string;
  /** The whole token response (some platforms put ids in it). */
  raw: Record<string, unknown>;
}

/** What the accounts service gives a platform's connect code. */
export interface ConnectContext {
  /** Endpoint overrides for this platform (tests). */
  endpoints: { apiBase?: string; authBase?: string; [key: string]: string | undefined };
  now(): number;
  signal: AbortSignal;
  /** Runs the authorization-code flow with PKCE through the system browser and a loopback redirect. */
  oauth(config: OAuthClientConfig): Promise<OAuthTokens>;
  /** The refresh-token grant, with the same client config. */
  refreshToken(config: OAuthClientConfig, refreshToken: string): Promise<OAuthTokens>;
  /** The creator's developer app for this platform, if set (accounts:setAppCredentials). */
  appCredentials: { clientId: string; clientSecret?: string } | null;
  /** Secret values a platform keeps across accounts (e.g. Mastodon app registrations per instance). */
  secretCache: { get(key: string): Promise<string | null>; set(key: string, value: string): Promise<void> };
}

/** What checking an account found. */
export interface CheckResult {
  connection: 'connected' | 'disconnected' | 'token_expired';
  /** Updated profile facts, if the platform returned them. */
  profile?: Partial<Pick<ConnectedAccount, 'handle' | 'displayName' | 'avatarUrl' | 'meta'>>;
  /** Replaced secrets (e.g. a refreshed session), stored before anything else happens. */
  secrets?: Record<string, unknown>;
  message?: string;
}

/** One platform's account connection (STYLE.md rule 8: `src/main/platforms/<id>/auth.ts`). */
export interface PlatformConnector<Input = Record<string, unknown>> {
  platform: PlatformId;
  /** Connects with what the creator gave (the `accounts:connect` payload less `platform`). */
  connect(input: Input, ctx: ConnectContext): Promise<ConnectedAccount | ConnectChoice>;
  /** A cheap call that proves the credentials still work. */
  check(account: PublishAccount, secrets: Record<string, unknown>, ctx: ConnectContext): Promise<CheckResult>;
  /**
   * Refreshes the access token. The accounts service stores the returned secrets before it
   * uses them (rotating refresh tokens must never be lost). Throws when the grant is refused.
   */
  refresh?(account: PublishAccount, secrets: Record<string, unknown>, ctx: ConnectContext): Promise<{ secrets: Record<string, unknown>; tokenExpiresAt: number | null }>;
}
