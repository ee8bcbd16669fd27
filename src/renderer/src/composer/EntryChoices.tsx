import type { Account, PlatformEntry } from '../../../shared/domain';
import { handOffRefusal, platformSpec } from '../../../shared/platforms/catalog';
import { DEFAULT_THREAD_MODE, needsThreadMode, type ThreadMode } from '../../../shared/platforms/thread-mode';
import { platformName } from '../lib/platforms';
import type { ComposerTarget } from '../stores/composer.store';

// Per-entry choices that are not a platform's own settings: how a thread goes to a platform that
// cannot thread (issue 18, item 2) and whether the platform's own scheduler may hold this post
// (issue 17). They sit in each account's section of the composer.

/** "First part only" or "All parts joined as one message", for a thread to a platform without threads. */
export function ThreadModeChoice({ account, target, parts, idPrefix, onChange }: { account: Account; target: ComposerTarget; parts: number; idPrefix: string; onChange: (patch: Partial<ComposerTarget>) => void }) {
  if (!needsThreadMode(account.platform, parts)) return null;
  const name = platformName(account.platform);
  const mode: ThreadMode = target.threadMode ?? DEFAULT_THREAD_MODE;
  const limit = platformSpec(account.platform).text.limit.toLocaleString('en');
  return (
    <fieldset className="field compact thread-mode">
      <legend>{name} cannot show a thread. Send it as:</legend>
      <div className="field-row">
        <input id={`${idPrefix}-joined`} type="radio" name={`${idPrefix}-thread`} checked={mode === 'joined'} onChange={() => onChange({ threadMode: 'joined' })} />
        <label htmlFor={`${idPrefix}-joined`}>All parts joined as one message</label>
      </div>
      <div className="field-row">
        <input id={`${idPrefix}-first`} type="radio" name={`${idPrefix}-thread`} checked={mode === 'first'} onChange={() => onChange({ threadMode: 'first' })} />
        <label htmlFor={`${idPrefix}-first`}>First part only</label>
      </div>
      <p className="hint">
        {mode === 'joined' ? `The ${parts} parts go as one message, a blank line between them (${limit} characters at most).` : `Only part 1 goes to ${name}; parts 2–${parts} are not sent there.`} The preview shows exactly
        what {name} receives.
      </p>
    </fieldset>
  );
}

/**
 * "Let Mastodon publish this post" for one entry, where the account hands posts off: on, it goes
 * out at its time even with this computer off; off, Outbox sends it. Says why when the platform
 * cannot hold this post (a thread, too soon), and the engine's own reason once it has one.
 */
export function HandOffChoice({
  account,
  target,
  entry,
  parts,
  at,
  idPrefix,
  onChange,
}: {
  account: Account;
  target: ComposerTarget;
  entry: PlatformEntry | null;
  parts: number;
  /** The chosen time (ISO) or null for none yet. */
  at: string | null;
  idPrefix: string;
  onChange: (patch: Partial<ComposerTarget>) => void;
}) {
  const spec = platformSpec(account.platform);
  if (!spec.handOff || account.handOff === null) return null;
  const name = spec.name;
  if (!account.handOff) {
    return (
      <p className="hint option-note">
        Outbox sends this post at its time (this computer must be on). To let {name} hold scheduled posts, turn it on for {account.handle} under Accounts.
      </p>
    );
  }
  const on = (target.handOff ?? 'auto') === 'auto';
  const refusal = at ? handOffRefusal(account.platform, parts, Date.parse(at), Date.now()) : null;
  const note = on ? (refusal && refusal !== 'not scheduled' ? refusal : entry?.remoteNote ?? null) : null;
  const held = entry?.status === 'handed_off' && entry.remote ? entry.remote : null;
  return (
    <div className="hand-off-choice">
      <div className="field field-row compact">
        <input id={`${idPrefix}-handoff`} type="checkbox" role="switch" checked={on} aria-describedby={`${idPrefix}-handoff-hint`} onChange={(e) => onChange({ handOff: e.target.checked ? 'auto' : 'off' })} />
        <label htmlFor={`${idPrefix}-handoff`}>Let {name} publish this post</label>
      </div>
      <p className="hint" id={`${idPrefix}-handoff-hint`}>
        {!on
          ? `Kept with Outbox: it goes out only if this computer is on at its time.`
          : note
            ? `${note}.`
            : held
              ? `Handed to ${name}: goes out even if this computer is off (schedule ${held.id}).`
              : `${name} holds it once scheduled: it goes out even if this computer is off.`}
      </p>
    </div>
  );
}
