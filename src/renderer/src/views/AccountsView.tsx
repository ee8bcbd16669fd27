import { useEffect, useState, type FormEvent } from 'react';
import type { Account, PlatformId } from '../../../shared/domain';
import { OAUTH_PLATFORMS, type ConnectResult } from '../../../shared/ipc/accounts';
import type { Issue, Result } from '../../../shared/result';
import { outbox } from '../api';
import { Avatar, PlatformMark, StatusBadge } from '../components/Badges';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { PLATFORM_ORDER, platformName } from '../lib/platforms';
import { CONNECTION_STATUS } from '../lib/status';
import { dateTimeLabel, systemZone } from '../lib/time';
import { useAccountsStore } from '../stores/accounts.store';
import { useSettingsStore } from '../stores/settings.store';
import { useUiStore } from '../stores/ui.store';

const isOAuth = (p: PlatformId): p is (typeof OAUTH_PLATFORMS)[number] => (OAUTH_PLATFORMS as readonly string[]).includes(p);

const HELP: Partial<Record<PlatformId, string>> = {
  bluesky: 'Use an app password (Settings → Privacy and security → App passwords on Bluesky), not your main password.',
  mastodon: 'Your browser opens your instance to let Outbox post for you.',
  telegram: 'Create a bot with @BotFather, add it to your channel or group as an admin, then paste its token and the chat (@channelname or its numeric id).',
};

function FieldError({ issues, path }: { issues: Issue[]; path: string }) {
  const issue = issues.find((i) => i.path === path);
  return issue ? (
    <p className="field-error" id={`err-${path}`}>
      <span aria-hidden="true">⚠ </span>
      {issue.message}
    </p>
  ) : null;
}

/** The form one platform needs to connect, and the choice step some platforms add. */
function ConnectDialog({ platform, account, onClose }: { platform: PlatformId; account: Account | null; onClose: () => void }) {
  const { appCredentials, loadAppCredentials, load } = useAccountsStore();
  const toast = useUiStore((s) => s.toast);
  const [values, setValues] = useState<Record<string, string>>((): Record<string, string> =>
    platform === 'bluesky' && account ? { identifier: account.handle.replace(/^@/, '') } : platform === 'mastodon' && account?.instanceUrl ? { instanceUrl: account.instanceUrl } : {},
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [choice, setChoice] = useState<Extract<ConnectResult, { status: 'choose' }> | null>(null);
  const needsApp = isOAuth(platform) && appCredentials[platform] !== true;
  const [showApp, setShowApp] = useState(false);

  useEffect(() => {
    if (isOAuth(platform)) void loadAppCredentials();
  }, [platform, loadAppCredentials]);

  const set = (key: string) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const field = (key: string, label: string, options: { type?: string; placeholder?: string; hint?: string; autoComplete?: string } = {}) => (
    <div className="field">
      <label htmlFor={`connect-${key}`}>{label}</label>
      <input
        id={`connect-${key}`}
        type={options.type ?? 'text'}
        placeholder={options.placeholder}
        autoComplete={options.autoComplete ?? 'off'}
        value={values[key] ?? ''}
        onChange={set(key)}
        aria-invalid={issues.some((i) => i.path === key) || undefined}
        aria-describedby={issues.some((i) => i.path === key) ? `err-${key}` : undefined}
      />
      {options.hint ? <p className="hint">{options.hint}</p> : null}
      <FieldError issues={issues} path={key} />
    </div>
  );

  function done(result: ConnectResult) {
    if (result.status === 'choose') {
      setChoice(result);
      return;
    }
    toast(`Connected ${platformName(result.account.platform)} ${result.account.handle}`);
    void load();
    onClose();
  }

  async function run(call: () => Promise<Result<ConnectResult>>) {
    setBusy(true);
    setError(null);
    setIssues([]);
    const result = await call();
    setBusy(false);
    if (result.ok) done(result.value);
    else {
      setError(plainError(result.error));
      setIssues(result.error.issues ?? []);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const keys = platform === 'bluesky' ? ['identifier', 'appPassword', 'service'] : platform === 'mastodon' ? ['instanceUrl'] : platform === 'telegram' ? ['botToken', 'chatId', 'apiBase'] : [];
    const payload = Object.fromEntries(keys.filter((k) => (values[k] ?? '').trim() !== '').map((k) => [k, values[k]!.trim()]));
    // The engine parses the payload per platform and names any field it refuses.
    void run(() => outbox().accounts.connect({ platform, ...payload } as Parameters<ReturnType<typeof outbox>['accounts']['connect']>[0]));
  }

  async function saveApp(e: FormEvent) {
    e.preventDefault();
    if (!isOAuth(platform)) return;
    setBusy(true);
    setError(null);
    const result = await outbox().accounts.setAppCredentials({ platform, clientId: values.clientId ?? '', ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}) });
    setBusy(false);
    if (!result.ok) {
      setError(plainError(result.error));
      setIssues(result.error.issues ?? []);
      return;
    }
    setShowApp(false);
    await loadAppCredentials();
  }

  const title = `${account ? 'Reconnect' : 'Connect'} ${platformName(platform)}`;
  return (
    <Dialog open title={title} onClose={onClose} className="dialog-small">
      {choice ? (
        <div>
          <p>Choose which one Outbox posts to:</p>
          <ul className="choice-list">
            {choice.options.map((o) => (
              <li key={o.id}>
                <button type="button" className="button choice" disabled={busy} onClick={() => void run(() => outbox().accounts.choose({ pendingId: choice.pendingId, optionId: o.id }))}>
                  {o.name} <span className="muted">{o.kind}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : isOAuth(platform) && (needsApp || showApp) ? (
        <form onSubmit={(e) => void saveApp(e)} className="connect-form">
          <p className="hint">
            {platformName(platform)} needs your own developer app: create one in {platformName(platform)}’s developer portal with the redirect address <code>http://127.0.0.1</code>, then paste its
            keys. They stay in your system keychain.
          </p>
          {field('clientId', 'Client ID')}
          {field('clientSecret', 'Client secret (if the app has one)', { type: 'password' })}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save app keys
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={submit} className="connect-form">
          {HELP[platform] ? <p className="hint">{HELP[platform]}</p> : null}
          {platform === 'bluesky' ? (
            <>
              {field('identifier', 'Handle or email', { placeholder: 'you.bsky.social', autoComplete: 'username' })}
              {field('appPassword', 'App password', { type: 'password', placeholder: 'xxxx-xxxx-xxxx-xxxx' })}
              <details className="advanced">
                <summary>Advanced</summary>
                {field('service', 'Server (PDS)', { placeholder: 'https://bsky.social', hint: 'Only if your account lives on another server.' })}
              </details>
            </>
          ) : platform === 'mastodon' ? (
            field('instanceUrl', 'Instance address', { placeholder: 'https://mastodon.social' })
          ) : platform === 'telegram' ? (
            <>
              {field('botToken', 'Bot token', { type: 'password', placeholder: '123456:ABC-DEF…' })}
              {field('chatId', 'Channel or chat', { placeholder: '@yourchannel or -100…' })}
              <details className="advanced">
                <summary>Advanced</summary>
                {field('apiBase', 'Bot API server', { placeholder: 'https://api.telegram.org', hint: 'Only for a self-hosted Bot API server.' })}
              </details>
            </>
          ) : (
            <p>Your browser opens {platformName(platform)} to let Outbox post for you. Come back here when you have allowed it.</p>
          )}
          <div className="form-actions">
            {isOAuth(platform) ? (
              <button type="button" className="button button-quiet" onClick={() => setShowApp(true)}>
                Change app keys
              </button>
            ) : null}
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Connecting…' : isOAuth(platform) || platform === 'mastodon' ? `Continue in browser` : 'Connect'}
            </button>
          </div>
        </form>
      )}
      {error ? (
        <p className="error-text" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

function AccountRow({ account, canPublish, onReconnect, onDisconnect }: { account: Account; canPublish: boolean; onReconnect: () => void; onDisconnect: () => void }) {
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const toast = useUiStore((s) => s.toast);
  const load = useAccountsStore((s) => s.load);
  const [checking, setChecking] = useState(false);
  // The switch moves at once; the engine's answer (or accounts:changed) settles it.
  const [active, setActiveShown] = useState(account.active);
  useEffect(() => setActiveShown(account.active), [account.active]);
  const name = `${platformName(account.platform)} ${account.handle}`;
  return (
    <li className="account-row" aria-label={name}>
      <Avatar account={account} size={40} />
      <div className="account-main">
        <div className="account-name">
          <strong>{account.displayName || account.handle}</strong>
          <PlatformMark platform={account.platform} />
        </div>
        <div className="muted">
          {account.handle}
          {account.instanceUrl && account.platform === 'mastodon' ? ` · ${account.instanceUrl.replace(/^https?:\/\//, '')}` : ''}
        </div>
        <div className="account-status">
          <StatusBadge look={CONNECTION_STATUS[account.connection]} />
          {account.lastCheckedAt ? <span className="hint">Checked {dateTimeLabel(account.lastCheckedAt, zone)}</span> : null}
        </div>
        {canPublish ? null : (
          <p className="hint">
            <span aria-hidden="true">⚠ </span>Outbox can connect this account but cannot publish to {platformName(account.platform)} yet: posts to it will fail at their time.
          </p>
        )}
      </div>
      <div className="account-actions">
        <div className="field-row compact">
          <input
            id={`active-${account.id}`}
            type="checkbox"
            role="switch"
            checked={active}
            onChange={async (e) => {
              setActiveShown(e.target.checked);
              const result = await outbox().accounts.setActive({ id: account.id, active: e.target.checked });
              if (!result.ok) {
                toast(plainError(result.error), 'error');
                setActiveShown(account.active);
              }
              void load();
            }}
          />
          <label htmlFor={`active-${account.id}`}>
            Active<span className="sr-only"> {name}</span>
          </label>
        </div>
        <button
          type="button"
          className="button button-small"
          disabled={checking}
          onClick={async () => {
            setChecking(true);
            const result = await outbox().accounts.check({ id: account.id });
            setChecking(false);
            if (!result.ok) toast(plainError(result.error), 'error');
            else {
              const now = result.value.find((a) => a.id === account.id);
              toast(now ? `${name}: ${CONNECTION_STATUS[now.connection].text.toLowerCase()}` : 'Checked');
            }
            void load();
          }}
        >
          {checking ? 'Checking…' : 'Check now'}
          <span className="sr-only"> {name}</span>
        </button>
        <button type="button" className={`button button-small${account.connection !== 'connected' ? ' button-primary' : ''}`} aria-label={`Reconnect ${name}`} onClick={onReconnect}>
          Reconnect
        </button>
        <button type="button" className="button button-small button-danger-quiet" aria-label={`Disconnect ${name}`} onClick={onDisconnect}>
          Disconnect
        </button>
      </div>
    </li>
  );
}

/** Connected accounts and the way to add more. */
export function AccountsView() {
  const { accounts, loaded, error, load } = useAccountsStore();
  const toast = useUiStore((s) => s.toast);
  const [connecting, setConnecting] = useState<{ platform: PlatformId; account: Account | null } | null>(null);
  const [confirm, setConfirm] = useState<Account | null>(null);
  // Which platforms this version can publish to (null until known: no warning shown meanwhile).
  const [publishing, setPublishing] = useState<PlatformId[] | null>(null);
  useEffect(() => {
    void outbox()
      .app.info()
      .then((result) => {
        if (result.ok) setPublishing(result.value.publishingPlatforms);
      });
  }, []);

  return (
    <section className="view" aria-labelledby="view-title">
      <header className="view-header">
        <h1 id="view-title">Accounts</h1>
      </header>
      {error ? (
        <p className="error-banner" role="alert">
          <span aria-hidden="true">⚠ </span>Could not load accounts: {error}
        </p>
      ) : null}
      {loaded && accounts.length === 0 && !error ? <p className="muted">No accounts yet. Connect one below: Outbox posts to it from this computer.</p> : null}
      {accounts.length > 0 ? (
        <ul className="account-list" aria-label="Connected accounts">
          {accounts.map((a) => (
            <AccountRow
              key={a.id}
              account={a}
              canPublish={publishing === null || publishing.includes(a.platform)}
              onReconnect={() => setConnecting({ platform: a.platform, account: a })}
              onDisconnect={() => setConfirm(a)}
            />
          ))}
        </ul>
      ) : null}

      <h2 className="section-title">Connect an account</h2>
      <ul className="platform-grid" aria-label="Platforms">
        {PLATFORM_ORDER.map((p) => (
          <li key={p}>
            <button type="button" className="platform-button" onClick={() => setConnecting({ platform: p, account: null })}>
              <PlatformMark platform={p} size="medium" />
              <span>
                Connect <span className="platform-button-name">{platformName(p)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>

      {connecting ? <ConnectDialog platform={connecting.platform} account={connecting.account} onClose={() => setConnecting(null)} /> : null}
      <ConfirmDialog
        open={confirm !== null}
        title="Disconnect this account?"
        message={`Outbox forgets ${confirm ? `${platformName(confirm.platform)} ${confirm.handle}` : ''} and its keys. Posts waiting for it will not go out to it.`}
        confirmLabel="Disconnect"
        onCancel={() => setConfirm(null)}
        onConfirm={async () => {
          const account = confirm;
          setConfirm(null);
          if (!account) return;
          const result = await outbox().accounts.disconnect({ id: account.id });
          if (!result.ok) toast(plainError(result.error), 'error');
          else toast(`Disconnected ${account.handle}`);
          void load();
        }}
      />
    </section>
  );
}
