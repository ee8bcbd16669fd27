import { expect, it } from 'vitest';
import { backoffMs, defaultRetryPolicy } from './retry-policy';

it('backoff is full jitter under a doubling ceiling capped at capMs, never under a second', () => {
  const p = defaultRetryPolicy;
  expect(backoffMs(p, 1, () => 0.999999)).toBe(Math.floor(0.999999 * 15_000));
  expect(backoffMs(p, 3, () => 0.5)).toBe(30_000);
  expect(backoffMs(p, 20, () => 0.999999)).toBeLessThanOrEqual(p.capMs);
  expect(backoffMs(p, 1, () => 0)).toBe(1000);
});

it('the default policy fits 5 attempts into 15 minutes even at the largest waits', () => {
  const p = defaultRetryPolicy;
  let total = 0;
  for (let failures = 1; failures < p.maxAttempts; failures++) total += backoffMs(p, failures, () => 0.999999);
  expect(total).toBeLessThan(p.windowMs);
});
