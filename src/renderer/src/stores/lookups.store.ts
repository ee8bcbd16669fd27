import { create } from 'zustand';
import type { z } from 'zod';
import { pinterestBoardsSchema, tiktokCreatorInfoSchema, type PinterestBoard, type TiktokCreatorInfo } from '../../../shared/platforms/lookups';
import { outbox } from '../api';
import { plainError } from '../lib/errors';

/** One lookup's answer for one account, as the composer shows it. */
export interface LookupState<T> {
  status: 'loading' | 'ready' | 'error';
  value: T | null;
  error: string | null;
}

interface LookupsState {
  /** TikTok's creator info per account id (asked afresh each time the TikTok options open, as TikTok requires). */
  creatorInfo: Record<string, LookupState<TiktokCreatorInfo>>;
  /** Pinterest boards per account id (kept until refreshed). */
  boards: Record<string, LookupState<PinterestBoard[]>>;
  loadCreatorInfo(accountId: string): Promise<void>;
  /** Loads the boards once; `refresh` asks Pinterest again. */
  loadBoards(accountId: string, options?: { refresh?: boolean }): Promise<void>;
}

const inFlight = new Map<string, Promise<void>>();

/** Asks the engine (`accounts:lookup`) and checks the answer's shape before a view sees it. */
async function ask<T>(accountId: string, name: string, schema: z.ZodType<T>): Promise<LookupState<T>> {
  const result = await outbox().accounts.lookup({ id: accountId, name, input: {} });
  if (!result.ok) return { status: 'error', value: null, error: plainError(result.error) };
  const parsed = schema.safeParse(result.value.value);
  if (!parsed.success) return { status: 'error', value: null, error: `The answer from the platform was not understood (${parsed.error.issues[0]?.message ?? 'bad shape'})` };
  return { status: 'ready', value: parsed.data, error: null };
}

/** What the composer asks platforms about an account: TikTok's creator info, Pinterest's boards. */
export const useLookupsStore = create<LookupsState>((set, get) => ({
  creatorInfo: {},
  boards: {},
  loadCreatorInfo(accountId) {
    const key = `creatorInfo:${accountId}`;
    const running = inFlight.get(key);
    if (running) return running;
    const previous = get().creatorInfo[accountId];
    set({ creatorInfo: { ...get().creatorInfo, [accountId]: { status: 'loading', value: previous?.value ?? null, error: null } } });
    const job = ask(accountId, 'creatorInfo', tiktokCreatorInfoSchema)
      .then((state) => set({ creatorInfo: { ...get().creatorInfo, [accountId]: state } }))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, job);
    return job;
  },
  loadBoards(accountId, options = {}) {
    const key = `boards:${accountId}`;
    const running = inFlight.get(key);
    if (running) return running;
    const previous = get().boards[accountId];
    if (previous?.status === 'ready' && !options.refresh) return Promise.resolve();
    set({ boards: { ...get().boards, [accountId]: { status: 'loading', value: previous?.value ?? null, error: null } } });
    const job = ask(accountId, 'boards', pinterestBoardsSchema)
      .then((state) => set({ boards: { ...get().boards, [accountId]: state } }))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, job);
    return job;
  },
}));
