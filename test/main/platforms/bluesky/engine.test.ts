import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { startPds, type PdsAccount, type TestPds } from '../../../support/pds';
import { imageFile } from './context';

// Through the whole engine against a real PDS: accounts:connect with an app password, a thread
// with an image over 1 MB scheduled and published by the engine's timer, then an expired
// session the engine refreshes through the connector before publishing.
describe('Bluesky through the engine', () => {
  let pds: TestPds;
  let clock: ManualClock;
  let t: TestCore;
  let files: { dir: string; remove: () => void };
  let alice: PdsAccount;
  let bob: PdsAccount;

  beforeAll(async () => {
    pds = await startPds();
    alice = await pds.createAccount('alice.test', { displayName: 'Alice' });
    bob = await pds.createAccount('bob.test');
    // Near real time: the PDS checks token expiry against its own clock.
    clock = new ManualClock(Date.now());
    files = tempDir('outbox-bsky-engine-');
    t = await makeTestCore({ clock });
  });

  afterAll(async () => {
    await t?.dispose();
    await pds?.close();
    files?.remove();
  });

  /**
   * Moves the clock to the post's time, then lets the engine run until the post settles: timers
   * advance 1 s at a time while real I/O (PDS, image encoding) completes.
   */
  async function settle(id: string, dueInMs: number): Promise<Post> {
    await clock.advance(dueInMs);
    for (let i = 0; i < 3_000; i++) {
      const got = await t.core.invoke('posts:get', { id });
      if (!got.ok) throw new Error(got.error.message);
      if (!['scheduled', 'publishing'].includes(got.value.status)) return got.value;
      // Wait for the engine's next change or a moment of real I/O, then let due timers fire.
      let off = () => {};
      await Promise.race([
        new Promise<void>((resolve) => (off = t.core.on('posts:changed', () => resolve()))),
        new Promise<void>((resolve) => setTimeout(resolve, 20)),
      ]);
      off();
      await clock.advance(1_000);
    }
    throw new Error('the post never settled');
  }

  it('connects with an app password and publishes a scheduled thread with an image over 1 MB', async () => {
    const connected = await t.core.invoke('accounts:connect', { platform: 'bluesky', identifier: alice.handle, appPassword: alice.appPassword, service: pds.service });
    if (!connected.ok) throw new Error(connected.error.message);
    if (connected.value.status !== 'connected') throw new Error('expected an account');
    const account = connected.value.account;
    expect(account).toMatchObject({ platform: 'bluesky', handle: alice.handle, displayName: 'Alice', instanceUrl: pds.service, connection: 'connected' });
    expect(JSON.stringify(account)).not.toContain(alice.appPassword);

    const image = await imageFile(files.dir, 'big.png', { width: 2400, height: 1600, noise: true });
    expect(image.bytes).toBeGreaterThan(1_000_000);
    const imported = await t.core.invoke('media:import', { path: image.path });
    if (!imported.ok) throw new Error(imported.error.message);

    const created = await t.core.invoke('posts:create', {
      parts: [
        { text: 'Hello @bob.test, a thread with a picture', media: [{ mediaId: imported.value.id, altText: 'Static, lots of it' }] },
        { text: 'and a second part #outbox', media: [] },
      ],
      targets: [{ accountId: account.id, settings: { languages: ['en'] } }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id, 10 * 60_000);

    expect(post.status).toBe('published');
    const entry = post.entries[0]!;
    const rkey = entry.platformPostId!.split('/').pop();
    expect(entry).toMatchObject({ status: 'published', platformPostId: `at://${alice.did}/app.bsky.feed.post/${rkey}`, platformUrl: `https://bsky.app/profile/${alice.handle}/post/${rkey}` });

    const records = await pds.listRecords(alice.did, 'app.bsky.feed.post');
    expect(records).toHaveLength(2);
    const root = records.find((r) => r.uri === entry.platformPostId)!;
    const reply = records.find((r) => r.uri !== entry.platformPostId)!;
    expect(root.value).toMatchObject({ langs: ['en'], facets: [expect.objectContaining({ features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }] })] });
    const embedded = (root.value.embed as { images: Array<{ alt: string; image: { size: number } }> }).images[0]!;
    expect(embedded.alt).toBe('Static, lots of it');
    expect(embedded.image.size).toBeLessThanOrEqual(1_000_000);
    expect(reply.value.reply).toEqual({ root: { uri: root.uri, cid: root.cid }, parent: { uri: root.uri, cid: root.cid } });
  });

  it('an expired session is refreshed through the connector and the post still goes out once', async () => {
    const accounts = await t.core.invoke('accounts:list', undefined);
    if (!accounts.ok) throw new Error(accounts.error.message);
    const account = accounts.value.find((a) => a.platform === 'bluesky')!;
    // Age the stored session: the access token the engine hands the adapter is now expired.
    const key = [...t.secrets.values.keys()].find((k) => k.includes(account.id))!;
    const stored = JSON.parse(t.secrets.values.get(key)!) as Record<string, unknown>;
    const secretsOf = (value: Record<string, unknown>) => ((value.secrets as Record<string, unknown> | undefined) ?? value);
    const session = secretsOf(stored);
    session.accessJwt = pds.expiredAccessJwt(String(session.accessJwt));
    const oldRefresh = session.refreshJwt;
    t.secrets.values.set(key, JSON.stringify(stored));

    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'After the session expired', media: [] }],
      targets: [{ accountId: account.id }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id, 10 * 60_000);
    expect(post.status).toBe('published');
    expect(post.entries[0]!.attempts.map((a) => a.outcome)).toEqual(['auth', 'published']);
    const texts = (await pds.listRecords(alice.did, 'app.bsky.feed.post')).map((r) => r.value.text);
    expect(texts.filter((x) => x === 'After the session expired')).toHaveLength(1);
    // The refreshed session (with its rotated refresh token) was stored.
    const after = secretsOf(JSON.parse(t.secrets.values.get(key)!) as Record<string, unknown>);
    expect(after.refreshJwt).not.toBe(oldRefresh);
  });
});
