import type { PlatformId } from '../../../shared/domain';
import type { Issue } from '../../../shared/result';
import { QUOTA_ZONE, quotaDay, quotaWarning } from '../../platforms/youtube/quota';
import type { AccountRow } from '../accounts/accounts.repo';
import type { Clock } from '../ports/ports';
import type { PostStore } from './post-store.repo';

/** An entry of the post being written, as the quota check needs it. */
export interface QuotaEntry {
  accountId: string;
  platform: PlatformId;
  settings: Record<string, unknown>;
  handOff: 'auto' | 'off';
  /** Where the entry sits in the payload (targets.2), for the warning's path. */
  path: string;
}

const PLATFORM: PlatformId = 'youtube';
const DAY_LABEL = new Intl.DateTimeFormat('en-US', { timeZone: QUOTA_ZONE, weekday: 'long', month: 'long', day: 'numeric' });

/**
 * YouTube's daily upload quota, as a warning (never a refusal: YouTube's answer is the truth, and
 * Outbox waits for midnight Pacific Time when it comes). An upload uses the quota of the day it
 * happens: now for an entry YouTube's scheduler will hold (it is uploaded when handed off), its
 * time otherwise. Today's use comes from the attempt log; other days start empty.
 */
export function createQuotaCheck(deps: { store: Pick<PostStore, 'uploadsStarted' | 'quotaRefused' | 'pendingOfPlatform'>; accounts: { many(ids: string[]): AccountRow[] }; clock: Clock }) {
  return function quotaWarnings(entries: QuotaEntry[], scheduledAt: number | null, postId: string | null): Issue[] {
    const mine = entries.filter((e) => e.platform === PLATFORM);
    if (mine.length === 0 || scheduledAt === null) return [];
    const now = deps.clock.now();
    const today = quotaDay(now);
    const others = deps.store.pendingOfPlatform(PLATFORM, quotaDay(Math.max(scheduledAt, now)).to).filter((o) => o.postId !== postId);
    const accounts = new Map(deps.accounts.many([...new Set([...mine, ...others].map((e) => e.accountId))]).map((a) => [a.id, a]));
    const dayOf = (e: { accountId: string; handOff: 'auto' | 'off'; settings: Record<string, unknown> }, at: number) => {
      const handsOff = accounts.get(e.accountId)?.handOff === true && e.handOff === 'auto' && (e.settings['privacy'] ?? 'public') === 'public' && at > now;
      return handsOff ? today.from : quotaDay(Math.max(at, now)).from;
    };
    const planned = new Map<number, number>();
    for (const o of others) planned.set(dayOf(o, o.scheduledAt), (planned.get(dayOf(o, o.scheduledAt)) ?? 0) + 1);
    const byDay = new Map<number, QuotaEntry[]>();
    for (const e of mine) byDay.set(dayOf(e, scheduledAt), [...(byDay.get(dayOf(e, scheduledAt)) ?? []), e]);
    const issues: Issue[] = [];
    for (const [day, list] of byDay) {
      const log = day === today.from ? { uploads: deps.store.uploadsStarted(PLATFORM, today.from, today.to), exhausted: deps.store.quotaRefused(PLATFORM, today.from, today.to) } : { uploads: 0, exhausted: false };
      const message = quotaWarning(log, list.length + (planned.get(day) ?? 0), day === today.from ? 'today' : DAY_LABEL.format(new Date(day)));
      if (message) for (const e of list) issues.push({ path: e.path, message: `YouTube: ${message}`, platform: PLATFORM });
    }
    return issues;
  };
}
