import { create } from 'zustand';
import type { Account, PlatformId } from '../../../shared/domain';
import { outbox } from '../api';
import { plainError } from '../lib/errors';

interface AccountsState {
  accounts: Account[];
  loaded: boolean;
  error: string | null;
  /** Which OAuth platforms have the creator's developer app set. */
  appCredentials: Partial<Record<PlatformId, boolean>>;
  load(): Promise<void>;
  loadAppCredentials(): Promise<void>;
}

/** Connected accounts; refetched on accounts:changed. */
export const useAccountsStore = create<AccountsState>((set) => ({
  accounts: [],
  loaded: false,
  error: null,
  appCredentials: {},
  async load() {
    const result = await outbox().accounts.list();
    if (result.ok) set({ accounts: result.value, loaded: true, error: null });
    else set({ loaded: true, error: plainError(result.error) });
  },
  async loadAppCredentials() {
    const result = await outbox().accounts.appCredentials();
    if (result.ok) set({ appCredentials: Object.fromEntries(result.value.map((c) => [c.platform, c.configured])) });
  },
}));

/** An account by id, from a list. */
export const accountById = (accounts: Account[], id: string | null) => accounts.find((a) => a.id === id) ?? null;
