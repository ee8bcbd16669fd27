import { useRef } from 'react';
import { dateTimeLabel, isoToZoned, utcHint, zonedToIso, zoneAbbreviation } from '../lib/time';
import { quickPicks } from '../lib/quick-picks';
import { nextHour } from '../stores/composer.store';

type When = { date: string; time: string } | null;

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
