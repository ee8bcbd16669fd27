// Issue 19: restore brings back every post and label, and never sends anything twice. The engine
// runs in a host on a ManualClock against the counting fake (a real HTTP server that records
// every post it receives): Bluesky-like (idempotent, can look a post up by its attempt key) and
// Mastodon-like (neither).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flushPromises, ManualClock, MemorySecretStore, RecordingNotifier, FakeNetwork, FakePower } from '../../../../src/main/core/ports/doubles';
import { createCoreHost, type CoreHost } from '../../../../src/main/core/host/core-host';
import { countingAdapter, startCountingPlatform, type CountingPlatform, type Fault } from '../../../fakes/counting-platform';
import { makeTestCore, tempDir } from '../../../support/core';
import { PublishingFixture, TestCredentials } from '../../../support/publishing-fixture';
import { postsAndLabels, scribble } from './helpers';

let fake: CountingPlatform;
/** Real milliseconds the fake holds each answer (so a backup can land while a request is in flight). */
let answerDelay = 0;
let clockNow: () => number = Date.now;

beforeAll(async () => {
  fake = await startCountingPlatform({ idempotent: ['bluesky'], now: () => clockNow(), fault: (): Fault => ({ kind: 'ok', delayMs: answerDelay }) });
});
afterAll(async () => fake?.close());

interface HostRig {
  host: CoreHost;
  clock: ManualClock;
  dir: string;
  fx: PublishingFixture;
  notifier: RecordingNotifier;
  reopen(): void;
  close(): Promise<void>;
  start(): Promise<'running' | 'recovery'>;
}

let rig: HostRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  answerDelay = 0;
});

async function hostRig(): Promise<HostRig> {
  const temp = tempDir('outbox-restore-');
  const clock = new ManualClock();
  clockNow = () => clock.now();
  const secrets = new MemorySecretStore();
  const notifier = new RecordingNotifier();
  let fx: PublishingFixture | undefined;
  // No fixture behind the credentials: the fixture connection is closed while a restore swaps the file.
  const credentials = new TestCredentials();
  const connectors = Object.fromEntries(
    (['bluesky', 'mastodon'] as const).map((platform) => [platform, { platform, connect: async () => Promise.reject(new Error('not here')), check: async () => ({ connection: 'connected' as const }) }]),
  );
  const make = () =>
    createCoreHost({
      dataDir: temp.dir,
      clock,
      secrets,
      notifier,
      network: new FakeNetwork(),
      power: new FakePower(),
      credentials,
      connectors,
      adapters: {
        bluesky: countingAdapter('bluesky', fake.url, { idempotent: true, reconcile: true }),
        mastodon: countingAdapter('mastodon', fake.url, { idempotent: false }),
      },
      drainTimeoutMs: 2000,
      dailyUpkeep: false,
    });
  let host = make();
  await host.start();
  fx = new PublishingFixture(temp.dir, secrets);
  const r: HostRig = {
    get host() {
      return host;
    },
    clock,
    dir: temp.dir,
    get fx() {
      return fx!;
    },
    notifier,
    // A restore replaces the file under the fixture's connection: it opens the new one.
    reopen() {
      fx?.close();
      fx = new PublishingFixture(temp.dir, secrets);
    },
    async start() {
      host = make();
      return host.start();
    },
    async close() {
      fx?.close();
      await host.close();
      temp.remove();
    },
  } as HostRig;
  return r;
}

const must = <T>(res: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
};

async function schedule(r: HostRig, accounts: string[], inMs: number, text: string): Promise<string> {
  const res = await r.host.invoke('posts:create', { parts: [{ text, media: [] }], targets: accounts.map((accountId) => ({ accountId })), schedule: { mode: 'at', at: new Date(r.clock.now() + inMs).toISOString() } });
  return must(res).post.id;
}

/** Moves the clock in steps, letting real sockets answer between them, until `done` or the time is up. */
async function runUntil(r: HostRig, done: () => boolean, ms = 120_000) {
  const end = r.clock.now() + ms;
  while (!done() && r.clock.now() < end) {
    await r.clock.advance(250);
    await flushPromises(3);
    // The fake holds answers for `answerDelay` real ms: give the socket that long.
    if (answerDelay > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const postsOnFake = (entryIds: string[]) => fake.posts.filter((p) => entryIds.includes(p.entry));
const entriesIn = (file: string, postId: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id, platform, status FROM entries WHERE post_id = ? ORDER BY position').all(postId) as Array<{ id: string; platform: string; status: string }>;
  } finally {
    db.close();
  }
};

/** A post in flight on both platforms, with a backup taken while its requests are open. */
async function backupWhilePublishing(r: HostRig) {
  const bsky = r.fx.account('bluesky');
  const masto = r.fx.account('mastodon');
  answerDelay = 400;
  const postId = await schedule(r, [bsky, masto], 1000, 'sent while a backup is taken');
  const entryIds = r.fx.entries(postId).map((e) => e.id);
  await r.clock.advance(1000);
  // Both requests are open at the fake (it holds its answers) when the backup is taken.
  const deadline = Date.now() + 5000;
  while (fake.requests.filter((q) => entryIds.includes(q.entry)).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const backup = must(await r.host.invoke('backups:create'));
  expect(entriesIn(backup.path, postId).map((e) => e.status)).toEqual(['publishing', 'publishing']);
  return { postId, entryIds, backup, bsky, masto };
}

describe('restore from Settings → Backups (engine running)', () => {
  it('brings back every post and label of the backup, after backing up the current state', async () => {
    rig = await hostRig();
    const r = rig;
    const label = must(await r.host.invoke('labels:create', { name: 'Launch', color: '#4f46e5' }));
    const kept: string[] = [];
    for (let i = 0; i < 40; i++) kept.push(must(await r.host.invoke('posts:create', { parts: [{ text: `kept ${i}`, media: [] }], targets: [], labelIds: [label.id], schedule: { mode: 'draft' } })).post.id);
    const backup = must(await r.host.invoke('backups:create'));
    const snapshot = postsAndLabels(backup.path);
    // Afterwards: posts deleted, the label deleted, a new post.
    for (const id of kept.slice(0, 10)) must(await r.host.invoke('posts:delete', { id }));
    must(await r.host.invoke('labels:delete', { id: label.id }));
    must(await r.host.invoke('posts:create', { parts: [{ text: 'written after the backup', media: [] }], targets: [], schedule: { mode: 'draft' } }));

    const outcome = must(await r.host.invoke('backups:restore', { id: backup.id }));
    expect(outcome).toMatchObject({ restored: { id: backup.id }, posts: 40, safetyBackup: { kind: 'pre-restore', posts: 31 } });
    expect(postsAndLabels(join(r.dir, 'outbox.db'))).toEqual(snapshot);
    expect(must(await r.host.invoke('labels:list')).map((l) => l.name)).toEqual(['Launch']);
    expect(must(await r.host.invoke('posts:list', { limit: 100 })).total).toBe(40);
    // The state before the restore is itself a backup: restoring it undoes the restore.
    const undo = must(await r.host.invoke('backups:restore', { id: outcome.safetyBackup!.id }));
    expect(undo.posts).toBe(31);
    expect(must(await r.host.invoke('labels:list'))).toEqual([]);
  });

  it('a backup holding a publishing entry: what was sent since is carried over, nothing is sent twice', async () => {
    rig = await hostRig();
    const r = rig;
    const { postId, entryIds, backup } = await backupWhilePublishing(r);
    await runUntil(r, () => r.fx.postRow(postId).status === 'published');
    answerDelay = 0;
    expect(postsOnFake(entryIds)).toHaveLength(2);
    const sentIds = r.fx.entries(postId).map((e) => e.platform_post_id);

    const outcome = must(await r.host.invoke('backups:restore', { id: backup.id }));
    expect(outcome.carriedOver).toBe(2);
    r.reopen();
    await runUntil(r, () => false, 10 * 60_000);
    expect(r.fx.postRow(postId).status).toBe('published');
    expect(r.fx.entries(postId).map((e) => [e.status, e.platform_post_id])).toEqual(sentIds.map((id) => ['published', id]));
    expect(postsOnFake(entryIds)).toHaveLength(2);
    expect(fake.requests.filter((q) => entryIds.includes(q.entry))).toHaveLength(2);
  });

  it('a post published and then deleted is not sent again by restoring a backup from before it went out (the sent log)', async () => {
    rig = await hostRig();
    const r = rig;
    const bsky = r.fx.account('bluesky');
    const masto = r.fx.account('mastodon');
    const postId = await schedule(r, [bsky, masto], 60_000, 'goes out, then is deleted');
    const entryIds = r.fx.entries(postId).map((e) => e.id);
    const backup = must(await r.host.invoke('backups:create'));
    await runUntil(r, () => r.fx.postRow(postId)?.status === 'published', 5 * 60_000);
    expect(postsOnFake(entryIds)).toHaveLength(2);
    must(await r.host.invoke('posts:delete', { id: postId }));

    // Within the catch-up window: without the sent log, the restored post would be caught up and sent again.
    const outcome = must(await r.host.invoke('backups:restore', { id: backup.id }));
    expect(outcome.carriedOver).toBe(2);
    r.reopen();
    await runUntil(r, () => false, 10 * 60_000);
    expect(r.fx.postRow(postId).status).toBe('published');
    expect(postsOnFake(entryIds)).toHaveLength(2);
  });

  it('a scheduled post that never went out and whose time passed follows the catch-up rules: sent once', async () => {
    rig = await hostRig();
    const r = rig;
    const masto = r.fx.account('mastodon');
    const postId = await schedule(r, [masto], 10 * 60_000, 'caught up after the restore');
    const entryIds = r.fx.entries(postId).map((e) => e.id);
    const backup = must(await r.host.invoke('backups:create'));
    // The creator deletes it before its time, then (20 minutes later) restores the backup.
    must(await r.host.invoke('posts:delete', { id: postId }));
    await r.clock.advance(20 * 60_000);
    const outcome = must(await r.host.invoke('backups:restore', { id: backup.id }));
    expect(outcome).toMatchObject({ late: 1, carriedOver: 0 });
    r.reopen();
    await runUntil(r, () => r.fx.postRow(postId).status === 'published', 60_000);
    await runUntil(r, () => false, 5 * 60_000);
    expect(postsOnFake(entryIds)).toHaveLength(1);
  });

  it('a damaged backup is refused before anything stops', async () => {
    rig = await hostRig();
    const r = rig;
    const backup = must(await r.host.invoke('backups:create'));
    scribble(backup.path, 0, Buffer.alloc(100, 1));
    const res = await r.host.invoke('backups:restore', { id: backup.id });
    expect(res.ok ? null : res.error).toMatchObject({ code: 'validation', message: expect.stringContaining('damaged') });
    expect(r.host.mode).toBe('running');
    expect(must(await r.host.invoke('posts:list', {})).total).toBe(0);
  });

  it('without a host, restore says it cannot (the bare engine cannot restart itself)', async () => {
    const t = await makeTestCore();
    const backup = must(await t.core.invoke('backups:create'));
    const res = await t.core.invoke('backups:restore', { id: backup.id });
    expect(res.ok ? null : res.error.code).toBe('conflict');
    await t.dispose();
  });
});

describe('restore from the recovery screen (the database was damaged)', () => {
  it('the backup’s publishing entries are reconciled like after a crash: looked up where the platform allows, failed for review elsewhere, never re-sent', async () => {
    rig = await hostRig();
    const r = rig;
    const { postId, entryIds, backup } = await backupWhilePublishing(r);
    await runUntil(r, () => r.fx.postRow(postId).status === 'published');
    answerDelay = 0;
    const sent = r.fx.entries(postId);
    r.fx.close();
    await r.host.close();
    // The disk damages the database; its history cannot be read.
    scribble(join(r.dir, 'outbox.db'), 0, Buffer.alloc(100, 0x5a));

    expect(await r.start()).toBe('recovery');
    const outcome = must(await r.host.invoke('recovery:restore', { id: backup.id }));
    expect(outcome.restored.id).toBe(backup.id);
    r.reopen();
    await runUntil(r, () => r.fx.postRow(postId).status !== 'publishing', 5 * 60_000);
    const after = r.fx.entries(postId);
    const bsky = after.find((e) => e.id === sent[0]!.id)!;
    const masto = after.find((e) => e.id === sent[1]!.id)!;
    // Bluesky: found by its attempt key on the platform, published under the same id.
    expect([bsky.status, bsky.platform_post_id], JSON.stringify({ bsky, attempts: r.fx.attempts(bsky.id) })).toEqual(['published', sent[0]!.platform_post_id]);
    // Mastodon: cannot be looked up, so it is failed for the creator to check, not sent again.
    expect(masto.status).toBe('failed');
    expect(masto.error_message).toMatch(/check Mastodon/);
    expect(postsOnFake(entryIds)).toHaveLength(2);
    expect(fake.requests.filter((q) => entryIds.includes(q.entry))).toHaveLength(2);
  });

  it('posts due between the backup and the damage wait for the creator (whether they went out cannot be known)', async () => {
    rig = await hostRig();
    const r = rig;
    const masto = r.fx.account('mastodon');
    const postId = await schedule(r, [masto], 30 * 60_000, 'due after the backup');
    const entryIds = r.fx.entries(postId).map((e) => e.id);
    const backup = must(await r.host.invoke('backups:create'));
    await runUntil(r, () => r.fx.postRow(postId).status === 'published', 60 * 60_000);
    r.fx.close();
    await r.host.close();
    scribble(join(r.dir, 'outbox.db'), 0, Buffer.alloc(100, 0x5a));

    expect(await r.start()).toBe('recovery');
    must(await r.host.invoke('recovery:restore', { id: backup.id }));
    r.reopen();
    await runUntil(r, () => false, 10 * 60_000);
    expect(r.fx.postRow(postId)).toMatchObject({ status: 'scheduled', overdue: 1 });
    expect(postsOnFake(entryIds)).toHaveLength(1);
  });
});

describe('restore from the second folder', () => {
  it('a backup only the mirror still has is listed and restored, and the media it needs come back from there', async () => {
    const { hostOn, scratch } = await import('./helpers');
    const sharp = (await import('sharp')).default;
    const { rmSync, writeFileSync, readdirSync, existsSync } = await import('node:fs');
    const data = scratch('outbox-mirror-restore-');
    const outside = scratch('outbox-mirror-');
    try {
      const host = hostOn(data.dir);
      await host.start();
      const png = join(outside.dir, 'pic.png');
      writeFileSync(png, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#00ff00' } }).png().toBuffer());
      const media = must(await host.invoke('media:import', { path: png }));
      must(await host.invoke('posts:create', { parts: [{ text: 'with a picture', media: [{ mediaId: media.id, altText: 'green' }] }], targets: [], schedule: { mode: 'draft' } }));
      must(await host.invoke('backups:setMirror', { folder: outside.dir }));
      const backup = must(await host.invoke('backups:create'));
      // The data folder loses its backups and the picture; a post is written meanwhile.
      for (const name of readdirSync(join(data.dir, 'backups'))) if (name.startsWith('outbox-')) rmSync(join(data.dir, 'backups', name));
      rmSync(join(data.dir, 'media', `${media.sha256}.png`));
      must(await host.invoke('posts:create', { parts: [{ text: 'later', media: [] }], targets: [], schedule: { mode: 'draft' } }));
      const listed = must(await host.invoke('backups:list')).backups.find((b) => b.id === backup.id);
      expect(listed).toMatchObject({ location: 'mirror', posts: 1, media: 1 });

      const outcome = must(await host.invoke('backups:restore', { id: backup.id }));
      expect(outcome.posts).toBe(1);
      expect(existsSync(join(data.dir, 'media', `${media.sha256}.png`))).toBe(true);
      const posts = must(await host.invoke('posts:list', {})).posts;
      expect(posts.map((p) => p.parts[0]!.text)).toEqual(['with a picture']);
      await host.close();
    } finally {
      data.remove();
      outside.remove();
    }
  });
});
