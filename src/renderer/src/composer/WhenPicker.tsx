import { useRef } from 'react';
import { dateTimeLabel, isoToZoned, utcHint, zonedToIso, zoneAbbreviation } from '../lib/time';
import { nextHour } from '../stores/composer.store';

type When = { date: string; time: string } | null;

/** A quick pick: a moment with its name ("Tomorrow morning") and what it shows ("Sun 29 Nov, 09:00"). */
interface Pick {
  id: string;
  label: string;
  at: string;
}

/** The picks that make sense now: the next queue slot, later today (while today lasts), tomorrow at 09:00. */
export function quickPicks(now: number, zone: string, nextSlot: string | null): Pick[] {
  const picks: Pick[] = [];
  if (nextSlot && Date.parse(nextSlot) > now) picks.push({ id: 'slot', label: 'Next queue slot', at: nextSlot });
  const today = isoToZoned(new Date(now).toISOString(), zone);
  // Three hours on, on the hour: still today, else not offered.
  const later = isoToZoned(new Date(Math.ceil((now + 3 * 3_600_000) / 3_600_000) * 3_600_000).toISOString(), zone);
  if (later.date === today.date) picks.push({ id: 'later', label: 'Later today', at: zonedToIso(later.date, later.time, zone) });
  const tomorrow = isoToZoned(new Date(now + 24 * 3_600_000).toISOString(), zone).date;
  picks.push({ id: 'tomorrow', label: 'Tomorrow morning', at: zonedToIso(tomorrow, '09:00', zone) });
  return picks;
}

/** When a post goes out: quick picks, then the date and time fields (Custom), in the creator's zone. */
export function WhenPicker({ when, zone, nextSlot, onChange }: { when: When; zone: string; nextSlot: string | null; onChange: (when: When) => void }) {
  const dateField = useRef<HTMLInputElement>(null);
  const atIso = when ? zonedToIso(when.date, when.time, zone) : null;
  const inPast = atIso ? Date.parse(atIso) <= Date.now() : false;
  const picks = quickPicks(Date.now(), zone, nextSlot);
  const picked = picks.find((p) => atIso !== null && Date.parse(p.at) === Date.parse(atIso));
  return (
    <>
      <div className="quick-picks" role="group" aria-label="Quick picks">
        {picks.map((p) => (
          <button key={p.id} type="button" className="button button-small" aria-pressed={picked?.id === p.id} onClick={() => onChange(isoToZoned(p.at, zone))}>
            {p.label} · {dateTimeLabel(p.at, zone)}
          </button>
        ))}
        <button type="button" className="button button-small" aria-pressed={atIso !== null && !picked} onClick={() => dateField.current?.focus()}>
          Custom
        </button>
      </div>
      {!nextSlot ? <p className="hint">No free queue slot: add posting times to the queue in Settings.</p> : null}
      <div className="when-row">
        <div className="field compact">
          <label htmlFor="when-date">Date</label>
          <input
            ref={dateField}
            id="when-date"
            type="date"
            value={when?.date ?? ''}
            onChange={(e) => onChange(e.target.value ? { date: e.target.value, time: when?.time ?? nextHour().time } : null)}
          />
        </div>
        <div className="field compact">
          <label htmlFor="when-time">Time</label>
          <input id="when-time" type="time" value={when?.time ?? ''} onChange={(e) => onChange(e.target.value ? { date: when?.date ?? nextHour().date, time: e.target.value } : when)} />
        </div>
        <p className="hint when-hint">
          {zone.replace(/_/g, ' ')}
          {zoneAbbreviation(zone) !== zone ? ` (${zoneAbbreviation(zone)})` : ''}
          {atIso ? ` · ${utcHint(atIso)}` : ''}
          {inPast ? (
            <span className="error-text">
              {' '}
              · <span aria-hidden="true">⚠ </span>in the past
            </span>
          ) : null}
        </p>
      </div>
    </>
  );
}
