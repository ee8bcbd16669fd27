import { useMemo, useState } from 'react';
import type { ImportPreview, ImportResult, ImportRowPreview, ImportRowValues } from '../../../shared/ipc/transfer';
import { IMPORT_COLUMN_HELP, IMPORT_COLUMNS, IMPORT_TEMPLATE_CSV, IMPORT_TEMPLATE_NAME, type ImportColumn } from '../../../shared/import-format';
import type { ResultError } from '../../../shared/result';
import { Dialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { dateTimeLabel } from '../lib/time';
import './data.css';
import { transferApi } from '../stores/data.store';
import { StatusLines } from '../components/StatusLines';

type Source = { csv: string } | { json: string } | { path: string } | { rows: Array<{ row: number; values: ImportRowValues }> };

/** How many rows the table shows at once (the preview checks every row; the count says so). */
const SHOWN = 300;

const STATE_LABEL: Record<ImportRowPreview['state'], string> = {
  ok: '✓ Ready',
  error: '⚠ Needs a fix',
  skipped: '— Skipped',
  duplicate: '= Already in Outbox',
};

const TEMPLATE_HREF = `data:text/csv;charset=utf-8,${encodeURIComponent(IMPORT_TEMPLATE_CSV)}`;

function RowFixer({ row, onCheck, onCancel }: { row: ImportRowPreview; onCheck: (values: ImportRowValues) => void; onCancel: () => void }) {
  const [values, setValues] = useState<ImportRowValues>(row.values);
  const bad = new Set(row.issues.map((i) => i.field));
  return (
    <form
      className="data-fix"
      aria-label={`Fix row ${row.row}`}
      onSubmit={(e) => {
        e.preventDefault();
        onCheck(values);
      }}
    >
      {IMPORT_COLUMNS.map((c: ImportColumn) => (
        <div key={c} className={c === 'text' ? 'wide' : undefined}>
          <label htmlFor={`fix-${row.row}-${c}`}>{c.replace('_', ' ')}</label>
          {c === 'text' ? (
            <textarea id={`fix-${row.row}-${c}`} rows={3} value={values[c] ?? ''} aria-label={`Row ${row.row} ${c}`} aria-invalid={bad.has(c) || undefined} onChange={(e) => setValues({ ...values, [c]: e.target.value })} />
          ) : (
            <input
              id={`fix-${row.row}-${c}`}
              type="text"
              value={values[c] ?? ''}
              aria-label={`Row ${row.row} ${c.replace('_', ' ')}`}
              aria-invalid={bad.has(c) || undefined}
              title={IMPORT_COLUMN_HELP[c]}
              data-autofocus={bad.has(c) && c === row.issues[0]?.field ? true : undefined}
              onChange={(e) => setValues({ ...values, [c]: e.target.value })}
            />
          )}
        </div>
      ))}
      <div className="wide data-actions">
        <button type="submit" className="button button-primary button-small">
          Check again
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The import screen: choose a file, see every row checked, fix or skip the bad ones, import. */
export function ImportDialog({ zone, onClose }: { zone: string; onClose: () => void }) {
  const [source, setSource] = useState<Source | null>(null);
  const [fileName, setFileName] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [skip, setSkip] = useState<number[]>([]);
  const [fixing, setFixing] = useState<number | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);

  async function check(next: Source, nextSkip: number[]) {
    setBusy(true);
    setError(null);
    try {
      const res = await transferApi.importPreview({ source: next, skip: nextSkip });
      if (!res.ok) return setError(plainError(res.error));
      setPreview(res.value);
      setSkip(nextSkip);
      // After the first look at a CSV, the rows themselves are what is checked and imported (fixes included).
      setSource(res.value.format === 'csv' && !('rows' in next) ? { rows: res.value.rows.map((r) => ({ row: r.row, values: r.values })) } : next);
      if (res.value.bad === 0) setOnlyProblems(false);
    } finally {
      setBusy(false);
    }
  }

  async function choose(file: File) {
    setDone(null);
    setPreview(null);
    setFixing(null);
    setFileName(file.name);
    const text = await file.text();
    const json = file.name.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
    // In the desktop app a JSON export is read from its path, so the media folder beside it is found.
    const path = json ? transferApi.pathForFile(file) : '';
    await check(path ? { path } : json ? { json: text } : { csv: text }, []);
  }

  function fix(row: number, values: ImportRowValues) {
    if (!source || !('rows' in source)) return;
    setFixing(null);
    void check({ rows: source.rows.map((r) => (r.row === row ? { row, values } : r)) }, skip);
  }

  function toggleSkip(row: number) {
    if (!source) return;
    void check(source, skip.includes(row) ? skip.filter((r) => r !== row) : [...skip, row]);
  }

  async function commit() {
    if (!source) return;
    setBusy(true);
    setError(null);
    try {
      const res = await transferApi.importCommit({ source, skip });
      if (!res.ok) return setError(describe(res.error));
      setDone(res.value);
    } finally {
      setBusy(false);
    }
  }

  const rows = useMemo(() => (preview ? preview.rows.filter((r) => !onlyProblems || r.state === 'error') : []), [preview, onlyProblems]);
  const editable = preview?.format === 'csv';
  const canImport = !!preview && preview.posts > 0 && preview.bad === 0 && !busy && !done;

  return (
    <Dialog
      open
      className="dialog-wide"
      title="Import posts"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {done ? 'Close' : 'Cancel'}
          </button>
          <button type="button" className="button button-primary" disabled={!canImport} onClick={() => void commit()}>
            {preview && preview.posts > 0 ? `Import ${preview.posts} post${preview.posts === 1 ? '' : 's'}` : 'Import'}
          </button>
        </>
      }
    >
      <div className="data-actions">
        <label className="button file-input-label">
          Choose a CSV or JSON file…
          <input
            type="file"
            className="sr-only"
            accept=".csv,.json,text/csv,application/json"
            data-autofocus
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void choose(file);
              e.target.value = '';
            }}
          />
        </label>
        <a href={TEMPLATE_HREF} download={IMPORT_TEMPLATE_NAME}>
          Download the template CSV
        </a>
        {fileName ? <span className="muted">{fileName}</span> : null}
      </div>
      <details>
        <summary>What the CSV columns mean</summary>
        <dl>
          {IMPORT_COLUMNS.map((c) => (
            <div key={c}>
              <dt>
                <code>{c}</code>
              </dt>
              <dd className="hint">{IMPORT_COLUMN_HELP[c]}</dd>
            </div>
          ))}
        </dl>
      </details>

      {preview ? (
        <>
          {preview.fileIssues.length > 0 ? (
            <ul className="data-warnings" aria-label="About the file">
              {preview.fileIssues.map((i, k) => (
                <li key={k}>{i.message}</li>
              ))}
            </ul>
          ) : null}
          <p className="data-status" role="status">
            {`${preview.rows.length} row${preview.rows.length === 1 ? '' : 's'} checked: ${preview.posts} post${preview.posts === 1 ? '' : 's'} ready, ${preview.bad} with problems, ${preview.skipped} skipped.`}
            {preview.newLabels.length > 0 ? ` New labels: ${preview.newLabels.join(', ')}.` : ''}
            {preview.bad > 0 ? ' Fix or skip the rows with problems to import.' : ''}
          </p>
          <div className="field-row compact">
            <input id="import-only-problems" type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} />
            <label htmlFor="import-only-problems">Show only rows with problems</label>
          </div>
          <div className="data-scroll">
            <table className="data-table">
              <caption className="sr-only">Import preview</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Row
                  </th>
                  <th scope="col">State</th>
                  <th scope="col">When</th>
                  <th scope="col">Text</th>
                  <th scope="col">To</th>
                  <th scope="col">Problems</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, SHOWN).map((r) => (
                  <RowLine key={r.row} r={r} zone={zone} editable={editable} fixing={fixing === r.row} busy={busy} onFix={() => setFixing(r.row)} onSkip={() => toggleSkip(r.row)} onCheck={(v) => fix(r.row, v)} onCancel={() => setFixing(null)} />
                ))}
              </tbody>
            </table>
          </div>
          {rows.length > SHOWN ? <p className="hint">{`Showing the first ${SHOWN} of ${rows.length} rows (every row was checked).`}</p> : null}
          {rows.length === 0 ? <p className="hint">No row needs a fix.</p> : null}
        </>
      ) : busy ? (
        <p className="muted" role="status">
          Checking every row…
        </p>
      ) : null}
      <StatusLines
        status={done ? `✓ Imported ${done.created} post${done.created === 1 ? '' : 's'}.${done.labelsCreated.length > 0 ? ` New labels: ${done.labelsCreated.join(', ')}.` : ''}` : null}
        error={error}
      />
    </Dialog>
  );
}

function describe(error: ResultError): string {
  return error.code === 'validation' && error.issues && error.issues.length > 0 ? error.message : plainError(error);
}

function RowLine({
  r,
  zone,
  editable,
  fixing,
  busy,
  onFix,
  onSkip,
  onCheck,
  onCancel,
}: {
  r: ImportRowPreview;
  zone: string;
  editable: boolean;
  fixing: boolean;
  busy: boolean;
  onFix: () => void;
  onSkip: () => void;
  onCheck: (values: ImportRowValues) => void;
  onCancel: () => void;
}) {
  const skipped = r.state === 'skipped';
  return (
    <>
      <tr className={r.state === 'error' ? 'row-error' : skipped || r.state === 'duplicate' ? 'row-skipped' : undefined}>
        <td className="num">{r.part > 1 ? `${r.row} (part ${r.part})` : r.row}</td>
        <td>{STATE_LABEL[r.state]}</td>
        <td>{r.status === 'draft' ? 'Draft' : r.scheduledAt ? `${dateTimeLabel(r.scheduledAt, zone)}${r.queued ? ' (queue)' : ''}` : r.part > 1 ? '' : '—'}</td>
        <td className="data-cell-text">{(r.values.text ?? '').slice(0, 160)}</td>
        <td>{r.targets.join(', ')}</td>
        <td>
          {r.issues.length > 0 ? (
            <ul className="data-problems">
              {r.issues.map((i, k) => (
                <li key={k}>
                  <strong>{i.field}</strong>: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
          {r.warnings.length > 0 ? (
            <ul className="data-warnings">
              {r.warnings.map((i, k) => (
                <li key={k}>
                  {i.field}: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </td>
        <td>
          <div className="data-actions">
            {editable && r.state === 'error' ? (
              <button type="button" className="button button-small" disabled={busy} aria-label={`Fix row ${r.row}`} onClick={onFix}>
                Fix
              </button>
            ) : null}
            {r.state !== 'duplicate' ? (
              <button type="button" className="button button-small button-quiet" disabled={busy} aria-label={`${skipped ? 'Include' : 'Skip'} row ${r.row}`} onClick={onSkip}>
                {skipped ? 'Include' : 'Skip'}
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {fixing ? (
        <tr>
          <td colSpan={7}>
            <RowFixer row={r} onCheck={onCheck} onCancel={onCancel} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
