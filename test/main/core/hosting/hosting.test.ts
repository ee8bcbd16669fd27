// Settings -> Media hosting through the engine's contract, against a real S3-compatible peer
// (@20minutes/s3rver on 127.0.0.1, which checks SigV4 signatures): saving a bucket puts both keys
// in the keychain and nothing secret in any answer; the Test button names the failing step; the
// publish context's public links come from the saved bucket; the start-up sweep removes only old
// objects under Outbox's prefix, records what it did, survives an unreachable bucket and re-arms.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, MemorySecretStore, flushPromises } from '../../../../src/main/core/ports/doubles';
import { HOSTING_KEY_ID, HOSTING_SECRET } from '../../../../src/main/core/hosting/hosting.service';
import { createMediaHost, type BucketConfig } from '../../../../src/main/platforms/media/hosting';
import { PublishError, type PlatformAdapter, type PublishContext } from '../../../../src/main/platforms/types';
import { makeTestCore, snapshotDatabase, tempDir, type TestCore } from '../../../support/core';
import { PublishingFixture, TestCredentials } from '../../../support/publishing-fixture';

const store = tempDir('outbox-s3rver-');
const files = tempDir('outbox-hosting-core-');
let server: S3rver;
let endpoint: string;
let bucket: BucketConfig;

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: store.dir, configureBuckets: [{ name: 'creator-media' }] });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  // s3rver's built-in account.
  bucket = { endpoint, region: 'us-east-1', bucket: 'creator-media', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'outbox/', forcePathStyle: true };
});

afterAll(async () => {
  await server?.close();
  store.remove();
  files.remove();
});

let t: TestCore | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const form = (over: Record<string, unknown> = {}) => ({ endpoint, region: 'us-east-1', bucket: 'creator-media', prefix: 'outbox/', pathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...over });
const objectFile = (key: string) => join(store.dir, 'creator-media', `${key}._S3rver_object`);
const ageObject = (key: string, days: number) => {
  const when = new Date(Date.now() - days * 24 * 3600_000);
  utimesSync(objectFile(key), when, when);
};
async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('saving a bucket', () => {
  it('nothing is set up at first; saving keeps both keys in the keychain and never answers them', async () => {
    t = await makeTestCore();
    expect(await value(t.core.invoke('hosting:get'))).toEqual({
      configured: false,
      endpoint: '',
      region: '',
      bucket: '',
      prefix: 'outbox/',
      pathStyle: false,
      accessKeyIdSet: false,
      secretSet: false,
      lastSweep: null,
      error: null,
    });
    const changes: string[][] = [];
    t.core.on('settings:changed', ({ keys }) => changes.push(keys));
    const saved = await value(t.core.invoke('hosting:update', form({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: '/outbox/media' })));
    expect(saved).toMatchObject({ configured: true, endpoint, region: 'us-east-1', bucket: 'creator-media', prefix: 'outbox/media/', pathStyle: true, accessKeyIdSet: true, secretSet: true, error: null });
    expect(await t.secrets.get(HOSTING_KEY_ID)).toBe('S3RVER');
    expect(await t.secrets.get(HOSTING_SECRET)).toBe('S3RVER');
    expect(changes).toContainEqual(['mediaHosting']);
    // Neither key is in an answer or in the database.
    expect(JSON.stringify(saved)).not.toContain('S3RVER');
    expect(JSON.stringify(await value(t.core.invoke('hosting:get')))).not.toContain('S3RVER');
    expect(readFileSync(join(t.dataDir, 'outbox.db')).includes('S3RVER')).toBe(false);
  });

  it('empty keys keep the stored ones; a new secret replaces the old', async () => {
    t = await makeTestCore();
    await value(t.core.invoke('hosting:update', form()));
    await value(t.core.invoke('hosting:update', form({ accessKeyId: '', secretAccessKey: undefined, region: 'eu-west-3' })));
    expect(await t.secrets.get(HOSTING_KEY_ID)).toBe('S3RVER');
    expect(await t.secrets.get(HOSTING_SECRET)).toBe('S3RVER');
    await value(t.core.invoke('hosting:update', form({ accessKeyId: '', secretAccessKey: 'new-secret' })));
    expect(await t.secrets.get(HOSTING_SECRET)).toBe('new-secret');
  });

  it('a wrong field is a validation error naming it, and changes nothing (keychain included)', async () => {
    t = await makeTestCore();
    const before = snapshotDatabase(join(t.dataDir, 'outbox.db'));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ endpoint: 'not a url' }, 'endpoint'],
      [{ endpoint: 'ftp://files.example.com' }, 'endpoint'],
      [{ region: ' ' }, 'region'],
      [{ bucket: 'a' }, 'bucket'],
      [{ prefix: '/' }, 'prefix'],
      [{ prefix: 'a/../b' }, 'prefix'],
      [{ accessKeyId: '' }, 'accessKeyId'],
      [{ secretAccessKey: '' }, 'secretAccessKey'],
      [{ pathStyle: 'yes' }, 'pathStyle'],
      [{ bucket: 'x'.repeat(300) }, 'bucket'],
    ];
    for (const [over, path] of cases) {
      const result = await t.core.invoke('hosting:update', form(over) as never);
      expect(result, JSON.stringify(over)).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path }] } });
    }
    expect(snapshotDatabase(join(t.dataDir, 'outbox.db'))).toBe(before);
    expect(await t.secrets.get(HOSTING_KEY_ID)).toBeNull();
    expect(await t.secrets.get(HOSTING_SECRET)).toBeNull();
  });

  it('a keychain that fails while saving leaves the old keys and no bucket', async () => {
    const secrets = new MemorySecretStore();
    let failOn: string | null = null;
    const flaky = {
      get: (key: string) => secrets.get(key),
      delete: (key: string) => secrets.delete(key),
      set: async (key: string, v: string) => {
        if (key === failOn) throw new Error('The keychain is locked');
        await secrets.set(key, v);
      },
    };
    t = await makeTestCore({ secrets: flaky as never });
    failOn = HOSTING_SECRET;
    const result = await t.core.invoke('hosting:update', form());
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('The keychain is locked') } });
    expect(await secrets.get(HOSTING_KEY_ID)).toBeNull();
    expect(await value(t.core.invoke('hosting:get'))).toMatchObject({ configured: false });
  });

  it('clear forgets the bucket and deletes both keys', async () => {
    t = await makeTestCore();
    await value(t.core.invoke('hosting:update', form()));
    const cleared = await value(t.core.invoke('hosting:clear'));
    expect(cleared).toMatchObject({ configured: false, accessKeyIdSet: false, secretSet: false, bucket: '' });
    expect(await t.secrets.get(HOSTING_KEY_ID)).toBeNull();
    expect(await t.secrets.get(HOSTING_SECRET)).toBeNull();
  });
});

describe('the Test button', () => {
  it('tests the form before it is saved, naming the step that failed', async () => {
    t = await makeTestCore();
    expect(await value(t.core.invoke('hosting:test', form()))).toEqual({ ok: true, message: 'Outbox can upload to creator-media, share presigned links and delete what it put there' });
    expect(await value(t.core.invoke('hosting:test', form({ secretAccessKey: 'wrong' })))).toMatchObject({ ok: false, step: 'credentials' });
    expect(await value(t.core.invoke('hosting:test', form({ bucket: 'no-such-bucket' })))).toMatchObject({ ok: false, step: 'bucket' });
    expect(await value(t.core.invoke('hosting:test', form({ endpoint: 'http://127.0.0.1:9' })))).toMatchObject({ ok: false, step: 'endpoint' });
    // Testing saved nothing.
    expect(await value(t.core.invoke('hosting:get'))).toMatchObject({ configured: false });
    // A bad field is a validation error, as for saving.
    expect(await t.core.invoke('hosting:test', form({ region: '' }))).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'region' }] } });
  });

  it('without a payload it tests the saved bucket; empty keys in the form mean the stored ones', async () => {
    t = await makeTestCore();
    expect(await t.core.invoke('hosting:test')).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'bucket' }] } });
    await value(t.core.invoke('hosting:update', form()));
    expect(await value(t.core.invoke('hosting:test'))).toMatchObject({ ok: true });
    expect(await value(t.core.invoke('hosting:test', form({ accessKeyId: '', secretAccessKey: '' })))).toMatchObject({ ok: true });
  });
});

describe('public links for publishing', () => {
  it('the engine hands adapters links from the saved bucket; without one, null', async () => {
    const seen: Array<{ fetched: string | null; gone: number | null; links: boolean }> = [];
    // An adapter that works as Instagram's does: share, let the platform fetch, remove.
    const adapter: PlatformAdapter = {
      platform: 'bluesky',
      idempotent: true,
      async publish(ctx: PublishContext) {
        if (!ctx.publicLinks) {
          seen.push({ fetched: null, gone: null, links: false });
          throw new PublishError('permanent', 'Instagram needs media hosting: set up a bucket in Settings');
        }
        const media = ctx.parts[0]!.media[0]!;
        const { key, url } = await ctx.publicLinks.share(media.path, { contentType: media.mime });
        const fetched = Buffer.from(await (await fetch(url)).arrayBuffer()).toString('base64');
        await ctx.publicLinks.remove(key);
        seen.push({ fetched, gone: (await fetch(url)).status, links: true });
        return { platformPostId: key, platformUrl: 'https://example.test/p' };
      },
    };
    const clock = new ManualClock(Date.now());
    let fx: PublishingFixture | undefined;
    const connectors = { bluesky: { platform: 'bluesky', connect: async () => Promise.reject(new Error('no')), check: async () => ({ connection: 'connected' as const }) } };
    t = await makeTestCore({ clock, adapters: { bluesky: adapter }, credentials: new TestCredentials(() => fx), connectors: connectors as never });
    fx = new PublishingFixture(t.dataDir, t.secrets);
    try {
      const photo = join(files.dir, 'photo.png');
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).png().toFile(photo);
      const media = await value(t.core.invoke('media:import', { path: photo }));
      const account = fx.account('bluesky');
      const publish = async () => {
        const post = await value(t!.core.invoke('posts:create', { parts: [{ text: 'x', media: [{ mediaId: media.id, altText: '' }] }], targets: [{ accountId: account }], schedule: { mode: 'now' } }));
        await clock.advance(1);
        await expect.poll(async () => (await value(t!.core.invoke('posts:get', { id: post.post.id }))).status, { timeout: 10_000 }).not.toBe('publishing');
      };
      await publish();
      await value(t.core.invoke('hosting:update', form()));
      await publish();
      expect(seen).toEqual([
        { fetched: null, gone: null, links: false },
        { fetched: readFileSync(photo).toString('base64'), gone: 404, links: true },
      ]);
    } finally {
      fx.close();
    }
  });
});

describe('a bucket whose keys left the keychain', () => {
  it('gives links that fail saying so (not "set up media hosting")', async () => {
    t = await makeTestCore();
    await value(t.core.invoke('hosting:update', form()));
    await t.secrets.delete(HOSTING_SECRET);
    await t.restart();
    const adapterSeen: string[] = [];
    const adapter: PlatformAdapter = {
      platform: 'bluesky',
      idempotent: true,
      async publish(ctx) {
        try {
          await ctx.publicLinks!.share(ctx.parts[0]!.media[0]!.path);
        } catch (error) {
          adapterSeen.push((error as Error).message);
        }
        throw new PublishError('permanent', 'stop');
      },
    };
    const clock = new ManualClock(Date.now());
    let fx: PublishingFixture | undefined;
    const connectors = { bluesky: { platform: 'bluesky', connect: async () => Promise.reject(new Error('no')), check: async () => ({ connection: 'connected' as const }) } };
    await t.restart({ clock, adapters: { bluesky: adapter }, credentials: new TestCredentials(() => fx), connectors: connectors as never });
    fx = new PublishingFixture(t.dataDir, t.secrets);
    try {
      const photo = join(files.dir, 'keyless.png');
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toFile(photo);
      const media = await value(t.core.invoke('media:import', { path: photo }));
      await value(t.core.invoke('posts:create', { parts: [{ text: 'x', media: [{ mediaId: media.id, altText: '' }] }], targets: [{ accountId: fx.account('bluesky') }], schedule: { mode: 'now' } }));
      await clock.advance(1);
      await expect.poll(() => adapterSeen).toEqual([expect.stringContaining('keys are missing from the keychain')]);
      expect(await value(t.core.invoke('hosting:get'))).toMatchObject({ configured: true, secretSet: false });
    } finally {
      fx.close();
    }
  });
});

describe('the sweep of leftovers', () => {
  it('at start: removes objects older than a day under the prefix only, records it, and runs again a day later', async () => {
    const direct = createMediaHost(bucket);
    const other = createMediaHost({ ...bucket, prefix: 'family-photos/' });
    const path = join(files.dir, 'left.jpg');
    writeFileSync(path, 'left behind by a crash');
    const old = (await direct.upload(path)).key;
    const fresh = (await direct.upload(path)).key;
    const neighbour = (await other.upload(path)).key;
    ageObject(old, 2);
    ageObject(neighbour, 2);
    const clock = new ManualClock(Date.now());
    t = await makeTestCore({ clock });
    await value(t.core.invoke('hosting:update', form()));
    // Saving sweeps too (a new bucket may hold an earlier setup's leftovers); restart = start-up.
    await t.restart();
    await expect.poll(async () => (await value(t!.core.invoke('hosting:get'))).lastSweep?.removed ?? -1).toBeGreaterThanOrEqual(0);
    expect((await fetch(await direct.presign(old))).status).toBe(404);
    expect((await fetch(await direct.presign(fresh))).status).toBe(200);
    expect((await fetch(await other.presign(neighbour))).status).toBe(200);

    // A day later the next sweep takes what has aged meanwhile.
    ageObject(fresh, 2);
    await clock.advance(24 * 3600_000);
    await expect.poll(async () => (await value(t!.core.invoke('hosting:get'))).lastSweep).toEqual({ at: new Date(clock.now()).toISOString(), removed: 1, error: null });
    expect((await fetch(await direct.presign(fresh))).status).toBe(404);
    await other.delete(neighbour);
    direct.close();
    other.close();
  });

  it('an unreachable bucket is reported and recorded, and the next day it tries again', async () => {
    const clock = new ManualClock(Date.now());
    t = await makeTestCore({ clock });
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      await value(t.core.invoke('hosting:update', form({ endpoint: 'http://127.0.0.1:9' })));
      await expect.poll(async () => (await value(t!.core.invoke('hosting:get'))).lastSweep?.error ?? null, { timeout: 20_000 }).toMatch(/ECONNREFUSED|connect/);
      expect(logged.some((l) => String((l as unknown[])[0]).includes('sweep of the media hosting bucket failed'))).toBe(true);
      const first = (await value(t.core.invoke('hosting:get'))).lastSweep!.at;
      // The failure did not stop the daily round: a day later it runs (and reports) again.
      await clock.advance(24 * 3600_000);
      await expect.poll(async () => (await value(t!.core.invoke('hosting:get'))).lastSweep!.at, { timeout: 20_000 }).not.toBe(first);
      expect(logged.filter((l) => String((l as unknown[])[0]).includes('sweep of the media hosting bucket failed')).length).toBeGreaterThanOrEqual(2);
    } finally {
      console.error = original;
    }
  }, 40_000);
});
