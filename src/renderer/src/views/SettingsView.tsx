import { useMemo } from 'react';
import { useSettingsStore } from '../stores/settings.store';

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

export function SettingsView() {
  const { settings, error, notice, update } = useSettingsStore();
  const zones = useMemo(() => timeZones(settings?.timeZone ?? 'UTC'), [settings?.timeZone]);

  return (
    <section className="view" aria-labelledby="view-title">
      <header className="view-header">
        <h1 id="view-title">Settings</h1>
      </header>
      {!settings ? (
        <p className="muted">Loading settings…</p>
      ) : (
        <div className="settings-form">
          <div className="field">
            <label htmlFor="setting-timezone">Time zone</label>
            <select id="setting-timezone" value={settings.timeZone} onChange={(e) => void update({ timeZone: e.target.value })}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
            <p className="hint">Posts are planned and shown in this zone.</p>
          </div>
          <div className="field field-row">
            <input
              id="setting-paused"
              type="checkbox"
              role="switch"
              checked={settings.publishingPaused}
              aria-describedby="setting-paused-hint"
              onChange={(e) => void update({ publishingPaused: e.target.checked })}
            />
            <label htmlFor="setting-paused">Pause publishing</label>
            <p className="hint" id="setting-paused-hint">
              {settings.publishingPaused ? 'Paused: nothing is sent until you resume.' : 'Publishing is on.'}
            </p>
          </div>
        </div>
      )}
      <p role="status" className="status-line">
        {error ? <span className="error-text">⚠ {error}</span> : notice ? <span>✓ {notice}</span> : null}
      </p>
    </section>
  );
}
