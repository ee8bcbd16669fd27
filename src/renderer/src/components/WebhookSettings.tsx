import { useCallback, useEffect, useState } from 'react';
import { WEBHOOK_EVENTS, type Webhook, type WebhookDelivery, type WebhookEventType } from '../../../shared/ipc/webhooks';
import type { ResultError } from '../../../shared/result';
import { webhooksApi } from '../stores/webhooks.store';

function message(error: ResultError): string {
  const issues = error.issues ?? [];
  return issues.length > 0 ? issues.map((i) => i.message).join(' · ') : error.message;
}

const EVENT_LABELS: Record<WebhookEventType, string> = {
  'post.published': 'Post published',
  'post.partially_published': 'Post partly published',
  'post.failed': 'Post failed',
  'account.needs_reconnect': 'Account needs reconnecting',
};

/** Status in words (and a symbol), never by colour alone. */
function deliveryState(d: WebhookDelivery): string {
  if (d.status === 'delivered') return `✓ Delivered (HTTP ${d.responseStatus ?? 200})`;
  if (d.status === 'failed') return `✕ Gave up after ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}${d.error ? `: ${d.error}` : ''}`;
  if (d.attempts === 0) return '… Waiting to send';
  return `↻ Retrying at ${new Date(d.nextAttemptAt ?? d.createdAt).toLocaleTimeString()} (${d.error ?? 'no answer'})`;
}

/**
 * Settings section for webhooks: URLs that receive post and account events as signed JSON, the
 * signing secret (shown once), a test button, and the delivery log. Talks to the engine through stores/webhooks.store.
 */
export default function WebhookSettings() {
  const [webhooks, setWebhooks] = useState<Webhook[]>([]);
  const [log, setLog] = useState<WebhookDelivery[]>([]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>([...WEBHOOK_EVENTS]);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const [list, deliveries] = await Promise.all([webhooksApi.list(), webhooksApi.deliveries(50)]);
    if (list.ok) setWebhooks(list.value);
    if (deliveries.ok) setLog(deliveries.value);
    if (!list.ok) setError(message(list.error));
  }, []);

  useEffect(() => {
    void load();
    return webhooksApi.onChanged(() => void load());
  }, [load]);

  async function add(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const result = await webhooksApi.create({ url: url.trim(), events });
      if (!result.ok) {
        setError(message(result.error));
        return;
      }
      setSecret({ url: result.value.webhook.url, secret: result.value.secret });
      setUrl('');
      await load();
    } finally {
      setBusy(false);
    }
  }

  async function act(work: () => Promise<{ ok: boolean; error?: ResultError }>) {
    setError(null);
    const result = await work();
    if (!result.ok && result.error) setError(message(result.error));
    await load();
  }

  async function rotate(webhook: Webhook) {
    if (!window.confirm(`Make a new signing secret for ${webhook.url}? The receiver must be given the new one: the old one stops signing at once.`)) return;
    const result = await webhooksApi.update({ id: webhook.id, rotateSecret: true });
    if (!result.ok) return setError(message(result.error));
    if (result.value.secret) setSecret({ url: webhook.url, secret: result.value.secret });
  }

  function toggleEvent(type: WebhookEventType, on: boolean) {
    setEvents((current) => (on ? [...new Set([...current, type])] : current.filter((e) => e !== type)));
  }

  return (
    <section className="settings-section" aria-labelledby="webhook-settings-title">
      <h2 id="webhook-settings-title">Webhooks</h2>
      <p className="hint section-hint">
        Outbox sends a signed JSON request to these addresses when a post is published, partly published or fails, or when an account needs reconnecting. Failed deliveries are retried
        for about a day, even across restarts.
      </p>
      <form className="settings-form" onSubmit={(e) => void add(e)} aria-label="Add a webhook">
        <div className="field">
          <label htmlFor="webhook-url">Webhook URL</label>
          <input id="webhook-url" type="url" style={{ width: '100%' }} value={url} placeholder="https://example.com/hooks/outbox" aria-describedby="webhook-url-hint" onChange={(e) => setUrl(e.target.value)} />
          <p className="hint" id="webhook-url-hint">
            https:// anywhere, or http:// to this computer (localhost) for local tools.
          </p>
        </div>
        <fieldset className="field" style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend className="field-label">Events</legend>
          {WEBHOOK_EVENTS.map((type) => (
            <label key={type} style={{ display: 'flex', alignItems: 'center', gap: 6, fontWeight: 'normal' }}>
              <input type="checkbox" checked={events.includes(type)} onChange={(e) => toggleEvent(type, e.target.checked)} />
              {EVENT_LABELS[type]}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" className="button button-primary" disabled={busy || url.trim() === '' || events.length === 0}>
            Add webhook
          </button>
        </div>
        {secret && (
          <div className="field" aria-live="polite">
            <label htmlFor="webhook-secret">Signing secret for {secret.url} (shown only now: copy it to the receiver)</label>
            <input id="webhook-secret" type="text" readOnly value={secret.secret} onFocus={(e) => e.target.select()} spellCheck={false} style={{ fontFamily: 'ui-monospace, monospace' }} />
          </div>
        )}
        {error && (
          <p role="alert" className="error-text">
            ⚠ {error}
          </p>
        )}
      </form>

      {webhooks.length > 0 && (
        <ul aria-label="Webhooks" className="settings-form" style={{ listStyle: 'none', padding: 0 }}>
          {webhooks.map((w) => (
            <li key={w.id} className="field" aria-label={w.url}>
              <div className="field-row" style={{ gap: 8, flexWrap: 'wrap' }}>
                <input
                  id={`webhook-on-${w.id}`}
                  type="checkbox"
                  role="switch"
                  checked={w.enabled}
                  onChange={(e) => void act(() => webhooksApi.update({ id: w.id, enabled: e.target.checked }))}
                />
                <label htmlFor={`webhook-on-${w.id}`} style={{ wordBreak: 'break-all' }}>
                  {w.url}
                </label>
                <span className="hint">{w.enabled ? 'On' : 'Off'} · {w.events.map((e) => EVENT_LABELS[e]).join(', ')}</span>
              </div>
              <div style={{ display: 'flex', gap: 8, marginTop: 6 }}>
                <button type="button" className="button button-small" disabled={!w.enabled} aria-label={`Send test to ${w.url}`} onClick={() => void act(() => webhooksApi.test(w.id))}>
                  Send test
                </button>
                <button type="button" className="button button-small" aria-label={`New secret for ${w.url}`} onClick={() => void rotate(w)}>
                  New secret
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  aria-label={`Remove ${w.url}`}
                  onClick={() => {
                    if (window.confirm(`Remove the webhook ${w.url}? Deliveries still waiting for it are dropped.`)) void act(() => webhooksApi.remove(w.id));
                  }}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}

      <h3 id="webhook-log-title">Delivery log</h3>
      {log.length === 0 ? (
        <p className="hint">Nothing sent yet.</p>
      ) : (
        <table aria-labelledby="webhook-log-title" style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
          <thead>
            <tr>
              <th scope="col" style={{ textAlign: 'left' }}>When</th>
              <th scope="col" style={{ textAlign: 'left' }}>Event</th>
              <th scope="col" style={{ textAlign: 'left' }}>To</th>
              <th scope="col" style={{ textAlign: 'left' }}>Result</th>
            </tr>
          </thead>
          <tbody>
            {log.map((d) => (
              <tr key={d.id}>
                <td>{new Date(d.lastAttemptAt ?? d.createdAt).toLocaleString()}</td>
                <td>{d.event === 'webhook.test' ? 'Test' : EVENT_LABELS[d.event]}</td>
                <td style={{ wordBreak: 'break-all' }}>{d.url}</td>
                <td>{deliveryState(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
