import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blueskyConnector } from '../../../../src/main/platforms/bluesky/auth';
import { sessionAgent } from '../../../../src/main/platforms/bluesky/session';
import type { ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError, type PublishAccount } from '../../../../src/main/platforms/types';
import { startPds, type PdsAccount, type TestPds } from '../../../support/pds';
import { connectContext } from './context';

let pds: TestPds;
let seq = 0;

beforeAll(async () => {
  pds = await startPds();
});

afterAll(async () => {
  await pds?.close();
});

async function account(displayName?: string): Promise<PdsAccount> {
  seq += 1;
  return pds.createAccount(`carol${seq}.test`, displayName === undefined ? {} : { displayName });
}

async function connect(acc: PdsAccount): Promise<ConnectedAccount> {
  const result = await blueskyConnector.connect({ identifier: acc.handle, appPassword: acc.appPassword, service: pds.service }, connectContext());
  if (!('secrets' in result)) throw new Error('expected an account, not a choice');
  return result;
}

const asPublishAccount = (c: ConnectedAccount): PublishAccount => ({ id: 'a1', platform: 'bluesky', handle: c.handle, platformUserId: c.platformUserId, instanceUrl: c.instanceUrl, meta: c.meta });

/** True when the PDS accepts the secrets' access token. */
async function works(secrets: Record<string, unknown>): Promise<boolean> {
  try {
    await (await sessionAgent(pds.service, String(secrets.did), String(secrets.accessJwt))).com.atproto.server.getSession();
    return true;
  } catch {
    return false;
  }
}

describe('bluesky connector against a real PDS', () => {
  test('connecting with a handle and an app password gives the DID, handle, display name and a session kept with the app password', async () => {
    const acc = await account('Carol Example');
    const before = Date.now();
    const c = await connect(acc);
    expect(c).toMatchObject({ platformUserId: acc.did, handle: acc.handle, displayName: 'Carol Example', avatarUrl: null, instanceUrl: pds.service, meta: { did: acc.did, pdsUrl: pds.service } });
    expect(c.secrets).toMatchObject({ did: acc.did, handle: acc.handle, service: pds.service, identifier: acc.handle, appPassword: acc.appPassword });
    expect(typeof c.secrets.accessJwt).toBe('string');
    expect(typeof c.secrets.refreshJwt).toBe('string');
    // The PDS's access tokens last two hours.
    expect(c.tokenExpiresAt).toBeGreaterThan(before + 60 * 60 * 1000);
    expect(c.tokenExpiresAt).toBeLessThan(before + 3 * 60 * 60 * 1000);
    expect(await works(c.secrets)).toBe(true);
  });

  test('a leading @ is ignored, the display name falls back to the handle, and an avatar is served by the PDS', async () => {
    const acc = await account();
    const agent = await pds.login(acc);
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c63f8cfc0f01f0005000201a1a1d1f60000000049454e44ae426082', 'hex');
    const blob = await agent.uploadBlob(png, { encoding: 'image/png' });
    await agent.com.atproto.repo.putRecord({ repo: acc.did, collection: 'app.bsky.actor.profile', rkey: 'self', record: { $type: 'app.bsky.actor.profile', avatar: blob.data.blob } });

    const result = await blueskyConnector.connect({ identifier: `@${acc.handle}`, appPassword: acc.appPassword, service: pds.service }, connectContext());
    if (!('secrets' in result)) throw new Error('expected an account');
    expect(result.displayName).toBe(acc.handle);
    expect(result.avatarUrl).toMatch(/\/xrpc\/com\.atproto\.sync\.getBlob\?did=/);
    const res = await fetch(result.avatarUrl!);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  test('the service comes from the connect context when the creator names none', async () => {
    const acc = await account();
    const result = await blueskyConnector.connect({ identifier: acc.handle, appPassword: acc.appPassword }, connectContext({ apiBase: pds.service }));
    expect(result).toMatchObject({ platformUserId: acc.did, instanceUrl: pds.service });
  });

  test('a wrong app password is refused as auth; the main password is refused with a pointer to app passwords', async () => {
    const acc = await account();
    const wrong = await blueskyConnector.connect({ identifier: acc.handle, appPassword: 'aaaa-bbbb-cccc-dddd', service: pds.service }, connectContext()).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(PublishError);
    expect(wrong).toMatchObject({ kind: 'auth' });
    const main = await blueskyConnector.connect({ identifier: acc.handle, appPassword: acc.password, service: pds.service }, connectContext()).catch((e: unknown) => e);
    expect(main).toMatchObject({ kind: 'permanent', message: expect.stringMatching(/app password/) });
  });

  test('an unreachable service is transient (offline), not a wrong password', async () => {
    const failure = await blueskyConnector.connect({ identifier: 'x.test', appPassword: 'aaaa-bbbb-cccc-dddd', service: 'http://127.0.0.1:1' }, connectContext()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'transient' });
  });

  test('check: a live session is connected and keeps its secrets', async () => {
    const c = await connect(await account('Dee'));
    const result = await blueskyConnector.check(asPublishAccount(c), c.secrets, connectContext());
    expect(result).toEqual({ connection: 'connected', profile: { handle: c.handle, displayName: 'Dee', avatarUrl: null } });
  });

  test('check: an expired access token is refreshed and the new session handed back to be stored', async () => {
    const c = await connect(await account());
    const expired = { ...c.secrets, accessJwt: pds.expiredAccessJwt(String(c.secrets.accessJwt)) };
    expect(await works(expired)).toBe(false);
    const result = await blueskyConnector.check(asPublishAccount(c), expired, connectContext());
    expect(result.connection).toBe('connected');
    expect(result.secrets).toBeDefined();
    expect(result.secrets!.refreshJwt).not.toBe(c.secrets.refreshJwt);
    expect(await works(result.secrets!)).toBe(true);
  });

  test('check: an expired session whose app password was revoked is token_expired', async () => {
    const acc = await account();
    const c = await connect(acc);
    await pds.revokeAppPasswords(acc);
    const expired = { ...c.secrets, accessJwt: pds.expiredAccessJwt(String(c.secrets.accessJwt)) };
    const result = await blueskyConnector.check(asPublishAccount(c), expired, connectContext());
    expect(result.connection).toBe('token_expired');
    expect(result.secrets).toBeUndefined();
  });

  test('refresh rotates the refresh token and the new session works, twice in a row', async () => {
    const c = await connect(await account());
    const refreshed = await blueskyConnector.refresh!(asPublishAccount(c), c.secrets, connectContext());
    expect(refreshed.secrets.did).toBe(c.platformUserId);
    expect(refreshed.secrets.refreshJwt).not.toBe(c.secrets.refreshJwt);
    expect(refreshed.secrets.appPassword).toBe(c.secrets.appPassword);
    expect(refreshed.tokenExpiresAt).toBeGreaterThan(Date.now());
    expect(await works(refreshed.secrets)).toBe(true);
    // A second refresh with the newest token works too (what the accounts service stores is usable).
    const again = await blueskyConnector.refresh!(asPublishAccount(c), refreshed.secrets, connectContext());
    expect(await works(again.secrets)).toBe(true);
  });

  test('refresh with a dead refresh token signs in again with the stored app password', async () => {
    const c = await connect(await account());
    const dead = { ...c.secrets, accessJwt: pds.expiredAccessJwt(String(c.secrets.accessJwt)), refreshJwt: pds.expiredAccessJwt(String(c.secrets.refreshJwt)) };
    const refreshed = await blueskyConnector.refresh!(asPublishAccount(c), dead, connectContext());
    expect(await works(refreshed.secrets)).toBe(true);
  });

  test('refresh when the app password was revoked fails as auth (the account needs reconnecting)', async () => {
    const acc = await account();
    const c = await connect(acc);
    await pds.revokeAppPasswords(acc);
    const dead = { ...c.secrets, refreshJwt: pds.expiredAccessJwt(String(c.secrets.refreshJwt)) };
    await expect(blueskyConnector.refresh!(asPublishAccount(c), dead, connectContext())).rejects.toMatchObject({ kind: 'auth' });
  });
});
