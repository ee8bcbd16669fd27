import { describe, expect, it } from 'vitest';
import { firstFreeSlot, stepRepeat } from './calendar';

const utc = (s: string) => Date.parse(s);

describe('stepRepeat', () => {
  it('a daily 09:00 post stays at 09:00 local across the spring daylight-saving change', () => {
    // Paris switches to CEST on 2026-03-29: 09:00 local is 08:00Z before, 07:00Z after.
    const before = utc('2026-03-28T08:00:00Z');
    const after = stepRepeat(before, 1, 'days', 'Europe/Paris');
    expect(new Date(after).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('a weekly post keeps its local time across the autumn change', () => {
    const at = stepRepeat(utc('2026-10-20T13:30:00Z'), 1, 'weeks', 'America/New_York'); // 09:30 EDT
    expect(new Date(at).toISOString()).toBe('2026-10-27T13:30:00.000Z');
    const next = stepRepeat(at, 1, 'weeks', 'America/New_York'); // 09:30 EST after Nov 1
    expect(new Date(next).toISOString()).toBe('2026-11-03T14:30:00.000Z');
  });

  it('hours and minutes are elapsed time', () => {
    expect(stepRepeat(utc('2026-03-29T00:30:00Z'), 2, 'hours', 'Europe/Paris')).toBe(utc('2026-03-29T02:30:00Z'));
    expect(stepRepeat(utc('2026-01-01T00:00:00Z'), 90, 'minutes', 'UTC')).toBe(utc('2026-01-01T01:30:00Z'));
  });

  it('months step the calendar month in the zone', () => {
    expect(new Date(stepRepeat(utc('2026-01-15T08:00:00Z'), 1, 'months', 'Europe/Paris')).toISOString()).toBe('2026-02-15T08:00:00.000Z');
  });
});

describe('firstFreeSlot', () => {
  const slots = [
    { day: 'mon' as const, time: '09:00' },
    { day: 'wed' as const, time: '17:30' },
  ];

  it('takes the first slot after now in the creator time zone', () => {
    // 2026-01-05 is a Monday; 09:00 in Tokyo is 00:00Z.
    const now = utc('2026-01-04T12:00:00Z');
    expect(new Date(firstFreeSlot(now, slots, 'Asia/Tokyo', () => false)!).toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });

  it('skips taken slots and slots at or before now', () => {
    const now = utc('2026-01-05T00:00:00Z'); // exactly Monday 09:00 Tokyo: not after now
    const wednesday = utc('2026-01-07T08:30:00Z');
    expect(firstFreeSlot(now, slots, 'Asia/Tokyo', () => false)).toBe(wednesday);
    expect(new Date(firstFreeSlot(now, slots, 'Asia/Tokyo', (ms) => ms === wednesday)!).toISOString()).toBe('2026-01-12T00:00:00.000Z');
  });

  it('no slots means no slot', () => {
    expect(firstFreeSlot(0, [], 'UTC', () => false)).toBeNull();
  });
});
