import { useEffect, useState } from 'react';
import { POST_STATUSES, type PostStatus } from '../../../shared/domain';
import type { ExportFormat, ExportResult } from '../../../shared/ipc/transfer';
import { Dialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { POST_STATUS } from '../lib/status';
import { useLabelsStore } from '../stores/labels.store';
import { size } from './format';
import './data.css';
import { transferApi } from '../stores/data.store';
import { StatusLines } from '../components/StatusLines';

const FORMATS: Array<{ id: ExportFormat; name: string; hint: string }> = [
  { id: 'json', name: 'JSON', hint: 'Everything about each post (labels, accounts, settings, history). Outbox can import it again.' },
  { id: 'csv', name: 'CSV', hint: 'One row per post for a spreadsheet: time in your zone and in UTC, status, text, accounts, labels, links.' },
  { id: 'archive', name: 'Archive (zip)', hint: 'The JSON plus every image and video the posts use: a copy you can keep or move to another computer.' },
];

/** The export screen: format, which posts, where; then where the file went. */
export function ExportDialog({ onClose }: { onClose: () => void }) {
  const labels = useLabelsStore((s) => s.labels);
  const [format, setFormat] = useState<ExportFormat>('json');
  const [status, setStatus] = useState<PostStatus | ''>('');
  const [labelId, setLabelId] = useState('');
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void useLabelsStore.getState().load();
  }, []);

  async function run() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const filter = { ...(status ? { status } : {}), ...(labelId ? { labelId } : {}) };
      const res = await transferApi.export({ format, ...(Object.keys(filter).length ? { filter } : {}), ...(folder.trim() ? { folder: folder.trim() } : {}) });
      if (res.ok) setResult(res.value);
      else setError(plainError(res.error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      title="Export posts"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void run()}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </>
      }
    >
      <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="field-label">Format</legend>
        {FORMATS.map((f) => (
          <div key={f.id} className="field-row compact">
            <input type="radio" id={`export-${f.id}`} name="export-format" checked={format === f.id} onChange={() => setFormat(f.id)} data-autofocus={f.id === 'json' ? true : undefined} aria-describedby={`export-${f.id}-hint`} />
            <label htmlFor={`export-${f.id}`}>{f.name}</label>
            <p className="hint" id={`export-${f.id}-hint`}>
              {f.hint}
            </p>
          </div>
        ))}
      </fieldset>
      <div className="data-fix">
        <div>
          <label htmlFor="export-status">Status</label>
          <select id="export-status" value={status} onChange={(e) => setStatus(e.target.value as PostStatus | '')}>
            <option value="">All posts</option>
            {POST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {POST_STATUS[s].text}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="export-label">Label</label>
          <select id="export-label" value={labelId} onChange={(e) => setLabelId(e.target.value)}>
            <option value="">Any label</option>
            {labels.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <div className="wide">
          <label htmlFor="export-folder">Folder (optional)</label>
          <input id="export-folder" type="text" value={folder} placeholder="Your Downloads folder" onChange={(e) => setFolder(e.target.value)} />
        </div>
      </div>
      <StatusLines
        status={result ? `✓ Exported ${result.posts} post${result.posts === 1 ? '' : 's'}${result.mediaFiles ? ` and ${result.mediaFiles} media files` : ''} (${size(result.bytes)}) to ${result.path}` : null}
        error={error}
      />
    </Dialog>
  );
}
