import { useCallback, useEffect, useState } from 'react';
import type { BackupInfo, BackupsState } from '../../../shared/ipc/backups';
import { ConfirmDialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { systemZone } from '../lib/time';
import { useSettingsStore } from '../stores/settings.store';
import { BackupsTable } from './BackupsTable';
import { backupDate, contents, shortDate } from './format';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import './data.css';
import { backupsApi } from '../stores/data.store';
import { StatusLines } from '../components/StatusLines';

/**
 * Settings → Backups (the list, "Back up now", restore with confirmation, the second folder)
 * and Settings → Your data (export and import). Talks to the engine through stores/data.store.
 */
export default function DataSettings() {
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const [state, setState] = useState<BackupsState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<BackupInfo | null>(null);
  const [mirror, setMirror] = useState('');
  const [dialog, setDialog] = useState<'export' | 'import' | null>(null);

  const load = useCallback(async () => {
    const result = await backupsApi.list();
    if (!result.ok) return setError(plainError(result.error));
    setState(result.value);
    setMirror((m) => (document.activeElement?.id === 'backup-mirror' ? m : (result.value.mirror?.folder ?? '')));
  }, []);

  useEffect(() => {
    void load();
    // A restore restarts the engine, which then tells every view to refetch.
    const off = backupsApi.onSettingsChanged(() => void load());
    return off;
  }, [load]);

  async function run<T>(work: () => Promise<{ ok: true; value: T } | { ok: false; error: Parameters<typeof plainError>[0] }>, done: (value: T) => string) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await work();
      if (!result.ok) setError(plainError(result.error));
      else setNotice(done(result.value));
      await load();
    } finally {
      setBusy(false);
    }
  }

  const backUp = () => run(() => backupsApi.create(), (b) => `Backed up: ${contents(b)}.`);

  const restore = (b: BackupInfo) =>
    run(
      () => backupsApi.restore(b.id),
      (o) =>
        `Restored the backup from ${backupDate(b.createdAt, zone)}: ${o.posts} post${o.posts === 1 ? '' : 's'}.` +
        (o.carriedOver > 0 ? ` ${o.carriedOver} sent since then stay marked as sent.` : '') +
        (o.late > 0 ? ` ${o.late} whose time has passed follow the catch-up rules.` : '') +
        (o.safetyBackup ? ` What you had before is kept as the backup from ${backupDate(o.safetyBackup.createdAt, zone)}.` : ''),
    );

  const saveMirror = (folder: string | null) =>
    run(
      () => backupsApi.setMirror(folder),
      (s) => (s.mirror ? `Every backup is now also copied to ${s.mirror.folder}.` : 'Backups are no longer copied to a second folder.'),
    );

  return (
    <>
      <section className="settings-section" aria-labelledby="backups-title">
        <h2 id="backups-title">Backups</h2>
        <p className="hint section-hint">
          Outbox backs up its database every day while it runs, before every update and before every restore. {state?.retention ?? ''}
        </p>
        <div className="settings-form">
          {state ? (
            <p className="data-status" aria-live="polite">
              {state.lastBackupAt ? `Last backup ${shortDate(state.lastBackupAt, zone)}.` : 'No backup yet.'}
              {state.nextBackupAt ? ` Next ${shortDate(state.nextBackupAt, zone)}.` : ''}
              {state.lastIntegrityCheck
                ? state.lastIntegrityCheck.ok
                  ? ` Database checked ${shortDate(state.lastIntegrityCheck.at, zone)}: ✓ sound.`
                  : ` ⚠ Damage found ${shortDate(state.lastIntegrityCheck.at, zone)}: restore the newest backup below.`
                : ''}
            </p>
          ) : (
            <p className="muted">Loading backups…</p>
          )}
          <div className="data-actions">
            <button type="button" className="button" disabled={busy} onClick={() => void backUp()}>
              Back up now
            </button>
            {state ? <span className="hint">Folder: {state.folder}</span> : null}
          </div>
          {state ? <BackupsTable backups={state.backups} zone={zone} busy={busy} onRestore={setConfirm} /> : null}
          <div className="field">
            <label htmlFor="backup-mirror">Second folder (optional)</label>
            <div className="data-actions">
              <input id="backup-mirror" type="text" value={mirror} placeholder="/Volumes/USB/Outbox or a synced folder" aria-describedby="backup-mirror-hint" onChange={(e) => setMirror(e.target.value)} />
              <button type="button" className="button" disabled={busy || mirror.trim() === '' || mirror.trim() === state?.mirror?.folder} onClick={() => void saveMirror(mirror.trim())}>
                Use this folder
              </button>
              {state?.mirror ? (
                <button type="button" className="button button-quiet" disabled={busy} onClick={() => void saveMirror(null)}>
                  Stop copying
                </button>
              ) : null}
            </div>
            <p className="hint" id="backup-mirror-hint">
              {state?.mirror
                ? state.mirror.error
                  ? `⚠ ${state.mirror.error}`
                  : state.mirror.lastCopiedAt
                    ? `✓ Last copied ${shortDate(state.mirror.lastCopiedAt, zone)}, with the media the backups need.`
                    : 'Copies start with the next backup.'
                : 'A synced folder or a USB drive receives a copy of every backup, with the media they need (copied once each).'}
            </p>
          </div>
          <StatusLines status={notice ? `✓ ${notice}` : null} error={error} />
        </div>
      </section>

      <section className="settings-section" aria-labelledby="your-data-title">
        <h2 id="your-data-title">Your data</h2>
        <p className="hint section-hint">Take your posts out (JSON, CSV, or an archive with the media) or bring many in at once from a CSV or an Outbox export.</p>
        <div className="settings-form">
          <div className="data-actions">
            <button type="button" className="button" onClick={() => setDialog('export')}>
              Export posts…
            </button>
            <button type="button" className="button" onClick={() => setDialog('import')}>
              Import posts…
            </button>
          </div>
        </div>
      </section>

      <ConfirmDialog
        open={confirm !== null}
        title="Restore this backup?"
        message={
          confirm
            ? `Outbox first backs up what you have now, then replaces it with the backup from ${backupDate(confirm.createdAt, zone)} (${contents(confirm)}). Posts sent since then stay marked as sent and are not sent again.`
            : ''
        }
        confirmLabel="Restore"
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const b = confirm;
          setConfirm(null);
          if (b) void restore(b);
        }}
      />
      {dialog === 'export' ? <ExportDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'import' ? <ImportDialog zone={zone} onClose={() => setDialog(null)} /> : null}
    </>
  );
}
