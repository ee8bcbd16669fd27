import { TZDate } from '@date-fns/tz';
// One file per function: the date-fns index loads ~250 modules (0.1 s at start).
import { addDays } from 'date-fns/addDays';
import { addHours } from 'date-fns/addHours';
import { addMinutes } from 'date-fns/addMinutes';
import { addMonths } from 'date-fns/addMonths';
import { addWeeks } from 'date-fns/addWeeks';
import type { RepeatUnit } from '../../../shared/domain';
import { WEEKDAYS, type QueueSlot } from '../../../shared/ipc/settings';

/**
 * The instant `every` `unit` after `fromMs`, stepped in the creator's zone: days, weeks and
 * months keep the local wall-clock time across daylight-saving changes; minutes and hours are
 * elapsed time.
 */
export function stepRepeat(fromMs: number, every: number, unit: RepeatUnit, timeZone: string): number {
  const local = new TZDate(fromMs, timeZone);
  switch (unit) {
    case 'minutes':
      return addMinutes(local, every).getTime();
    case 'hours':
      return addHours(local, every).getTime();
    case 'days':
      return addDays(local, every).getTime();
    case 'weeks':
      return addWeeks(local, every).getTime();
    case 'months':
      return addMonths(local, every).getTime();
  }
}

/**
 * The instant showing the same wall-clock time in `toZone` as `ms` shows in `fromZone` (09:30 in
 * Berlin -> 09:30 in London). A time that does not exist there (a spring-forward gap) moves on
 * as the zone's rules say.
 */
export function sameWallTime(ms: number, fromZone: string, toZone: string): number {
  const at = new TZDate(ms, fromZone);
  return new TZDate(at.getFullYear(), at.getMonth(), at.getDate(), at.getHours(), at.getMinutes(), at.getSeconds(), at.getMilliseconds(), toZone).getTime();
}

/**
 * The first weekly queue slot strictly after `nowMs` that no post already takes, in the
 * creator's zone; null when there are no slots (or all are taken for a year).
 */
export function firstFreeSlot(nowMs: number, slots: QueueSlot[], timeZone: string, isTaken: (ms: number) => boolean): number | null {
  if (slots.length === 0) return null;
  const start = new TZDate(nowMs, timeZone);
  for (let day = 0; day <= 366; day++) {
    const date = addDays(start, day);
    // TZDate.getDay() is the weekday in the zone; WEEKDAYS starts on Monday.
    const weekday = WEEKDAYS[(date.getDay() + 6) % 7];
    const times = slots
      .filter((slot) => slot.day === weekday)
      .map((slot) => {
        const [h, m] = slot.time.split(':').map(Number) as [number, number];
        return new TZDate(date.getFullYear(), date.getMonth(), date.getDate(), h, m, 0, 0, timeZone).getTime();
      })
      .sort((a, b) => a - b);
    for (const at of times) if (at > nowMs && !isTaken(at)) return at;
  }
  return null;
}
