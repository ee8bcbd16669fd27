import { isoToZoned, zonedToIso } from './time';

/** A quick pick: a moment with its name ("Tomorrow morning") and what it shows ("Sun 29 Nov, 09:00"). */
export interface QuickPick {
  id: string;
  label: string;
  at: string;
}

/** The picks that make sense now: the next queue slot, later today (while today lasts), tomorrow at 09:00. */
export function quickPicks(now: number, zone: string, nextSlot: string | null): QuickPick[] {
  const picks: QuickPick[] = [];
  if (nextSlot && Date.parse(nextSlot) > now) picks.push({ id: 'slot', label: 'Next queue slot', at: nextSlot });
  const today = isoToZoned(new Date(now).toISOString(), zone);
  // Three hours on, on the hour: still today, else not offered.
  const later = isoToZoned(new Date(Math.ceil((now + 3 * 3_600_000) / 3_600_000) * 3_600_000).toISOString(), zone);
  if (later.date === today.date) picks.push({ id: 'later', label: 'Later today', at: zonedToIso(later.date, later.time, zone) });
  const tomorrow = isoToZoned(new Date(now + 24 * 3_600_000).toISOString(), zone).date;
  picks.push({ id: 'tomorrow', label: 'Tomorrow morning', at: zonedToIso(tomorrow, '09:00', zone) });
  return picks;
}

