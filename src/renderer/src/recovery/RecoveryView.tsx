import { useState } from 'react';
import type { BackupInfo } from '../../../shared/ipc/backups';
import type { RecoveryStatus } from '../../../shared/ipc/recovery';
import { ConfirmDialog } from '../components/Dialog';
import { BackupsTable } from '../data/BackupsTable';
import { backupDate, contents } from '../data/format';
import { plainError } from '../lib/errors';
import { systemZone } from '../lib/time';
import '../data/data.css';
import { recoveryApi } from '../stores/data.store';
import { StatusLines } from '../components/StatusLines';

type Recovery = Extract<RecoveryStatus, { mode: 'recovery' }>;

/** The recovery screen: what happened, the backups to restore, and "start fresh" (only when the creator says so). */
export function RecoveryView({ status, onRecovered }: { status: Recovery; onRecovered: () => void }) {
  const zone = systemZone();
  const [confirm, setConfirm] = useState<BackupInfo | null>(null);
  const [fresh, setFresh] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);

  async function restore(b: BackupInfo) {
    setBusy(true);
    setError(null);
    setWorking(`Restoring the backup from ${backupDate(b.createdAt, zone)}…`);
    try {
      const res = await recoveryApi.restore(b.id);
      if (!res.ok) return setError(plainError(res.error));
      onRecovered();
    } finally {
      setBusy(false);
      setWorking(null);
    }
  }

  async function startFresh() {
    setBusy(true);
    setError(null);
    try {
      const res = await recoveryApi.startFresh();
      if (!res.ok) return setError(plainError(res.error));
      onRecovered();
    } finally {
      setBusy(false);
    }
  }

  const newest = status.backups[0];
  return (
    <main className="recovery" id="main">
      <h1>Outbox needs your help to start</h1>
      <p className="lead">{status.message}</p>
      {status.reason === 'damaged' && status.keptAside[0] ? (
        <p>
          The damaged file is kept at <code>{status.keptAside[0]}</code>: nothing was deleted.
        </p>
      ) : null}
      <details>
        <summary>Details for support</summary>
        <p>
          Database: <code>{status.database}</code>
        </p>
        <p>
          What SQLite found: <code>{status.detail}</code>
        </p>
        {status.keptAside.length > 1 ? (
          <p>
            Files kept aside:{' '}
            {status.keptAside.map((f) => (
              <code key={f}>{f} </code>
            ))}
          </p>
        ) : null}
      </details>

      <h2 className="section-title">Restore a backup</h2>
      {newest ? (
        <p className="hint">
          The newest is from {backupDate(newest.createdAt, zone)} ({contents(newest)}). Posts sent after it are marked as sent where Outbox can tell; the others wait for you under Posts → Missed.
        </p>
      ) : (
        <p className="hint">There is no backup in {status.dataDir}. If you copied backups elsewhere, put them in its backups folder and start Outbox again.</p>
      )}
      <BackupsTable backups={status.backups} zone={zone} busy={busy} onRestore={setConfirm} />

      <h2 className="section-title">Or start over</h2>
      <p className="hint">Starts Outbox on a new, empty database. The damaged file and the backups stay where they are.</p>
      <button type="button" className="button button-danger-quiet" disabled={busy} onClick={() => setFresh(true)}>
        Start fresh…
      </button>

      <StatusLines status={working} error={error} />

      <ConfirmDialog
        open={confirm !== null}
        title="Restore this backup?"
        message={confirm ? `Outbox starts again with the backup from ${backupDate(confirm.createdAt, zone)} (${contents(confirm)}).` : ''}
        confirmLabel="Restore"
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const b = confirm;
          setConfirm(null);
          if (b) void restore(b);
        }}
      />
      <ConfirmDialog
        open={fresh}
        title="Start with an empty Outbox?"
        message="Your posts are not in the new database. You can still restore a backup later from Settings → Backups."
        confirmLabel="Start fresh"
        onCancel={() => setFresh(false)}
        onConfirm={() => {
          setFresh(false);
          void startFresh();
        }}
      />
    </main>
  );
}
