import { useCallback, useEffect, useId, useState } from 'react';
import type { HostingStatus, HostingTestResult, HostingTestStep } from '../../../shared/ipc/hosting';
import type { ResultError } from '../../../shared/result';
import { hostingSettings } from '../stores/hosting.store';
import { ConfirmDialog } from './Dialog';

/** The form's fields, as `hosting:update` names them in its issues. */
type Field = 'endpoint' | 'region' | 'bucket' | 'prefix' | 'pathStyle' | 'accessKeyId' | 'secretAccessKey';

interface Form {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

const STEP: Record<HostingTestStep, string> = {
  endpoint: 'Reaching the storage service',
  credentials: 'Signing in with the keys',
  bucket: 'Finding the bucket',
  upload: 'Uploading a probe file',
  presigned: 'Fetching it through a presigned link',
  delete: 'Deleting the probe file',
};

const empty = (status: HostingStatus | null): Form => ({
  endpoint: status?.endpoint ?? '',
  region: status?.region ?? '',
  bucket: status?.bucket ?? '',
  prefix: status?.prefix ?? 'outbox/',
  pathStyle: status?.pathStyle ?? false,
  // Never shown back: the keychain keeps them.
  accessKeyId: '',
  secretAccessKey: '',
});

/**
 * Settings -> Media hosting: the creator's own S3-compatible bucket (AWS S3, Cloudflare R2,
 * Backblaze B2, MinIO) that Instagram, Threads and TikTok photo posts fetch media from. Both keys
 * go to the keychain; the engine never answers them back. "Test" checks the form before saving.
 */
export function MediaHostingSettings() {
  const id = useId();
  const [status, setStatus] = useState<HostingStatus | null>(null);
  const [form, setForm] = useState<Form>(empty(null));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [test, setTest] = useState<HostingTestResult | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | 'clear' | null>(null);
  const [confirming, setConfirming] = useState(false);

  const load = useCallback(async (reset: boolean) => {
    const result = await hostingSettings.status();
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setStatus(result.value);
    if (reset) setForm(empty(result.value));
  }, []);

  useEffect(() => {
    void load(true);
    return hostingSettings.onChanged(() => void load(false));
  }, [load]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setTest(null);
    setNotice(null);
  };

  function failed(result: ResultError) {
    const byField: Partial<Record<Field, string>> = {};
    for (const issue of result.issues ?? []) byField[issue.path as Field] ??= issue.message;
    setErrors(byField);
    setError(Object.keys(byField).length > 0 ? 'Check the fields marked ⚠.' : result.message);
  }

  const payload = () => ({ ...form, accessKeyId: form.accessKeyId || undefined, secretAccessKey: form.secretAccessKey || undefined });

  async function save() {
    setBusy('save');
    setError(null);
    setNotice(null);
    try {
      const result = await hostingSettings.save(payload());
      if (!result.ok) return failed(result.error);
      setStatus(result.value);
      setForm(empty(result.value));
      setErrors({});
      setNotice('Saved. Instagram, Threads and TikTok photo posts can use this bucket.');
    } finally {
      setBusy(null);
    }
  }

  async function runTest() {
    setBusy('test');
    setError(null);
    setTest(null);
    try {
      const result = await hostingSettings.test(payload());
      if (!result.ok) return failed(result.error);
      setTest(result.value);
    } finally {
      setBusy(null);
    }
  }

  async function clear() {
    setConfirming(false);
    setBusy('clear');
    try {
      const result = await hostingSettings.clear();
      if (!result.ok) return failed(result.error);
      setStatus(result.value);
      setForm(empty(result.value));
      setTest(null);
      setNotice('Media hosting removed: the keys are gone from the keychain.');
    } finally {
      setBusy(null);
    }
  }

  const field = (name: Field, label: string, hint: string, input: Partial<React.InputHTMLAttributes<HTMLInputElement>> = {}) => {
    const hintId = `${id}-${name}-hint`;
    const errorId = `${id}-${name}-error`;
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        <input
          id={`${id}-${name}`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={form[name] as string}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={`${hintId}${errors[name] ? ` ${errorId}` : ''}`}
          onChange={(e) => set(name, e.target.value as never)}
          {...input}
        />
        <p className="hint" id={hintId}>
          {hint}
        </p>
        {errors[name] ? (
          <p className="field-error" id={errorId}>
            <span aria-hidden="true">⚠ </span>
            {errors[name]}
          </p>
        ) : null}
      </div>
    );
  };

  const sweep = status?.lastSweep;
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Media hosting</h2>
      <p className="hint section-hint">
        Instagram, Threads and TikTok photo posts fetch your media from a web address rather than taking an upload. Outbox puts each file in a bucket you own (AWS S3,
        Cloudflare R2, Backblaze B2, MinIO…) behind a link that expires after an hour, and deletes it once the platform has it.
      </p>
      <form
        className="settings-form"
        aria-label="Media hosting bucket"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <p className="hosting-state" role="status">
          {status === null ? (
            'Loading…'
          ) : status.configured ? (
            <>
              <span aria-hidden="true">✓ </span>Set up: {status.bucket}
              {status.endpoint ? ` at ${status.endpoint}` : ` (AWS S3, ${status.region})`}, under {status.prefix}
            </>
          ) : (
            <>
              <span aria-hidden="true">○ </span>Not set up: Instagram, Threads and TikTok photo posts cannot be scheduled until it is.
            </>
          )}
        </p>
        {field('endpoint', 'Endpoint', 'The S3 address, like https://<account>.r2.cloudflarestorage.com or https://s3.us-west-004.backblazeb2.com. Empty for AWS S3 itself.', { inputMode: 'url', placeholder: 'https://' })}
        {field('region', 'Region', 'us-east-1, eu-west-3… (Cloudflare R2: auto).')}
        {field('bucket', 'Bucket', 'The bucket’s name. Keep it private: links are signed.')}
        {field('prefix', 'Folder (prefix)', 'Outbox only ever writes and deletes under this folder.')}
        <div className="field field-row">
          <input id={`${id}-pathStyle`} type="checkbox" role="switch" checked={form.pathStyle} aria-describedby={`${id}-pathStyle-hint`} onChange={(e) => set('pathStyle', e.target.checked)} />
          <label htmlFor={`${id}-pathStyle`}>Bucket in the path</label>
          <p className="hint" id={`${id}-pathStyle-hint`}>
            For MinIO and most self-hosted stores (https://host/bucket/… instead of https://bucket.host/…).
          </p>
        </div>
        {field('accessKeyId', 'Access key ID', status?.accessKeyIdSet ? 'Saved in your keychain. Leave empty to keep it.' : 'From your provider’s console: a key allowed to read, write and delete in this bucket.', {
          placeholder: status?.accessKeyIdSet ? '•••••••• (saved)' : '',
        })}
        {field('secretAccessKey', 'Secret access key', status?.secretSet ? 'Saved in your keychain. Leave empty to keep it.' : 'Kept in your system keychain, never shown again.', {
          type: 'password',
          placeholder: status?.secretSet ? '•••••••• (saved)' : '',
        })}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button" disabled={busy !== null} onClick={() => void runTest()}>
            {busy === 'test' ? 'Testing…' : 'Test'}
          </button>
          {status?.configured ? (
            <button type="button" className="button button-danger-quiet" disabled={busy !== null} onClick={() => setConfirming(true)}>
              Remove
            </button>
          ) : null}
        </div>
        <div role="status" aria-live="polite" className="hosting-test">
          {test?.ok ? (
            <p className="callout">
              <span aria-hidden="true">✓ </span>Test passed: {test.message}.
            </p>
          ) : test && !test.ok ? (
            <p className="callout callout-danger">
              <span aria-hidden="true">⚠ </span>Test failed at “{STEP[test.step]}”: {test.message}
            </p>
          ) : null}
          {notice ? (
            <p className="hint">
              <span aria-hidden="true">✓ </span>
              {notice}
            </p>
          ) : null}
        </div>
        {error ? (
          <p className="error-text" role="alert">
            <span aria-hidden="true">⚠ </span>
            {error}
          </p>
        ) : null}
        {status?.error ? (
          <p className="error-text">
            <span aria-hidden="true">⚠ </span>
            {status.error}
          </p>
        ) : null}
        {sweep ? (
          <p className="hint">
            Last clean-up of leftover files ({new Date(sweep.at).toLocaleString()}):{' '}
            {sweep.error ? (
              <span className="error-text">
                <span aria-hidden="true">⚠ </span>failed, {sweep.error}
              </span>
            ) : sweep.removed === 0 ? (
              'nothing left behind.'
            ) : (
              `removed ${sweep.removed} file${sweep.removed === 1 ? '' : 's'} older than a day.`
            )}
          </p>
        ) : null}
      </form>
      <ConfirmDialog
        open={confirming}
        title="Remove media hosting?"
        message="Outbox forgets the bucket and deletes both keys from your keychain. Scheduled Instagram, Threads and TikTok photo posts will not be able to go out until you set it up again. Nothing in the bucket is deleted."
        confirmLabel="Remove"
        onConfirm={() => void clear()}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
}
