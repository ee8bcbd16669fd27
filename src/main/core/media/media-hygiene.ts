// Media library hygiene: library items no post or draft has named for 30 days are removed. The
// database knows since when each item is unnamed (migration 0015: stamped at import, cleared when
// a post names it, checked as soon as a post stops naming it), so one timer is armed for the
// earliest moment an item reaches 30 days, and none while every item is in use: Outbox never
// wakes for nothing. Media the kept backups need stay: the backups service lists them
// (`mediaKeptByBackups`); when that list cannot be read nothing is removed, and it is tried again
// a day later, since a restore must never bring back posts whose files are gone.
import type { EventBus } from '../events';
import type { Clock, TimerHandle } from '../ports/ports';
import type { KeptMedia, MediaService } from './media.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the library sweep needs. */
export interface MediaHygieneDeps {
  media: Pick<MediaService, 'settleUnnamed' | 'nextUnusedDue' | 'staleUnused' | 'removeUnused' | 'removeLeftovers'>;
  clock: Clock;
  /** posts:changed: a post may have stopped naming an item. */
  bus: Pick<EventBus, 'on'>;
  log(message: string, error?: unknown): void;
  /** Media referenced by the kept backups (the backups service's `mediaReferencedByKeptBackups`); absent: none kept. */
  mediaKeptByBackups?: () => KeptMedia | Promise<KeptMedia>;
}

/** The library sweep: one timer for the next item to reach 30 days unused; every round catches, reports and re-arms. */
export function createMediaHygiene(deps: MediaHygieneDeps) {
  let timer: { handle: TimerHandle; at: number } | null = null;
  // Removals run one round after another.
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  let off: (() => void) | null = null;

  /** Arms the one timer for the next due moment (or a day from now when an overdue item must stay). */
  function rearm() {
    if (closed) return;
    let due: number | null;
    try {
      due = deps.media.nextUnusedDue();
    } catch (error) {
      deps.log('the media library sweep could not plan its next round', error);
      return;
    }
    if (due === null) {
      timer?.handle.cancel();
      timer = null;
      return;
    }
    const now = deps.clock.now();
    const at = due > now ? due : now + DAY_MS;
    if (timer && timer.at === at) return;
    timer?.handle.cancel();
    timer = { at, handle: deps.clock.setTimeout(() => void round(), at - now) };
  }

  async function remove(stale: ReturnType<MediaService['staleUnused']>): Promise<string[]> {
    if (stale.length === 0) return [];
    let keep: KeptMedia | undefined;
    try {
      keep = deps.mediaKeptByBackups ? await deps.mediaKeptByBackups() : undefined;
    } catch (error) {
      deps.log('the media sweep skipped this round: the media of the kept backups could not be listed', error);
      return [];
    }
    if (closed) return [];
    return (await deps.media.removeUnused(stale, { keep })).removed;
  }

  /** One round: the items unused for 30 days are removed; resolves with their ids ([] when it failed: it was reported). */
  function round(): Promise<string[]> {
    timer = null;
    if (closed) return Promise.resolve([]);
    let stale: ReturnType<MediaService['staleUnused']>;
    try {
      stale = deps.media.staleUnused();
    } catch (error) {
      deps.log('the media library sweep failed', error);
      stale = [];
    }
    const job = chain
      .then(() => remove(stale))
      .catch((error: unknown) => {
        deps.log('the media library sweep failed', error);
        return [] as string[];
      })
      .finally(rearm);
    chain = job;
    return job;
  }

  /** A post changed: items it stopped naming are settled at once, and the timer follows. */
  function postsChanged() {
    try {
      deps.media.settleUnnamed();
    } catch (error) {
      deps.log('the media library could not check what posts stopped using', error);
    }
    rearm();
  }

  return {
    /** Moves the timer after an import (an item's unused count started or started over). */
    rearm,
    start() {
      postsChanged();
      off = deps.bus.on('posts:changed', postsChanged);
      chain = deps.media.removeLeftovers().catch((error: unknown) => deps.log('could not remove the leftovers of interrupted imports', error));
    },
    async close() {
      closed = true;
      off?.();
      timer?.handle.cancel();
      timer = null;
      await chain;
    },
  };
}
