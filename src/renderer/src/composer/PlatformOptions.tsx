import { useId } from 'react';
import type { Account } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import { platformSpec } from '../../../shared/platforms';
import { Avatar } from '../components/Badges';
import { platformName } from '../lib/platforms';
import type { ComposerTarget } from '../stores/composer.store';
import { humanize, settingFields, type SettingField } from './settings-fields';

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
  if (field.kind === 'select') {
    return (
      <div className="field compact">
        <label htmlFor={id}>{field.label}</label>
        <select id={id} value={typeof value === 'string' ? value : (field.fallback ?? '')} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {!field.fallback ? <option value="">{field.required ? 'Choose…' : 'Not set'}</option> : null}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {humanize(o)}
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

/** One account's options: content type, platform settings, its own text. */
export function PlatformOptions({
  account,
  target,
  check,
  fallbackText,
  onChange,
}: {
  account: Account;
  target: ComposerTarget;
  check: EntryValidation | null;
  fallbackText: string;
  onChange: (patch: Partial<ComposerTarget>) => void;
}) {
  const idPrefix = useId();
  const spec = platformSpec(account.platform);
  const fields = settingFields(account.platform);
  const contentType = target.contentType ?? spec.defaultContentType;
  const problems = check?.problems ?? [];
  return (
    <details className="platform-options" open={problems.length > 0 || undefined}>
      <summary>
        <Avatar account={account} size={20} />
        <span>
          {platformName(account.platform)} <span className="muted">{account.handle}</span>
        </span>
        {problems.length > 0 ? (
          <span className="status status-danger">
            <span aria-hidden="true">⚠</span> {problems.length} problem{problems.length > 1 ? 's' : ''}
          </span>
        ) : null}
        {target.textOverride !== null ? <span className="pill">Own text</span> : null}
      </summary>
      <div className="platform-options-body">
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
        <div className="field field-row compact">
          <input
            id={`${idPrefix}-own`}
            type="checkbox"
            role="switch"
            checked={target.textOverride !== null}
            onChange={(e) => onChange({ textOverride: e.target.checked ? fallbackText : null })}
          />
          <label htmlFor={`${idPrefix}-own`}>Different text for {platformName(account.platform)}</label>
        </div>
        {target.textOverride !== null ? (
          <textarea
            aria-label={`Text for ${platformName(account.platform)} ${account.handle}`}
            rows={3}
            value={target.textOverride}
            onChange={(e) => onChange({ textOverride: e.target.value })}
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
