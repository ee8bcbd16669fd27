import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { MASTODON_REDIRECT_URI, MASTODON_SCOPES, mastodonConnector } from '../../../../src/main/platforms/mastodon/auth';
import type { ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError, type PublishAccount } from '../../../../src/main/platforms/types';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { mastodonSpec } from '../../../support/openapi';
import { testConnectContext } from './helpers';

describe('Mastodon connector', () => {
  let clock: ManualClock;
  let fake: MastodonFake;

  beforeEach(async () => {
    clock = new ManualClock();
    fake = await startMastodonFake({ now: () => clock.now(), limits: { maxCharacters: 1000, maxMediaAttachments: 6, imageSizeLimit: 8 * 1024 * 1024, videoSizeLimit: 40 * 1024 * 1024 } });
  });

  afterEach(async () => {
    // Every request Outbox made and every answer the fake gave must match the Mastodon API description.
    expect(mastodonSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await fake.close();
  });

  function asAccount(connected: ConnectedAccount): PublishAccount {
    return { id: 'acc-1', platform: 'mastodon', handle: connected.handle, platformUserId: connected.platformUserId, instanceUrl: connected.instanceUrl, meta: connected.meta };
  }

  it('connecting registers Outbox on the instance, signs in with PKCE and keeps the profile and token', async () => {
    const ctx = testConnectContext({ now: () => clock.now() });
    const connected = (await mastodonConnector.connect({ instanceUrl: `${fake.url}/` }, ctx)) as ConnectedAccount;

    expect(fake.apps).toHaveLength(1);
    expect(fake.apps[0]!.redirectUris).toEqual([MASTODON_REDIRECT_URI]);
    expect(fake.apps[0]!.scopes).toEqual(MASTODON_SCOPES);
    const authorize = fake.exchanges.find((e) => e.path === '/oauth/authorize')!;
    expect(authorize.status).toBe(302);
    expect(ctx.oauthConfigs[0]).toMatchObject({ authorizeUrl: `${fake.url}/oauth/authorize`, tokenUrl: `${fake.url}/oauth/token`, clientId: fake.apps[0]!.clientId, scopes: MASTODON_SCOPES });

    expect(connected.platformUserId).toBe(fake.users[0]!.id);
    expect(connected.handle).toBe(`@alice@${fake.domain}`);
    expect(connected.displayName).toBe('Alice Example');
    expect(connected.instanceUrl).toBe(fake.url);
    expect(connected.secrets['accessToken']).toBe(fake.tokens[0]!.token);
    expect(connected.tokenExpiresAt).toBeNull();
  });

  it('the instance limits are read at connect into meta.limits under the names validation uses', async () => {
    const connected = (await mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now() }))) as ConnectedAccount;
    expect(connected.meta['limits']).toEqual({
      maxCharacters: 1000,
      charactersReservedPerUrl: 23,
      maxMediaAttachments: 6,
      imageSizeLimit: 8 * 1024 * 1024,
      videoSizeLimit: 40 * 1024 * 1024,
      maxPollOptions: 4,
      maxPollOptionCharacters: 50,
      descriptionLimit: 1500,
    });
  });

  it('the app registration is cached per instance: a second account on the same instance registers nothing new', async () => {
    fake.users.push({ id: '109000000000000002', username: 'bob', displayName: 'Bob' });
    const cache = new Map<string, string>();
    const first = (await mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now(), cache }))) as ConnectedAccount;
    fake.nextConsent = '109000000000000002';
    const second = (await mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now(), cache, redirectPort: 50111 }))) as ConnectedAccount;

    expect(fake.apps).toHaveLength(1);
    expect(fake.exchanges.filter((e) => e.path === '/api/v1/apps')).toHaveLength(1);
    // The second time the instance is asked for a fresh sign-in, so another account can be chosen.
    expect(fake.authorizeRequests.map((q) => q.get('force_login'))).toEqual([null, 'true']);
    expect(first.handle).toBe(`@alice@${fake.domain}`);
    expect(second.handle).toBe(`@bob@${fake.domain}`);

    const other = await startMastodonFake({ now: () => clock.now() });
    try {
      await mastodonConnector.connect({ instanceUrl: other.url }, testConnectContext({ now: () => clock.now(), cache }));
      expect(other.apps).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('a cached app the instance no longer knows is registered again instead of failing at the consent page', async () => {
    const cache = new Map<string, string>();
    await mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now(), cache }));
    fake.removeAllApps();
    const again = (await mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now(), cache }))) as ConnectedAccount;
    expect(fake.apps).toHaveLength(1);
    expect(fake.exchanges.filter((e) => e.path === '/api/v1/apps')).toHaveLength(2);
    expect(again.secrets['clientId']).toBe(fake.apps[0]!.clientId);
  });

  it('a refused consent ends the attempt with no token issued', async () => {
    fake.nextConsent = 'deny';
    await expect(mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now() }))).rejects.toThrow(/not granted/);
    expect(fake.tokens).toHaveLength(0);
  });

  it('the fake enforces PKCE: a code exchanged with the wrong verifier is refused', async () => {
    const ctx = testConnectContext({ now: () => clock.now() });
    await mastodonConnector.connect({ instanceUrl: fake.url }, ctx);
    const app = fake.apps[0]!;
    const verifier = 'a'.repeat(43);
    const { createHash } = await import('node:crypto');
    const authorize = new URL(`${fake.url}/oauth/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: app.clientId, redirect_uri: 'http://127.0.0.1:40000/callback', scope: 'read:accounts', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' })) {
      authorize.searchParams.set(k, v);
    }
    const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const exchange = (v: string) =>
      fetch(`${fake.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'authorization_code', code, client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: 'http://127.0.0.1:40000/callback', code_verifier: v }),
      });
    expect((await exchange('b'.repeat(43))).status).toBe(400);
  });

  it('an address that is not a Mastodon server fails clearly and registers nothing', async () => {
    const plain: Server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not here</h1>'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      const error = await mastodonConnector.connect({ instanceUrl: url }, testConnectContext({ now: () => clock.now() })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).kind).toBe('permanent');
      expect((error as Error).message).toMatch(/does not look like a Mastodon server/);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('a check is connected while the token works, refreshes the limits, and says token_expired once it is revoked', async () => {
    const ctx = testConnectContext({ now: () => clock.now() });
    const connected = (await mastodonConnector.connect({ instanceUrl: fake.url }, ctx)) as ConnectedAccount;
    fake.limits.maxCharacters = 5000;
    const ok = await mastodonConnector.check(asAccount(connected), connected.secrets, ctx);
    expect(ok.connection).toBe('connected');
    expect((ok.profile?.meta?.['limits'] as { maxCharacters: number }).maxCharacters).toBe(5000);

    fake.revokeAllTokens();
    const expired = await mastodonConnector.check(asAccount(connected), connected.secrets, ctx);
    expect(expired.connection).toBe('token_expired');
  });
});
