import { useId } from 'react';

/** X's poll as the settings schema keeps it (`settings.poll`). */
export interface XPollValue {
  options: string[];
  durationMinutes: number;
}

const DAY = 1_440;
/** X's own default length: one day. */
const DEFAULT: XPollValue = { options: ['', ''], durationMinutes: DAY };

function isPoll(value: unknown): value is XPollValue {
  return typeof value === 'object' && value !== null && Array.isArray((value as XPollValue).options) && typeof (value as XPollValue).durationMinutes === 'number';
}

/**
 * X's poll: 2 to 4 choices of at most 25 characters, open from 5 minutes to 7 days (X's own
 * limits, checked by the shared schema). An object setting, so it is drawn here instead of by the
 * generated fields.
 */
export function XPoll({ value, onChange }: { value: unknown; onChange: (poll: XPollValue | undefined) => void }) {
  const id = useId();
  const poll = isPoll(value) ? value : null;
  const minutes = poll?.durationMinutes ?? DAY;
  const parts = { days: Math.floor(minutes / DAY), hours: Math.floor((minutes % DAY) / 60), minutes: minutes % 60 };
  const setLength = (next: Partial<typeof parts>) => {
    const p = { ...parts, ...next };
    onChange({ ...poll!, durationMinutes: p.days * DAY + p.hours * 60 + p.minutes });
  };
  const setOptions = (options: string[]) => onChange({ ...poll!, options });
  return (
    <fieldset className="poll-editor">
      <legend className="sr-only">Poll on X</legend>
      <div className="field field-row compact">
        <input id={`${id}-on`} type="checkbox" role="switch" checked={poll !== null} onChange={(e) => onChange(e.target.checked ? { ...DEFAULT, options: [...DEFAULT.options] } : undefined)} />
        <label htmlFor={`${id}-on`}>Add a poll</label>
      </div>
      {poll ? (
        <>
          <p className="hint">A poll goes without media: X takes one or the other.</p>
          {poll.options.map((option, i) => (
            <div key={i} className="field compact poll-choice">
              <label htmlFor={`${id}-choice-${i}`}>Choice {i + 1}</label>
              <div className="poll-choice-row">
                <input id={`${id}-choice-${i}`} type="text" maxLength={25} value={option} onChange={(e) => setOptions(poll.options.map((o, j) => (j === i ? e.target.value : o)))} />
                {poll.options.length > 2 ? (
                  <button type="button" className="icon-button" aria-label={`Remove choice ${i + 1}`} onClick={() => setOptions(poll.options.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                ) : null}
              </div>
            </div>
          ))}
          {poll.options.length < 4 ? (
            <button type="button" className="button button-small button-quiet" onClick={() => setOptions([...poll.options, ''])}>
              Add a choice
            </button>
          ) : null}
          <div className="poll-length" role="group" aria-label="Poll length">
            {(
              [
                ['days', 'Days', 8],
                ['hours', 'Hours', 24],
                ['minutes', 'Minutes', 60],
              ] as const
            ).map(([key, label, count]) => (
              <div key={key} className="field compact">
                <label htmlFor={`${id}-${key}`}>{label}</label>
                <select id={`${id}-${key}`} value={parts[key]} onChange={(e) => setLength({ [key]: Number(e.target.value) })}>
                  {Array.from({ length: count }, (_, n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
