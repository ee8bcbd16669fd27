import { randomUUID } from 'node:crypto';
import type { Account, ConnectionState, PlatformId } from '../../../shared/domain';
import { OAUTH_PLATFORMS, type ConnectResult } from '../../../shared/ipc/accounts';
import type { ConnectChoice, ConnectContext, ConnectedAccount, OAuthClientConfig, PlatformConnector, PlatformLookup } from '../../platforms/types';
import { RefreshNotPossible } from '../../platforms/oauth-connector';
import { PublishError } from '../../platforms/types';
import { AppError, invalid, notFound } from '../errors';
import type { EventBus } from '../events';
import { OAuthError } from '../oauth/oauth-error';
import { authorize, refreshGrant } from '../oauth/oauth-flow';
import type { CredentialsProvider } from '../ports/credentials';
import { KeychainUnavailableError } from '../ports/keychain';
import type { Clock, NetworkMonitor, Notifier, OpenBrowser, PlatformEndpoints, SecretStore, TimerHandle } from '../ports/ports';
import type { Db } from '../db/database';
import { platformSpec } from '../../../shared/platforms/catalog';
import type { PostStore } from '../posts/post-store.repo';
import { createAccountsRepo, toAccount, toPublishAccount, type AccountRow } from './accounts.repo';

/**
 * The loopback port of the OAuth redirect, `http://127.0.0.1:17863/callback`. Fixed because most
 * platforms match the registered redirect URI exactly, port included; tests override it per
 * platform with `platforms.<id>.redirectPort` (0 = any free port).
 */
export const OAUTH_REDIRECT_PORT = 17863;
/** The redirect URI creators register in their developer apps. */
export const OAUTH_REDIRECT_URI = `http://127.0.0.1:${OAUTH_REDIRECT_PORT}/callback`;

/** `get` refreshes a token this close to its expiry. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** The daily check refreshes tokens expiring within this window (Meta's 60-day tokens die unused otherwise). */
export const CHECK_REFRESH_WINDOW_MS = 7 * 86_400_000;
/**
 * A token that cannot be refreshed (LinkedIn gives most apps none) is announced this long before
 * it expires, so the creator reconnects before a scheduled post fails.
 */
export const EXPIRY_NOTICE_MS = 7 * 86_400_000;
/** How often every account is checked. */
export const DAILY_CHECK_MS = 86_400_000;
/** After a start, an overdue daily check waits this long (the app settles first). */
const STARTUP_GRACE_MS = 10 * 60_000;
/** A composer lookup (boards, creator info) gives up after this long. */
const LOOKUP_TIMEOUT_MS = 30_000;
/** How long a pending page/channel choice stays open. */
const CHOICE_TTL_MS = 15 * 60_000;

/** How an account kind is named in messages ("Reconnect Instagram (through Facebook) @me"). */
const label = (platform: PlatformId) => platformSpec(platform).label;

/** Platforms whose developer app may be shared with a sibling platform id. */
const APP_FALLBACK: Partial<Record<PlatformId, PlatformId>> = { 'instagram-facebook': 'facebook', 'linkedin-page': 'linkedin' };

const accountKey = (id: string) => `account:${id}`;
const appKey = (platform: PlatformId) => `app:${platform}`;
const cacheKey = (platform: PlatformId, key: string) => `cache:${platform}:${key}`;

/** What the keychain holds for one account. */
interface SecretEnvelope {
  v: 1;
  secrets: Record<string, unknown>;
  /** Kept beside the secrets so a crash between saving them and updating the row loses nothing. */
  tokenExpiresAt: number | null;
}

/** Why the engine cannot have an account's credentials. */
export class CredentialsError extends Error {
  constructor(
    readonly reason: 'not_found' | 'no_secrets' | 'token_expired',
    message: string,
  ) {
    super(message);
    this.name = 'CredentialsError';
  }
}

type RefreshOutcome = 'refreshed' | 'refused' | 'unsupported' | 'gone';

/** What the accounts service needs from the engine. */
export interface AccountsDeps {
  db: Db;
  clock: Clock;
  secrets: SecretStore;
  notifier: Notifier;
  network: NetworkMonitor;
  openBrowser: OpenBrowser;
  platforms: PlatformEndpoints;
  bus: EventBus;
  /** Each platform's connector (the platform modules' `connector`). */
  // `any`: each connector takes its own input shape; the service passes the parsed payload through.
  connectors: Partial<Record<PlatformId, PlatformConnector<any>>>;
  /** Each platform's lookups (the platform modules' `lookups`), for `accounts:lookup`. */
  lookups?: Partial<Record<PlatformId, Record<string, PlatformLookup>>>;
  /** Which posts an account's entries belong to (they change when it is disconnected). */
  posts: Pick<PostStore, 'postIdsOfAccount' | 'touchRemoteOfAccount'>;
  log?: (message: string, error: unknown) => void;
}

const isOAuthPlatform = (p: PlatformId): boolean => (OAUTH_PLATFORMS as readonly string[]).includes(p);

/** True for a failure that means the platform refused the grant (reconnect needed), not a hiccup. */
function isRefusal(error: unknown): boolean {
  if (error instanceof OAuthError) return error.kind === 'invalid_grant' || error.kind === 'server_error' || error.kind === 'bad_response';
  if (error instanceof PublishError) return error.kind === 'auth' || error.kind === 'permanent';
  if (error instanceof AppError) return error.code === 'unauthorized';
  return false;
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed|network|ECONN|ENOTFOUND|EAI_AGAIN|socket/i.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`);
}

/** Turns whatever a connector or the keychain threw into the contract's error. */
function toAppError(error: unknown, platform: PlatformId): unknown {
  const name = label(platform);
  if (error instanceof AppError) return error;
  if (error instanceof KeychainUnavailableError) return new AppError('internal', error.message);
  if (error instanceof OAuthError) {
    switch (error.kind) {
      case 'network':
        return new AppError('offline', `Could not reach ${name}: ${error.message}`);
      case 'port_in_use':
        return new AppError('conflict', error.message);
      case 'no_browser':
        return new AppError('internal', error.message);
      default:
        return new AppError('unauthorized', `${name}: ${error.message}`);
    }
  }
  if (error instanceof PublishError) {
    if (error.kind === 'rate_limited') return new AppError('rate_limited', `${name}: ${error.message}`);
    if (error.kind === 'transient') return new AppError('offline', `${name}: ${error.message}`);
    if (error.kind === 'auth') return new AppError('unauthorized', `${name}: ${error.message}`);
    // Permanent: the input or the account cannot work; a leading `field:` names the field.
    const field = /^([a-zA-Z][\w.]*): (.+)$/s.exec(error.message);
    return field ? invalid(field[1]!, field[2]!, platform) : new AppError('validation', `${name}: ${error.message}`, [{ path: 'platform', message: error.message, platform }]);
  }
  if (isNetworkFailure(error)) return new AppError('offline', `Could not reach ${name}: ${(error as Error).message}`);
  return error;
}

/**
 * Accounts: connecting (OAuth with PKCE, app passwords, bot tokens), the keychain, refresh,
 * health checks and the daily check timer. Secrets go to the SecretStore only; nothing this
 * service returns carries one.
 */
export function createAccountsService(deps: AccountsDeps) {
  const { clock, notifier, bus, connectors } = deps;
  const repo = createAccountsRepo(deps.db);
  const log = deps.log ?? ((message: string, error: unknown) => console.error(`[outbox] ${message}`, error));

  const choices = new Map<string, { platform: PlatformId; choice: ConnectChoice; expiresAt: number }>();
  const flows = new Set<AbortController>();
  const refreshing = new Map<string, Promise<RefreshOutcome>>();
  /** New secrets the keychain refused to take; kept (in memory only) until it takes them. */
  const unsaved = new Map<string, SecretEnvelope>();
  let currentOAuth: AbortController | null = null;
  let timer: TimerHandle | null = null;
  let timerDue: number | null = null;
  let lastDailyRun: number | null = null;
  let missedWhileOffline = false;
  let closed = false;

  // --- secrets -------------------------------------------------------------------------------

  const store = deps.secrets;

  async function persist(id: string, envelope: SecretEnvelope): Promise<boolean> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await store.set(accountKey(id), JSON.stringify(envelope));
        unsaved.delete(id);
        return true;
      } catch (error) {
        lastError = error;
      }
    }
    // The platform may already have retired the old refresh token: losing these would lose the
    // account, so they stay usable in memory and are saved again at the next chance.
    unsaved.set(id, envelope);
    log(`could not save refreshed secrets of account ${id}; keeping them until the keychain takes them`, lastError);
    return false;
  }

  async function readSecrets(id: string): Promise<SecretEnvelope | null> {
    const pending = unsaved.get(id);
    if (pending) {
      await persist(id, pending);
      return pending;
    }
    const text = await store.get(accountKey(id));
    if (text === null) return null;
    try {
      const parsed = JSON.parse(text) as Partial<SecretEnvelope>;
      if (typeof parsed.secrets !== 'object' || parsed.secrets === null) return null;
      return { v: 1, secrets: parsed.secrets, tokenExpiresAt: typeof parsed.tokenExpiresAt === 'number' ? parsed.tokenExpiresAt : null };
    } catch {
      return null;
    }
  }

  async function appCredentialsFor(platform: PlatformId): Promise<{ clientId: string; clientSecret?: string } | null> {
    for (const p of [platform, APP_FALLBACK[platform]]) {
      if (!p) continue;
      const text = await store.get(appKey(p));
      if (text === null) continue;
      try {
        const parsed = JSON.parse(text) as { clientId?: unknown; clientSecret?: unknown };
        if (typeof parsed.clientId === 'string') return { clientId: parsed.clientId, ...(typeof parsed.clientSecret === 'string' ? { clientSecret: parsed.clientSecret } : {}) };
      } catch {
        // An unreadable entry counts as not configured.
      }
    }
    return null;
  }

  // --- connect context -----------------------------------------------------------------------

  async function runOAuth(platform: PlatformId, config: OAuthClientConfig, signal: AbortSignal) {
    // One consent at a time: a new attempt replaces an abandoned one (they share the port).
    currentOAuth?.abort();
    const controller = new AbortController();
    currentOAuth = controller;
    const forward = () => controller.abort();
    signal.addEventListener('abort', forward, { once: true });
    const override = deps.platforms[platform]?.['redirectPort'];
    try {
      return await authorize(config, { openBrowser: deps.openBrowser, clock, port: override !== undefined ? Number(override) : OAUTH_REDIRECT_PORT, signal: controller.signal });
    } finally {
      signal.removeEventListener('abort', forward);
      if (currentOAuth === controller) currentOAuth = null;
    }
  }

  function connectContext(platform: PlatformId, app: ConnectContext['appCredentials'], signal: AbortSignal): ConnectContext {
    return {
      endpoints: deps.platforms[platform] ?? {},
      now: () => clock.now(),
      signal,
      oauth: (config) => runOAuth(platform, config, signal),
      refreshToken: (config, refreshToken) => refreshGrant(config, refreshToken, signal),
      appCredentials: app,
      secretCache: {
        get: (key) => store.get(cacheKey(platform, key)),
        set: (key, value) => store.set(cacheKey(platform, key), value),
      },
    };
  }

  async function withFlow<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    flows.add(controller);
    try {
      return await fn(controller.signal);
    } finally {
      flows.delete(controller);
    }
  }

  // --- events and transitions ----------------------------------------------------------------

  function changed(ids: string[]) {
    if (ids.length > 0) bus.emit('accounts:changed', { ids });
  }

  function tellNeedsReconnect(row: AccountRow, connection: ConnectionState, message: string) {
    const what = connection === 'token_expired' ? 'its sign-in expired' : 'it is no longer reachable';
    notifier.notify({
      kind: 'account_needs_reconnect',
      title: `Reconnect ${label(row.platform)} ${row.handle}`,
      body: `Outbox cannot post as ${row.handle} on ${label(row.platform)}: ${what}. ${message}`.trim(),
      target: { accountId: row.id },
    });
  }

  async function markExpired(id: string, reason: string) {
    const row = repo.get(id);
    if (!row) return;
    if (row.connection !== 'token_expired') {
      repo.setConnection(id, 'token_expired', clock.now());
      if (row.connection === 'connected') tellNeedsReconnect(row, 'token_expired', reason);
      changed([id]);
    }
  }

  // --- saving a connection -------------------------------------------------------------------

  async function save(platform: PlatformId, connected: ConnectedAccount): Promise<Account> {
    if (typeof connected.platformUserId !== 'string' || connected.platformUserId === '') throw new AppError('internal', `${label(platform)} did not say which account this is`);
    const instanceUrl = connected.instanceUrl ?? '';
    const now = clock.now();
    const existing = repo.findByIdentity(platform, instanceUrl, connected.platformUserId);
    const id = existing?.id ?? randomUUID();
    // Secrets first: a row without its secrets would be an account that cannot post.
    await store.set(accountKey(id), JSON.stringify({ v: 1, secrets: connected.secrets, tokenExpiresAt: connected.tokenExpiresAt } satisfies SecretEnvelope));
    unsaved.delete(id);
    const profile = { handle: connected.handle, displayName: connected.displayName, avatarUrl: connected.avatarUrl, meta: connected.meta, tokenExpiresAt: connected.tokenExpiresAt };
    try {
      if (existing) repo.reconnect(id, profile, now);
      else repo.insert({ id, platform, platformUserId: connected.platformUserId, instanceUrl, ...profile }, now);
    } catch (error) {
      if (!existing) await store.delete(accountKey(id)).catch(() => {});
      throw error;
    }
    changed([id]);
    scheduleCheck();
    return toAccount(repo.get(id)!);
  }

  function pruneChoices() {
    const now = clock.now();
    for (const [id, pending] of choices) if (pending.expiresAt <= now) choices.delete(id);
  }

  async function offerOrFinish(platform: PlatformId, result: ConnectedAccount | ConnectChoice): Promise<ConnectResult> {
    if (!('kind' in result && result.kind === 'choose')) return { status: 'connected', account: await save(platform, result as ConnectedAccount) };
    if (result.options.length === 0) {
      throw new AppError('not_found', `This ${label(platform)} login manages nothing Outbox can post to (no pages, accounts or channels were listed). Check the permissions you granted and try again.`);
    }
    if (result.options.length === 1) return { status: 'connected', account: await save(platform, await result.complete(result.options[0]!.id)) };
    const pendingId = randomUUID();
    choices.set(pendingId, { platform, choice: result, expiresAt: clock.now() + CHOICE_TTL_MS });
    return { status: 'choose', pendingId, options: result.options.map((o) => ({ id: o.id, name: o.name, kind: o.kind, avatarUrl: o.avatarUrl })) };
  }

  // --- refresh -------------------------------------------------------------------------------

  async function doRefresh(id: string): Promise<RefreshOutcome> {
    const row = repo.get(id);
    if (!row) return 'gone';
    const connector = connectors[row.platform];
    if (!connector?.refresh) return 'unsupported';
    const envelope = await readSecrets(id);
    if (!envelope) return 'gone';
    const app = await appCredentialsFor(row.platform);
    let out: { secrets: Record<string, unknown>; tokenExpiresAt: number | null };
    try {
      out = await withFlow((signal) => connector.refresh!(toPublishAccount(row), envelope.secrets, connectContext(row.platform, app, signal)));
    } catch (error) {
      if (error instanceof RefreshNotPossible) return 'unsupported';
      if (isRefusal(error)) {
        await markExpired(id, error instanceof Error ? error.message : String(error));
        return 'refused';
      }
      throw toAppError(error, row.platform);
    }
    // Stored before anything uses them: a rotating refresh token is only good once.
    await persist(id, { v: 1, secrets: out.secrets, tokenExpiresAt: out.tokenExpiresAt });
    const now = clock.now();
    repo.setTokenExpiry(id, out.tokenExpiresAt, now);
    if (row.connection !== 'connected') repo.setConnection(id, 'connected', now);
    changed([id]);
    return 'refreshed';
  }

  /** One refresh per account at a time: two with the same rotating token would revoke the grant. */
  function refreshOnce(id: string): Promise<RefreshOutcome> {
    let running = refreshing.get(id);
    if (!running) {
      running = doRefresh(id).finally(() => refreshing.delete(id));
      refreshing.set(id, running);
    }
    return running;
  }

  // --- checks --------------------------------------------------------------------------------

  async function checkOne(row: AccountRow): Promise<void> {
    const connector = connectors[row.platform];
    if (!connector) return;
    let envelope = await readSecrets(row.id);
    const now = clock.now();
    if (!envelope) {
      repo.recordCheck(row.id, 'disconnected', undefined, now);
      if (row.connection === 'connected') tellNeedsReconnect(row, 'disconnected', 'Its saved sign-in is missing from the keychain; connect it again.');
      return;
    }
    let refreshed = false;
    if (connector.refresh && envelope.tokenExpiresAt !== null && envelope.tokenExpiresAt - now < CHECK_REFRESH_WINDOW_MS) {
      const outcome = await refreshOnce(row.id);
      if (outcome === 'refused') {
        repo.recordCheck(row.id, 'token_expired', undefined, clock.now());
        return;
      }
      if (outcome === 'refreshed') {
        refreshed = true;
        envelope = (await readSecrets(row.id)) ?? envelope;
      }
      if (outcome === 'unsupported' && envelope.tokenExpiresAt !== null) announceExpiry(row, envelope.tokenExpiresAt, now);
    }
    const app = await appCredentialsFor(row.platform);
    const check = () => withFlow((signal) => connector.check(toPublishAccount(row), envelope!.secrets, connectContext(row.platform, app, signal)));
    let result = await check();
    if (result.connection === 'token_expired' && connector.refresh && !refreshed) {
      // The token died early (revoked, or the platform shortened it): one refresh, one more look.
      const outcome = await refreshOnce(row.id);
      if (outcome === 'refreshed') {
        envelope = (await readSecrets(row.id)) ?? envelope;
        result = await check();
      }
    }
    if (result.secrets) await persist(row.id, { ...envelope, secrets: result.secrets });
    const current = repo.get(row.id);
    if (!current) return;
    repo.recordCheck(row.id, result.connection, result.profile, clock.now());
    if (current.connection === 'connected' && result.connection !== 'connected') tellNeedsReconnect(current, result.connection, result.message ?? '');
  }

  /**
   * A token with no refresh token (LinkedIn, for most apps) simply ends: once it is within
   * EXPIRY_NOTICE_MS of its end, the creator is told once (per expiry) to reconnect before then.
   */
  function announceExpiry(row: AccountRow, expiresAt: number, now: number) {
    if (expiresAt - now > EXPIRY_NOTICE_MS || expiresAt <= now || row.connection !== 'connected') return;
    if (repo.expiryNoticeFor(row.id) === expiresAt) return;
    repo.setExpiryNotice(row.id, expiresAt);
    const days = Math.max(1, Math.ceil((expiresAt - now) / 86_400_000));
    notifier.notify({
      kind: 'account_needs_reconnect',
      title: `Reconnect your ${label(row.platform)} account ${row.handle}`,
      body: `Its sign-in ends in ${days} day${days === 1 ? '' : 's'} (${new Date(expiresAt).toISOString().slice(0, 10)}) and ${label(row.platform)} gives Outbox no way to renew it: reconnect it before then so your scheduled posts go out.`,
      target: { accountId: row.id },
    });
  }

  async function checkRows(rows: AccountRow[], quiet: boolean): Promise<string[]> {
    const done: string[] = [];
    for (const row of rows) {
      try {
        await checkOne(row);
        done.push(row.id);
      } catch (error) {
        // A hiccup (network, rate limit) proves nothing about the account: it keeps its state.
        if (!quiet) throw toAppError(error, row.platform);
        log(`checking account ${row.id} failed`, error);
      }
    }
    return done;
  }

  // --- the daily check -----------------------------------------------------------------------

  /** After a failed check or an unreadable database, the daily check tries again this much later. */
  const CHECK_RETRY_MS = 60 * 60_000;

  function scheduleCheck() {
    timer?.cancel();
    timer = null;
    timerDue = null;
    if (closed) return;
    let rows: AccountRow[];
    try {
      rows = repo.list();
    } catch (error) {
      // The timer must stay armed whatever the database says.
      log('could not plan the daily account check', error);
      timerDue = clock.now() + CHECK_RETRY_MS;
      timer = clock.setTimeout(() => void runDaily(), CHECK_RETRY_MS);
      return;
    }
    if (rows.length === 0) return;
    const now = clock.now();
    const oldest = Math.min(...rows.map((r) => r.lastCheckedAt ?? r.createdAt));
    let due = oldest + DAILY_CHECK_MS;
    if (lastDailyRun !== null) due = Math.max(due, lastDailyRun + DAILY_CHECK_MS);
    else due = Math.max(due, now + STARTUP_GRACE_MS);
    timerDue = due;
    timer = clock.setTimeout(() => void runDaily(), Math.max(0, due - now));
  }

  async function runDaily() {
    // Also reached from the network coming back: the armed timer must not stay behind as a second one.
    timer?.cancel();
    timer = null;
    timerDue = null;
    if (closed) return;
    lastDailyRun = clock.now();
    if (!deps.network.isOnline()) {
      missedWhileOffline = true;
      scheduleCheck();
      return;
    }
    missedWhileOffline = false;
    try {
      const ids = await checkRows(repo.list(), true);
      if (!closed) changed(ids);
    } catch (error) {
      log('the daily account check failed', error);
    } finally {
      scheduleCheck();
    }
  }

  const unsubscribeNetwork = deps.network.subscribe((online) => {
    if (online && missedWhileOffline && !closed) void runDaily();
  });

  // --- the service ---------------------------------------------------------------------------

  const credentials: CredentialsProvider = {
    async get(accountId) {
      const row = repo.get(accountId);
      if (!row) throw new CredentialsError('not_found', 'account disconnected');
      let envelope = await readSecrets(accountId);
      if (!envelope) throw new CredentialsError('no_secrets', `The sign-in of ${row.handle} on ${label(row.platform)} is missing from the keychain; connect the account again.`);
      const connector = connectors[row.platform];
      const now = clock.now();
      if (connector?.refresh && envelope.tokenExpiresAt !== null && envelope.tokenExpiresAt - now < REFRESH_MARGIN_MS) {
        let outcome: RefreshOutcome;
        try {
          outcome = await refreshOnce(accountId);
        } catch (error) {
          // Could not refresh right now: a token that is still valid is better than none.
          if (envelope.tokenExpiresAt > now) return envelope.secrets;
          throw error;
        }
        if (outcome === 'refused') throw new CredentialsError('token_expired', `The sign-in of ${row.handle} on ${label(row.platform)} expired; reconnect the account.`);
        if (outcome === 'refreshed') envelope = (await readSecrets(accountId)) ?? envelope;
        if (outcome === 'unsupported' && envelope.tokenExpiresAt !== null && envelope.tokenExpiresAt <= now) {
          // No refresh token (LinkedIn) and the token has ended: no request would be accepted.
          const message = `The sign-in of ${row.handle} on ${label(row.platform)} ended on ${new Date(envelope.tokenExpiresAt).toISOString().slice(0, 10)}; reconnect the account.`;
          await markExpired(accountId, message);
          throw new CredentialsError('token_expired', message);
        }
      }
      return envelope.secrets;
    },
    async refresh(accountId) {
      return (await refreshOnce(accountId)) === 'refreshed';
    },
    markExpired,
  };

  return {
    credentials,

    list(): Account[] {
      return repo.list().map(toAccount);
    },

    async connect(input: { platform: PlatformId } & Record<string, unknown>): Promise<ConnectResult> {
      const { platform, ...rest } = input;
      const connector = connectors[platform];
      if (!connector) throw invalid('platform', `${label(platform)} accounts cannot be connected in this version of Outbox`);
      pruneChoices();
      try {
        // Reading the app credentials also proves the keychain works before a browser opens.
        const app = await appCredentialsFor(platform);
        if (isOAuthPlatform(platform) && !app) {
          throw invalid('platform', `add your own ${label(platform)} developer app first (client id and secret, with ${OAUTH_REDIRECT_URI} as its redirect URI); Outbox has no shared app`);
        }
        const result = await withFlow((signal) => connector.connect(rest, connectContext(platform, app, signal)));
        return await offerOrFinish(platform, result);
      } catch (error) {
        throw toAppError(error, platform);
      }
    },

    async choose(pendingId: string, optionId: string): Promise<ConnectResult> {
      pruneChoices();
      const pending = choices.get(pendingId);
      if (!pending) throw new AppError('not_found', 'This choice expired or was already made; connect the account again.');
      if (!pending.choice.options.some((o) => o.id === optionId)) throw invalid('optionId', 'is not one of the options offered');
      try {
        const connected = await pending.choice.complete(optionId);
        choices.delete(pendingId);
        return { status: 'connected', account: await save(pending.platform, connected) };
      } catch (error) {
        throw toAppError(error, pending.platform);
      }
    },

    setActive(id: string, active: boolean): Account {
      if (!repo.get(id)) throw notFound('Account', id);
      repo.setActive(id, active, clock.now());
      changed([id]);
      return toAccount(repo.get(id)!);
    },

    async disconnect(id: string): Promise<{ id: string }> {
      const row = repo.get(id);
      if (!row) throw notFound('Account', id);
      try {
        await store.delete(accountKey(id));
      } catch (error) {
        throw toAppError(error, row.platform);
      }
      unsaved.delete(id);
      const posts = deps.db.transaction(() => {
        const ids = deps.posts.postIdsOfAccount(id);
        repo.remove(id);
        return ids;
      })();
      changed([id]);
      if (posts.length > 0) bus.emit('posts:changed', { ids: posts });
      scheduleCheck();
      return { id };
    },

    /** `accounts:setHandOff`: whether the account's platform publishes its scheduled posts; the engine follows on its next turn. */
    setHandOff(id: string, handOff: boolean): Account {
      const row = repo.get(id);
      if (!row) throw notFound('Account', id);
      if (!platformSpec(row.platform).handOff) throw invalid('handOff', `${label(row.platform)} has no scheduler of its own: Outbox publishes its posts`);
      const now = clock.now();
      const posts = deps.db.transaction(() => {
        repo.setHandOff(id, handOff, now);
        deps.posts.touchRemoteOfAccount(id, now);
        return deps.posts.postIdsOfAccount(id);
      })();
      changed([id]);
      if (posts.length > 0) bus.emit('posts:changed', { ids: posts });
      return toAccount(repo.get(id)!);
    },

    /** `accounts:lookup`: runs a platform module's named lookup for an account, with its fresh secrets. */
    async lookup(id: string, name: string, input: Record<string, unknown>): Promise<unknown> {
      const row = repo.get(id);
      if (!row) throw notFound('Account', id);
      const fn = deps.lookups?.[row.platform]?.[name];
      if (!fn) throw invalid('name', `${label(row.platform)} has no lookup named ${name}`);
      let secrets: Record<string, unknown>;
      try {
        secrets = await credentials.get(id);
      } catch (error) {
        throw new AppError('unauthorized', `Reconnect ${row.handle} on ${label(row.platform)}: ${error instanceof Error ? error.message : String(error)}`);
      }
      try {
        return await withFlow((signal) =>
          fn({ account: toPublishAccount(row), credentials: secrets, endpoints: deps.platforms[row.platform] ?? {}, signal: AbortSignal.any([signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]), now: () => clock.now() }, input),
        );
      } catch (error) {
        throw toAppError(error, row.platform);
      }
    },

    async check(id?: string): Promise<Account[]> {
      let rows: AccountRow[];
      if (id !== undefined) {
        const row = repo.get(id);
        if (!row) throw notFound('Account', id);
        rows = [row];
      } else {
        rows = repo.list();
      }
      if (rows.length === 0) return [];
      if (!deps.network.isOnline()) throw new AppError('offline', 'Outbox is offline, so the accounts were not checked.');
      // One account: its failure is the answer. All of them: a hiccup on one must not hide the others.
      const ids = await checkRows(rows, id === undefined);
      changed(ids);
      return rows.map((r) => repo.get(r.id)).filter((r): r is AccountRow => r !== null).map(toAccount);
    },

    async setAppCredentials(platform: PlatformId, clientId: string, clientSecret: string | undefined) {
      try {
        await store.set(appKey(platform), JSON.stringify({ clientId, ...(clientSecret !== undefined ? { clientSecret } : {}) }));
      } catch (error) {
        throw toAppError(error, platform);
      }
      return { platform, configured: true as const };
    },

    async appCredentials(): Promise<Array<{ platform: PlatformId; configured: boolean }>> {
      try {
        const out: Array<{ platform: PlatformId; configured: boolean }> = [];
        for (const platform of OAUTH_PLATFORMS) out.push({ platform, configured: (await appCredentialsFor(platform)) !== null });
        return out;
      } catch (error) {
        throw toAppError(error, 'x');
      }
    },

    /** Arms the daily check (call once the engine is up). */
    start() {
      scheduleCheck();
    },

    /** When the next daily check fires (UTC ms), or null when none is armed. */
    nextCheckAt(): number | null {
      return timerDue;
    },

    async close() {
      closed = true;
      timer?.cancel();
      timer = null;
      unsubscribeNetwork();
      currentOAuth?.abort();
      for (const flow of flows) flow.abort();
      choices.clear();
      await Promise.allSettled([...refreshing.values()]);
      for (const [id, envelope] of [...unsaved]) await persist(id, envelope);
    },
  };
}

/** The accounts service. */
export type AccountsService = ReturnType<typeof createAccountsService>;
