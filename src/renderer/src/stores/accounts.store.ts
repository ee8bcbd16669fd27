import { create } from 'zustand';
import type { Account, PlatformId } from '../../../shared/domain';
import type { OutboxApi } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/result';
import { outbox } from '../api';
import { plainError } from '../lib/errors';

type ConnectPayload = Parameters<OutboxApi['accounts']['connect']>[0];
type ConnectAnswer = Awaited<ReturnType<OutboxApi['accounts']['connect']>>;
type AppCredentialsPayload = Parameters<OutboxApi['accounts']['setAppCredentials']>[0];

interface AccountsState {
  accounts: Account[];
  loaded: boolean;
  error: string | null;
  /** Which OAuth platforms have the creator's developer app set. */
  appCredentials: Partial<Record<PlatformId, boolean>>;
  load(): Promise<void>;
  loadAppCredentials(): Promise<void>;
  connect(payload: ConnectPayload): Promise<ConnectAnswer>;
  choose(pendingId: string, optionId: string): Promise<ConnectAnswer>;
  setAppCredentials(payload: AppCredentialsPayload): Promise<Result<unknown>>;
  setActive(id: string, active: boolean): Promise<Result<unknown>>;
  /** "Let <platform> publish my scheduled posts" for one account. */
  setHandOff(id: string, handOff: boolean): Promise<Result<unknown>>;
  /** Checks one account now; answers its connection state after the check. */
  check(id: string): Promise<Result<Account | null>>;
  disconnect(id: string): Promise<Result<unknown>>;
}

/** Connected accounts; refetched on accounts:changed. */
export const useAccountsStore = create<AccountsState>((set, get) => ({
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
  async connect(payload) {
    const result = await outbox().accounts.connect(payload);
    if (result.ok && result.value.status !== 'choose') await get().load();
    return result;
  },
  async choose(pendingId, optionId) {
    const result = await outbox().accounts.choose({ pendingId, optionId });
    if (result.ok && result.value.status !== 'choose') await get().load();
    return result;
  },
  async setAppCredentials(payload) {
    const result = await outbox().accounts.setAppCredentials(payload);
    if (result.ok) await get().loadAppCredentials();
    return result;
  },
  async setActive(id, active) {
    const result = await outbox().accounts.setActive({ id, active });
    void get().load();
    return result;
  },
  async setHandOff(id, handOff) {
    const result = await outbox().accounts.setHandOff({ id, handOff });
    void get().load();
    return result;
  },
  async check(id) {
    const result = await outbox().accounts.check({ id });
    void get().load();
    return result.ok ? { ok: true, value: result.value.find((a) => a.id === id) ?? null } : result;
  },
  async disconnect(id) {
    const result = await outbox().accounts.disconnect({ id });
    void get().load();
    return result;
  },
}));

/** An account by id, from a list. */
export const accountById = (accounts: Account[], id: string | null) => accounts.find((a) => a.id === id) ?? null;
