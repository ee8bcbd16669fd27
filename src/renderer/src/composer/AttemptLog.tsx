import type { Attempt, PlatformEntry } from '../../../shared/domain';
import { platformName } from '../lib/platforms';
import { dateTimeLabel } from '../lib/time';

const OUTCOME: Record<Attempt['outcome'], string> = {
  in_flight: 'Sending',
  published: 'Published',
  transient: 'Failed for now (retried)',
  rate_limited: 'Rate limited (waited)',
  auth: 'Sign-in needed',
  permanent: 'Refused',
  unknown: 'Unknown outcome',
  reconciled: 'Checked after a restart',
  handed_off: 'Hand-off',
};

/**
 * One entry's attempt log: every try, what came of it and the platform's words, including a
 * hand-off's schedule id ("Handed to Mastodon (schedule 123)...").
 */
export function AttemptLog({ entry, zone, label }: { entry: PlatformEntry; zone: string; label?: string }) {
  if (entry.attempts.length === 0) return null;
  const name = label ?? platformName(entry.platform);
  return (
    <details className="attempt-log">
      <summary>
        Attempt log<span className="sr-only"> for {name}</span> ({entry.attempts.length})
      </summary>
      <ol aria-label={`Attempts for ${name}`}>
        {entry.attempts.map((a, i) => (
          <li key={i}>
            <span className="muted">{dateTimeLabel(a.startedAt, zone)}</span> · <strong>{OUTCOME[a.outcome]}</strong>
            {a.httpStatus ? <span className="muted"> (HTTP {a.httpStatus})</span> : null}
            {a.message ? <span>: {a.message}</span> : null}
          </li>
        ))}
      </ol>
      {entry.remote ? (
        <p className="hint">
          {platformName(entry.platform)} schedule id: <code>{entry.remote.id}</code>, publishing at {dateTimeLabel(entry.remote.at, zone)}.
        </p>
      ) : null}
    </details>
  );
}
