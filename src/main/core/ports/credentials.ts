/**
 * How the publishing engine reaches account secrets without knowing where they live: the
 * accounts service implements it over the SecretStore.
 */
export interface CredentialsProvider {
  /** The account's secrets for publishing; throws when the account has none (disconnected). */
  get(accountId: string): Promise<Record<string, unknown>>;
  /** Refreshes the account's token once; resolves true when new secrets are stored. */
  refresh(accountId: string): Promise<boolean>;
  /** Marks the account `token_expired`, emits accounts:changed and tells the notifier. */
  markExpired(accountId: string, reason: string): Promise<void>;
}
