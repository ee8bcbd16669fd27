import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refreshGrant } from '../../../../src/main/core/oauth/oauth-flow';
import { KeychainUnavailableError } from '../../../../src/main/core/ports/keychain';
import { MemorySecretStore } from '../../../../src/main/core/ports/doubles';
import type { FakeOAuthServer } from '../../../fakes/oauth-server';
import { makeTestCore, type TestCore } from '../../../support/core';
import { withDb } from '../../../support/accounts-fixture';
import { connectX, startXServer, storedSecrets, X_CLIENT, xPlatforms } from './helpers';

let server: FakeOAuthServer;
let t: TestCore;
const events: Array<{ event: string; ids: string[] }> = [];

beforeAll(async () => {
  server = await startXServer();
});
afterAll(async () => server.close());

async function freshCore(options: Parameters<typeof makeTestCore>[0] = {}) {
  t = await makeTestCore({ platforms: xPlatforms(server), ...options });
  events.length = 0;
  t.core.on('accounts:changed', ({ ids }) => events.push({ event: 'accounts:changed', ids }));
  t.core.on('posts:changed', ({ ids }) => events.push({ event: 'posts:changed', ids }));
  expect(await t.core.invoke('accounts:setAppCredentials', { platform: 'x', clientId: X_CLIENT.clientId })).toEqual({ ok: true, value: { platform: 'x', configured: true } });
  server.decision = 'approve';
  server.accountId = 'user-1';
  return t;
}
afterEach(async () => t?.dispose());

describe('connecting an OAuth account (X against a real OAuth server with PKCE)', () => {
  it('a consented sign-in creates a connected account; its tokens are in the keychain and nowhere in the answer', async () => {
    await freshCore();
    const result = await connectX(t, server);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    const account = result.value.account;
    expect(account).toMatchObject({ platform: 'x', handle: '@first_user', displayName: 'First User', avatarUrl: 'https://pbs.example/1001.jpg', instanceUrl: null, active: true, connection: 'connected' });
    expect(account.tokenExpiresAt).toBe(new Date(t.clock.now() + 7200_000).toISOString());
    const secrets = await storedSecrets(t.secrets, account.id);
    expect(secrets['accessToken']).toEqual(expect.any(String));
    expect(secrets['refreshToken']).toEqual(expect.any(String));
    expect(JSON.stringify(result)).not.toContain(secrets['accessToken'] as string);
    expect(JSON.stringify(result)).not.toContain(secrets['refreshToken'] as string);
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [account] });
    expect(events).toContainEqual({ event: 'accounts:changed', ids: [account.id] });
    const apps = await t.core.invoke('accounts:appCredentials');
    expect(apps.ok && apps.value.find((a) => a.platform === 'x')).toEqual({ platform: 'x', configured: true });
    expect(apps.ok && apps.value.find((a) => a.platform === 'youtube')).toEqual({ platform: 'youtube', configured: false });
  });

  it('connecting the same X user again updates the account instead of adding one; another user adds one', async () => {
    await freshCore();
    const first = await connectX(t, server);
    const again = await connectX(t, server);
    if (!first.ok || !again.ok || first.value.status !== 'connected' || again.value.status !== 'connected') throw new Error('connect failed');
    expect(again.value.account.id).toBe(first.value.account.id);
    server.accountId = 'user-2';
    const other = await connectX(t, server);
    if (!other.ok || other.value.status !== 'connected') throw new Error('connect failed');
    expect(other.value.account.id).not.toBe(first.value.account.id);
    const list = await t.core.invoke('accounts:list');
    expect(list.ok && list.value.map((a) => a.handle).sort()).toEqual(['@first_user', '@second_user']);
  });

  it('a wrong state ends the attempt with a clear error and no account', async () => {
    await freshCore();
    const result = await connectX(t, server, async (url) => {
      const target = new URL(await server.redirectTarget(url));
      target.searchParams.set('state', 'not-the-state-we-sent');
      await fetch(target);
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(!result.ok && result.error.message).toMatch(/state did not match/);
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [] });
    expect([...t.secrets.values.keys()]).toEqual(['app:x']);
  });

  it('a denied consent ends the attempt with a clear error and no account', async () => {
    await freshCore();
    server.decision = 'deny';
    const result = await connectX(t, server);
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(!result.ok && result.error.message).toMatch(/not granted/);
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [] });
  });

  it('an attempt nobody finishes gives up after 5 minutes with a clear error and no account', async () => {
    await freshCore();
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'x' });
    const redirect = new URL(new URL(await opened).searchParams.get('redirect_uri')!);
    await t.clock.advance(5 * 60_000);
    const result = await answer;
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(!result.ok && result.error.message).toMatch(/5 minutes/);
    await expect(fetch(redirect)).rejects.toThrow();
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [] });
  });

  it('starting a new sign-in replaces an abandoned one (they share the redirect port), and the new one connects', async () => {
    await freshCore();
    const firstOpened = t.browser.next();
    const first = t.core.invoke('accounts:connect', { platform: 'x' });
    const abandoned = await firstOpened;
    const second = await connectX(t, server);
    expect(second).toMatchObject({ ok: true, value: { status: 'connected' } });
    expect(await first).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(abandoned).not.toBe(t.browser.opened[1]);
  });

  it('without the creator\'s developer app, connecting is a validation error on platform and no browser opens', async () => {
    t = await makeTestCore({ platforms: xPlatforms(server) });
    const result = await t.core.invoke('accounts:connect', { platform: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'platform' }] } });
    expect(!result.ok && result.error.message).toMatch(/developer app/);
    expect(t.browser.opened).toEqual([]);
  });

  it('with no OS keychain, connecting fails with a message saying what to install, and nothing is stored anywhere', async () => {
    const broken = new MemorySecretStore();
    const unavailable = () => Promise.reject(new KeychainUnavailableError(new Error('org.freedesktop.secrets was not provided by any .service files')));
    broken.get = unavailable;
    broken.set = unavailable;
    t = await makeTestCore({ platforms: xPlatforms(server), secrets: broken });
    const setApp = await t.core.invoke('accounts:setAppCredentials', { platform: 'x', clientId: 'abc' });
    expect(!setApp.ok && setApp.error.message).toMatch(/keychain/i);
    const result = await t.core.invoke('accounts:connect', { platform: 'bluesky', identifier: 'a.example', appPassword: 'aaaa-bbbb-cccc-dddd' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/Secret Service keyring \(for example gnome-keyring/);
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [] });
    expect(broken.values.size).toBe(0);
  });
});

describe('keeping an OAuth account healthy', () => {
  it('a check refreshes the token with rotation: the new refresh token is stored and the used one is refused by the server', async () => {
    await freshCore();
    const result = await connectX(t, server);
    if (!result.ok || result.value.status !== 'connected') throw new Error('connect failed');
    const id = result.value.account.id;
    const before = await storedSecrets(t.secrets, id);
    await t.clock.advance(60 * 60_000);
    const checked = await t.core.invoke('accounts:check', { id });
    expect(checked).toMatchObject({ ok: true, value: [{ id, connection: 'connected', lastCheckedAt: new Date(t.clock.now()).toISOString() }] });
    const after = await storedSecrets(t.secrets, id);
    expect(after['accessToken']).not.toBe(before['accessToken']);
    expect(after['refreshToken']).not.toBe(before['refreshToken']);
    expect(checked.ok && checked.value[0]!.tokenExpiresAt).toBe(new Date(t.clock.now() + 7200_000).toISOString());
    const config = { authorizeUrl: server.authorizeUrl, tokenUrl: server.tokenUrl, clientId: X_CLIENT.clientId, scopes: [] };
    await expect(refreshGrant(config, before['refreshToken'] as string)).rejects.toMatchObject({ kind: 'invalid_grant' });
  });

  it('a refused refresh marks the account token_expired, tells the notifier once and emits accounts:changed', async () => {
    await freshCore();
    const result = await connectX(t, server);
    if (!result.ok || result.value.status !== 'connected') throw new Error('connect failed');
    const id = result.value.account.id;
    // The creator removes Outbox's access on the platform.
    await server.revoke((await storedSecrets(t.secrets, id))['refreshToken'] as string, X_CLIENT);
    events.length = 0;
    const checked = await t.core.invoke('accounts:check', {});
    expect(checked).toMatchObject({ ok: true, value: [{ id, connection: 'token_expired' }] });
    expect(t.notifier.notifications).toEqual([expect.objectContaining({ kind: 'account_needs_reconnect', target: { accountId: id } })]);
    expect(t.notifier.notifications[0]!.title).toContain('@first_user');
    expect(events).toContainEqual({ event: 'accounts:changed', ids: [id] });
    await t.core.invoke('accounts:check', { id });
    expect(t.notifier.notifications).toHaveLength(1);
    // Reconnecting revives the same account.
    const again = await connectX(t, server);
    expect(again).toMatchObject({ ok: true, value: { status: 'connected', account: { id, connection: 'connected' } } });
  });

  it('the daily check runs on one timer every 24 hours, not before', async () => {
    await freshCore();
    const result = await connectX(t, server);
    if (!result.ok || result.value.status !== 'connected') throw new Error('connect failed');
    const id = result.value.account.id;
    const connectedAt = t.clock.now();
    const lastChecked = async () => {
      const list = await t.core.invoke('accounts:list');
      return list.ok ? list.value[0]!.lastCheckedAt : null;
    };
    await t.clock.advance(12 * 3600_000);
    expect(await lastChecked()).toBe(new Date(connectedAt).toISOString());
    events.length = 0;
    await t.clock.advance(12 * 3600_000);
    // The timer fires at 24 h; the check's requests go to the real server, so let them finish.
    await expect.poll(lastChecked, { timeout: 5000 }).toBe(new Date(connectedAt + 24 * 3600_000).toISOString());
    expect(events).toContainEqual({ event: 'accounts:changed', ids: [id] });
    await t.clock.advance(24 * 3600_000);
    await expect.poll(lastChecked, { timeout: 5000 }).toBe(new Date(connectedAt + 48 * 3600_000).toISOString());
  });

  it('setActive changes only the flag and emits accounts:changed; an unknown id is not_found', async () => {
    await freshCore();
    const result = await connectX(t, server);
    if (!result.ok || result.value.status !== 'connected') throw new Error('connect failed');
    const id = result.value.account.id;
    events.length = 0;
    expect(await t.core.invoke('accounts:setActive', { id, active: false })).toMatchObject({ ok: true, value: { id, active: false, connection: 'connected' } });
    expect(events).toEqual([{ event: 'accounts:changed', ids: [id] }]);
    expect(await t.core.invoke('accounts:setActive', { id: 'nope', active: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('disconnect deletes the secrets and the account; its entries keep their post with no account, and posts:changed names the post', async () => {
    await freshCore();
    const result = await connectX(t, server);
    if (!result.ok || result.value.status !== 'connected') throw new Error('connect failed');
    const id = result.value.account.id;
    withDb(t.dataDir, (db) => {
      db.prepare(`INSERT INTO posts (id, status, scheduled_at, parts, created_at, updated_at) VALUES ('p1', 'scheduled', @at, '[{"text":"hi","media":[]}]', 1, 1)`).run({ at: t.clock.now() + 3600_000 });
      db.prepare(`INSERT INTO entries (id, post_id, account_id, platform, content_type) VALUES ('e1', 'p1', @id, 'x', 'x_post')`).run({ id });
    });
    events.length = 0;
    expect(await t.core.invoke('accounts:disconnect', { id })).toEqual({ ok: true, value: { id } });
    expect(await t.secrets.get(`account:${id}`)).toBeNull();
    expect(await t.secrets.get('app:x')).not.toBeNull();
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [] });
    expect(withDb(t.dataDir, (db) => db.prepare(`SELECT account_id FROM entries WHERE id = 'e1'`).get())).toEqual({ account_id: null });
    expect(events).toEqual([
      { event: 'accounts:changed', ids: [id] },
      { event: 'posts:changed', ids: ['p1'] },
    ]);
    expect(await t.core.invoke('accounts:disconnect', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
