import { PublishError } from './types';

/**
 * The access token among an account's stored secrets, or an auth failure saying to reconnect
 * (the engine refreshes the token once on an auth failure, then asks the creator).
 */
export function accessToken(credentials: Record<string, unknown>, platformName: string): string {
  const token = credentials['accessToken'];
  if (typeof token !== 'string' || token === '') throw new PublishError('auth', `No ${platformName} access token is stored for this account; reconnect it.`);
  return token;
}
