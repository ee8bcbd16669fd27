import type { BackupInfo } from '../../../shared/ipc/backups';
import { backupDate, contents, KIND_LABEL, size } from './format';
import './data.css';

/** The list of backups with a Restore button each (Settings → Backups and the recovery screen). */
export function BackupsTable({ backups, zone, busy, onRestore }: { backups: BackupInfo[]; zone: string; busy: boolean; onRestore: (backup: BackupInfo) => void }) {
  if (backups.length === 0) return <p className="empty-note muted">No backups yet.</p>;
  return (
    <div className="data-scroll">
      <table className="data-table">
        <caption className="sr-only">Backups, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Taken</th>
            <th scope="col">Why</th>
            <th scope="col">Holds</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Where</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {backups.map((b) => {
            const when = backupDate(b.createdAt, zone);
            return (
              <tr key={`${b.location}-${b.id}`}>
                <td>{when}</td>
                <td>{KIND_LABEL[b.kind]}</td>
                <td>
                  {contents(b)}
                  {b.labels ? <span className="muted">{`, ${b.labels} label${b.labels === 1 ? '' : 's'}`}</span> : null}
                </td>
                <td className="num">{size(b.bytes)}</td>
                <td>{b.location === 'local' ? 'This computer' : 'Second folder'}</td>
                <td>
                  <button type="button" className="button button-small" disabled={busy || b.posts === null} aria-label={`Restore the backup from ${when}`} onClick={() => onRestore(b)}>
                    Restore…
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
