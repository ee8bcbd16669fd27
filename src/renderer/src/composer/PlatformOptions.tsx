import { useEffect, useId, useRef, useState } from 'react';
import type { Account, PlatformEntry } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import { platformSpec } from '../../../shared/platforms';
import { Avatar, StatusBadge } from '../components/Badges';
import { overflowAny } from '../lib/limits';
import { platformName } from '../lib/platforms';
import { ENTRY_STATUS } from '../lib/status';
import type { ComposerTarget } from '../stores/composer.store';
import { HandOffChoice, ThreadModeChoice } from './EntryChoices';
import { systemZone } from '../lib/time';
import { useSettingsStore } from '../stores/settings.store';
import { AttemptLog } from './AttemptLog';
import { HighlightArea } from './HighlightArea';
import { PLATFORM_SECTIONS } from './platforms';
import { XPoll } from './platforms/XPoll';
import { humanize, optionLabel, settingFields, type SettingField } from './settings-fields';

function Field({ field, value, onChange, idPrefix }: { field: SettingField; value: unknown; onChange: (v: unknown) => void; idPrefix: string }) {
  const id = `${idPrefix}-${field.key}`;
  if (field.kind === 'toggle') {
    return (
      <div className="field field-row compact">
        <input id={id} type="checkbox" role="switch" checked={typeof value === 'boolean' ? value : field.fallback} onChange={(e) => onChange(e.target.checked)} />
        <label htmlFor={id}>{field.label}</label>
      </div>
    );
  }
  if (field.kind === 'yesno') {
    // No answer chosen until the creator chooses one: a switch would look like "no".
    return (
      <fieldset className="field compact yesno">
        <legend>
          {field.label}
          <span className="muted"> (required)</span>
        </legend>
        {([true, false] as const).map((answer) => (
          <label key={String(answer)} className="field-row compact">
            <input type="radio" name={id} checked={value === answer} onChange={() => onChange(answer)} /> {answer ? 'Yes' : 'No'}
          </label>
        ))}
      </fieldset>
    );
  }
  if (field.kind === 'select') {
    return (
      <div className="field compact">
        <label htmlFor={id}>{field.label}</label>
        <select id={id} value={typeof value === 'string' ? value : (field.fallback ?? '')} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {!field.fallback ? <option value="">{field.required ? 'Choose…' : 'Not set'}</option> : null}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {optionLabel(o)}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (field.kind === 'list') {
    return (
      <div className="field compact">
        <label htmlFor={id}>{field.label}</label>
        <input
          id={id}
          type="text"
          placeholder="Separate with commas"
          value={Array.isArray(value) ? value.join(', ') : ''}
          onChange={(e) => onChange(e.target.value.split(',').map((s) => s.trim()).filter(Boolean))}
        />
      </div>
    );
  }
  return (
    <div className="field compact">
      <label htmlFor={id}>
        {field.label}
        {field.required ? <span className="muted"> (required)</span> : null}
      </label>
      <input id={id} type="text" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
    </div>
  );
}

/** One account's options: content type, platform settings, its own text; opens on a problem. */
export function PlatformOptions({
  account,
  target,
  check,
  over,
  limit,
  canPublish,
  entry,
  reveal,
  fallbackText,
  parts = 1,
  at = null,
  onChange,
}: {
  account: Account;
  target: ComposerTarget;
  check: EntryValidation | null;
  /** How many characters past the platform's limit the text is (0 when it fits). */
  over: number;
  limit: number | null;
  canPublish: boolean;
  /** The engine's entry for this account when the post exists (status, link, error). */
  entry: PlatformEntry | null;
  /** Changes when the creator asks to see this section (a counter over its limit was pressed). */
  reveal: number;
  fallbackText: string;
  /** How many parts the post has (a thread to a platform without threads asks how to send it). */
  parts?: number;
  /** The chosen time (ISO), for whether the platform's scheduler can hold the post. */
  at?: string | null;
  onChange: (patch: Partial<ComposerTarget>) => void;
}) {
  const idPrefix = useId();
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const spec = platformSpec(account.platform);
  // A platform's own section (TikTok's creator info, Pinterest's boards) takes the settings it handles.
  const section = PLATFORM_SECTIONS[account.platform];
  const fields = settingFields(account.platform).filter((f) => !section?.keys.includes(f.key));
  const contentType = target.contentType ?? spec.defaultContentType;
  const problems = check?.problems ?? [];
  // Worth knowing, not blocking (YouTube's daily quota that day).
  const warnings = check?.warnings ?? [];
  const name = platformName(account.platform);
  // Open on a problem: a check that fails, a text too long, or a send that failed last time.
  const attention = problems.length > 0 || over > 0 || entry?.status === 'failed';
  const [open, setOpen] = useState(attention);
  const details = useRef<HTMLDetailsElement>(null);
  const ownSwitch = useRef<HTMLInputElement>(null);
  const ownText = useRef<HTMLTextAreaElement | null>(null);
  // A problem appearing opens the section on it (closing it again is the creator's choice).
  useEffect(() => {
    if (attention) setOpen(true);
  }, [attention]);
  useEffect(() => {
    if (reveal === 0) return;
    setOpen(true);
    requestAnimationFrame(() => {
      details.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      (target.textOverride !== null ? ownText.current : ownSwitch.current)?.focus();
    });
    // Only a new request to reveal moves focus.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reveal]);
  const ownCut = target.textOverride !== null && limit !== null ? overflowAny(target.textOverride, spec, limit) : null;
  const entryLook = entry && entry.status !== 'pending' ? ENTRY_STATUS[entry.status] : null;
  return (
    <details className={`platform-options${attention ? ' attention' : ''}`} open={open} ref={details} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <Avatar account={account} size={20} />
        <span>
          {name} <span className="muted">{account.handle}</span>
        </span>
        {entryLook ? <StatusBadge look={entryLook} /> : null}
        {over > 0 ? (
          <span className="status status-danger">
            <span aria-hidden="true">⚠</span> {over} too long
          </span>
        ) : null}
        {problems.length > 0 ? (
          <span className="status status-danger">
            <span aria-hidden="true">⚠</span> {problems.length} problem{problems.length > 1 ? 's' : ''}
          </span>
        ) : null}
        {warnings.length > 0 ? <span className="pill pill-warning">Heads-up</span> : null}
        {!canPublish ? <span className="pill pill-warning">Cannot publish yet</span> : null}
        {target.textOverride !== null ? <span className="pill">Own text</span> : null}
      </summary>
      <div className="platform-options-body">
        {entry?.platformUrl ? (
          <p className="option-note">
            <a href={entry.platformUrl} target="_blank" rel="noreferrer">
              View on {name}
            </a>
          </p>
        ) : null}
        {entry?.status === 'handed_off' ? (
          <p className="option-note held-note">
            <span aria-hidden="true">⇥</span> Handed to {name}: goes out even if this computer is off.
          </p>
        ) : null}
        {entry?.errorMessage ? (
          <p className="option-note error-text">
            <span aria-hidden="true">⚠ </span>
            {entry.errorMessage}
          </p>
        ) : null}
        {!canPublish ? (
          <p className="option-note callout callout-warning">
            <span aria-hidden="true">⚠ </span>Outbox cannot publish to {name} yet: the post will fail for {account.handle} at its time.
          </p>
        ) : null}
        {over > 0 && target.textOverride === null ? (
          <p className="option-note callout callout-danger" id={`${idPrefix}-over`}>
            <span aria-hidden="true">⚠ </span>
            {over.toLocaleString('en')} {check?.unit === 'bytes' ? 'bytes' : `character${over > 1 ? 's' : ''}`} too long for {name}
            {limit !== null ? ` (${limit.toLocaleString('en')} at most)` : ''}. Shorten the post, or give {name} its own text with the switch below.
          </p>
        ) : null}
        <div className="field field-row compact own-text">
          <input
            ref={ownSwitch}
            id={`${idPrefix}-own`}
            type="checkbox"
            role="switch"
            checked={target.textOverride !== null}
            aria-describedby={over > 0 && target.textOverride === null ? `${idPrefix}-over` : undefined}
            onChange={(e) => {
              onChange({ textOverride: e.target.checked ? fallbackText : null });
              if (e.target.checked) requestAnimationFrame(() => ownText.current?.focus());
            }}
          />
          <label htmlFor={`${idPrefix}-own`}>Different text for {name}</label>
        </div>
        {target.textOverride !== null ? (
          <div className="own-text-editor">
            <HighlightArea
              ref={ownText}
              aria-label={`Text for ${name} ${account.handle}`}
              minRows={3}
              value={target.textOverride}
              cut={ownCut}
              onChange={(e) => onChange({ textOverride: e.target.value })}
            />
            {ownCut !== null ? (
              <p className="overflow-hint">
                <span aria-hidden="true">⚠ </span>The highlighted text does not fit on {name}.
              </p>
            ) : null}
          </div>
        ) : null}
        <ThreadModeChoice account={account} target={target} parts={parts} idPrefix={idPrefix} onChange={onChange} />
        <HandOffChoice account={account} target={target} entry={entry} parts={parts} at={at} idPrefix={idPrefix} onChange={onChange} />
        {spec.contentTypes.length > 1 ? (
          <div className="field compact">
            <label htmlFor={`${idPrefix}-ct`}>Post as</label>
            <select id={`${idPrefix}-ct`} value={contentType} onChange={(e) => onChange({ contentType: e.target.value })}>
              {spec.contentTypes.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {section ? (
          <section.Component
            account={account}
            target={target}
            contentType={contentType}
            idPrefix={idPrefix}
            setSettings={(patch) => {
              const settings = { ...target.settings };
              for (const [key, value] of Object.entries(patch)) {
                if (value === undefined) delete settings[key];
                else settings[key] = value;
              }
              onChange({ settings });
            }}
          />
        ) : null}
        {fields.map((f) => (
          <Field
            key={f.key}
            field={f}
            idPrefix={idPrefix}
            value={target.settings[f.key]}
            onChange={(v) => {
              const settings = { ...target.settings };
              if (v === undefined) delete settings[f.key];
              else settings[f.key] = v;
              onChange({ settings });
            }}
          />
        ))}
        {warnings.map((w, i) => (
          <p key={`w${i}`} className="option-note callout callout-warning" role="note">
            <span aria-hidden="true">⚠ </span>
            {w.message}
          </p>
        ))}
        {entry ? <AttemptLog entry={entry} zone={zone} label={`${name} ${account.handle}`} /> : null}
        {account.platform === 'x' ? (
          <XPoll
            value={target.settings['poll']}
            onChange={(poll) => {
              const settings = { ...target.settings };
              if (poll === undefined) delete settings['poll'];
              else settings['poll'] = poll;
              onChange({ settings });
            }}
          />
        ) : null}
        {problems.length > 0 ? (
          <ul className="problems">
            {problems.map((p, i) => (
              <li key={i}>
                <span aria-hidden="true">⚠ </span>
                {p.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </details>
  );
}
