import { createHash, randomUUID } from 'node:crypto';
import { handOffRefusal, platformSpec } from '../../../shared/platforms/catalog';
import { PublishError, type PublishContext, type RemoteScheduler, type RemoteStatus } from '../../platforms/types';
import type { AccountRow } from '../accounts/accounts.repo';
import type { EntryRecord, PostRecord, RemoteCancel, RemoteWork } from '../posts/post-store.repo';
import { buildContext } from './context';
import type { Outcomes } from './outcomes';
import type { Runner } from './runner';
import { platformName, type EngineShared, type HandOffPolicy } from './shared';

/** How the hand-off part paces itself (a platform's scheduler may publish a few minutes late). */
export const defaultHandOffPolicy: HandOffPolicy = {
  settleGraceMs: 60_000,
  lateLimitMs: 30 * 60_000,
  leaseMs: 5 * 60_000,
  retryMs: [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000],
};
const BATCH = 50;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The account's sign-in could not be read (missing from the keychain, a refresh refused): no
 * request has left, and none will until the creator reconnects, so the entry waits an hour
 * rather than a minute (30,000 entries retried every minute kept the engine busy without end).
 */
class NoSignIn extends Error {}

/** What was handed over, as a hash: an edit to any of it replaces the platform's copy. */
export function handOffHash(post: PostRecord, entry: EntryRecord): string {
  return createHash('sha256').update(JSON.stringify([post.parts, entry.textOverride, entry.settings, entry.contentType])).digest('hex');
}

/**
 * The hand-off part (issue 17): entries of scheduled posts go to their platform's own scheduler
 * (so they go out with the computer off); edits, reschedules, unscheduling and deletes follow
 * them there; before the time they are checked (after start, wake, reconnect) and fall back to
 * local publishing if the platform lost them; after the time the platform's answer settles them
 * as a local publish would. The state lives in the entry (status `handed_off`, remote id, time,
 * hash, next check), written in the same transaction as the platform's answer.
 */
export function createHandOff(shared: EngineShared, runner: Runner, outcomes: Outcomes) {
  const { deps, log } = shared;
  const policy: HandOffPolicy = { ...defaultHandOffPolicy, ...deps.handOffPolicy };
  const { settleGraceMs: SETTLE_GRACE_MS, lateLimitMs: LATE_LIMIT_MS, leaseMs: LEASE_MS, retryMs: RETRY_MS } = policy;
  const retryIn = (tries: number) => RETRY_MS[Math.min(tries, RETRY_MS.length - 1)]!;
  const { store, clock, notifier } = deps;
  const platforms = () => Object.keys(deps.schedulers) as Array<keyof typeof deps.schedulers>;

  function load(entryId: string): { entry: EntryRecord; post: PostRecord; account: AccountRow; scheduler: RemoteScheduler } | null {
    const entry = store.entry(entryId);
    const post = entry ? store.post(entry.postId) : undefined;
    const account = entry?.accountId ? deps.accounts.get(entry.accountId) : null;
    const scheduler = entry ? deps.schedulers[entry.platform] : undefined;
    return entry && post && account && scheduler ? { entry, post, account, scheduler } : null;
  }

  async function contextFor(loaded: { entry: EntryRecord; post: PostRecord; account: AccountRow }, signal: AbortSignal, onProgress: (sent: number, total: number) => void = () => {}): Promise<PublishContext> {
    let credentials: Record<string, unknown>;
    try {
      credentials = await deps.credentials.get(loaded.account.id);
    } catch (error) {
      throw new NoSignIn(error instanceof Error ? error.message : String(error));
    }
    const links = deps.publicLinks ? await deps.publicLinks().catch(() => null) : null;
    return buildContext(shared, loaded, credentials, signal, onProgress, links);
  }

  /** What a cancel left on the platform (YouTube keeps the uploaded video), appended to a message. */
  const withNotice = (message: string, done: void | { notice?: string }) => (done && done.notice ? `${message}. ${done.notice}` : message);

  /** Why this handed-off entry should not be held by its platform any more (null: keep it there). */
  function unwanted(post: PostRecord, entry: EntryRecord, account: AccountRow): string | null {
    if (post.status !== 'scheduled' && post.status !== 'publishing') return 'the post is no longer scheduled';
    if (deps.settings.get().publishingPaused) return 'publishing is paused';
    if (!entry.enabled) return 'the entry was turned off';
    if (entry.handOff === 'off' || !account.handOff) return 'handing off was turned off';
    if (post.parts.length > 1 && !platformSpec(entry.platform).handOff?.holdsThreads) return 'it became a thread, which the platform cannot hold';
    return null;
  }

  /** Runs a task in the account's lane with a lease, so it is not picked twice; any failure re-arms a later check. */
  function lease(w: RemoteWork, kind: string, fn: () => Promise<void>) {
    shared.persist('leasing a hand-off check', () => store.remoteCheckAt(w.entryId, clock.now() + LEASE_MS));
    runner.task(w.laneKey, `${kind}:${w.entryId}`, async () => {
      try {
        await fn();
      } catch (error) {
        log(`${kind} of entry ${w.entryId} failed`, error);
        shared.persist('re-arming a hand-off check', () => store.remoteCheckAt(w.entryId, clock.now() + retryIn(error instanceof NoSignIn ? 3 : 0)));
      } finally {
        shared.changed([w.postId]);
        shared.rearmSoon();
      }
    });
  }

  /** Hands a pending entry of a future scheduled post to its platform. */
  async function handOff(w: RemoteWork) {
    const loaded = load(w.entryId);
    if (!loaded || loaded.entry.status !== 'pending' || loaded.post.status !== 'scheduled' || loaded.post.scheduledAt === null) return;
    const { entry, post, account, scheduler } = loaded;
    const at = loaded.post.scheduledAt;
    const now = clock.now();
    const name = platformName(entry.platform);
    const refusal = handOffRefusal(entry.platform, post.parts.length, at, now, scheduler.minLeadMs);
    if (refusal) return void shared.persist('noting a hand-off refusal', () => store.remoteNote(entry.id, refusal));
    const maxLead = platformSpec(entry.platform).handOff?.maxLeadMs;
    if (maxLead !== undefined && at - now > maxLead) return void shared.persist('deferring a hand-off', () => store.remoteCheckAt(entry.id, at - maxLead));
    if (account.connection !== 'connected') return void shared.persist('deferring a hand-off', () => store.remoteCheckAt(entry.id, now + retryIn(3)));

    const attemptId = store.beginHandOff(entry.id, randomUUID(), at, now, `Handing it to ${name} for ${iso(at)}`);
    if (attemptId === null) return;
    const begun = load(entry.id)!;
    const abort = new AbortController();
    // As for a local publish, each progress report of an upload (YouTube's video) moves the deadline.
    let deadline = clock.setTimeout(() => abort.abort(), shared.policy.attemptTimeoutMs);
    const onProgress = (sent: number, total: number) => {
      deadline.cancel();
      deadline = clock.setTimeout(() => abort.abort(), shared.policy.attemptTimeoutMs);
      deps.bus.emit('publish:progress', { postId: entry.postId, entryId: entry.id, sent, total });
    };
    try {
      const ctx = await contextFor(begun, abort.signal, onProgress);
      const { remoteId, notice } = await scheduler.schedule(ctx, at);
      const hash = handOffHash(begun.post, begun.entry);
      const message = `Handed to ${name} (schedule ${remoteId}): goes out at ${iso(at)} even if this computer is off${notice ? `. ${notice}` : ''}`;
      shared.persist('recording a hand-off', () => store.handedOff(entry.id, attemptId, { id: remoteId, at, hash, checkAt: at + SETTLE_GRACE_MS }, clock.now(), message));
      if (notice) notifier.notify({ kind: 'info', title: `${name} took the post with a caveat`, body: notice, target: { postId: post.id } });
    } catch (error) {
      if (error instanceof NoSignIn) {
        // Nothing left: the entry stays with Outbox (its local publish asks to reconnect) and the hand-off is tried again in an hour.
        const attempt = { id: attemptId, outcome: 'auth' as const, message: `Could not hand it to ${name}: ${error.message}` };
        return void shared.persist('recording a hand-off without a sign-in', () => store.remoteBack(entry.id, { note: null, checkAt: clock.now() + retryIn(3), attempt, keepProgress: true }, clock.now()));
      }
      const pe = error instanceof PublishError ? error : new PublishError('transient', error instanceof Error ? error.message : String(error), { maybeSent: true });
      if (pe.maybeSent) {
        // It may be scheduled there: find out before anything else happens to this entry.
        return void shared.persist('keeping an unanswered hand-off', () => store.remoteCheckAt(entry.id, clock.now() + retryIn(0)));
      }
      const permanent = pe.kind === 'permanent';
      const note = permanent ? `${name} would not hold it (${pe.message}), so Outbox sends it at its time` : null;
      const attempt = { id: attemptId, outcome: pe.kind, message: permanent ? note! : `Could not hand it to ${name}: ${pe.message}; trying again` };
      // A hand-off tried again keeps what it saved (an upload session goes on from its last byte).
      // A platform that asked to wait (YouTube's quota: until midnight Pacific Time) is not asked sooner.
      const wait = Math.max(retryIn(entry.attemptCount), pe.kind === 'rate_limited' ? (pe.retryAfterMs ?? 0) : 0);
      shared.persist('recording a failed hand-off', () => store.remoteBack(entry.id, { note, checkAt: permanent ? null : clock.now() + wait, attempt, keepProgress: !permanent }, clock.now()));
    } finally {
      deadline.cancel();
    }
  }

  /** Asks the platform about a handed-off entry (or a hand-off whose answer was lost) and acts on its answer. */
  async function check(w: RemoteWork) {
    const loaded = load(w.entryId);
    if (!loaded || (loaded.entry.status !== 'handed_off' && loaded.entry.status !== 'publishing')) return;
    const { entry, post, account, scheduler } = loaded;
    const name = platformName(entry.platform);
    const ctx = await contextFor(loaded, AbortSignal.timeout(shared.policy.attemptTimeoutMs));
    const now = clock.now();

    if (entry.status === 'publishing') {
      // A hand-off whose answer was lost: the platform may hold it, or have published it already.
      if (entry.remoteAt === null) return;
      const at = entry.remoteAt;
      const found = await scheduler.find(ctx, at);
      const open = entry.attemptKey ? store.openAttempt(entry.id, entry.attemptKey) : undefined;
      if (found.state === 'scheduled') {
        const message = `Handed to ${name} (schedule ${found.remoteId}, found after Outbox stopped waiting): goes out at ${iso(at)}`;
        return void shared.persist('recording a found hand-off', () => store.handedOff(entry.id, open?.id ?? null, { id: found.remoteId, at, hash: handOffHash(post, entry), checkAt: at + SETTLE_GRACE_MS }, now, message));
      }
      if (found.state === 'published') {
        const result = found.result;
        shared.persist('recording a publish by the platform', () =>
          store.transaction(() => {
            if (open) store.endAttempt(open.id, now, 'handed_off', null, `Handed to ${name} (found after Outbox stopped waiting)`);
            store.remotePublished(entry.id, { platformPostId: result.platformPostId, platformUrl: result.platformUrl ?? null }, now, result.notice ? `Published by ${name}. ${result.notice}` : `Published by ${name}`);
          }),
        );
        if (result.notice) outcomes.notifyNotice(post.id, entry.platform, result.notice);
        return outcomes.settle(post.id);
      }
      // Nothing there yet; what the hand-off saved (an unfinished upload) is kept for the next one.
      return void shared.persist('releasing a lost hand-off', () =>
        store.remoteBack(entry.id, { note: null, checkAt: null, attempt: { id: open?.id ?? null, outcome: 'transient', message: `${name} did not receive the hand-off; trying again` }, keepProgress: true }, now),
      );
    }

    const remoteId = entry.remoteId!;
    const remoteAt = entry.remoteAt ?? now;
    const takeBack = async (message: string, note: string | null) => {
      const done = await scheduler.cancel(ctx, remoteId);
      shared.persist('recording a cancelled hand-off', () => store.remoteBack(entry.id, { note, checkAt: null, attempt: { id: null, outcome: 'handed_off', message: withNotice(message, done) } }, clock.now()));
    };
    if (remoteAt > now) {
      // Before its time, changes follow it: cancelled when unwanted or edited (an edited post is
      // handed over again as it is now), moved when rescheduled.
      const reason = unwanted(post, entry, account);
      if (reason) return takeBack(`Taken back from ${name}: ${reason}`, null);
      if (entry.remoteHash !== handOffHash(post, entry)) return takeBack(`Taken back from ${name} to hand over the edited post`, null);
      if (post.status === 'scheduled' && post.scheduledAt !== null && post.scheduledAt !== remoteAt) {
        const at = post.scheduledAt;
        try {
          await scheduler.reschedule(ctx, remoteId, at);
        } catch (error) {
          if (!(error instanceof PublishError) || error.kind !== 'permanent') throw error;
          // Refused (too close to the new time, or already out): what does it hold?
          const status = await scheduler.status(ctx, remoteId);
          if (status.state !== 'scheduled') return settleFrom(entry, post, status);
          const note = `${name} would not move it (${error.message}), so Outbox sends it at the new time`;
          notifier.notify({ kind: 'info', title: `${name} would not move a scheduled post`, body: note, target: { postId: post.id } });
          return takeBack(note, note);
        }
        return void shared.persist('recording a moved hand-off', () => store.remoteMoved(entry.id, at, at + SETTLE_GRACE_MS, clock.now(), `Moved on ${name} to ${iso(at)}`));
      }
    }
    return settleFrom(entry, post, await scheduler.status(ctx, remoteId));
  }

  /** Acts on what the platform says about a handed-off entry. */
  function settleFrom(entry: EntryRecord, post: PostRecord, status: RemoteStatus) {
    const name = platformName(entry.platform);
    const now = clock.now();
    const remoteAt = entry.remoteAt ?? now;
    if (status.state === 'published') {
      const result = status.result;
      shared.persist('recording a publish by the platform', () =>
        store.remotePublished(entry.id, { platformPostId: result.platformPostId, platformUrl: result.platformUrl ?? null }, now, result.notice ? `Published by ${name}. ${result.notice}` : `Published by ${name}`),
      );
      if (result.notice) outcomes.notifyNotice(post.id, entry.platform, result.notice);
      return outcomes.settle(post.id);
    }
    if (status.state === 'missing') {
      const note = `${name} no longer holds it (removed there?), so Outbox sends it${remoteAt > now ? ' at its time' : ' now'}`;
      shared.persist('falling back to local publishing', () => store.remoteBack(entry.id, { note, checkAt: null, attempt: { id: null, outcome: 'handed_off', message: note } }, now));
      notifier.notify({ kind: 'info', title: `${name} lost a scheduled post`, body: note, target: { postId: post.id } });
      return;
    }
    // Still scheduled there.
    if (now - remoteAt > LATE_LIMIT_MS) {
      const message = `${name} did not publish it at its time (it still lists it as scheduled); check ${name}`;
      shared.persist('recording a late platform', () => store.remoteFailed(entry.id, message, now));
      return outcomes.settle(post.id);
    }
    const next = remoteAt > now ? remoteAt + SETTLE_GRACE_MS : now + retryIn(0);
    shared.persist('planning the next check', () => store.remoteCheckAt(entry.id, next));
  }

  /** Cancels the platform's copy of an entry that is gone (its post was deleted). */
  async function cancelGone(c: RemoteCancel) {
    const scheduler = deps.schedulers[c.platform];
    const account = deps.accounts.get(c.accountId);
    if (!scheduler || !account) return void store.cancelDone(c.entryId);
    try {
      const credentials = await deps.credentials.get(account.id);
      let progress = c.progress;
      const ctx: PublishContext = {
        entry: { id: c.entryId, postId: '', attemptKey: 'cancel', contentType: '', settings: {} },
        parts: [],
        account: { id: account.id, platform: account.platform, handle: account.handle, platformUserId: account.platformUserId, instanceUrl: account.instanceUrl, meta: account.meta },
        credentials,
        progress: { get: () => progress, save: async (state) => void (progress = state) },
        endpoints: deps.platforms[c.platform] ?? {},
        signal: AbortSignal.timeout(shared.policy.attemptTimeoutMs),
        now: () => clock.now(),
      };
      const done = await scheduler.cancel(ctx, c.remoteId);
      shared.persist('forgetting a cancelled schedule', () => store.cancelDone(c.entryId));
      if (done && done.notice) notifier.notify({ kind: 'info', title: `A deleted post was taken off ${platformName(c.platform)}'s schedule`, body: done.notice });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (c.tries >= RETRY_MS.length + 4) {
        notifier.notify({ kind: 'info', title: `${platformName(c.platform)} may still publish a deleted post`, body: `Outbox could not cancel it there (${message}); delete it on ${platformName(c.platform)}.` });
        return void shared.persist('giving up a cancel', () => store.cancelDone(c.entryId));
      }
      shared.persist('retrying a cancel later', () => store.cancelRetry(c.entryId, clock.now() + retryIn(c.tries), message));
    }
  }

  return {
    /** One pass, from the scheduler's turn: new hand-offs (unless paused), due checks, cancels. */
    turn(paused: boolean) {
      const now = clock.now();
      if (!paused) for (const w of store.handOffCandidates(now, platforms(), deps.accounts.handingOff(), BATCH)) lease(w, 'hand-off', () => handOff(w));
      for (const w of store.remoteDue(now, BATCH)) lease(w, 'check', () => check(w));
      for (const c of store.cancelsDue(now, BATCH)) {
        store.cancelRetry(c.entryId, now + LEASE_MS, 'cancelling');
        runner.task(c.accountId, `cancel:${c.entryId}`, () => cancelGone(c));
      }
    },
    /** The next moment there is hand-off work, or null. */
    nextAt: (): number | null => store.nextRemoteAt(clock.now(), platforms(), deps.accounts.handingOff()),
    /** After start, wake or reconnect: every handed-off entry is checked on its platform. */
    verifyAll() {
      shared.persist('planning hand-off checks', () => store.verifyHandedOff(clock.now()));
      shared.rearmSoon();
    },
    /**
     * Before Outbox sends an entry the platform held (publish now, or a fallback): takes it back
     * from the platform first. Resolves with the platform's publish when it already went out.
     */
    async takeBack(entry: EntryRecord, ctx: PublishContext) {
      const scheduler = deps.schedulers[entry.platform];
      if (!scheduler || !entry.remoteId) return null;
      const status = await scheduler.status(ctx, entry.remoteId);
      if (status.state === 'published') return status.result;
      // What the cancel left there (YouTube's uploaded video) is the publisher's to reuse now: its notice does not apply.
      if (status.state === 'scheduled') await scheduler.cancel(ctx, entry.remoteId);
      store.remoteCleared(entry.id, clock.now(), `Taken back from ${platformName(entry.platform)} to send it now`);
      return null;
    },
  };
}

/** The hand-off part of the engine. */
export type HandOff = ReturnType<typeof createHandOff>;
