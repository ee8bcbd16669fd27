import { describe, expect, it } from 'vitest';
import { dayKey, fastDayKey, fastTime, isoToZoned, monthGridDays, weekDays, zonedToIso } from './time';

describe('time in the creator’s zone', () => {
  it('a wall-clock time in Tokyo is stored as the UTC instant nine hours earlier', () => {
    expect(zonedToIso('2026-11-25', '09:30', 'Asia/Tokyo')).toBe('2026-11-25T00:30:00.000Z');
    expect(isoToZoned('2026-11-25T00:30:00.000Z', 'Asia/Tokyo')).toEqual({ date: '2026-11-25', time: '09:30' });
  });

  it('a post late in the UTC evening belongs to the next day in Tokyo and the same day in New York', () => {
    const iso = '2026-03-10T20:00:00.000Z';
    expect(dayKey(iso, 'Asia/Tokyo')).toBe('2026-03-11');
    expect(fastDayKey(iso, 'Asia/Tokyo')).toBe('2026-03-11');
    expect(fastDayKey(iso, 'America/New_York')).toBe('2026-03-10');
    expect(fastTime(iso, 'America/New_York')).toBe('16:00');
  });

  it('09:00 stays 09:00 across a daylight-saving change (Paris, end of March)', () => {
    expect(zonedToIso('2026-03-28', '09:00', 'Europe/Paris')).toBe('2026-03-28T08:00:00.000Z');
    expect(zonedToIso('2026-03-30', '09:00', 'Europe/Paris')).toBe('2026-03-30T07:00:00.000Z');
  });

  it('the month grid is six Monday-first weeks around the month, in the zone', () => {
    const days = monthGridDays(new Date('2026-11-15T12:00:00Z'), 'Europe/Paris');
    expect(days).toHaveLength(42);
    expect(fastDayKey(days[0]!.toISOString(), 'Europe/Paris')).toBe('2026-10-26');
    expect(days[0]!.getDay()).toBe(1);
    expect(fastDayKey(days[41]!.toISOString(), 'Europe/Paris')).toBe('2026-12-06');
    expect(weekDays(new Date('2026-11-25T12:00:00Z'), 'UTC').map((d) => d.getDate())).toEqual([23, 24, 25, 26, 27, 28, 29]);
  });
});
