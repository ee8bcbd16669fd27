import type { PlatformId } from '../../src/shared/domain';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishErrorKind, type PublishResult } from '../../src/main/platforms/types';

/** What one publish call does, in script order. */
export type Step =
  | { ok: true; platformPostId?: string; httpStatus?: number }
  | { fail: PublishErrorKind; message?: string; retryAfterMs?: number; httpStatus?: number; maybeSent?: boolean }
  /** Waits until the test opens the gate (or the engine aborts the request). */
  | { gate: Gate };

/** A request held open until the test says how it ends. */
export interface Gate {
  promise: Promise<Step>;
  open(step?: Step): void;
}

/** A gate for a `{ gate }` step. */
export function gate(): Gate {
  let open!: (step: Step) => void;
  const promise = new Promise<Step>((resolve) => (open = resolve));
  return { promise, open: (step: Step = { ok: true }) => open(step) };
}

/** One call the adapter received. */
export interface PublishCall {
  entryId: string;
  postId: string;
  accountId: string;
  attemptKey: string;
  at: number;
  texts: string[];
  credentials: Record<string, unknown>;
  mediaPaths: string[];
  endedAt: number | null;
}

/**
 * A publish adapter whose answers the test scripts: per account or in general, in order; with
 * no step left it publishes. `idempotent` platforms drop a repeat of an attempt key, like
 * Mastodon's Idempotency-Key; `posted` lists what "appeared on the platform".
 */
export class ScriptedAdapter implements PlatformAdapter {
  readonly calls: PublishCall[] = [];
  readonly reconcileCalls: string[] = [];
  /** Posts that exist on the fake platform, by attempt key. */
  readonly posted = new Map<string, string>();
  private general: Step[] = [];
  private perAccount = new Map<string, Step[]>();
  private inFlight = new Map<string, number>();
  /** The most requests one account had open at once. */
  maxConcurrentPerAccount = 0;
  /** Answer to reconcile(); undefined means the adapter has no reconcile. */
  reconcile?: (ctx: PublishContext) => Promise<PublishResult | null>;
  private counter = 0;

  constructor(
    readonly platform: PlatformId,
    readonly idempotent = true,
  ) {}

  /** Queues steps for any account. */
  script(...steps: Step[]) {
    this.general.push(...steps);
    return this;
  }

  /** Queues steps for one account. */
  scriptFor(accountId: string, ...steps: Step[]) {
    const list = this.perAccount.get(accountId) ?? [];
    list.push(...steps);
    this.perAccount.set(accountId, list);
    return this;
  }

  /** Answers reconcile() by looking at what was posted under the attempt key. */
  reconcileFromPosted() {
    this.reconcile = async (ctx) => {
      this.reconcileCalls.push(ctx.entry.id);
      const id = this.posted.get(ctx.entry.attemptKey);
      return id ? { platformPostId: id, platformUrl: `https://example.test/${id}` } : null;
    };
    return this;
  }

  async publish(ctx: PublishContext): Promise<PublishResult> {
    const call: PublishCall = {
      entryId: ctx.entry.id,
      postId: ctx.entry.postId,
      accountId: ctx.account.id,
      attemptKey: ctx.entry.attemptKey,
      at: ctx.now(),
      texts: ctx.parts.map((p) => p.text),
      credentials: ctx.credentials,
      mediaPaths: ctx.parts.flatMap((p) => p.media.map((m) => m.path)),
      endedAt: null,
    };
    this.calls.push(call);
    const open = (this.inFlight.get(ctx.account.id) ?? 0) + 1;
    this.inFlight.set(ctx.account.id, open);
    this.maxConcurrentPerAccount = Math.max(this.maxConcurrentPerAccount, open);
    try {
      let step = this.perAccount.get(ctx.account.id)?.shift() ?? this.general.shift() ?? { ok: true };
      while ('gate' in step) step = await step.gate.promise;
      if ('fail' in step) {
        if (step.maybeSent) this.record(ctx);
        throw new PublishError(step.fail, step.message ?? `scripted ${step.fail}`, {
          ...(step.retryAfterMs !== undefined ? { retryAfterMs: step.retryAfterMs } : {}),
          ...(step.httpStatus !== undefined ? { httpStatus: step.httpStatus } : {}),
          maybeSent: step.maybeSent ?? false,
        });
      }
      const id = step.platformPostId ?? this.record(ctx);
      return { platformPostId: id, platformUrl: `https://example.test/${id}`, ...(step.httpStatus !== undefined ? { httpStatus: step.httpStatus } : {}) };
    } finally {
      call.endedAt = ctx.now();
      this.inFlight.set(ctx.account.id, (this.inFlight.get(ctx.account.id) ?? 1) - 1);
    }
  }

  /** Makes the post "appear" on the platform (once per key when idempotent). */
  private record(ctx: PublishContext): string {
    const existing = this.idempotent ? this.posted.get(ctx.entry.attemptKey) : undefined;
    if (existing) return existing;
    const id = `${this.platform}-${++this.counter}`;
    this.posted.set(this.idempotent ? ctx.entry.attemptKey : `${ctx.entry.attemptKey}#${this.counter}`, id);
    return id;
  }
}
