import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Account, PlatformId } from '../../../shared/domain';
import { OAUTH_PLATFORMS, type ConnectResult } from '../../../shared/ipc/accounts';
import type { Issue, Result } from '../../../shared/result';
import { platformSpec } from '../../../shared/platforms/catalog';
import { Avatar, PlatformMark, StatusBadge } from '../components/Badges';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { PLATFORM_LOOK, PLATFORM_ORDER, platformName } from '../lib/platforms';
import { CONNECTION_STATUS } from '../lib/status';
import { dateTimeLabel, systemZone } from '../lib/time';
import { useAccountsStore } from '../stores/accounts.store';
import { canPublishTo, useAppStore } from '../stores/app.store';
import { useComposerStore } from '../stores/composer.store';
import { useSettingsStore } from '../stores/settings.store';
import { useUiStore } from '../stores/ui.store';

const isOAuth = (p: PlatformId): p is (typeof OAUTH_PLATFORMS)[number] => (OAUTH_PLATFORMS as readonly string[]).includes(p);

const HELP: Partial<Record<PlatformId, string>> = {
  bluesky: 'Use an app password (Settings → Privacy and security → App passwords on Bluesky), not your main password.',
  mastodon: 'Your browser opens your instance to let Outbox post for you.',
  telegram: 'Create a bot with @BotFather, add it to your channel or group as an admin, then paste its token and the chat (@channelname or its numeric id).',
};

/**
 * How to make the developer app each OAuth platform needs, step by step and without links (the
 * creator types the portal's name in their own browser). `{uri}` marks where the redirect URI goes.
 */
const APP_STEPS: Record<(typeof OAUTH_PLATFORMS)[number], { portal: string; steps: string[]; keys: string }> = {
  x: {
    portal: 'the X Developer Portal',
    steps: ['Open Projects & Apps and pick (or create) your app.', 'Under User authentication settings, turn on OAuth 2.0 with Read and write permissions; app type Native App or Web App.'],
    keys: 'Under Keys and tokens, copy the OAuth 2.0 Client ID (and the Client Secret, for a Web App).',
  },
  linkedin: {
    portal: 'LinkedIn Developers',
    steps: ['Create an app (LinkedIn asks for a company Page to attach it to).', 'Under Products, add Share on LinkedIn and Sign In with LinkedIn using OpenID Connect.'],
    keys: 'On the Auth tab, copy the Client ID and the Primary Client Secret.',
  },
  'linkedin-page': {
    portal: 'LinkedIn Developers',
    steps: ['Create an app attached to your company Page.', 'Under Products, add the Community Management API (LinkedIn reviews it before it works).'],
    keys: 'On the Auth tab, copy the Client ID and the Primary Client Secret.',
  },
  threads: {
    portal: 'Meta for Developers',
    steps: ['Create an app with the use case Access the Threads API.', 'Add your Threads account as a tester under App roles and accept the invitation in Threads.'],
    keys: 'Copy the Threads app ID and the Threads app secret.',
  },
  instagram: {
    portal: 'Meta for Developers',
    steps: ['Create an app and add Instagram, then API setup with Instagram login.', 'Your Instagram account must be a professional (Business or Creator) account.'],
    keys: 'Copy the Instagram app ID and the Instagram app secret.',
  },
  'instagram-facebook': {
    portal: 'Meta for Developers',
    steps: ['Create a Business app and add Facebook Login for Business.', 'Link your Instagram professional account to a Facebook Page you manage.'],
    keys: 'Under App settings → Basic, copy the App ID and the App secret.',
  },
  facebook: {
    portal: 'Meta for Developers',
    steps: ['Create a Business app and add Facebook Login for Business.', 'You must be an admin of the Page you want to post to.'],
    keys: 'Under App settings → Basic, copy the App ID and the App secret.',
  },
  tiktok: {
    portal: 'TikTok for Developers',
    steps: ['Under Manage apps, create an app and add Login Kit and the Content Posting API.'],
    keys: 'Copy the Client key (paste it as Client ID) and the Client secret.',
  },
  youtube: {
    portal: 'the Google Cloud Console',
    steps: [
      'Create a project and enable the YouTube Data API v3.',
      'Set up the OAuth consent screen (External) and add your Google account as a test user.',
      'Under Credentials, create an OAuth client ID of type Web application.',
    ],
    keys: 'Copy the Client ID and the Client secret.',
  },
  pinterest: {
    portal: 'Pinterest Developers',
    steps: ['Under My apps, connect a new app (Pinterest reviews it for full access).'],
    keys: 'Copy the App id (as Client ID) and the App secret key.',
  },
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

/** The exact redirect URI with a copy button: most platforms refuse anything but an exact match. */
function RedirectUri({ uri }: { uri: string | null }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const box = useRef<HTMLInputElement>(null);
  if (!uri) return <p className="hint">Loading the redirect address…</p>;
  return (
    <div className="redirect-uri">
      <label htmlFor="redirect-uri" className="sr-only">
        Redirect URI
      </label>
      <input id="redirect-uri" ref={box} type="text" readOnly value={uri} spellCheck={false} onFocus={(e) => e.target.select()} />
      <button
        type="button"
        className="button button-small"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(uri);
            setCopied('yes');
          } catch {
            box.current?.select();
            setCopied('failed');
          }
        }}
      >
        {copied === 'yes' ? 'Copied' : 'Copy'}
        <span className="sr-only"> redirect URI</span>
      </button>
      <span className="hint" role="status">
        {copied === 'failed' ? 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.' : ''}
      </span>
    </div>
  );
}

/** The form one platform needs to connect, and the choice step some platforms add. */
function ConnectDialog({ platform, account, onClose }: { platform: PlatformId; account: Account | null; onClose: () => void }) {
  const { appCredentials, loadAppCredentials, connect, choose, setAppCredentials } = useAccountsStore();
  const info = useAppStore((s) => s.info);
  const toast = useUiStore((s) => s.toast);
  // The first account ever connected leads straight to writing a first post with it.
  const [first] = useState(() => useAccountsStore.getState().accounts.length === 0 && account === null);
  const [values, setValues] = useState<Record<string, string>>(() => prefill(platform, account));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [choice, setChoice] = useState<Extract<ConnectResult, { status: 'choose' }> | null>(null);
  const needsApp = isOAuth(platform) && appCredentials[platform] !== true;
  const [showApp, setShowApp] = useState(false);
  const canPublish = canPublishTo(info, platform);

  useEffect(() => {
    if (isOAuth(platform)) void loadAppCredentials();
  }, [platform, loadAppCredentials]);

  const set = (key: string) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  // Where typing starts: the secret on a reconnect (the rest is filled in), else the first field.
  const firstField = account ? ({ bluesky: 'appPassword', telegram: 'botToken', mastodon: 'instanceUrl' } as Partial<Record<PlatformId, string>>)[platform] : ({ bluesky: 'identifier', telegram: 'botToken', mastodon: 'instanceUrl' } as Partial<Record<PlatformId, string>>)[platform];
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
        data-autofocus={key === firstField || (key === 'clientId' && isOAuth(platform)) ? true : undefined}
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
    onClose();
    if (first) {
      toast(`Connected ${platformName(result.account.platform)} ${result.account.handle}: write your first post`);
      useComposerStore.getState().openNew({ accountIds: [result.account.id] });
    } else toast(`Connected ${platformName(result.account.platform)} ${result.account.handle}`);
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
    void run(() => connect({ platform, ...payload } as Parameters<typeof connect>[0]));
  }

  async function saveApp(e: FormEvent) {
    e.preventDefault();
    if (!isOAuth(platform)) return;
    setBusy(true);
    setError(null);
    const result = await setAppCredentials({ platform, clientId: values.clientId ?? '', ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}) });
    setBusy(false);
    if (!result.ok) {
      setError(plainError(result.error));
      setIssues(result.error.issues ?? []);
      return;
    }
    setShowApp(false);
  }

  const title = `${account ? 'Reconnect' : 'Connect'} ${platformName(platform)}`;
  const notYet = canPublish ? null : (
    <p className="callout callout-warning" role="note">
      <span aria-hidden="true">⚠ </span>
      This version of Outbox can connect {platformName(platform)} but cannot publish to it yet: posts to it fail at their time. Connect it only to have it ready.
    </p>
  );
  return (
    <Dialog open title={title} onClose={onClose} className="dialog-small connect-dialog">
      {choice ? (
        <div>
          <p>Choose which one Outbox posts to:</p>
          <ul className="choice-list">
            {choice.options.map((o) => (
              <li key={o.id}>
                <button type="button" className="button choice" disabled={busy} onClick={() => void run(() => choose(choice.pendingId, o.id))}>
                  {o.name} <span className="muted">{o.kind}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : isOAuth(platform) && (needsApp || showApp) ? (
        <form onSubmit={(e) => void saveApp(e)} className="connect-form">
          {notYet}
          <p className="hint">
            {platformName(platform)} needs your own developer app (Outbox has no shared one). Its keys stay in your system keychain.
          </p>
          <ol className="steps" aria-label={`Set up your ${platformName(platform)} developer app`}>
            <li>In your browser, open {APP_STEPS[platform].portal} and sign in.</li>
            {APP_STEPS[platform].steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
            <li>
              Add this redirect URI, exactly as shown:
              <RedirectUri uri={info?.oauthRedirectUri ?? null} />
            </li>
            <li>{APP_STEPS[platform].keys} Paste them below.</li>
          </ol>
          {field('clientId', 'Client ID')}
          {field('clientSecret', 'Client secret (if the app has one)', { type: 'password' })}
          <div className="form-actions">
            {showApp && !needsApp ? (
              <button type="button" className="button button-quiet" onClick={() => setShowApp(false)}>
                Back
              </button>
            ) : null}
            <button type="submit" className="button button-primary" disabled={busy}>
              Save app keys
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={submit} className="connect-form">
          {notYet}
          {HELP[platform] ? <p className="hint">{HELP[platform]}</p> : null}
          {platform === 'bluesky' ? (
            <>
              {field('identifier', 'Handle or email', { placeholder: 'you.bsky.social', autoComplete: 'username' })}
              {field('appPassword', 'App password', { type: 'password', placeholder: 'xxxx-xxxx-xxxx-xxxx' })}
              <details className="advanced" open={!!values.service || undefined}>
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
              <details className="advanced" open={!!values.apiBase || undefined}>
                <summary>Advanced</summary>
                {field('apiBase', 'Bot API server', { placeholder: 'https://api.telegram.org', hint: 'Only for a self-hosted Bot API server.' })}
              </details>
            </>
          ) : (
            <p>
              Your browser opens {platformName(platform)} to let Outbox post for you. Come back here when you have allowed it (within 5 minutes).
            </p>
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

/** What a reconnect already knows: the handle and any custom server, so only the secret is asked again. */
function prefill(platform: PlatformId, account: Account | null): Record<string, string> {
  if (!account) return {};
  if (platform === 'bluesky') {
    const custom = account.instanceUrl && !/^https:\/\/bsky\.social\/?$/.test(account.instanceUrl) ? account.instanceUrl : '';
    return { identifier: account.handle.replace(/^@/, ''), ...(custom ? { service: custom } : {}) };
  }
  if (platform === 'mastodon') return account.instanceUrl ? { instanceUrl: account.instanceUrl } : {};
  if (platform === 'telegram') return { ...(account.handle ? { chatId: account.handle } : {}), ...(account.instanceUrl ? { apiBase: account.instanceUrl } : {}) };
  return {};
}

function AccountRow({ account, canPublish, onReconnect, onDisconnect }: { account: Account; canPublish: boolean; onReconnect: () => void; onDisconnect: () => void }) {
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const toast = useUiStore((s) => s.toast);
  const { setActive, setHandOff, check } = useAccountsStore();
  const [checking, setChecking] = useState(false);
  const [handOff, setHandOffShown] = useState(account.handOff);
  useEffect(() => setHandOffShown(account.handOff), [account.handOff]);
  const spec = platformSpec(account.platform);
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
        {handOff !== null && spec.handOff ? (
          <div className="hand-off-setting">
            <div className="field-row compact">
              <input
                id={`handoff-${account.id}`}
                type="checkbox"
                role="switch"
                checked={handOff}
                aria-describedby={`handoff-hint-${account.id}`}
                onChange={async (e) => {
                  setHandOffShown(e.target.checked);
                  const result = await setHandOff(account.id, e.target.checked);
                  if (!result.ok) {
                    toast(plainError(result.error), 'error');
                    setHandOffShown(account.handOff);
                  } else toast(e.target.checked ? `${spec.name} now publishes ${account.handle}'s scheduled posts` : `Outbox sends ${account.handle}'s posts itself again`);
                }}
              />
              <label htmlFor={`handoff-${account.id}`}>
                Let {spec.name} publish my scheduled posts<span className="sr-only"> for {account.handle}</span>
              </label>
            </div>
            <p className="hint" id={`handoff-hint-${account.id}`}>
              {handOff
                ? `Posts scheduled at least ${Math.round(spec.handOff.minLeadMs / 60_000)} minutes ahead are handed to ${spec.name}: they go out even if this computer is off. Threads stay with Outbox.`
                : `Outbox sends this account's posts itself: this computer must be on at their time.`}
            </p>
          </div>
        ) : null}
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
              const result = await setActive(account.id, e.target.checked);
              if (!result.ok) {
                toast(plainError(result.error), 'error');
                setActiveShown(account.active);
              }
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
            const result = await check(account.id);
            setChecking(false);
            if (!result.ok) toast(plainError(result.error), 'error');
            else toast(result.value ? `${name}: ${CONNECTION_STATUS[result.value.connection].text.toLowerCase()}` : 'Checked');
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
  const { accounts, loaded, error, disconnect } = useAccountsStore();
  const info = useAppStore((s) => s.info);
  const toast = useUiStore((s) => s.toast);
  const [connecting, setConnecting] = useState<{ platform: PlatformId; account: Account | null } | null>(null);
  const [confirm, setConfirm] = useState<Account | null>(null);

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
              canPublish={canPublishTo(info, a.platform)}
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
            <button
              type="button"
              className="platform-button"
              aria-describedby={canPublishTo(info, p) ? undefined : `cannot-${p}`}
              onClick={() => setConnecting({ platform: p, account: null })}
            >
              <PlatformMark platform={p} size="medium" labelled={false} />
              <span className="platform-button-text">
                <span>
                  Connect <span className="platform-button-name">{platformName(p)}</span>
                  {PLATFORM_LOOK[p].connectNote ? <span className="platform-button-note"> {PLATFORM_LOOK[p].connectNote}</span> : null}
                </span>
                {canPublishTo(info, p) ? null : (
                  <span className="platform-button-warning" id={`cannot-${p}`}>
                    Connects; cannot publish yet
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>

      {connecting ? <ConnectDialog platform={connecting.platform} account={connecting.account} onClose={() => setConnecting(null)} /> : null}
      <ConfirmDialog
        open={confirm !== null}
        title="Disconnect this account?"
        message={`Outbox forgets ${confirm ? `${platformName(confirm.platform)} ${confirm.handle}` : ''} and its keys. Posts waiting for it will not go out to it.${
          // Without its keys Outbox can no longer cancel what the platform holds.
          confirm?.handOff && platformSpec(confirm.platform).handOff
            ? ` Posts already handed to ${platformName(confirm.platform)} stay scheduled there: to take them back first, turn off "Let ${platformName(confirm.platform)} publish my scheduled posts" and wait until they show as kept with Outbox.`
            : ''
        }`}
        confirmLabel="Disconnect"
        onCancel={() => setConfirm(null)}
        onConfirm={async () => {
          const account = confirm;
          setConfirm(null);
          if (!account) return;
          const result = await disconnect(account.id);
          if (!result.ok) toast(plainError(result.error), 'error');
          else toast(`Disconnected ${account.handle}`);
        }}
      />
    </section>
  );
}
