import { describe, expect, it } from 'vitest';
import { DAILY_QUOTA, nextQuotaReset, quotaDay, quotaWarning, unitsUsed, uploadsLeft } from './quota';

describe("YouTube's quota day (midnight to midnight Pacific Time)", () => {
  it('is 24 hours on a plain day, 23 when the clocks go forward, 25 when they go back', () => {
    expect(quotaDay(Date.parse('2026-03-02T17:00:00Z'))).toEqual({ from: Date.parse('2026-03-02T08:00:00Z'), to: Date.parse('2026-03-03T08:00:00Z') });
    // 8 March 2026: PST becomes PDT at 02:00.
    expect(quotaDay(Date.parse('2026-03-08T12:00:00Z'))).toEqual({ from: Date.parse('2026-03-08T08:00:00Z'), to: Date.parse('2026-03-09T07:00:00Z') });
    // 1 November 2026: back to PST.
    expect(quotaDay(Date.parse('2026-11-01T12:00:00Z'))).toEqual({ from: Date.parse('2026-11-01T07:00:00Z'), to: Date.parse('2026-11-02T08:00:00Z') });
  });

  it('comes back at the next midnight Pacific Time, also just before and just after one', () => {
    expect(nextQuotaReset(Date.parse('2026-03-03T07:59:59Z'))).toBe(Date.parse('2026-03-03T08:00:00Z'));
    expect(nextQuotaReset(Date.parse('2026-03-03T08:00:00Z'))).toBe(Date.parse('2026-03-04T08:00:00Z'));
  });
});

describe('the estimate', () => {
  it('counts 1,600 units an upload, all of them once YouTube said the quota ran out', () => {
    expect(unitsUsed({ uploads: 2, exhausted: false })).toBe(3_200);
    expect(uploadsLeft({ uploads: 0, exhausted: false })).toBe(6);
    expect(uploadsLeft({ uploads: 6, exhausted: false })).toBe(0);
    expect(unitsUsed({ uploads: 1, exhausted: true })).toBe(DAILY_QUOTA);
    expect(uploadsLeft({ uploads: 0, exhausted: true })).toBe(0);
  });

  it('warns only when the day\'s uploads do not fit, and says how many do', () => {
    expect(quotaWarning({ uploads: 2, exhausted: false }, 4, 'today')).toBeNull();
    expect(quotaWarning({ uploads: 2, exhausted: false }, 5, 'today')).toBe(
      '5 video uploads are planned for today (Pacific Time), but the Google Cloud project\'s daily quota (10,000 units, 1,600 per upload; about 3,200 units are already used that day) leaves room for 4. YouTube will refuse the rest until midnight Pacific Time, and Outbox will upload them then; move some to another day, or ask Google for more quota.',
    );
    expect(quotaWarning({ uploads: 0, exhausted: false }, 7, 'Tuesday, March 3')).toMatch(/^7 video uploads are planned for Tuesday, March 3 \(Pacific Time\), but .*\(10,000 units, 1,600 per upload\) leaves room for 6\./);
  });
});
