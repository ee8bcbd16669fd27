import { describe, expect, it } from 'vitest';
import { quickPicks } from '../../../src/renderer/src/lib/quick-picks';

// The composer's quick picks, in the creator's zone: the next queue slot, later today while today
// lasts, and tomorrow at 09:00.

describe('quickPicks', () => {
  it('offers the next slot, three hours on (on the hour) and tomorrow 09:00, in the zone', () => {
    const now = Date.parse('2026-03-02T10:20:00.000Z'); // 11:20 in Berlin
    const picks = quickPicks(now, 'Europe/Berlin', '2026-03-02T11:00:00.000Z');
    expect(picks).toEqual([
      { id: 'slot', label: 'Next queue slot', at: '2026-03-02T11:00:00.000Z' },
      { id: 'later', label: 'Later today', at: '2026-03-02T14:00:00.000Z' },
      { id: 'tomorrow', label: 'Tomorrow morning', at: '2026-03-03T08:00:00.000Z' },
    ]);
  });

  it('late in the evening there is no "later today", and no slot without a queue (or a slot already past)', () => {
    const now = Date.parse('2026-03-02T21:30:00.000Z'); // 22:30 in Berlin
    expect(quickPicks(now, 'Europe/Berlin', null).map((p) => p.id)).toEqual(['tomorrow']);
    expect(quickPicks(now, 'Europe/Berlin', '2026-03-02T20:00:00.000Z').map((p) => p.id)).toEqual(['tomorrow']);
  });

  it('tomorrow morning follows the zone across a daylight-saving change', () => {
    // 28 March 2026, Berlin: tomorrow (the 29th) starts summer time, so 09:00 is 07:00 UTC.
    expect(quickPicks(Date.parse('2026-03-28T12:00:00.000Z'), 'Europe/Berlin', null).at(-1)!.at).toBe('2026-03-29T07:00:00.000Z');
  });
});
