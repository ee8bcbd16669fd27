import type { CredentialsProvider } from '../ports/credentials';

/** The credentials provider until the accounts service supplies one: every account is "not connected". */
export const noCredentials: CredentialsProvider = {
  async get() {
    throw new Error('account not connected');
  },
  async refresh() {
    return false;
  },
  async markExpired() {},
};
