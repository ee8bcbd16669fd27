/** How transient failures are retried: capped exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts in all (the first send included) before a transient failure becomes final. */
  maxAttempts: number;
  /** No retry starts later than this after the claim's first attempt. */
  windowMs: number;
  baseMs: number;
  capMs: number;
  /** Rate-limit waits do not count as attempts, but an endless 429 still has to end. */
  maxRateLimits: number;
  /** Wait used when a platform rate-limits without saying for how long. */
  defaultRateLimitMs: number;
  /** The engine aborts a request that runs longer than this and treats it as maybe sent. */
  attemptTimeoutMs: number;
}

/** Up to 5 attempts within 15 minutes (waits of at most 15 s, 30 s, 60 s, 120 s). */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  windowMs: 15 * 60_000,
  baseMs: 15_000,
  capMs: 5 * 60_000,
  maxRateLimits: 20,
  defaultRateLimitMs: 60_000,
  attemptTimeoutMs: 5 * 60_000,
};

/**
 * The wait before retry number `failures` (1 after the first failure): full jitter, a uniform
 * draw in [0, min(cap, base * 2^(failures-1))], floored at one second so a retry never spins.
 */
export function backoffMs(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.max(1000, Math.floor(random() * ceiling));
}
