import type { SchedulerState } from '../../../shared/ipc/events';
import { AppError } from '../errors';
import type { TimerHandle } from '../ports/ports';
import { createDatabaseGuard } from './db-guard';
import { createHandOff } from './hand-off';
import { createOutcomes } from './outcomes';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy';
import { createRunner } from './runner';
import { createScheduler } from './scheduler';
import type { EngineLife, EngineShared, PublishingDeps } from './shared';

export type { PublishingDeps } from './shared';
export { SAFETY_CHECK_MS } from './scheduler';

/**
 * The publishing engine (DESIGN.md §2), in three parts: the scheduler (one timer, claims,
 * catch-up, wake), the runner (lanes, attempts, publish contexts, reconciliation) and the
 * outcomes (classified results -> state, retries, notifications). This file only wires them
 * and owns the life cycle: start (recover, catch up, arm) and close (drain, record).
 */
export function createPublishingEngine(deps: PublishingDeps) {
  const { clock, bus, network, store } = deps;
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...deps.retry };
  const log = deps.log ?? ((message: string, error: unknown) => console.error(`[outbox] ${message}`, error));
  const life: EngineLife = { started: false, stopping: false, detached: false };
  const guard = createDatabaseGuard(deps.notifier, log);
  const unsubscribe: Array<() => void> = [];

  let changedIds = new Set<string>();
  function flushChanged() {
    if (life.detached || changedIds.size === 0) return;
    const ids = [...changedIds];
    changedIds = new Set();
    bus.emit('posts:changed', { ids });
  }

  let lastState = '';
  let stateQueued = false;
  const shared: EngineShared = {
    deps,
    policy,
    life,
    log,
    blockedUntil: new Map(),
    running: new Map(),
    changed(ids) {
      if (life.detached) return;
      const first = changedIds.size === 0;
      for (const id of ids) changedIds.add(id);
      // Coalesced per turn of the event loop: a drain of 1,000 posts must not flood the UI with refetches.
      if (first && changedIds.size > 0) setImmediate(flushChanged);
    },
    emitState(nextDueAt) {
      const state: SchedulerState = {
        paused: deps.settings.get().publishingPaused,
        online: network.isOnline(),
        publishing: shared.running.size,
        nextDueAt: nextDueAt === null ? null : new Date(nextDueAt).toISOString(),
      };
      const text = JSON.stringify(state);
      if (text === lastState) return;
      lastState = text;
      bus.emit('scheduler:state', state);
    },
    stateSoon() {
      if (stateQueued) return;
      stateQueued = true;
      setImmediate(() => {
        stateQueued = false;
        if (life.detached || life.stopping) return;
        try {
          shared.emitState(store.nextDueAt());
        } catch (error) {
          log('could not read the scheduler state', error);
        }
      });
    },
    rearmSoon: () => scheduler.rearmSoon(),
    persist(what, write, after) {
      const now = guard.persist(what, write, after);
      // Kept for later: the scheduler's next turn (within seconds) tries it again.
      if (!now) scheduler.rearmSoon();
      return now;
    },
  };
  const outcomes = createOutcomes(shared, deps.random ?? Math.random);
  const runner = createRunner(shared, outcomes, { takeBack: (entry, ctx) => handOff.takeBack(entry, ctx) });
  const handOff = createHandOff(shared, runner, outcomes);
  const scheduler = createScheduler(shared, runner, outcomes, handOff, guard);

  /** Runs an event handler so that nothing it throws escapes into the emitter (and the scheduler re-arms). */
  const guarded =
    <A extends unknown[]>(name: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        log(`${name} failed`, error);
        scheduler.rearmSoon();
      }
    };

  return {
    /** Recovers from a crash, catches up on missed posts, and arms the timer. */
    start() {
      if (life.started) return;
      life.started = true;
      try {
        const recovered = store.recover(clock.now());
        scheduler.setToReconcile(recovered.toReconcile);
        for (const postId of store.publishingPostIds()) outcomes.settle(postId);
        shared.changed(recovered.requeued);
      } catch (error) {
        // The first turn retries what matters (claims); recovery runs again at the next start.
        log('recovery at start failed', error);
      }
      unsubscribe.push(
        bus.on('posts:changed', () => scheduler.rearmSoon()),
        bus.on(
          'settings:changed',
          guarded('settings change', ({ keys }) => {
            if (keys.includes('publishingPaused')) {
            // Paused: the platforms give back what they hold; resumed: it is handed over again.
            handOff.verifyAll();
            if (!deps.settings.get().publishingPaused) scheduler.catchUpSoon();
          }
            scheduler.rearmSoon();
          }),
        ),
        network.subscribe(
          guarded('network change', (online) => {
            // Back online: the platforms' schedules are checked (one may have lost a post meanwhile).
            if (online) handOff.verifyAll();
            scheduler.rearmSoon();
          }),
        ),
        deps.power.subscribe(
          guarded('power event', (event) => {
            if (event !== 'resume') return;
            handOff.verifyAll();
            scheduler.catchUpSoon();
          }),
        ),
      );
      handOff.verifyAll();
      scheduler.catchUpSoon();
      scheduler.turn();
    },

    /**
     * The one entry point of "publish now" (posts:create `now` and posts:publish): readies the
     * post's enabled entries that are not published and sets it `publishing`; the next turn
     * claims them. Runs inside the caller's transaction; the caller checked the content.
     */
    publishNow(postId: string) {
      if (life.stopping) throw new AppError('conflict', 'Outbox is closing; publish this post after it starts again');
      store.preparePublish(postId, clock.now());
      scheduler.rearmSoon();
    },

    /**
     * Stops claiming, waits up to the drain timeout for requests in flight, then aborts the rest;
     * their attempts stay open (`in_flight`) so the next start reconciles them. Claimed entries
     * that never started go back to `pending`.
     */
    async close() {
      if (life.stopping) return;
      life.stopping = true;
      scheduler.stop();
      for (const fn of unsubscribe.splice(0)) fn();
      let timeout: TimerHandle | null = null;
      const waited = await Promise.race([
        Promise.allSettled(runner.work()).then(() => 'drained' as const),
        new Promise<'timeout'>((resolve) => {
          // Real time on purpose: shutting down must not depend on a test clock being advanced.
          const t = setTimeout(() => resolve('timeout'), deps.drainTimeoutMs ?? 10_000);
          timeout = { cancel: () => clearTimeout(t) };
        }),
      ]);
      (timeout as TimerHandle | null)?.cancel();
      if (waited === 'timeout') {
        for (const [entryId, r] of shared.running) {
          try {
            const entry = store.entry(entryId);
            const open = entry?.attemptKey ? store.openAttempt(entryId, entry.attemptKey) : undefined;
            if (open) store.noteAttempt(open.id, 'Outbox quit while this request was in flight; checked at next start');
          } catch (error) {
            log(`could not note the interrupted attempt of ${entryId}`, error);
          }
          r.abort.abort();
        }
      }
      guard.flush();
      runner.giveBackQueued();
      flushChanged();
      life.detached = true;
    },
  };
}

/** The publishing engine. */
export type PublishingEngine = ReturnType<typeof createPublishingEngine>;
