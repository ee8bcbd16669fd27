// Issue 19: automatic backups with SQLite's online backup API — consistent while posts are being
// written and published, taken daily on the engine's clock (every callback catches, reports and
// re-arms), kept by retention, copied to a second folder with media copied incrementally, taken
// before migrations; and the daily full integrity check.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, FIRST_BACKUP_DELAY_MS, BACKUP_RETRY_MS } from '../../../../src/main/core/backups/backups.service';
import { RETENTION } from '../../../../src/main/core/backups/retention';
import { openDatabase } from '../../../../src/main/core/db/database';
import { migrate, loadMigrations } from '../../../../src/main/core/db/migrate';
import { flushPromises } from '../../../../src/main/core/ports/doubles';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { PublishingFixture } from '../../../support/publishing-fixture';
import { rig, type Rig } from '../publishing/helpers';
import { pagesOf, scratch, scribble } from './helpers';

const must = <T>(res: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
};

let r: Rig | undefined;
let t: TestCore | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await r?.close();
  await t?.dispose();
  r = undefined;
  t = undefined;
  for (const fn of cleanups.splice(0)) fn();
});

/** Waits for file I/O the engine started (a backup is real disk work), up to two seconds. */
async function until(done: () => boolean | Promise<boolean>) {
  const end = Date.now() + 2000;
  while (!(await done()) && Date.now() < end) {
    await flushPromises(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What a backup file holds, checked the way a restore would trust it. */
function inspect(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((x) => x.integrity_check);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      integrity,
      journal: db.pragma('journal_mode', { simple: true }),
      posts: count('SELECT count(*) AS n FROM posts'),
      entries: count('SELECT count(*) AS n FROM entries'),
      orphans: count('SELECT count(*) AS n FROM entries WHERE post_id NOT IN (SELECT id FROM posts)'),
      published: count("SELECT count(*) AS n FROM posts WHERE status = 'published'"),
      // A post marked published must have every entry published, with its attempt closed.
      torn: count(
        `SELECT count(*) AS n FROM posts p WHERE (p.status = 'published' AND EXISTS (SELECT 1 FROM entries e WHERE e.post_id = p.id AND e.status != 'published'))
           OR (p.status = 'scheduled' AND EXISTS (SELECT 1 FROM entries e WHERE e.post_id = p.id AND e.status != 'pending'))`,
      ),
      openPublished: count("SELECT count(*) AS n FROM entries e JOIN attempts a ON a.entry_id = e.id AND a.attempt_key = e.attempt_key WHERE e.status = 'published' AND a.outcome = 'in_flight'"),
      searchRows: count('SELECT count(*) AS n FROM post_search'),
    };
  } finally {
    db.close();
  }
}

async function png(dir: string, name: string, rgb: [number, number, number]): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer());
  return path;
}

describe('online backups while the engine works', () => {
  it('20 backups during a 1,000-post drain: each opens, passes integrity_check, and has consistent counts', async () => {
    // The scripted adapter answers at once: the drain is the engine's own writes, as fast as it goes.
    r = await rig();
    const rr = r;
    const account = rr.fx.account('mastodon');
    const due = rr.clock.now() + 60_000;
    // Written straight into the tables: 1,000 posts through posts:create would only slow the test.
    rr.fx.db.transaction(() => {
      for (let i = 0; i < 1000; i++) rr.fx.post({ accountIds: [account], scheduledAt: due + (i % 50) * 1000, parts: [{ text: `drain ${i}`, media: [] }] });
    })();
    const published = () => (rr.fx.db.prepare("SELECT count(*) AS n FROM posts WHERE status = 'published'").get() as { n: number }).n;
    await rr.t.core.invoke('posts:list', {});
    await rr.clock.advance(60_000);

    const seen: Array<ReturnType<typeof inspect> & { at: number }> = [];
    let next = 0;
    const deadline = Date.now() + 60_000;
    while (seen.length < 20 && Date.now() < deadline) {
      await rr.clock.advance(200);
      await flushPromises(2);
      const done = published();
      if (done >= next || done === 1000) {
        const backup = must(await rr.t.core.invoke('backups:create'));
        // Checked at once: retention keeps only the newest manual backups.
        seen.push({ ...inspect(backup.path), at: done });
        expect(backup.posts).toBe(1000);
        next = done + 45;
      }
    }
    expect(seen).toHaveLength(20);
    for (const b of seen) {
      expect(b.integrity).toEqual(['ok']);
      expect(b.journal).toBe('delete');
      expect([b.posts, b.entries, b.orphans, b.torn, b.openPublished, b.searchRows]).toEqual([1000, 1000, 0, 0, 0, 1000]);
    }
    // The backups really were taken mid-drain (otherwise this proves nothing).
    const middle = seen.filter((b) => b.published > 0 && b.published < 1000);
    expect(middle.length).toBeGreaterThanOrEqual(15);
    expect(new Set(seen.map((b) => b.published)).size).toBeGreaterThanOrEqual(15);
    // Retention kept the newest manual ones.
    expect(readdirSync(join(rr.t.dataDir, 'backups')).filter((n) => n.endsWith('.db'))).toHaveLength(RETENTION.manual);
  }, 90_000);
});

describe('the daily backup and integrity check', () => {
  it('a first backup soon after start, then one a day; a failure notifies, retries in an hour and the timer lives on', async () => {
    t = await makeTestCore({ dailyUpkeep: true });
    const dir = join(t.dataDir, 'backups');
    const daily = () => readdirSync(dir).filter((n) => n.startsWith('outbox-daily-') && n.endsWith('.db'));
    must(await t.core.invoke('posts:create', { parts: [{ text: 'in every backup', media: [] }], targets: [], schedule: { mode: 'draft' } }));
    await t.clock.advance(FIRST_BACKUP_DELAY_MS - 1000);
    expect(daily()).toHaveLength(0);
    await t.clock.advance(1000);
    const next = async () => must(await t!.core.invoke('backups:list')).nextBackupAt;
    // The timer is armed again once the backup (and its sidecar) is done.
    await until(async () => (await next()) === new Date(t!.clock.now() + DAY_MS).toISOString());
    expect(daily()).toHaveLength(1);
    expect(await next()).toBe(new Date(t.clock.now() + DAY_MS).toISOString());

    // The backups folder becomes unusable (a file where the folder was): the daily backup fails.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a folder');
    await t.clock.advance(DAY_MS);
    await until(async () => (await next()) === new Date(t!.clock.now() + BACKUP_RETRY_MS).toISOString());
    expect(t.notifier.notifications.map((n) => n.title)).toContain('Outbox could not back up');
    expect(await next()).toBe(new Date(t.clock.now() + BACKUP_RETRY_MS).toISOString());
    // Fixed: the retry an hour later succeeds.
    rmSync(dir);
    mkdirSync(dir);
    await t.clock.advance(BACKUP_RETRY_MS);
    await until(() => daily().length === 1);
    expect(daily()).toHaveLength(1);
  });

  it('the full integrity check runs when idle, waits while something is due, and reports damage (backups are then all kept)', async () => {
    r = await rig({ dailyUpkeep: true });
    const rr = r;
    const account = rr.fx.account('bluesky');
    const dir = join(rr.t.dataDir, 'backups');
    // Something due in 25 minutes: the first check (due after 20 minutes) waits for it to pass.
    must(await rr.t.core.invoke('posts:create', { parts: [{ text: 'soon', media: [] }], targets: [{ accountId: account }], schedule: { mode: 'at', at: new Date(rr.clock.now() + 25 * 60_000).toISOString() } }));
    await rr.clock.advance(20 * 60_000);
    expect(must(await rr.t.core.invoke('backups:list')).lastIntegrityCheck).toBeNull();
    await rr.clock.advance(20 * 60_000);
    await flushPromises(5);
    expect(must(await rr.t.core.invoke('backups:list')).lastIntegrityCheck).toMatchObject({ ok: true, message: null });

    // Damage written under the running engine (a failing disk); the next daily check finds it.
    for (let i = 0; i < 200; i++) rr.fx.post({ accountIds: [account], status: 'draft', parts: [{ text: `filler ${i} ${'x'.repeat(200)}`, media: [] }] });
    rr.fx.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = join(rr.t.dataDir, 'outbox.db');
    const { pageSize, pages } = pagesOf(file, ['posts']);
    scribble(file, (pages[Math.floor(pages.length / 2)]! - 1) * pageSize, Buffer.alloc(pageSize, 0x33));
    const before = readdirSync(dir).filter((n) => n.endsWith('.db')).length;
    await rr.clock.advance(DAY_MS);
    await flushPromises(5);
    const report = must(await rr.t.core.invoke('backups:list')).lastIntegrityCheck;
    expect(report).toMatchObject({ ok: false });
    expect(rr.t.notifier.notifications.map((n) => n.title)).toContain('Outbox found damage in its database');
    expect(readdirSync(dir).filter((n) => n.endsWith('.db')).length).toBeGreaterThanOrEqual(before);
  });
});

describe('backups before a migration', () => {
  it('a database that needs migrating is backed up first, and the backup holds its posts', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const all = loadMigrations();
    // A folder an older Outbox wrote (schema 5), with one post in it.
    const older = openDatabase(join(temp.dir, 'outbox.db'));
    migrate(older, all.filter((m) => m.version <= 5));
    older.prepare(`INSERT INTO posts (id, status, parts, created_at, updated_at) VALUES ('p', 'draft', '[{"text":"before the update","media":[]}]', 0, 0)`).run();
    older.close();
    t = await makeTestCore({ dataDir: temp.dir, migrations: all });
    const backups = must(await t.core.invoke('backups:list')).backups;
    expect(backups.map((b) => [b.kind, b.posts])).toEqual([['pre-migration', 1]]);
    const db = new Database(backups[0]!.path, { readonly: true });
    expect((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(5);
    db.close();
  });
});

describe('the second folder and media', () => {
  it('receives every backup with its media, copies each media file once, keeps the same retention, and says when it is unreachable', async () => {
    t = await makeTestCore();
    const outside = scratch('outbox-mirror-');
    cleanups.push(outside.remove);
    const files = scratch('outbox-media-src-');
    cleanups.push(files.remove);
    const red = must(await t.core.invoke('media:import', { path: await png(files.dir, 'red.png', [255, 0, 0]) }));
    must(await t.core.invoke('posts:create', { parts: [{ text: 'with a picture', media: [{ mediaId: red.id, altText: 'red' }] }], targets: [], schedule: { mode: 'draft' } }));

    const refused = await t.core.invoke('backups:setMirror', { folder: join(t.dataDir, 'inside') });
    expect(refused.ok ? null : refused.error.issues?.[0]?.path).toBe('folder');
    const missing = await t.core.invoke('backups:setMirror', { folder: join(outside.dir, 'nope') });
    expect(missing.ok ? null : missing.error.message).toMatch(/does not exist/);

    must(await t.core.invoke('backups:setMirror', { folder: outside.dir }));
    const first = must(await t.core.invoke('backups:create'));
    const mirror = join(outside.dir, 'outbox-backups');
    expect(existsSync(join(mirror, `${first.id}.db`))).toBe(true);
    const mediaFile = readdirSync(join(mirror, 'media'));
    expect(mediaFile).toEqual([`${red.sha256}.png`]);
    const { mtimeMs } = (await import('node:fs')).statSync(join(mirror, 'media', mediaFile[0]!));
    const blue = must(await t.core.invoke('media:import', { path: await png(files.dir, 'blue.png', [0, 0, 255]) }));
    must(await t.core.invoke('posts:create', { parts: [{ text: 'another', media: [{ mediaId: blue.id, altText: '' }] }], targets: [], schedule: { mode: 'draft' } }));
    must(await t.core.invoke('backups:create'));
    expect(readdirSync(join(mirror, 'media')).sort()).toEqual([`${blue.sha256}.png`, `${red.sha256}.png`].sort());
    // Incremental: the red file was not copied again.
    expect((await import('node:fs')).statSync(join(mirror, 'media', `${red.sha256}.png`)).mtimeMs).toBe(mtimeMs);
    expect(must(await t.core.invoke('backups:list')).mirror).toMatchObject({ folder: outside.dir, error: null, lastCopiedAt: expect.any(String) });

    for (let i = 0; i < RETENTION.manual + 2; i++) must(await t.core.invoke('backups:create'));
    expect(readdirSync(mirror).filter((n) => n.endsWith('.db'))).toHaveLength(RETENTION.manual);

    // The drive is unplugged: the backup still happens locally; the mirror says why it has no copy.
    rmSync(outside.dir, { recursive: true, force: true });
    writeFileSync(outside.dir, 'a file where the folder was');
    must(await t.core.invoke('backups:create'));
    const state = must(await t.core.invoke('backups:list'));
    expect(state.mirror?.error).toMatch(/Could not copy the backup/);
    expect(t.notifier.notifications.filter((n) => n.title === 'Backup copy failed')).toHaveLength(1);
    rmSync(outside.dir);
  });
});

describe('media referenced by kept backups', () => {
  it('lists the media of every kept backup, including media no post uses any more', async () => {
    const { createBackupsService, mediaReferencedByKeptBackups } = await import('../../../../src/main/core/backups/backups.service');
    t = await makeTestCore();
    const files = scratch('outbox-media-src-');
    cleanups.push(files.remove);
    const green = must(await t.core.invoke('media:import', { path: await png(files.dir, 'green.png', [0, 255, 0]) }));
    must(await t.core.invoke('backups:create'));
    await t.core.close();
    // The service over the same folder (what the media sweep will call).
    const fx = new PublishingFixture(t.dataDir);
    try {
      const service = createBackupsService({
        db: fx.db,
        dataDir: t.dataDir,
        clock: t.clock,
        notifier: t.notifier,
        bus: { on: () => () => {}, emit: () => {}, clear: () => {} },
        store: { publishingPostIds: () => [], nextDueAt: () => null },
        timeZone: () => 'UTC',
        migrations: [],
        appVersion: 'test',
        log: () => {},
      });
      const refs = service.mediaReferencedByKeptBackups();
      expect(mediaReferencedByKeptBackups(t.dataDir)).toEqual(refs);
      expect([...refs.ids]).toEqual([green.id]);
      expect([...refs.sha256]).toEqual([green.sha256]);
      expect([...refs.files]).toEqual([`media/${green.sha256}.png`]);
    } finally {
      fx.close();
      t.core = await (await import('../../../../src/main/core/create-core')).createCore({ dataDir: t.dataDir, secrets: t.secrets, clock: t.clock, dailyUpkeep: false });
    }
  });
});
