import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiStatus } from '../../../shared/ipc/api';
import type { ResultError } from '../../../shared/result';
import { apiSettings } from '../stores/api-settings.store';

function message(error: ResultError): string {
  const issues = error.issues ?? [];
  return issues.length > 0 ? issues.map((i) => i.message).join(' · ') : error.message;
}

/**
 * Settings section for the local automation API: on/off, port, and the personal access token
 * (shown once, right after it is generated). Reaches the engine through stores/api-settings.store.
 */
export default function ApiSettings() {
  const [status, setStatus] = useState<ApiStatus | null>(null);
  const [portText, setPortText] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [allowLocal, setAllowLocal] = useState(false);
  const tokenInput = useRef<HTMLInputElement>(null);
  const polls = useRef<ReturnType<typeof setTimeout>[]>([]);

  const load = useCallback(async () => {
    const result = await apiSettings.status();
    if (!result.ok) {
      setError(message(result.error));
      return null;
    }
    setStatus(result.value);
    const settings = await apiSettings.settings();
    if (settings.ok) setAllowLocal(settings.value.apiAllowLocalMediaUrls);
    setPortText((text) => (document.activeElement?.id === 'api-port' ? text : String(result.value.port)));
    return result.value;
  }, []);

  // The server starts or moves a moment after the setting changes: look again a few times.
  const followUp = useCallback(() => {
    polls.current.forEach(clearTimeout);
    polls.current = [250, 750, 1500, 3000].map((ms) => setTimeout(() => void load(), ms));
  }, [load]);

  useEffect(() => {
    void load();
    const off = apiSettings.onSettingsChanged((keys) => {
      if (keys.includes('apiEnabled') || keys.includes('apiPort') || keys.includes('apiAllowLocalMediaUrls')) {
        void load();
        followUp();
      }
    });
    return () => {
      off();
      polls.current.forEach(clearTimeout);
    };
  }, [load, followUp]);

  async function update(patch: { apiEnabled?: boolean; apiPort?: number; apiAllowLocalMediaUrls?: boolean }) {
    setError(null);
    const result = await apiSettings.update(patch);
    if (!result.ok) {
      setError(message(result.error));
      if (status) setPortText(String(status.port));
      return;
    }
    await load();
    followUp();
  }

  function savePort() {
    if (!status || portText === String(status.port)) return;
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1024 || port > 65535) {
      setError('The port must be a whole number from 1024 to 65535.');
      setPortText(String(status.port));
      return;
    }
    void update({ apiPort: port });
  }

  async function regenerate() {
    if (status?.tokenSet && !window.confirm('Generate a new token? The current one stops working at once, so scripts using it must be updated.')) return;
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const result = await apiSettings.regenerateToken();
      if (!result.ok) {
        setError(message(result.error));
        return;
      }
      setToken(result.value.token);
      await load();
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      // Some windows may not write the clipboard: select it so Ctrl/Cmd+C works.
      tokenInput.current?.select();
      setError('Could not copy automatically: the token is selected, press Ctrl+C (Cmd+C on a Mac).');
    }
  }

  if (!status) {
    return (
      <section className="settings-section" aria-labelledby="api-settings-title">
        <h2 id="api-settings-title">Automation API</h2>
        <div className="settings-form">
          <p className="muted">{error ? `⚠ ${error}` : 'Loading…'}</p>
        </div>
      </section>
    );
  }

  const base = `http://127.0.0.1:${status.port}/v1`;
  const state = !status.enabled
    ? 'Off. Scripts on this computer cannot reach Outbox.'
    : status.running
      ? `Running at ${base} (this computer only).`
      : status.error
        ? `Not running: ${status.error}`
        : 'Starting…';

  return (
    <section className="settings-section" aria-labelledby="api-settings-title">
      <h2 id="api-settings-title">Automation API</h2>
      <p className="hint section-hint">
        Lets scripts on this computer create, schedule and publish posts through a REST API on 127.0.0.1 (Octopost-style shapes). Web pages cannot use it.
      </p>
      <div className="settings-form">
        <div className="field field-row">
          <input
            id="api-enabled"
            type="checkbox"
            role="switch"
            checked={status.enabled}
            aria-describedby="api-state"
            onChange={(e) => void update({ apiEnabled: e.target.checked })}
          />
          <label htmlFor="api-enabled">Automation API</label>
          <p className="hint" id="api-state" role="status">
            {state}
          </p>
        </div>
        <div className="field">
          <label htmlFor="api-port">Port</label>
          <input
            id="api-port"
            type="number"
            min={1024}
            max={65535}
            inputMode="numeric"
            value={portText}
            aria-describedby="api-port-hint"
            onChange={(e) => setPortText(e.target.value.trim())}
            onBlur={savePort}
            onKeyDown={(e) => {
              if (e.key === 'Enter') savePort();
            }}
          />
          <p className="hint" id="api-port-hint">
            1024–65535; 7787 unless another program uses it.
          </p>
        </div>
        <div className="field field-row">
          <input
            id="api-allow-local"
            type="checkbox"
            role="switch"
            checked={allowLocal}
            aria-describedby="api-allow-local-hint"
            onChange={(e) => void update({ apiAllowLocalMediaUrls: e.target.checked })}
          />
          <label htmlFor="api-allow-local">Allow local media URLs</label>
          <p className="hint" id="api-allow-local-hint">
            {allowLocal
              ? 'On: media URLs may point at this computer and your local network (for local tools).'
              : 'Off: media URLs that lead to this computer or your local network are refused, so a token cannot probe them.'}
          </p>
        </div>
        <div className="field">
          {/* Not a <label>: it would replace the button's own name. */}
          <span className="field-label">Personal access token</span>
          <div>
            <button type="button" className="button" disabled={busy} onClick={() => void regenerate()}>
              {status.tokenSet ? 'Regenerate token' : 'Generate token'}
            </button>
          </div>
          <p className="hint">
            {status.tokenSet
              ? 'A token is set and kept in your system keychain. Regenerating replaces it.'
              : 'No token yet: every request is refused until you generate one.'}
          </p>
          {token && (
            <div aria-live="polite" style={{ marginTop: 10 }}>
              <label htmlFor="api-token">New token (shown only now: copy it)</label>
              <div style={{ display: 'flex', gap: 8 }}>
                <input
                  id="api-token"
                  ref={tokenInput}
                  type="text"
                  readOnly
                  value={token}
                  onFocus={(e) => e.target.select()}
                  spellCheck={false}
                  style={{ fontFamily: 'ui-monospace, monospace' }}
                />
                <button type="button" className="button" onClick={() => void copy()}>
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            </div>
          )}
        </div>
        <div className="field">
          <span className="field-label">Try it</span>
          <pre
            className="hint"
            style={{
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-all',
              margin: '4px 0 0',
            }}
          >
            <code>{`curl -H "Authorization: Bearer ${token ?? '<token>'}" ${base}/posts`}</code>
          </pre>
          <p className="hint">The full description is at {base}/openapi.json (it needs the token too).</p>
        </div>
        {error && (
          <p role="alert" className="error-text">
            ⚠ {error}
          </p>
        )}
      </div>
    </section>
  );
}
