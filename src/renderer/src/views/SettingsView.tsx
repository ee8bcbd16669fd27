import { useEffect, useMemo, useState, type ComponentType } from 'react';
import type { QueueSlot, Settings } from '../../../shared/ipc/settings';
import { applyTheme, useThemeStore, type Theme } from '../stores/theme.store';
import { useSettingsStore } from '../stores/settings.store';
import { useShellStore } from '../stores/shell.store';
import WebhookSettings from '../components/WebhookSettings';
import DataSettings from '../data/BackupsSettings';
import { Dialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { timeLabel } from '../lib/time';
import { useUiStore } from '../stores/ui.store';
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

const DAY_SETS: Array<{ id: string; name: string; days: Array<QueueSlot['day']> }> = [
  { id: 'every', name: 'Every day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
  { id: 'weekdays', name: 'Weekdays (Monday to Friday)', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  { id: 'weekend', name: 'Weekends', days: ['sat', 'sun'] },
];

/** "Every day at 12:00" in one action: a set of days times one time. */
function AddToDays({ slots, onChange }: { slots: QueueSlot[]; onChange: (slots: QueueSlot[]) => void }) {
  const [time, setTime] = useState('12:00');
  const [set, setSet] = useState('every');
  const days = DAY_SETS.find((d) => d.id === set)!.days;
  const missing = days.filter((day) => !slots.some((s) => s.day === day && s.time === time));
  const why = !time ? 'Pick a time first.' : missing.length === 0 ? `Every one of these days already has ${time}.` : null;
  return (
    <form
      className="when-row add-to-days"
      aria-label="Add a time to several days"
      onSubmit={(e) => {
        e.preventDefault();
        if (why) return;
        onChange(sortSlots([...slots, ...missing.map((day) => ({ day, time }))]));
      }}
    >
      <div className="field compact">
        <label htmlFor="queue-days">Days</label>
        <select id="queue-days" value={set} onChange={(e) => setSet(e.target.value)}>
          {DAY_SETS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field compact">
        <label htmlFor="queue-time">At</label>
        <input id="queue-time" type="time" value={time} onChange={(e) => setTime(e.target.value)} />
      </div>
      <button type="submit" className="button" disabled={why !== null} aria-describedby={why ? 'queue-add-why' : undefined}>
        Add to the queue
      </button>
      {why ? (
        <p className="hint why-not" id="queue-add-why">
          {why}
        </p>
      ) : null}
    </form>
  );
}

const sortSlots = (list: QueueSlot[]) => [...list].sort((a, b) => DAYS.findIndex((d) => d.id === a.day) - DAYS.findIndex((d) => d.id === b.day) || a.time.localeCompare(b.time));

function QueueSlots({ slots, onChange }: { slots: QueueSlot[]; onChange: (slots: QueueSlot[]) => void }) {
  const [adding, setAdding] = useState<Record<string, string>>({});
  const sorted = sortSlots;
  return (
    <>
    <AddToDays slots={slots} onChange={onChange} />
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
    </>
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
  const { settings, error, notice, update, changeTimeZone, scheduledSample } = useSettingsStore();
  const toast = useUiStore((st) => st.toast);
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
  // A zone change with posts scheduled asks what they keep (issue 18, item 11).
  const [zoneChange, setZoneChange] = useState<{ to: string; example: string | null; count: number } | null>(null);
  const changeZone = async (to: string, keep: 'local_time' | 'moment') => {
    setZoneChange(null);
    const result = await changeTimeZone(to, keep);
    if (!result.ok) return toast(plainError(result.error), 'error');
    const { moved, keptMoment } = result.value;
    const kept = keptMoment.length > 0 ? ` ${keptMoment.length === 1 ? 'One post keeps' : `${keptMoment.length} posts keep`} its moment: its local time has already passed there.` : '';
    toast(keep === 'local_time' ? `Time zone changed: ${moved.length === 1 ? '1 post keeps' : `${moved.length} posts keep`} their local time.${kept}` : 'Time zone changed: scheduled posts keep their moment.');
  };
  const askZone = async (to: string) => {
    if (!s || to === s.timeZone) return;
    const upcoming = await scheduledSample();
    const first = upcoming?.posts.find((p) => p.scheduledAt);
    if (!upcoming || upcoming.total === 0 || !first) return void changeZone(to, 'moment');
    const at = first.scheduledAt!;
    const here = timeLabel(at, s.timeZone);
    const there = timeLabel(at, to);
    const city = (zone: string) => zone.split('/').pop()!.replace(/_/g, ' ');
    setZoneChange({ to, count: upcoming.total, example: here === there ? null : `${here} ${city(s.timeZone)} becomes ${there} ${city(to)}` });
  };

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
              <select id="setting-timezone" value={s.timeZone} onChange={(e) => void askZone(e.target.value)}>
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

          <DataSettings />

          <MediaHostingSettings />
          {ApiSettings ? <ApiSettings /> : null}
          <WebhookSettings />
        </div>
      )}
      <p role="status" className="status-line">
        {error ? <span className="error-text">⚠ {error}</span> : notice ? <span>✓ {notice}</span> : null}
      </p>
      <Dialog
        open={zoneChange !== null}
        title="What should scheduled posts keep?"
        onClose={() => setZoneChange(null)}
        role="alertdialog"
        className="dialog-small zone-question"
        describedBy="zone-question"
        footer={
          <>
            <button type="button" className="button" onClick={() => setZoneChange(null)}>
              Cancel
            </button>
            <button type="button" className="button" onClick={() => zoneChange && void changeZone(zoneChange.to, 'moment')}>
              Keep their moment
            </button>
            <button type="button" className="button button-primary" data-autofocus onClick={() => zoneChange && void changeZone(zoneChange.to, 'local_time')}>
              Keep their local time
            </button>
          </>
        }
      >
        {zoneChange && s ? (
          <div id="zone-question">
            <p>
              {zoneChange.count === 1 ? 'One post is' : `${zoneChange.count} posts are`} scheduled. Moving from {s.timeZone.replace(/_/g, ' ')} to {zoneChange.to.replace(/_/g, ' ')}:
            </p>
            <ul>
              <li>
                <strong>Keep their local time</strong>: 09:30 stays 09:30 in the new zone, so they go out at a different moment.
              </li>
              <li>
                <strong>Keep their moment</strong>: they go out exactly when planned{zoneChange.example ? `, so the next one reads differently (${zoneChange.example})` : ''}.
              </li>
            </ul>
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}

export { applyTheme };
