import { useEffect, useMemo, useState, type ComponentType } from 'react';
import type { QueueSlot, Settings } from '../../../shared/ipc/settings';
import { applyTheme, useThemeStore, type Theme } from '../stores/theme.store';
import { useSettingsStore } from '../stores/settings.store';
import { useShellStore } from '../stores/shell.store';
import WebhookSettings from '../components/WebhookSettings';
import { MediaHostingSettings } from '../components/MediaHostingSettings';

// The local API's section belongs to the API work; it is shown once that file exists.
const apiSection = import.meta.glob<{ default?: ComponentType; ApiSettings?: ComponentType }>('../components/ApiSettings.tsx', { eager: true });
const ApiSettings = Object.values(apiSection).map((m) => m.default ?? m.ApiSettings)[0];

const DAYS: Array<{ id: QueueSlot['day']; name: string }> = [
  { id: 'mon', name: 'Monday' },
  { id: 'tue', name: 'Tuesday' },
  { id: 'wed', name: 'Wednesday' },
  { id: 'thu', name: 'Thursday' },
  { id: 'fri', name: 'Friday' },
  { id: 'sat', name: 'Saturday' },
  { id: 'sun', name: 'Sunday' },
];

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

function QueueSlots({ slots, onChange }: { slots: QueueSlot[]; onChange: (slots: QueueSlot[]) => void }) {
  const [adding, setAdding] = useState<Record<string, string>>({});
  const sorted = (list: QueueSlot[]) => [...list].sort((a, b) => DAYS.findIndex((d) => d.id === a.day) - DAYS.findIndex((d) => d.id === b.day) || a.time.localeCompare(b.time));
  return (
    <table className="slots">
      <caption className="sr-only">Queue times per weekday</caption>
      <tbody>
        {DAYS.map((day) => {
          const times = slots.filter((s) => s.day === day.id).sort((a, b) => a.time.localeCompare(b.time));
          return (
            <tr key={day.id}>
              <th scope="row">{day.name}</th>
              <td>
                <ul className="slot-times" aria-label={`${day.name} times`}>
                  {times.map((s) => (
                    <li key={s.time} className="slot-chip">
                      {s.time}
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove ${day.name} ${s.time}`}
                        onClick={() => onChange(slots.filter((x) => !(x.day === s.day && x.time === s.time)))}
                      >
                        ✕
                      </button>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="slot-add">
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    const time = adding[day.id];
                    if (!time || times.some((t) => t.time === time)) return;
                    onChange(sorted([...slots, { day: day.id, time }]));
                    setAdding((a) => ({ ...a, [day.id]: '' }));
                  }}
                >
                  <input type="time" aria-label={`New time on ${day.name}`} value={adding[day.id] ?? ''} onChange={(e) => setAdding((a) => ({ ...a, [day.id]: e.target.value }))} />
                  <button type="submit" className="button button-small" aria-label={`Add time on ${day.name}`}>
                    Add
                  </button>
                </form>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Section({ title, children, hint }: { title: string; hint?: string; children: React.ReactNode }) {
  return (
    <section className="settings-section" aria-labelledby={`s-${title}`}>
      <h2 id={`s-${title}`}>{title}</h2>
      {hint ? <p className="hint section-hint">{hint}</p> : null}
      <div className="settings-form">{children}</div>
    </section>
  );
}

export function SettingsView() {
  const { settings, error, notice, update } = useSettingsStore();
  const zones = useMemo(() => timeZones(settings?.timeZone ?? 'UTC'), [settings?.timeZone]);
  const theme = useThemeStore((s) => s.theme);
  const setTheme = useThemeStore((s) => s.setTheme);
  const desktop = useShellStore((s) => s.available);
  const prefs = useShellStore((s) => s.prefs);
  const setPrefs = useShellStore((s) => s.setPrefs);
  const [grace, setGrace] = useState<string>('');
  useEffect(() => {
    if (settings && 'catchUpGraceMinutes' in settings) setGrace(String((settings as Settings).catchUpGraceMinutes));
  }, [settings]);

  const s = settings as (Settings & Partial<Pick<Settings, 'queueSlots' | 'catchUpGraceMinutes'>>) | null;

  return (
    <section className="view" aria-labelledby="view-title">
      <header className="view-header">
        <h1 id="view-title">Settings</h1>
      </header>
      {!s ? (
        <p className="muted">{error ? `Could not load settings: ${error}` : 'Loading settings…'}</p>
      ) : (
        <div className="settings-sections">
          <Section title="Publishing">
            <div className="field">
              <label htmlFor="setting-timezone">Time zone</label>
              <select id="setting-timezone" value={s.timeZone} onChange={(e) => void update({ timeZone: e.target.value })}>
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
                checked={s.publishingPaused}
                aria-describedby="setting-paused-hint"
                onChange={(e) => void update({ publishingPaused: e.target.checked })}
              />
              <label htmlFor="setting-paused">Pause publishing</label>
              <p className="hint" id="setting-paused-hint">
                {s.publishingPaused ? 'Paused: nothing is sent until you resume.' : 'Publishing is on.'}
              </p>
            </div>
            {s.catchUpGraceMinutes !== undefined ? (
              <div className="field">
                <label htmlFor="setting-grace">Catch-up window (minutes)</label>
                <input
                  id="setting-grace"
                  type="number"
                  min={0}
                  max={10080}
                  value={grace}
                  aria-describedby="setting-grace-hint"
                  onChange={(e) => setGrace(e.target.value)}
                  onBlur={() => {
                    const n = Number(grace);
                    if (Number.isInteger(n) && n !== s.catchUpGraceMinutes) void update({ catchUpGraceMinutes: n });
                  }}
                />
                <p className="hint" id="setting-grace-hint">
                  When Outbox was closed or asleep at a post’s time, it still sends posts late by less than this when it starts. Later ones wait for you under Posts → Missed.
                </p>
              </div>
            ) : null}
          </Section>

          {s.queueSlots !== undefined ? (
            <Section title="Queue" hint="“Add to queue” puts a post in the next free time below (in your time zone).">
              <QueueSlots slots={s.queueSlots} onChange={(queueSlots) => void update({ queueSlots })} />
            </Section>
          ) : null}

          <Section title="Appearance and desktop">
            <div className="field">
              <span className="field-label" id="theme-label">
                Theme
              </span>
              <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
                {(['system', 'light', 'dark'] as Theme[]).map((t) => (
                  <label key={t} className="segment">
                    <input
                      type="radio"
                      name="theme"
                      value={t}
                      checked={theme === t}
                      onChange={() => {
                        setTheme(t);
                        if (desktop) void setPrefs({ theme: t });
                      }}
                    />
                    {t === 'system' ? 'Match system' : t === 'light' ? 'Light' : 'Dark'}
                  </label>
                ))}
              </div>
            </div>
            {desktop && prefs ? (
              <>
                <div className="field field-row">
                  <input id="pref-tray" type="checkbox" role="switch" checked={prefs.closeToTray} onChange={(e) => void setPrefs({ closeToTray: e.target.checked })} />
                  <label htmlFor="pref-tray">Keep running in the tray when the window closes</label>
                  <p className="hint">Scheduled posts only go out while Outbox runs.</p>
                </div>
                <div className="field field-row">
                  <input id="pref-login" type="checkbox" role="switch" checked={prefs.launchAtLogin} onChange={(e) => void setPrefs({ launchAtLogin: e.target.checked })} />
                  <label htmlFor="pref-login">Open Outbox when I log in</label>
                </div>
              </>
            ) : null}
          </Section>

          <MediaHostingSettings />
          {ApiSettings ? <ApiSettings /> : null}
          <WebhookSettings />
        </div>
      )}
      <p role="status" className="status-line">
        {error ? <span className="error-text">⚠ {error}</span> : notice ? <span>✓ {notice}</span> : null}
      </p>
    </section>
  );
}

export { applyTheme };
