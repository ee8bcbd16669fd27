import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsService, type AccountsService } from '../../../../src/main/core/accounts/accounts.service';
import { openDatabase, type Db } from '../../../../src/main/core/db/database';
import { loadMigrations, migrate } from '../../../../src/main/core/db/migrate';
import { createPostStore } from '../../../../src/main/core/posts/post-store.repo';
import { createEventBus } from '../../../../src/main/core/events';
import { FakeNetwork, ManualClock, MemorySecretStore, RecordingBrowser, RecordingNotifier } from '../../../../src/main/core/ports/doubles';
import { xConnector } from '../../../../src/main/platforms/x/auth';
import type { FakeOAuthServer } from '../../../fakes/oauth-server';
import { tempDir } from '../../../support/core';
import { startXServer, storedSecrets, X_CLIENT, xPlatforms } from './helpers';

/** A keychain that can be made to refuse account writes, like one that dies mid-refresh. */
class FlakyStore extends MemorySecretStore {
  failAccountWrites = false;
  refused = 0;
  override async set(key: string, value: string) {
    if (this.failAccountWrites && key.startsWith('account:')) {
      this.refused++;
      throw new Error('keychain write failed');
    }
    return super.set(key, value);
  }
}

let server: FakeOAuthServer;
beforeAll(async () => {
  server = await startXServer();
});
afterAll(async () => server.close());

interface Rig {
  db: Db;
  store: FlakyStore;
  clock: ManualClock;
  notifier: RecordingNotifier;
  browser: RecordingBrowser;
  network: FakeNetwork;
  service: AccountsService;
  /** A new service on the same database and keychain (the app started again). */
  restart(options?: { crash?: boolean }): Promise<AccountsService>;
  dispose(): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => rig?.dispose());

async function makeRig(): Promise<Rig> {
  const { dir, remove } = tempDir();
  const db = openDatabase(join(dir, 'outbox.db'));
  migrate(db, loadMigrations());
  const store = new FlakyStore();
  const clock = new ManualClock();
  const notifier = new RecordingNotifier();
  const browser = new RecordingBrowser();
  const network = new FakeNetwork();
  const build = () =>
    createAccountsService({ db, clock, secrets: store, notifier, network, openBrowser: browser.open, platforms: xPlatforms(server), bus: createEventBus(), connectors: { x: xConnector }, posts: createPostStore(db), log: () => {} });
  const r: Rig = {
    db,
    store,
    clock,
    notifier,
    browser,
    network,
    service: build(),
    async restart(options = {}) {
      // A crash skips close(): whatever only lived in memory is gone.
      if (!options.crash) await r.service.close();
      r.service = build();
      return r.service;
    },
    async dispose() {
      await r.service.close();
      db.close();
      remove();
    },
  };
  await r.service.setAppCredentials('x', X_CLIENT.clientId, undefined);
  server.decision = 'approve';
  server.accountId = 'user-1';
  return r;
}

async function connect(r: Rig): Promise<string> {
  const opened = r.browser.next();
  const result = r.service.connect({ platform: 'x' });
  await server.browse(await opened);
  const answer = await result;
  if (answer.status !== 'connected') throw new Error('expected a connected account');
  return answer.account.id;
}

const refreshGrants = () => server.tokenRequests.filter((r) => r.grantType === 'refresh_token');

describe('the credentials provider the engine uses', () => {
  it('get answers the stored token while it is fresh, and refreshes it within 5 minutes of expiry', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    const first = await rig.service.credentials.get(id);
    const grants = refreshGrants().length;
    await rig.clock.advance(2 * 3600_000 - 6 * 60_000);
    expect((await rig.service.credentials.get(id))['accessToken']).toBe(first['accessToken']);
    expect(refreshGrants().length).toBe(grants);
    await rig.clock.advance(2 * 60_000);
    const second = await rig.service.credentials.get(id);
    expect(second['accessToken']).not.toBe(first['accessToken']);
    expect(refreshGrants().length).toBe(grants + 1);
  });

  it('concurrent refreshes of one account send one refresh grant (two would burn the rotating token)', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    const grants = refreshGrants().length;
    const results = await Promise.all([rig.service.credentials.refresh(id), rig.service.credentials.refresh(id), rig.service.credentials.refresh(id)]);
    expect(results).toEqual([true, true, true]);
    expect(refreshGrants().length).toBe(grants + 1);
    expect(refreshGrants().at(-1)!.ok).toBe(true);
  });

  it('get and refresh on an unknown account say "account disconnected" / false', async () => {
    rig = await makeRig();
    await expect(rig.service.credentials.get('gone')).rejects.toMatchObject({ reason: 'not_found', message: 'account disconnected' });
    expect(await rig.service.credentials.refresh('gone')).toBe(false);
  });

  it('markExpired sets token_expired, tells the notifier once, and a later successful refresh reconnects it', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    await rig.service.credentials.markExpired(id, 'X answered 401');
    await rig.service.credentials.markExpired(id, 'X answered 401');
    expect(rig.service.list()[0]!.connection).toBe('token_expired');
    expect(rig.notifier.notifications).toHaveLength(1);
    expect(rig.notifier.notifications[0]!.body).toContain('X answered 401');
    expect(await rig.service.credentials.refresh(id)).toBe(true);
    expect(rig.service.list()[0]!.connection).toBe('connected');
  });
});

describe('a crash between refreshing and saving never loses the account', () => {
  it('when the keychain refuses the rotated tokens, they stay usable in memory and are saved once it recovers', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    const original = await storedSecrets(rig.store, id);
    rig.store.failAccountWrites = true;
    expect(await rig.service.credentials.refresh(id)).toBe(true);
    expect(rig.store.refused).toBeGreaterThan(0);
    // The keychain still has the old (now retired) tokens...
    expect((await storedSecrets(rig.store, id))['refreshToken']).toBe(original['refreshToken']);
    // ...but the account works: the rotated token is used, and refreshing again succeeds.
    const current = await rig.service.credentials.get(id);
    expect(current['refreshToken']).not.toBe(original['refreshToken']);
    expect(await rig.service.credentials.refresh(id)).toBe(true);
    expect(refreshGrants().at(-1)!.ok).toBe(true);
    rig.store.failAccountWrites = false;
    const latest = await rig.service.credentials.get(id);
    expect(await storedSecrets(rig.store, id)).toEqual(latest);
    // A restart finds working tokens in the keychain.
    await rig.restart();
    expect(await rig.service.credentials.refresh(id)).toBe(true);
    expect(rig.service.list()[0]!.connection).toBe('connected');
  });

  it('tokens only held in memory are saved when the engine closes', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    rig.store.failAccountWrites = true;
    expect(await rig.service.credentials.refresh(id)).toBe(true);
    const inMemory = await rig.service.credentials.get(id);
    rig.store.failAccountWrites = false;
    await rig.restart();
    expect(await storedSecrets(rig.store, id)).toEqual(inMemory);
    expect(await rig.service.credentials.refresh(id)).toBe(true);
  });

  it('a crash after saving the new tokens but before updating the row: the keychain copy wins, no extra refresh', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    await rig.clock.advance(2 * 3600_000 - 60_000);
    await rig.service.credentials.get(id);
    const saved = await storedSecrets(rig.store, id);
    // Put the row back as it was before the refresh, as if the process died right after the keychain write.
    rig.db.prepare('UPDATE accounts SET token_expires_at = @old WHERE id = @id').run({ id, old: rig.clock.now() - 1 });
    await rig.restart({ crash: true });
    const grants = refreshGrants().length;
    expect(await rig.service.credentials.get(id)).toEqual(saved);
    expect(refreshGrants().length).toBe(grants);
  });

  it('a crash before the keychain took the rotated tokens keeps the account and its posts; it asks to reconnect and reconnecting revives the same account', async () => {
    rig = await makeRig();
    const id = await connect(rig);
    rig.db.prepare(`INSERT INTO posts (id, status, parts, created_at, updated_at) VALUES ('p1', 'scheduled', '[]', 1, 1)`).run();
    rig.db.prepare(`INSERT INTO entries (id, post_id, account_id, platform, content_type) VALUES ('e1', 'p1', @id, 'x', 'x_post')`).run({ id });
    rig.store.failAccountWrites = true;
    expect(await rig.service.credentials.refresh(id)).toBe(true);
    rig.store.failAccountWrites = false;
    await rig.restart({ crash: true });
    // The server rotated the token the keychain still holds: it refuses it.
    expect(await rig.service.credentials.refresh(id)).toBe(false);
    expect(rig.service.list()).toEqual([expect.objectContaining({ id, connection: 'token_expired' })]);
    expect(rig.notifier.notifications).toEqual([expect.objectContaining({ kind: 'account_needs_reconnect', target: { accountId: id } })]);
    expect(rig.db.prepare(`SELECT account_id FROM entries WHERE id = 'e1'`).get()).toEqual({ account_id: id });
    expect(await connect(rig)).toBe(id);
    expect(rig.service.list()[0]!.connection).toBe('connected');
  });
});

describe('the daily check timer', () => {
  it('is one timer armed for the next due check; offline it waits for the network instead of polling', async () => {
    rig = await makeRig();
    rig.service.start();
    expect(rig.service.nextCheckAt()).toBeNull();
    const id = await connect(rig);
    const connectedAt = rig.clock.now();
    expect(rig.service.nextCheckAt()).toBe(connectedAt + 86_400_000);
    expect(rig.clock.pending()).toBe(1);
    rig.network.set(false);
    await rig.clock.advance(86_400_000);
    // Offline at the due time: nothing was checked, and the next try is a day later, not sooner.
    expect(rig.service.list()[0]!.lastCheckedAt).toBe(new Date(connectedAt).toISOString());
    expect(rig.service.nextCheckAt()).toBe(rig.clock.now() + 86_400_000);
    expect(rig.clock.pending()).toBe(1);
    rig.network.set(true);
    await expect.poll(() => rig!.service.list()[0]!.lastCheckedAt, { timeout: 5000 }).toBe(new Date(rig.clock.now()).toISOString());
    expect(rig.service.list()[0]!.id).toBe(id);
    await rig.service.disconnect(id);
    expect(rig.service.nextCheckAt()).toBeNull();
    expect(rig.clock.pending()).toBe(0);
  });
});
