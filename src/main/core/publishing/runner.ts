import { PublishError, type PlatformAdapter, type PublishContext, type PublishResult } from '../../platforms/types';
import type { ClaimedEntry, EntryRecord } from '../posts/post-store.repo';
import { buildContext } from './context';
import type { Outcomes } from './outcomes';
import { platformName, type EngineShared } from './shared';

/** Runs `fn` until it settles or the signal aborts (an adapter that ignores the signal cannot hang the lane). */
function untilAborted<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PublishError('transient', 'The request was abandoned before the platform answered', { maybeSent: true }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    fn().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The runner: claimed entries run in per-account lanes (one request at a time per account,
 * accounts in parallel); each send opens its attempt row, committed before the request leaves,
 * then hands the adapter's answer to the outcomes. After a crash, entries whose request may
 * have left are reconciled through their adapter instead of being sent blindly.
 */
export function createRunner(shared: EngineShared, outcomes: Outcomes, hooks: { takeBack(entry: EntryRecord, ctx: PublishContext): Promise<PublishResult | null> }) {
  const { deps, policy, log } = shared;
  const { store, clock } = deps;
  const lanes = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  const work = new Set<Promise<void>>();
  /** Claimed entries the database would not give back (closing while it refused writes). */
  const orphans = new Set<string>();
  let starts: Array<{ entryId: string; key: string; resolve: (id: number | null) => void }> = [];

  /**
   * Group commit of attempt starts: entries that get ready in the same turn of the event loop
   * (a post fanning out to ten accounts) open their attempt rows in one transaction, so the
   * tenth request does not wait behind nine fsyncs. Each row is still committed before its
   * request leaves. Resolves null when it could not be written (or the engine detached).
   */
  function beginAttempt(entryId: string, key: string): Promise<number | null> {
    return new Promise((resolve) => {
      starts.push({ entryId, key, resolve });
      if (starts.length > 1) return;
      setImmediate(() => {
        const batch = starts;
        starts = [];
        if (shared.life.detached) return batch.forEach((b) => b.resolve(null));
        try {
          const ids = store.startAttempts(batch, clock.now());
          batch.forEach((b, i) => b.resolve(ids[i] ?? null));
        } catch (error) {
          log('could not record attempt starts', error);
          batch.forEach((b) => b.resolve(null));
        }
      });
    });
  }

  /** A claimed entry that was not sent goes back to `pending` (or waits to, while the database refuses). */
  function giveBack(entryId: string) {
    if (shared.life.detached) return;
    try {
      store.unclaim([entryId], clock.now());
    } catch (error) {
      log(`could not give entry ${entryId} back`, error);
      orphans.add(entryId);
    }
  }

  async function run(e: ClaimedEntry, mode: 'send' | 'reconcile') {
    queued.delete(e.entryId);
    if (shared.life.stopping) return giveBack(e.entryId);
    const entry = store.entry(e.entryId);
    if (!entry || entry.status !== 'publishing' || !entry.attemptKey) return;
    const post = store.post(entry.postId);
    if (!post) return;
    const key = entry.attemptKey;
    const name = platformName(entry.platform);
    const account = entry.accountId ? deps.accounts.get(entry.accountId) : null;
    const logNow = (outcome: 'permanent' | 'auth', message: string) => shared.persist('logging an attempt', () => store.logAttempt(entry.id, key, clock.now(), outcome, message));
    if (!account || account.connection === 'disconnected') {
      logNow('permanent', 'Account disconnected');
      return outcomes.fail(e, 'Account disconnected: reconnect the account or remove it from this post');
    }
    if (account.connection === 'token_expired') {
      logNow('auth', 'Account needs reconnecting');
      return outcomes.fail(e, `Reconnect your ${name} account`);
    }
    const adapter = deps.publishers[entry.platform];
    if (!adapter) {
      if (mode === 'reconcile') return outcomes.fail(e, `Outbox stopped while publishing; check ${name} before retrying`);
      logNow('permanent', `No ${name} publisher in this version`);
      return outcomes.fail(e, `Publishing to ${name} is not available in this version of Outbox`);
    }
    const blocked = shared.blockedUntil.get(account.id) ?? 0;
    if (mode === 'send' && blocked > clock.now()) {
      // The platform asked this account to wait: no request before then, no attempt spent.
      return outcomes.retryAt(e, blocked, entry.attemptCount);
    }

    let credentials: Record<string, unknown>;
    try {
      credentials = await deps.credentials.get(account.id);
    } catch (error) {
      if (mode === 'reconcile' && !adapter.idempotent) return outcomes.fail(e, `Outbox stopped while publishing; check ${name} before retrying`);
      const message = error instanceof Error ? error.message : String(error);
      logNow('auth', message);
      return outcomes.fail(e, `Reconnect your ${name} account (${message})`);
    }
    if (shared.life.stopping) return giveBack(e.entryId);

    const abort = new AbortController();
    shared.running.set(entry.id, { abort, postId: entry.postId });
    shared.stateSoon();
    // An attempt is abandoned after `attemptTimeoutMs` without news: each progress report of a
    // long upload moves the deadline, so a 2 GB video is not cut off while it is still moving.
    let deadline = clock.setTimeout(() => abort.abort(), policy.attemptTimeoutMs);
    const onProgress = (sent: number, total: number) => {
      deadline.cancel();
      deadline = clock.setTimeout(() => abort.abort(), policy.attemptTimeoutMs);
      deps.bus.emit('publish:progress', { postId: entry.postId, entryId: entry.id, sent, total });
    };
    try {
      let ctx: PublishContext;
      try {
        const links = deps.publicLinks ? await deps.publicLinks().catch((error: unknown) => (log('media hosting is not usable', error), null)) : null;
        ctx = buildContext(shared, { entry, post, account }, credentials, abort.signal, onProgress, links);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logNow('permanent', message);
        return outcomes.fail(e, message);
      }

      if (mode === 'reconcile') {
        const open = store.openAttempt(entry.id, key);
        if ((await reconcile(e, adapter, ctx, open?.id ?? null, name)) === 'done') return;
      }

      if (entry.remoteId) {
        // The platform's scheduler held it (publish now, or taken back): never both copies.
        let published: PublishResult | null;
        try {
          published = await untilAborted(() => hooks.takeBack(entry, ctx), abort.signal);
        } catch (error) {
          return outcomes.fail(e, `Could not take it back from ${name} to send it now (${error instanceof Error ? error.message : String(error)}); check ${name}`);
        }
        if (published) return outcomes.succeeded(e, null, published, 'reconciled');
      }

      const attemptId = await beginAttempt(entry.id, key);
      if (attemptId === null || shared.life.stopping) {
        // Not sent: with no open attempt, the next start sends it.
        if (attemptId !== null && !shared.life.detached) {
          shared.persist('closing an attempt', () => store.endAttempt(attemptId, clock.now(), 'transient', null, 'Outbox quit before sending; sent at the next start'));
        }
        giveBack(e.entryId);
        return shared.rearmSoon();
      }
      let result: PublishResult;
      try {
        result = await untilAborted(() => adapter.publish(ctx), abort.signal);
      } catch (error) {
        if (shared.life.detached) return;
        await outcomes.failed(e, entry, account.id, adapter, attemptId, error);
        return;
      }
      if (shared.life.detached) return;
      outcomes.succeeded(e, attemptId, result);
    } finally {
      deadline.cancel();
      shared.running.delete(entry.id);
      if (!shared.life.detached && !shared.life.stopping) shared.stateSoon();
    }
  }

  /** After a crash: asks the adapter whether the open attempt went through. 'send' = safe to send. */
  async function reconcile(e: ClaimedEntry, adapter: PlatformAdapter, ctx: PublishContext, openId: number | null, name: string): Promise<'done' | 'send'> {
    const stopped = `Outbox stopped while publishing; check ${name} before retrying`;
    const failStopped = (message: string) => outcomes.fail(e, stopped, openId === null ? undefined : { id: openId, outcome: 'unknown', httpStatus: null, message });
    const end = (outcome: 'reconciled' | 'unknown', message: string | null) => {
      if (openId !== null) shared.persist('closing an attempt', () => store.endAttempt(openId, clock.now(), outcome, null, message));
    };
    if (adapter.reconcile) {
      try {
        const found = await untilAborted(() => adapter.reconcile!(ctx), ctx.signal);
        if (shared.life.detached) return 'done';
        if (found) {
          outcomes.succeeded(e, openId, found, 'reconciled');
          return 'done';
        }
        end('reconciled', `${name} did not receive it before Outbox stopped; sending again`);
        return 'send';
      } catch (error) {
        if (shared.life.detached) return 'done';
        if (!adapter.idempotent) {
          failStopped(`Could not check ${name}: ${error instanceof Error ? error.message : String(error)}`);
          return 'done';
        }
      }
    }
    if (adapter.idempotent) {
      end('unknown', 'Outbox stopped during this attempt; sending again with the same key (the platform drops repeats)');
      return 'send';
    }
    failStopped('Outbox stopped during this attempt');
    return 'done';
  }

  const tasks = new Set<string>();

  return {
    /**
     * Runs other work for an account in its lane (hand-offs and their checks), so requests to a
     * platform stay one at a time per account. A task already queued under `key` is not added twice.
     */
    task(laneKey: string, key: string, fn: () => Promise<void>) {
      if (tasks.has(key) || shared.life.stopping) return;
      tasks.add(key);
      const previous = lanes.get(laneKey) ?? Promise.resolve();
      const job = previous
        .then(() => (shared.life.stopping ? undefined : fn()))
        .catch((error) => log(`${key} failed unexpectedly`, error))
        .finally(() => {
          tasks.delete(key);
          work.delete(job);
          if (lanes.get(laneKey) === job) lanes.delete(laneKey);
        });
      lanes.set(laneKey, job);
      work.add(job);
    },
    /** Queues a claimed entry in its account's lane. */
    enqueue(e: ClaimedEntry, mode: 'send' | 'reconcile') {
      if (queued.has(e.entryId)) return;
      queued.add(e.entryId);
      const previous = lanes.get(e.laneKey) ?? Promise.resolve();
      const job = previous
        .then(() => run(e, mode))
        .catch((error) => log(`publishing entry ${e.entryId} failed unexpectedly`, error))
        .finally(() => {
          work.delete(job);
          if (lanes.get(e.laneKey) === job) lanes.delete(e.laneKey);
        });
      lanes.set(e.laneKey, job);
      work.add(job);
    },
    /** Gives back entries the database refused to take back earlier; throws while it still refuses. */
    retryOrphans() {
      if (orphans.size === 0) return;
      store.unclaim([...orphans], clock.now());
      orphans.clear();
    },
    /** Everything queued or running, to wait for at close. */
    work: () => [...work],
    /** Claimed entries that never started (close gives them back). */
    queued: () => [...queued],
    /** Starting no more: claimed entries not yet started go back at close. */
    giveBackQueued() {
      try {
        store.unclaim([...queued], clock.now());
      } catch (error) {
        log('could not give claimed entries back at close; the next start does', error);
      }
    },
  };
}

/** The runner part of the engine. */
export type Runner = ReturnType<typeof createRunner>;
