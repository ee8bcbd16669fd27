import { isAbsolute, join } from 'node:path';
import type { PlatformId, Post, PostPart } from '../../../shared/domain';
import type { SchedulerState } from '../../../shared/ipc/events';
import type { Settings } from '../../../shared/ipc/settings';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishMedia, type PublishResult } from '../../platforms/types';
import { AppError, invalid, notFound } from '../errors';
import type { EventBus } from '../events';
import type { CredentialsProvider } from '../ports/credentials';
import type { Clock, NetworkMonitor, Notifier, PlatformEndpoints, PowerMonitor, TimerHandle } from '../ports/ports';
import { firstFreeSlot, stepRepeat } from './calendar';
import { createPublishingRepo, type AttemptOutcome, type ClaimedEntry, type EntryForPublish, type Settlement } from './publishing.repo';
import { backoffMs, defaultRetryPolicy, type RetryPolicy } from './retry-policy';
import type { Db } from '../db/database';

/** The safety check: even with nothing due the timer wakes at most this often. */
export const SAFETY_CHECK_MS = 60_000;
/** A timer that fires this much later than armed means the machine slept unnoticed: catch up. */
const MISSED_WAKE_MS = 2 * SAFETY_CHECK_MS;
/** Due posts claimed per transaction; a full batch re-arms at once for the next. */
const CLAIM_BATCH = 200;

/** What the publishing engine needs from the rest of the core. */
export interface PublishingDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  notifier: Notifier;
  network: NetworkMonitor;
  power: PowerMonitor;
  platforms: PlatformEndpoints;
  bus: EventBus;
  settings: { get(): Settings };
  credentials: CredentialsProvider;
  adapters: Partial<Record<PlatformId, PlatformAdapter>>;
  /** A post as the contract returns it (the posts service's one mapping), or null. */
  readPost(id: string): Post | null;
  retry?: Partial<RetryPolicy>;
  /** How long `close()` waits for requests in flight (default 10 s). */
  drainTimeoutMs?: number;
  random?: () => number;
  log?: (message: string, error: unknown) => void;
}

const PLATFORM_NAMES: Record<PlatformId, string> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  linkedin: 'LinkedIn',
  'linkedin-page': 'LinkedIn',
  threads: 'Threads',
  instagram: 'Instagram',
  'instagram-facebook': 'Instagram',
  facebook: 'Facebook',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  pinterest: 'Pinterest',
  telegram: 'Telegram',
};

/** A platform's name as the creator reads it. */
export function platformName(platform: PlatformId): string {
  return PLATFORM_NAMES[platform] ?? platform;
}

interface Running {
  abort: AbortController;
  /** True once the request may have left the machine. */
  sending: boolean;
}

/**
 * The publishing engine (DESIGN.md §2): one timer armed for the next due moment, claims in one
 * transaction committed before any request, per-account lanes, classified retries, crash
 * recovery through the adapters, catch-up after sleep or downtime, repeats.
 */
export function createPublishingEngine(deps: PublishingDeps) {
  const { clock, bus, network, notifier } = deps;
  const repo = createPublishingRepo(deps.db);
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...deps.retry };
  const random = deps.random ?? Math.random;
  const log = deps.log ?? ((message: string, error: unknown) => console.error(`[outbox] ${message}`, error));

  let timer: TimerHandle | null = null;
  let armedFor: number | null = null;
  let started = false;
  let stopping = false;
  /** After close gave up waiting: late answers must not touch the closed database. */
  let detached = false;
  const lanes = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  const running = new Map<string, Running>();
  const work = new Set<Promise<void>>();
  const blockedUntil = new Map<string, number>();
  let toReconcile: ClaimedEntry[] = [];
  let lastState = '';
  let rearmQueued = false;
  const unsubscribe: Array<() => void> = [];
  let starts: Array<{ entryId: string; key: string; resolve: (id: number | null) => void }> = [];

  /**
   * Group commit of attempt starts: entries that get ready in the same turn of the event loop
   * (a post fanning out to ten accounts) open their attempt rows in one transaction, so the
   * tenth request does not wait behind nine fsyncs. Each row is still committed before its
   * request leaves. Resolves null when the engine detached meanwhile.
   */
  function beginAttempt(entryId: string, key: string): Promise<number | null> {
    return new Promise((resolve) => {
      starts.push({ entryId, key, resolve });
      if (starts.length > 1) return;
      setImmediate(() => {
        const batch = starts;
        starts = [];
        if (detached) return batch.forEach((b) => b.resolve(null));
        try {
          const ids = repo.startAttempts(batch, clock.now());
          batch.forEach((b, i) => b.resolve(ids[i] ?? null));
        } catch (error) {
          log('could not record attempt starts', error);
          batch.forEach((b) => b.resolve(null));
        }
      });
    });
  }

  const canClaim = () => !stopping && network.isOnline() && !deps.settings.get().publishingPaused;

  let changedIds = new Set<string>();
  /** posts:changed, coalesced per turn of the event loop: a drain of 1,000 posts must not flood the UI with refetches. */
  function emitChanged(ids: Iterable<string>) {
    if (detached) return;
    const first = changedIds.size === 0;
    for (const id of ids) changedIds.add(id);
    if (first && changedIds.size > 0) setImmediate(flushChanged);
  }
  function flushChanged() {
    if (detached || changedIds.size === 0) return;
    const ids = [...changedIds];
    changedIds = new Set();
    bus.emit('posts:changed', { ids });
  }

  let stateQueued = false;
  /** scheduler:state after the current turn (entries starting and ending in bursts emit once). */
  function stateSoon() {
    if (stateQueued) return;
    stateQueued = true;
    setImmediate(() => {
      stateQueued = false;
      if (!detached && !stopping) emitState(repo.nextDueAt());
    });
  }

  function emitState(nextDueAt: number | null) {
    const state: SchedulerState = {
      paused: deps.settings.get().publishingPaused,
      online: network.isOnline(),
      publishing: running.size,
      nextDueAt: nextDueAt === null ? null : new Date(nextDueAt).toISOString(),
    };
    const text = JSON.stringify(state);
    if (text !== lastState) {
      lastState = text;
      bus.emit('scheduler:state', state);
    }
  }

  /** Arms the one timer for the next due moment (at most a minute away: the safety check). */
  function arm() {
    if (stopping) return;
    timer?.cancel();
    const now = clock.now();
    const next = repo.nextDueAt();
    const delay = canClaim() && next !== null ? Math.min(Math.max(0, next - now), SAFETY_CHECK_MS) : SAFETY_CHECK_MS;
    armedFor = now + delay;
    timer = clock.setTimeout(onTimer, delay);
    emitState(next);
  }

  /** Re-arms once per burst of events (a posts:changed storm costs one query). */
  function rearmSoon() {
    if (rearmQueued || stopping || !started) return;
    rearmQueued = true;
    queueMicrotask(() => {
      rearmQueued = false;
      if (!stopping) tick();
    });
  }

  function onTimer() {
    timer = null;
    const late = armedFor === null ? 0 : clock.now() - armedFor;
    armedFor = null;
    if (late > MISSED_WAKE_MS) catchUp();
    tick();
  }

  /** Claims what is due (when allowed), starts it, and re-arms. */
  function tick() {
    if (stopping) return;
    let again = false;
    if (canClaim()) {
      const reconcile = toReconcile;
      toReconcile = [];
      for (const e of reconcile) enqueue(e, 'reconcile');
      const now = clock.now();
      const { claimed, touched, full } = repo.claimDue(now, CLAIM_BATCH);
      for (const e of claimed) enqueue(e, 'send');
      // Posts whose entries all failed at the claim (no account) settle now.
      const settledIds: string[] = [];
      for (const postId of touched) settledIds.push(...settle(postId));
      emitChanged([...touched, ...settledIds]);
      again = full;
    }
    arm();
    if (again) {
      timer?.cancel();
      timer = clock.setTimeout(onTimer, 0);
    }
  }

  /**
   * Catch-up (start, wake, un-pause): scheduled posts later than the grace are not sent; they
   * are marked overdue and the creator is told. The rest publish on the next tick.
   */
  function catchUp() {
    if (stopping || deps.settings.get().publishingPaused) return;
    const now = clock.now();
    const grace = deps.settings.get().catchUpGraceMinutes * 60_000;
    const ids = repo.markOverdue(now - grace, now);
    if (ids.length === 0) return;
    notifier.notify({
      kind: 'missed_posts',
      title: ids.length === 1 ? 'A scheduled post was missed' : `${ids.length} scheduled posts were missed`,
      body: `Outbox was closed or asleep when ${ids.length === 1 ? 'it was' : 'they were'} due, more than ${Math.round(grace / 60_000)} minutes ago. Publish or reschedule ${ids.length === 1 ? 'it' : 'them'} from the Posts view (Overdue).`,
      target: { postId: ids[0]! },
    });
    emitChanged(ids);
  }

  function enqueue(e: ClaimedEntry, mode: 'send' | 'reconcile') {
    if (queued.has(e.entryId)) return;
    queued.add(e.entryId);
    const previous = lanes.get(e.laneKey) ?? Promise.resolve();
    const job = previous
      .then(() => runEntry(e, mode))
      .catch((error) => log(`publishing entry ${e.entryId} failed unexpectedly`, error))
      .finally(() => {
        work.delete(job);
        if (lanes.get(e.laneKey) === job) lanes.delete(e.laneKey);
      });
    lanes.set(e.laneKey, job);
    work.add(job);
  }

  /** Settles the post when all its enabled entries have; returns the ids that changed. */
  /** When a finished repeating post's next occurrence is due. */
  function nextOccurrence(post: { repeat: string | null; scheduled_at: number | null }, now: number): number | null {
    const repeat = post.repeat ? (JSON.parse(post.repeat) as { every: number; unit: Parameters<typeof stepRepeat>[2] }) : null;
    if (!repeat) return null;
    const timeZone = deps.settings.get().timeZone;
    let at = stepRepeat(post.scheduled_at ?? now, repeat.every, repeat.unit, timeZone);
    // A late finish must not schedule the next occurrence in the past: skip to the first future one.
    for (let i = 0; at <= now && i < 100_000; i++) at = stepRepeat(at, repeat.every, repeat.unit, timeZone);
    return at;
  }

  /**
   * Settles the post when all its enabled entries have, in the same transaction as `write` (the
   * entry's outcome): one commit, one fsync, for the last answer of a fan-out. Notifies after.
   */
  function settle(postId: string, write?: () => void): string[] {
    if (detached) return [];
    const now = clock.now();
    const settlement = repo.transaction(() => {
      write?.();
      return repo.settlePost(postId, now, (post) => nextOccurrence(post, now));
    });
    if (!settlement) return [];
    notifySettlement(settlement);
    return settlement.nextPostId ? [postId, settlement.nextPostId] : [postId];
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

  function fail(e: ClaimedEntry, message: string, attempt?: { id: number; outcome: AttemptOutcome; httpStatus: number | null; message: string }) {
    if (detached) return;
    const write = () =>
      attempt ? repo.failWithAttempt(e.entryId, attempt.id, clock.now(), attempt.outcome, attempt.httpStatus, attempt.message, message) : repo.failed(e.entryId, message);
    emitChanged([e.postId, ...settle(e.postId, write)]);
  }

  function buildContext(loaded: EntryForPublish, credentials: Record<string, unknown>, signal: AbortSignal): PublishContext {
    const { entry, post, account } = loaded;
    const parts = JSON.parse(post.parts) as PostPart[];
    const publishParts = parts.map((part, i) => ({
      text: i === 0 && entry.text_override !== null ? entry.text_override : part.text,
      media: part.media.map((m): PublishMedia => {
        const row = repo.media(m.mediaId);
        if (!row) throw new PublishError('permanent', `A media file of this post (${m.mediaId}) is no longer in the library`);
        return {
          mediaId: row.id,
          path: isAbsolute(row.file) ? row.file : join(deps.dataDir, row.file),
          kind: row.kind,
          mime: row.mime,
          bytes: row.bytes,
          width: row.width,
          height: row.height,
          durationMs: row.duration_ms,
          altText: m.altText || row.alt_text,
        };
      }),
    }));
    let progress: Record<string, unknown> | null = entry.progress === null ? null : (JSON.parse(entry.progress) as Record<string, unknown>);
    return {
      entry: {
        id: entry.id,
        postId: entry.post_id,
        attemptKey: entry.attempt_key!,
        contentType: entry.content_type,
        settings: JSON.parse(entry.settings) as Record<string, unknown>,
      },
      parts: publishParts,
      account: {
        id: account!.id,
        platform: account!.platform,
        handle: account!.handle,
        platformUserId: account!.platform_user_id,
        instanceUrl: account!.instance_url,
        meta: JSON.parse(account!.meta) as Record<string, unknown>,
      },
      credentials,
      progress: {
        get: () => progress,
        save: async (state) => {
          if (detached) throw new Error('Outbox is closing');
          progress = state;
          repo.saveProgress(entry.id, state);
        },
      },
      endpoints: deps.platforms[entry.platform] ?? {},
      signal,
      now: () => clock.now(),
    };
  }

  /** Runs `fn` until it settles or the signal aborts (an adapter that ignores the signal cannot hang the lane). */
  function untilAborted<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new PublishError('transient', 'The request was abandoned before the platform answered', { maybeSent: true }));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      fn().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** A claimed entry that never started goes back to `pending` (closing). */
  function giveBack(e: ClaimedEntry) {
    if (!detached) repo.unclaim([e.entryId], clock.now());
  }

  async function runEntry(e: ClaimedEntry, mode: 'send' | 'reconcile') {
    queued.delete(e.entryId);
    if (stopping) return giveBack(e);
    const loaded = repo.loadForPublish(e.entryId);
    if (!loaded || loaded.entry.status !== 'publishing' || !loaded.entry.attempt_key) return;
    const { entry, account } = loaded;
    const key = entry.attempt_key!;
    const name = platformName(entry.platform);
    const now = clock.now();
    if (!account || account.connection === 'disconnected') {
      repo.logAttempt(entry.id, key, now, 'permanent', 'Account disconnected');
      return fail(e, 'Account disconnected: reconnect the account or remove it from this post');
    }
    if (account.connection === 'token_expired') {
      repo.logAttempt(entry.id, key, now, 'auth', 'Account needs reconnecting');
      return fail(e, `Reconnect your ${name} account`);
    }
    const adapter = deps.adapters[entry.platform];
    if (!adapter) {
      if (mode === 'reconcile') return fail(e, `Outbox stopped while publishing; check ${name} before retrying`);
      repo.logAttempt(entry.id, key, now, 'permanent', `No ${name} publisher in this version`);
      return fail(e, `Publishing to ${name} is not available in this version of Outbox`);
    }
    const blocked = blockedUntil.get(account.id) ?? 0;
    if (mode === 'send' && blocked > now) {
      // The platform asked this account to wait: no request before then, no attempt spent.
      repo.retryAt(entry.id, blocked, entry.attempt_count);
      return rearmSoon();
    }

    let credentials: Record<string, unknown>;
    try {
      credentials = await deps.credentials.get(account.id);
    } catch (error) {
      if (mode === 'reconcile' && !adapter.idempotent) return fail(e, `Outbox stopped while publishing; check ${name} before retrying`);
      const message = error instanceof Error ? error.message : String(error);
      repo.logAttempt(entry.id, key, clock.now(), 'auth', message);
      return fail(e, `Reconnect your ${name} account (${message})`);
    }
    if (stopping) return giveBack(e);

    const abort = new AbortController();
    const slot: Running = { abort, sending: false };
    running.set(entry.id, slot);
    stateSoon();
    try {
      let ctx: PublishContext;
      try {
        ctx = buildContext(loaded, credentials, abort.signal);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        repo.logAttempt(entry.id, key, clock.now(), 'permanent', message);
        return fail(e, message);
      }

      if (mode === 'reconcile') {
        const open = repo.openAttempt(entry.id, key);
        const resolved = await reconcile(e, adapter, ctx, open?.id ?? null, name);
        if (resolved !== 'send') return;
      }

      const attemptId = await beginAttempt(entry.id, key);
      if (attemptId === null || stopping) {
        // Not sent: with no open attempt, the next start sends it.
        if (attemptId !== null && !detached) repo.endAttempt(attemptId, clock.now(), 'transient', null, 'Outbox quit before sending; sent at the next start');
        giveBack(e);
        return rearmSoon();
      }
      slot.sending = true;
      const deadline = clock.setTimeout(() => abort.abort(), policy.attemptTimeoutMs);
      let result: PublishResult;
      try {
        result = await untilAborted(() => adapter.publish(ctx), abort.signal);
      } catch (error) {
        deadline.cancel();
        if (detached) return;
        await onFailure(e, loaded, adapter, attemptId, error, name);
        return;
      }
      deadline.cancel();
      if (detached) return;
      const write = () => repo.published(entry.id, attemptId, clock.now(), result.platformPostId, result.platformUrl ?? null, result.httpStatus ?? null);
      emitChanged([e.postId, ...settle(e.postId, write)]);
    } finally {
      running.delete(entry.id);
      if (!detached && !stopping) stateSoon();
    }
  }

  /** After a crash: asks the adapter whether the open attempt went through. 'send' = safe to send. */
  async function reconcile(e: ClaimedEntry, adapter: PlatformAdapter, ctx: PublishContext, openId: number | null, name: string): Promise<'done' | 'send'> {
    const stopped = `Outbox stopped while publishing; check ${name} before retrying`;
    const end = (outcome: 'reconciled' | 'unknown', message: string | null) => {
      if (openId !== null) repo.endAttempt(openId, clock.now(), outcome, null, message);
    };
    if (adapter.reconcile) {
      try {
        const found = await untilAborted(() => adapter.reconcile!(ctx), ctx.signal);
        if (detached) return 'done';
        if (found) {
          const write = () => {
            const id = openId ?? repo.startAttempt(e.entryId, ctx.entry.attemptKey, clock.now());
            repo.published(e.entryId, id, clock.now(), found.platformPostId, found.platformUrl ?? null, found.httpStatus ?? null, 'reconciled');
          };
          emitChanged([e.postId, ...settle(e.postId, write)]);
          return 'done';
        }
        end('reconciled', `${name} did not receive it before Outbox stopped; sending again`);
        return 'send';
      } catch (error) {
        if (detached) return 'done';
        if (!adapter.idempotent) {
          const message = `Could not check ${name}: ${error instanceof Error ? error.message : String(error)}`;
          if (openId !== null) fail(e, stopped, { id: openId, outcome: 'unknown', httpStatus: null, message });
          else fail(e, stopped);
          return 'done';
        }
      }
    }
    if (adapter.idempotent) {
      end('unknown', 'Outbox stopped during this attempt; sending again with the same key (the platform drops repeats)');
      return 'send';
    }
    if (openId !== null) fail(e, stopped, { id: openId, outcome: 'unknown', httpStatus: null, message: 'Outbox stopped during this attempt' });
    else fail(e, stopped);
    return 'done';
  }

  async function onFailure(e: ClaimedEntry, loaded: EntryForPublish, adapter: PlatformAdapter, attemptId: number, error: unknown, name: string) {
    const { entry, account } = loaded;
    const key = entry.attempt_key!;
    const pe = error instanceof PublishError ? error : new PublishError('transient', error instanceof Error ? error.message : String(error), { cause: error });
    const now = clock.now();
    const status = pe.httpStatus ?? null;

    if (pe.kind === 'permanent') return fail(e, pe.message, { id: attemptId, outcome: 'permanent', httpStatus: status, message: pe.message });

    if (pe.kind === 'rate_limited') {
      repo.endAttempt(attemptId, now, 'rate_limited', status, pe.message);
      if (repo.countOutcome(entry.id, key, 'rate_limited') > policy.maxRateLimits) {
        return fail(e, `${name} kept refusing with "too many requests" (${policy.maxRateLimits} times); try again later`);
      }
      const until = now + (pe.retryAfterMs ?? policy.defaultRateLimitMs);
      blockedUntil.set(account!.id, Math.max(blockedUntil.get(account!.id) ?? 0, until));
      repo.retryAt(entry.id, until, entry.attempt_count);
      repo.deferAccount(account!.id, until);
      emitChanged([e.postId]);
      return rearmSoon();
    }

    if (pe.kind === 'auth') {
      repo.endAttempt(attemptId, now, 'auth', status, pe.message);
      if (repo.countOutcome(entry.id, key, 'auth') <= 1) {
        let refreshed: boolean;
        try {
          refreshed = await deps.credentials.refresh(account!.id);
        } catch (err) {
          // refresh() answers false when the platform refused the grant; a throw means it could not
          // ask (network, rate limit): no verdict on the account, so retry later instead of asking
          // the creator to reconnect. The attempt counts as transient, so the next auth failure
          // still gets its one refresh.
          log(`token refresh for ${account!.id} failed`, err);
          if (detached) return;
          const message = `Could not refresh the ${name} sign-in: ${err instanceof Error ? err.message : String(err)}`;
          repo.endAttempt(attemptId, clock.now(), 'transient', status, message);
          return retryTransient(e, entry, key, message);
        }
        if (detached) return;
        if (refreshed) {
          repo.retryAt(entry.id, clock.now(), entry.attempt_count);
          return rearmSoon();
        }
      }
      await deps.credentials.markExpired(account!.id, pe.message).catch((err) => log(`marking ${account!.id} expired failed`, err));
      return fail(e, `Reconnect your ${name} account`);
    }

    // transient
    if (pe.maybeSent && !adapter.idempotent) {
      return fail(e, `${name} did not confirm this post (${pe.message}), so it may or may not have been published. Check ${name} before publishing it again.`, {
        id: attemptId,
        outcome: 'unknown',
        httpStatus: status,
        message: pe.message,
      });
    }
    if (!network.isOnline()) {
      // Failed because the machine went offline: retried when the network is back, no attempt spent.
      repo.endAttempt(attemptId, now, 'transient', status, `${pe.message} (offline; will retry when back online)`);
      repo.retryAt(entry.id, now, entry.attempt_count);
      emitChanged([e.postId]);
      return rearmSoon();
    }
    repo.endAttempt(attemptId, now, 'transient', status, pe.message);
    return retryTransient(e, entry, key, pe.message);
  }

  /** Capped exponential backoff with full jitter; gives up after the policy's attempts or window. */
  function retryTransient(e: ClaimedEntry, entry: EntryForPublish['entry'], key: string, message: string) {
    const now = clock.now();
    if (!network.isOnline()) {
      repo.retryAt(entry.id, now, entry.attempt_count);
      emitChanged([e.postId]);
      return rearmSoon();
    }
    const failures = entry.attempt_count + 1;
    const first = repo.firstAttemptAt(entry.id, key) ?? now;
    const wait = backoffMs(policy, failures, random);
    if (failures >= policy.maxAttempts || now + wait - first > policy.windowMs) {
      return fail(e, `${message} (gave up after ${failures} attempt${failures === 1 ? '' : 's'})`);
    }
    repo.retryAt(entry.id, now + wait, failures);
    emitChanged([e.postId]);
    rearmSoon();
  }

  return {
    /** Recovers from a crash, catches up on missed posts, and arms the timer. */
    start() {
      if (started) return;
      started = true;
      const now = clock.now();
      const recovered = repo.recover(now);
      toReconcile = recovered.toReconcile;
      const settledIds: string[] = [];
      for (const postId of repo.publishingPostIds()) settledIds.push(...settle(postId));
      emitChanged([...recovered.requeued, ...settledIds]);
      catchUp();
      unsubscribe.push(
        bus.on('posts:changed', rearmSoon),
        bus.on('settings:changed', ({ keys }) => {
          if (keys.includes('publishingPaused') && !deps.settings.get().publishingPaused) catchUp();
          rearmSoon();
        }),
        network.subscribe(() => rearmSoon()),
        deps.power.subscribe((event) => {
          if (event === 'resume') {
            catchUp();
            rearmSoon();
          }
        }),
      );
      tick();
    },

    /** `posts:publish`: publishes a draft or scheduled post now, or re-runs a failed post's failed entries. */
    publishNow(postId: string): Post {
      const row = repo.readPostRow(postId);
      if (!row) throw notFound('Post', postId);
      if (row.status === 'publishing') throw new AppError('conflict', 'This post is already publishing');
      if (row.status === 'published') throw new AppError('conflict', 'This post is already published on every account');
      const entries = repo.entriesOfPost(postId).filter((en) => en.enabled === 1);
      if (entries.length === 0) throw invalid('entries', 'this post has no enabled account to publish to');
      if (!entries.some((en) => en.status === 'pending' || en.status === 'failed')) throw new AppError('conflict', 'Nothing left to publish on this post');
      repo.preparePublish(postId, clock.now());
      emitChanged([postId]);
      tick();
      return deps.readPost(postId)!;
    },

    /** The first free queue slot after `nowMs` (posts:create with `schedule: { mode: 'queue' }`). */
    nextQueueSlot(nowMs: number = clock.now()): number {
      const { queueSlots, timeZone } = deps.settings.get();
      const taken = repo.takenTimes(nowMs, nowMs + 400 * 86_400_000);
      const at = firstFreeSlot(nowMs, queueSlots, timeZone, (ms) => taken.has(ms));
      if (at === null) throw invalid('schedule.mode', queueSlots.length === 0 ? 'no queue slots are set: add weekly times in Settings' : 'every queue slot of the next year is taken');
      return at;
    },

    /** Like nextQueueSlot, but null instead of an error (the posts service's QueueSlotResolver). */
    queueSlotAt(nowMs: number): number | null {
      const { queueSlots, timeZone } = deps.settings.get();
      const taken = repo.takenTimes(nowMs, nowMs + 400 * 86_400_000);
      return firstFreeSlot(nowMs, queueSlots, timeZone, (ms) => taken.has(ms));
    },

    /** Reads a post with its attempt log. */
    readPost(postId: string): Post | null {
      return deps.readPost(postId);
    },

    /** Scheduler facts for tests and the tray. */
    state(): SchedulerState {
      const next = repo.nextDueAt();
      return {
        paused: deps.settings.get().publishingPaused,
        online: network.isOnline(),
        publishing: running.size,
        nextDueAt: next === null ? null : new Date(next).toISOString(),
      };
    },

    /**
     * Stops claiming, waits up to the drain timeout for requests in flight, then aborts the rest;
     * their attempts stay open (`in_flight`) so the next start reconciles them. Claimed entries
     * that never started go back to `pending`.
     */
    async close() {
      if (stopping) return;
      stopping = true;
      timer?.cancel();
      timer = null;
      for (const fn of unsubscribe.splice(0)) fn();
      const drain = Promise.allSettled([...work]);
      let timeout: TimerHandle | null = null;
      const waited = await Promise.race([
        drain.then(() => 'drained' as const),
        new Promise<'timeout'>((resolve) => {
          // Real time on purpose: shutting down must not depend on a test clock being advanced.
          const t = setTimeout(() => resolve('timeout'), deps.drainTimeoutMs ?? 10_000);
          timeout = { cancel: () => clearTimeout(t) };
        }),
      ]);
      (timeout as TimerHandle | null)?.cancel();
      const now = clock.now();
      if (waited === 'timeout') {
        for (const [entryId, r] of running) {
          const loaded = repo.loadForPublish(entryId);
          const open = loaded?.entry.attempt_key ? repo.openAttempt(entryId, loaded.entry.attempt_key) : undefined;
          if (open) repo.noteAttempt(open.id, 'Outbox quit while this request was in flight; checked at next start');
          r.abort.abort();
        }
      }
      repo.unclaim([...queued], now);
      flushChanged();
      detached = true;
    },
  };
}

/** The publishing engine. */
export type PublishingEngine = ReturnType<typeof createPublishingEngine>;
