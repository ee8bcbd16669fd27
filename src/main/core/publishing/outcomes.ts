import { PublishError, type PlatformAdapter, type PublishResult } from '../../platforms/types';
import { stepRepeat } from '../posts/calendar';
import type { AttemptOutcome, ClaimedEntry, EntryRecord, PostRecord, Settlement } from '../posts/post-store.repo';
import { backoffMs } from './retry-policy';
import { platformName, type EngineShared } from './shared';

/** The attempt a failure closes, as the attempt log records it. */
interface ClosedAttempt {
  id: number;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  message: string;
}

/**
 * The outcomes: a classified result becomes state (published, failed, a retry at a moment, a
 * rate-limit wait for the account, one token refresh), the post settles when its last entry
 * does, and the creator is told what needs them. Every write goes through `persist`, so a
 * database that refuses (disk full) delays the record instead of losing it.
 */
export function createOutcomes(shared: EngineShared, random: () => number) {
  const { deps, policy, log } = shared;
  const { store, clock, notifier, network } = deps;

  /** When a finished repeating post's next occurrence is due (never in the past). */
  function nextOccurrence(post: PostRecord, now: number): number | null {
    const repeat = post.repeat;
    if (!repeat) return null;
    const timeZone = deps.settings.get().timeZone;
    let at = stepRepeat(post.scheduledAt ?? now, repeat.every, repeat.unit, timeZone);
    for (let i = 0; at <= now && i < 100_000; i++) at = stepRepeat(at, repeat.every, repeat.unit, timeZone);
    return at;
  }

  function notifySettlement(s: Settlement) {
    if (s.status === 'published') return;
    const reasons = s.failures.map((f) => `${platformName(f.platform)}: ${f.message}`).join('\n');
    notifier.notify(
      s.status === 'failed'
        ? { kind: 'publish_failed', title: 'A post failed to publish', body: reasons, target: { postId: s.postId } }
        : { kind: 'partially_published', title: 'A post was only partly published', body: reasons, target: { postId: s.postId } },
    );
  }

  /**
   * Writes an entry's outcome and, in the same transaction, settles its post when that was its
   * last entry (one commit, one fsync, for the last answer of a fan-out). Notifies after.
   */
  function settle(postId: string, write?: () => void) {
    if (shared.life.detached) return;
    shared.persist(
      `the outcome of post ${postId}`,
      () => {
        const now = clock.now();
        return store.transaction(() => {
          write?.();
          return store.settlePost(postId, now, (post) => nextOccurrence(post, now));
        });
      },
      (settlement) => {
        if (settlement) notifySettlement(settlement);
        shared.changed(settlement?.nextPostId ? [postId, settlement.nextPostId] : [postId]);
      },
    );
  }

  function fail(e: ClaimedEntry, message: string, attempt?: ClosedAttempt) {
    const write = () =>
      attempt ? store.failWithAttempt(e.entryId, attempt.id, clock.now(), attempt.outcome, attempt.httpStatus, attempt.message, message) : store.failed(e.entryId, message);
    settle(e.postId, write);
  }

  /** Records a publish; with no attempt row yet (found by a reconcile), one is opened in the same transaction. */
  function succeeded(e: ClaimedEntry, attemptId: number | null, result: PublishResult, outcome: AttemptOutcome = 'published') {
    settle(e.postId, () => {
      const now = clock.now();
      const id = attemptId ?? store.startAttempt(e.entryId, store.entry(e.entryId)?.attemptKey ?? 'reconciled', now);
      store.published(e.entryId, id, now, result.platformPostId, result.platformUrl ?? null, result.httpStatus ?? null, outcome, result.notice ?? null);
    });
    if (result.notice && !shared.life.detached) notifyNotice(e.postId, store.entry(e.entryId)?.platform, result.notice);
  }

  /** Something the creator must know about a publish that went through (PublishResult.notice). */
  function notifyNotice(postId: string, platform: EntryRecord['platform'] | undefined, notice: string) {
    const name = platform ? platformName(platform) : 'The platform';
    notifier.notify({ kind: 'info', title: `${name} published the post with a caveat`, body: notice, target: { postId } });
  }

  /** Back to `pending`, due at `at`, with `attemptCount` failures so far. */
  function retryAt(e: ClaimedEntry, at: number, attemptCount: number, closing?: { id: number; outcome: AttemptOutcome; httpStatus: number | null; message: string }) {
    shared.persist(`a retry of entry ${e.entryId}`, () =>
      store.transaction(() => {
        if (closing) store.endAttempt(closing.id, clock.now(), closing.outcome, closing.httpStatus, closing.message);
        store.retryAt(e.entryId, at, attemptCount);
      }),
    );
    shared.changed([e.postId]);
    shared.rearmSoon();
  }

  /** Capped exponential backoff with full jitter; gives up after the policy's attempts or window. */
  function retryTransient(e: ClaimedEntry, entry: EntryRecord, key: string, message: string, closing?: ClosedAttempt) {
    const now = clock.now();
    if (!network.isOnline()) return retryAt(e, now, entry.attemptCount, closing);
    const failures = entry.attemptCount + 1;
    if (closing) shared.persist('closing an attempt', () => store.endAttempt(closing.id, now, closing.outcome, closing.httpStatus, closing.message));
    const first = store.firstAttemptAt(entry.id, key) ?? now;
    const wait = backoffMs(policy, failures, random);
    if (failures >= policy.maxAttempts || now + wait - first > policy.windowMs) {
      return fail(e, `${message} (gave up after ${failures} attempt${failures === 1 ? '' : 's'})`);
    }
    retryAt(e, now + wait, failures);
  }

  /** A publish failed: decides once, for every platform, what happens next. */
  async function failed(e: ClaimedEntry, entry: EntryRecord, accountId: string, adapter: PlatformAdapter, attemptId: number, error: unknown) {
    const key = entry.attemptKey!;
    const name = platformName(entry.platform);
    const pe = error instanceof PublishError ? error : new PublishError('transient', error instanceof Error ? error.message : String(error), { cause: error });
    const now = clock.now();
    const status = pe.httpStatus ?? null;
    const closing = (outcome: AttemptOutcome, message = pe.message): ClosedAttempt => ({ id: attemptId, outcome, httpStatus: status, message });

    if (pe.kind === 'permanent') return fail(e, pe.message, closing('permanent'));

    if (pe.kind === 'rate_limited') {
      shared.persist('closing an attempt', () => store.endAttempt(attemptId, now, 'rate_limited', status, pe.message));
      if (store.countOutcome(entry.id, key, 'rate_limited') > policy.maxRateLimits) {
        return fail(e, `${name} kept refusing with "too many requests" (${policy.maxRateLimits} times); try again later`);
      }
      const until = now + (pe.retryAfterMs ?? policy.defaultRateLimitMs);
      shared.blockedUntil.set(accountId, Math.max(shared.blockedUntil.get(accountId) ?? 0, until));
      shared.persist(`deferring account ${accountId}`, () => store.deferAccount(accountId, until));
      return retryAt(e, until, entry.attemptCount);
    }

    if (pe.kind === 'auth') {
      shared.persist('closing an attempt', () => store.endAttempt(attemptId, now, 'auth', status, pe.message));
      if (store.countOutcome(entry.id, key, 'auth') <= 1) {
        let refreshed: boolean;
        try {
          refreshed = await deps.credentials.refresh(accountId);
        } catch (err) {
          // refresh() answers false when the platform refused the grant; a throw means it could not
          // ask (network, rate limit): no verdict on the account, so retry later instead of asking
          // the creator to reconnect. The attempt counts as transient, so the next auth failure
          // still gets its one refresh.
          log(`token refresh for ${accountId} failed`, err);
          if (shared.life.detached) return;
          const message = `Could not refresh the ${name} sign-in: ${err instanceof Error ? err.message : String(err)}`;
          return retryTransient(e, entry, key, message, { id: attemptId, outcome: 'transient', httpStatus: status, message });
        }
        if (shared.life.detached) return;
        if (refreshed) return retryAt(e, clock.now(), entry.attemptCount);
      }
      await deps.credentials.markExpired(accountId, pe.message).catch((err) => log(`marking ${accountId} expired failed`, err));
      return fail(e, `Reconnect your ${name} account`);
    }

    // Transient.
    if (pe.maybeSent && !adapter.idempotent) {
      return fail(e, `${name} did not confirm this post (${pe.message}), so it may or may not have been published. Check ${name} before publishing it again.`, closing('unknown'));
    }
    if (!network.isOnline()) {
      // Failed because the machine went offline: retried when the network is back, no attempt spent.
      return retryAt(e, now, entry.attemptCount, closing('transient', `${pe.message} (offline; will retry when back online)`));
    }
    return retryTransient(e, entry, key, pe.message, closing('transient'));
  }

  return { settle, fail, succeeded, failed, retryAt, notifyNotice };
}

/** The outcomes part of the engine. */
export type Outcomes = ReturnType<typeof createOutcomes>;
