import type { TimerHandle } from '../ports/ports';
import type { ClaimedEntry } from '../posts/post-store.repo';
import { isDatabaseError, type DatabaseGuard } from './db-guard';
import type { HandOff } from './hand-off';
import type { Outcomes } from './outcomes';
import type { Runner } from './runner';
import type { EngineShared } from './shared';

/**
 * The safety check: with nothing due the timer still wakes this often (every callback re-arms,
 * so it only guards against a clock or OS that lost a timer). Rare, so a tray app costs nothing idle.
 */
export const SAFETY_CHECK_MS = 15 * 60_000;
/** A timer that fires this much later than armed means the machine slept unnoticed: catch up. */
const MISSED_WAKE_MS = 2 * SAFETY_CHECK_MS;
/** Due posts claimed per transaction; a full batch re-arms at once for the next. */
const CLAIM_BATCH = 200;

/** Thrown inside the claim's transaction when another engine took the folder over (rolls the claim back). */
class FolderLost extends Error {}

/**
 * The scheduler: one timer armed for the next due moment (a scheduled post or a waiting retry,
 * at most SAFETY_CHECK_MS away), claims in one transaction committed before any request, catch-up
 * after sleep or downtime. Every callback catches, reports and re-arms in `finally`: an error never
 * stops it. While the database refuses writes it retries within seconds, spending no attempts.
 */
export function createScheduler(shared: EngineShared, runner: Runner, outcomes: Outcomes, handOff: HandOff, guard: DatabaseGuard) {
  const { deps, log, life } = shared;
  const { store, clock, network, notifier } = deps;
  let timer: TimerHandle | null = null;
  let armedFor: number | null = null;
  let toReconcile: ClaimedEntry[] = [];
  let catchUpDue = false;
  let folderLost = false;
  let rearmQueued = false;

  const canClaim = () => !life.stopping && !folderLost && network.isOnline() && !deps.settings.get().publishingPaused;

  /** Arms the one timer: the next due moment, the safety check, or a quick retry while the database refuses. */
  function arm(): void {
    if (life.stopping) return;
    timer?.cancel();
    const now = clock.now();
    let due: number | null = null;
    let next: number | null = null;
    const claimable = !life.stopping && !folderLost && !deps.settings.get().publishingPaused;
    const online = network.isOnline();
    try {
      due = store.nextDueAt();
      // Offline, a future due moment still wakes the engine (to start waiting for the network
      // then); a past one cannot be claimed until the network is back, which wakes it anyway.
      next = claimable && due !== null && (online || due > now) ? due : null;
      // Hand-off work (checks, cancels) goes on while paused, but needs the network.
      const remote = online && !folderLost ? handOff.nextAt() : null;
      if (remote !== null) next = next === null ? remote : Math.min(next, remote);
    } catch (error) {
      log('could not read the next due moment', error);
    }
    // While the database refuses, the next try comes after a short backoff, whatever is due.
    const delay = guard.failing ? guard.retryDelayMs() : next !== null ? Math.min(Math.max(0, next - now), SAFETY_CHECK_MS) : SAFETY_CHECK_MS;
    // Offline with something due now: the network port may poll until it is back (and only then).
    network.watch?.(claimable && !online && due !== null && due <= now);
    armedFor = now + delay;
    timer = clock.setTimeout(onTimer, delay);
    shared.emitState(due);
  }

  function onTimer() {
    timer = null;
    try {
      const late = armedFor === null ? 0 : clock.now() - armedFor;
      armedFor = null;
      if (late > MISSED_WAKE_MS) catchUpDue = true;
    } finally {
      turn();
    }
  }

  /**
   * Catch-up (start, wake, un-pause): scheduled posts later than the grace are not sent; they
   * are marked overdue and the creator is told. The rest publish on this turn's claim.
   */
  function catchUp() {
    catchUpDue = false;
    if (deps.settings.get().publishingPaused) return;
    const now = clock.now();
    const grace = deps.settings.get().catchUpGraceMinutes * 60_000;
    let ids: string[];
    try {
      ids = store.markOverdue(now - grace, now);
    } catch (error) {
      // Before any claim: a late post must not be sent because marking it failed.
      catchUpDue = true;
      throw error;
    }
    if (ids.length === 0) return;
    notifier.notify({
      kind: 'missed_posts',
      title: ids.length === 1 ? 'A scheduled post was missed' : `${ids.length} scheduled posts were missed`,
      body: `Outbox was closed or asleep when ${ids.length === 1 ? 'it was' : 'they were'} due, more than ${Math.round(grace / 60_000)} minutes ago. Publish or reschedule ${ids.length === 1 ? 'it' : 'them'} from the Posts view (Overdue).`,
      target: { postId: ids[0]! },
    });
    shared.changed(ids);
  }

  function checkFolder() {
    if (folderLost || !deps.folder || deps.folder.verify() === 'ok') return;
    loseFolder();
  }

  function loseFolder() {
    if (folderLost) return;
    folderLost = true;
    notifier.notify({
      kind: 'info',
      title: 'Outbox stopped publishing',
      body: 'Another Outbox started on the same data folder, so this one stopped publishing to avoid sending posts twice. Quit one of them.',
    });
  }

  /** Claims what is due and starts it. */
  function claim(): boolean {
    const reconcile = toReconcile;
    toReconcile = [];
    for (const e of reconcile) runner.enqueue(e, 'reconcile');
    let result: ReturnType<typeof store.claimDue>;
    try {
      result = store.transaction(() => {
        if (deps.folder && !deps.folder.holds()) throw new FolderLost();
        return store.claimDue(clock.now(), CLAIM_BATCH);
      });
    } catch (error) {
      if (!(error instanceof FolderLost)) throw error;
      loseFolder();
      return false;
    }
    for (const e of result.claimed) runner.enqueue(e, 'send');
    // Posts whose entries all failed at the claim (no account) settle now.
    for (const postId of result.touched) outcomes.settle(postId);
    shared.changed(result.touched);
    return result.full;
  }

  /** One turn: kept writes first, then catch-up, then claims; re-arms whatever happens. */
  function turn() {
    if (life.stopping) return;
    let again = false;
    try {
      checkFolder();
      if (!guard.flush()) return;
      runner.retryOrphans();
      if (catchUpDue) catchUp();
      if (canClaim()) again = claim();
      if (!life.stopping && !folderLost && network.isOnline()) handOff.turn(deps.settings.get().publishingPaused);
      guard.ok();
    } catch (error) {
      if (isDatabaseError(error)) guard.fault('claiming due posts', error);
      else log('the scheduler turn failed', error);
    } finally {
      arm();
      if (again && !life.stopping) {
        timer?.cancel();
        timer = clock.setTimeout(onTimer, 0);
      }
    }
  }

  return {
    /** Entries found publishing at start whose request may have left: reconciled on the first turn. */
    setToReconcile(entries: ClaimedEntry[]) {
      toReconcile = entries;
    },
    /** Catch-up before the next claim (start, wake, un-pause). */
    catchUpSoon() {
      catchUpDue = true;
      this.rearmSoon();
    },
    turn,
    /** Runs a turn once per burst of events (a posts:changed storm costs one query). */
    rearmSoon() {
      if (rearmQueued || life.stopping || !life.started) return;
      rearmQueued = true;
      queueMicrotask(() => {
        rearmQueued = false;
        turn();
      });
    },
    stop() {
      timer?.cancel();
      timer = null;
    },
  };
}

/** The scheduler part of the engine. */
export type Scheduler = ReturnType<typeof createScheduler>;
