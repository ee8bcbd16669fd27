import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfMonth, startOfWeek } from 'date-fns';

/** The zone the page runs in, used until the engine's setting has loaded. */
export const systemZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** An instant seen in the creator's zone (date-fns then computes in that zone). */
export function inZone(when: string | number | Date, zone: string): TZDate {
  const ms = typeof when === 'string' ? Date.parse(when) : +when;
  return new TZDate(ms, zone);
}

/** The calendar day of an instant in the zone, as `yyyy-MM-dd` (the key the calendar groups by). */
export function dayKey(when: string | number | Date, zone: string): string {
  return format(inZone(when, zone), 'yyyy-MM-dd');
}

/** A wall-clock moment in the zone (`2026-11-24`, `09:30`) as an ISO UTC string. */
export function zonedToIso(date: string, time: string, zone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(+new TZDate(y, m - 1, d, hh, mm, zone)).toISOString();
}

/** Splits an instant into the zone's wall-clock date and time (for inputs). */
export function isoToZoned(iso: string, zone: string): { date: string; time: string } {
  const d = inZone(iso, zone);
  return { date: format(d, 'yyyy-MM-dd'), time: format(d, 'HH:mm') };
}

/** `09:30` in the zone. */
export const timeLabel = (iso: string, zone: string) => format(inZone(iso, zone), 'HH:mm');
/** `Tue 24 Nov, 09:30` in the zone. */
export const dateTimeLabel = (iso: string, zone: string) => format(inZone(iso, zone), 'EEE d MMM, HH:mm');
/** `Tuesday 24 November 2026` in the zone. */
export const longDayLabel = (when: string | number | Date, zone: string) => format(inZone(when, zone), 'EEEE d MMMM yyyy');

/** The 42 days (6 weeks, Monday first) a month grid shows around `anchor`. */
export function monthGridDays(anchor: Date, zone: string): TZDate[] {
  const first = startOfWeek(startOfMonth(inZone(anchor, zone)), { weekStartsOn: 1 });
  return Array.from({ length: 42 }, (_, i) => addDays(first, i));
}

/** The 7 days of the week (Monday first) holding `anchor`. */
export function weekDays(anchor: Date, zone: string): TZDate[] {
  const first = startOfWeek(inZone(anchor, zone), { weekStartsOn: 1 });
  return Array.from({ length: 7 }, (_, i) => addDays(first, i));
}

/** The zone's short name now (`CET`, `GMT+9`), shown beside the zone id. */
export function zoneAbbreviation(zone: string, at = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    return part?.value ?? zone;
  } catch {
    return zone;
  }
}

/** An ISO UTC string as a short UTC hint (`09:30 UTC, 24 Nov`). */
export function utcHint(iso: string): string {
  return `${format(inZone(iso, 'UTC'), 'HH:mm')} UTC, ${format(inZone(iso, 'UTC'), 'd MMM')}`;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/** dayKey for many posts at once (the month view groups thousands): a cached Intl formatter. */
export function fastDayKey(iso: string, zone: string): string {
  let f = dayFormatters.get(zone);
  if (!f) dayFormatters.set(zone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(Date.parse(iso));
}

/** timeLabel with a cached formatter. */
export function fastTime(iso: string, zone: string): string {
  let f = timeFormatters.get(zone);
  if (!f) timeFormatters.set(zone, (f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return f.format(Date.parse(iso));
}
