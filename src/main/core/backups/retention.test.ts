import { describe, expect, it } from 'vitest';
import { backupsToKeep, RETENTION, type Dated } from './retention';

const DAY = 86_400_000;
const start = Date.UTC(2026, 0, 5, 9); // a Monday

function daily(days: number, perDay = 1): Dated[] {
  const out: Dated[] = [];
  for (let d = 0; d < days; d++) for (let k = 0; k < perDay; k++) out.push({ id: `d${d}-${k}`, kind: 'daily', createdAt: start + d * DAY + k * 3_600_000 });
  return out;
}

describe('backup retention', () => {
  it('keeps the newest of each of the last 7 days, then the newest of each of the 4 weeks before', () => {
    const all = daily(70);
    const keep = backupsToKeep(all, 'UTC');
    // Day 69 is the newest; days 63..69 are the daily ones.
    for (let d = 63; d < 70; d++) expect(keep.has(`d${d}-0`), `day ${d}`).toBe(true);
    const weekly = [...keep].filter((id) => Number(id.slice(1).split('-')[0]) < 63);
    expect(weekly).toHaveLength(RETENTION.weekly);
    // The weeks before: each kept one is the newest (Sunday, day 6 mod 7) of its week.
    expect(weekly.map((id) => Number(id.slice(1).split('-')[0])).sort((a, b) => a - b)).toEqual([41, 48, 55, 62]);
    expect(keep.size).toBe(RETENTION.daily + RETENTION.weekly);
  });

  it('counts days, not backups: several on one day keep only that day’s newest', () => {
    const keep = backupsToKeep(daily(10, 3), 'UTC');
    expect(keep.has('d9-2')).toBe(true);
    expect(keep.has('d9-1')).toBe(false);
    expect([...keep].filter((id) => id.endsWith('-2'))).toHaveLength(keep.size);
  });

  it('uses the creator’s zone for day boundaries', () => {
    // 23:30 and 00:30 UTC are one day in Los Angeles (15:30, 16:30) but two in UTC.
    const two: Dated[] = [
      { id: 'a', kind: 'daily', createdAt: Date.UTC(2026, 0, 5, 23, 30) },
      { id: 'b', kind: 'daily', createdAt: Date.UTC(2026, 0, 6, 0, 30) },
    ];
    expect([...backupsToKeep(two, 'UTC')].sort()).toEqual(['a', 'b']);
    expect([...backupsToKeep(two, 'America/Los_Angeles')]).toEqual(['b']);
  });

  it('keeps the newest manual, pre-restore and pre-migration backups by count, apart from the daily ones', () => {
    const others: Dated[] = [];
    for (let i = 0; i < 15; i++) {
      others.push({ id: `m${i}`, kind: 'manual', createdAt: start + i * DAY });
      others.push({ id: `r${i}`, kind: 'pre-restore', createdAt: start + i * DAY });
      others.push({ id: `g${i}`, kind: 'pre-migration', createdAt: start + i * DAY });
    }
    const keep = backupsToKeep([...others, ...daily(3)], 'UTC');
    expect([...keep].filter((id) => id.startsWith('m')).sort()).toEqual(['m10', 'm11', 'm12', 'm13', 'm14'].concat(['m5', 'm6', 'm7', 'm8', 'm9']).sort());
    expect([...keep].filter((id) => id.startsWith('r'))).toHaveLength(RETENTION['pre-restore']);
    expect([...keep].filter((id) => id.startsWith('g')).sort()).toEqual(['g12', 'g13', 'g14']);
    expect([...keep].filter((id) => id.startsWith('d'))).toHaveLength(3);
  });
});
