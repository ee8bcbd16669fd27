// The accounts service dispatches to the Mastodon, Telegram and Bluesky connectors (written and
// tested in depth by their platform engineers): one connection each through the engine, against
// the same peers their own tests use, to prove the wiring, the keychain envelope and the checks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { startTelegramFake, type TelegramFake } from '../../../fakes/telegram';
import { startPds, type TestPds } from '../../../support/pds';
import { makeTestCore, type TestCore } from '../../../support/core';
import { storedSecrets } from './helpers';

let t: TestCore;
afterEach(async () => t?.dispose());

describe('Telegram (bot token + chat, against the Bot API fake)', () => {
  let telegram: TelegramFake;
  beforeAll(async () => {
    telegram = await startTelegramFake();
  });
  afterAll(async () => telegram.close());

  it('connects the channel, keeps the bot token in the keychain only, and checks it', async () => {
    t = await makeTestCore();
    const result = await t.core.invoke('accounts:connect', { platform: 'telegram', botToken: telegram.token, chatId: '@outboxnews', apiBase: telegram.url });
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    const account = result.value.account;
    expect(account).toMatchObject({ platform: 'telegram', connection: 'connected' });
    expect(JSON.stringify(result)).not.toContain(telegram.token);
    expect(JSON.stringify(await storedSecrets(t.secrets, account.id))).toContain(telegram.token);
    expect(await t.core.invoke('accounts:check', { id: account.id })).toMatchObject({ ok: true, value: [{ connection: 'connected' }] });
    // The same bot and chat again updates the account.
    const again = await t.core.invoke('accounts:connect', { platform: 'telegram', botToken: telegram.token, chatId: '@outboxnews', apiBase: telegram.url });
    expect(again).toMatchObject({ ok: true, value: { account: { id: account.id } } });
  });

  it('a chat the bot cannot see is a validation error on chatId and nothing is stored', async () => {
    t = await makeTestCore();
    const result = await t.core.invoke('accounts:connect', { platform: 'telegram', botToken: telegram.token, chatId: '@nosuchchat', apiBase: telegram.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'chatId' }] } });
    expect([...t.secrets.values.keys()]).toEqual([]);
  });
});

describe('Mastodon (app registration + OAuth with PKCE, against the Mastodon fake)', () => {
  let mastodon: MastodonFake;
  beforeAll(async () => {
    mastodon = await startMastodonFake();
  });
  afterAll(async () => mastodon.close());

  it('registers once per instance, connects through the browser, and a revoked token is token_expired', async () => {
    t = await makeTestCore({ platforms: { mastodon: { redirectPort: '0' } } });
    const connect = async () => {
      const opened = t.browser.next();
      const answer = t.core.invoke('accounts:connect', { platform: 'mastodon', instanceUrl: mastodon.url });
      const authorize = await fetch(await opened, { redirect: 'manual' });
      await fetch(authorize.headers.get('location')!);
      return answer;
    };
    const result = await connect();
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    expect(result.value.account).toMatchObject({ platform: 'mastodon', instanceUrl: expect.stringContaining('127.0.0.1'), connection: 'connected' });
    expect(await connect()).toMatchObject({ ok: true, value: { account: { id: result.value.account.id } } });
    expect(mastodon.apps).toHaveLength(1);
    mastodon.revokeAllTokens();
    expect(await t.core.invoke('accounts:check', {})).toMatchObject({ ok: true, value: [{ connection: 'token_expired' }] });
  });
});

describe('Bluesky (app password, against a real PDS)', () => {
  let pds: TestPds;
  beforeAll(async () => {
    pds = await startPds();
  }, 120_000);
  afterAll(async () => pds?.close());

  it('connects with an app password that never leaves the keychain, and the check passes', async () => {
    const account = await pds.createAccount('dispatch.test', { displayName: 'Dispatch' });
    t = await makeTestCore();
    const result = await t.core.invoke('accounts:connect', { platform: 'bluesky', identifier: account.handle, appPassword: account.appPassword, service: pds.service });
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    expect(result.value.account).toMatchObject({ platform: 'bluesky', handle: expect.stringContaining('dispatch.test'), connection: 'connected' });
    expect(JSON.stringify(result)).not.toContain(account.appPassword);
    expect(await t.core.invoke('accounts:check', { id: result.value.account.id })).toMatchObject({ ok: true, value: [{ connection: 'connected' }] });
    expect(JSON.stringify(await storedSecrets(t.secrets, result.value.account.id))).toContain(account.appPassword);
  });
});
