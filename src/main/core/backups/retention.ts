import { TZDate } from '@date-fns/tz';
// One file per function: the date-fns index loads ~250 modules (0.1 s at start).
import { getISOWeek } from 'date-fns/getISOWeek';
import { getISOWeekYear } from 'date-fns/getISOWeekYear';
import type { BackupKind } from '../../../shared/ipc/backups';

/** How many backups of each kind are kept (automatic ones: 7 days plus 4 weeks). */
export const RETENTION = { daily: 7, weekly: 4, manual: 10, 'pre-restore': 5, 'pre-migration': 3 } as const;

/** The retention rule in a sentence, as Settings -> Backups shows it. */
export const RETENTION_TEXT = `Kept: the last ${RETENTION.daily} daily and ${RETENTION.weekly} weekly backups, your last ${RETENTION.manual} manual ones, and the last ${RETENTION['pre-restore']} taken before a restore and ${RETENTION['pre-migration']} before an update.`;

/** A backup as retention sees it. */
export interface Dated {
  id: string;
  kind: BackupKind;
  /** UTC ms. */
  createdAt: number;
}

const newestFirst = (a: Dated, b: Dated) => b.createdAt - a.createdAt || b.id.localeCompare(a.id);

/** The newest backup per key, in the order the keys first appear (newest first). */
function newestPer(items: Dated[], key: (d: Dated) => string): Array<{ key: string; item: Dated }> {
  const seen = new Map<string, Dated>();
  for (const item of [...items].sort(newestFirst)) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.entries()].map(([k, item]) => ({ key: k, item }));
}

/**
 * Which backups to keep: the newest daily backup of each of the last 7 days that have one, then
 * the newest of each of the 4 weeks before those (days and ISO weeks in the creator's zone), and
 * the newest few of each other kind. Everything else may be deleted.
 */
export function backupsToKeep(backups: Dated[], timeZone: string): Set<string> {
  const keep = new Set<string>();
  const day = (d: Dated) => {
    const t = new TZDate(d.createdAt, timeZone);
    return `${t.getFullYear()}-${t.getMonth()}-${t.getDate()}`;
  };
  const week = (d: Dated) => {
    const t = new TZDate(d.createdAt, timeZone);
    return `${getISOWeekYear(t)}-W${getISOWeek(t)}`;
  };
  const days = newestPer(
    backups.filter((b) => b.kind === 'daily'),
    day,
  );
  for (const { item } of days.slice(0, RETENTION.daily)) keep.add(item.id);
  const keptWeeks = new Set(days.slice(0, RETENTION.daily).map(({ item }) => week(item)));
  const olderDays = days.slice(RETENTION.daily).map(({ item }) => item);
  // A week the kept days already reach is covered by them.
  const weeks = newestPer(olderDays, week).filter(({ key }) => !keptWeeks.has(key));
  for (const { item } of weeks.slice(0, RETENTION.weekly)) keep.add(item.id);
  for (const kind of ['manual', 'pre-restore', 'pre-migration'] as const) {
    for (const b of backups.filter((x) => x.kind === kind).sort(newestFirst).slice(0, RETENTION[kind])) keep.add(b.id);
  }
  return keep;
}
