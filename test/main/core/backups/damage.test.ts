// Issue 19: a damaged or emptied database never starts silently, and a read-only one is refused.
// Every case runs on a real SQLite file that Outbox had used (75 labelled drafts, a backup), damaged
// the way a disk or a careless tool does it, then started twice: the second start must land on the
// same screen (no crash loop), and a restore must bring every post and label back.
import { chmodSync, existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../../../src/main/core/create-core';
import { DatabaseRecoveryError, DataFolderError } from '../../../../src/main/core/backups/safety-errors';
import { MemorySecretStore } from '../../../../src/main/core/ports/doubles';
import type { RecoveryStatus } from '../../../../src/shared/ipc/recovery';
import { makeTestCore } from '../../../support/core';
import { seeded } from '../../../support/random';
import { hostOn, isRoot, pagesOf, postsAndLabels, readOnlyBind, scribble, usedFolder } from './helpers';

type Folder = Awaited<ReturnType<typeof usedFolder>>;
let folder: Folder | undefined;
const undo: Array<() => void> = [];
afterEach(() => {
  for (const fn of undo.splice(0).reverse()) fn();
  folder?.remove();
  folder = undefined;
});

const db = (f: Folder) => join(f.dir, 'outbox.db');

/** Starts a host on the folder; answers its mode and the recovery screen's status. */
async function startHost(f: Folder) {
  const host = hostOn(f.dir);
  const mode = await host.start();
  const status = await host.invoke('recovery:status');
  if (!status.ok) throw new Error(status.error.message);
  return { host, mode, status: status.value };
}

/** The recovery path: the same screen on a second start, the backup listed, a restore brings everything back. */
async function expectRecovery(f: Folder, reason: 'damaged' | 'emptied') {
  const before = postsAndLabels(join(f.dir, 'backups', `${f.backup.id}.db`));
  expect(before).toHaveLength(75);

  const first = await startHost(f);
  expect(first.mode).toBe('recovery');
  const status = first.status as Extract<RecoveryStatus, { mode: 'recovery' }>;
  expect(status.reason).toBe(reason);
  expect(status.database).toBe(db(f));
  expect(status.backups.map((b) => [b.id, b.posts, b.labels])).toEqual([[f.backup.id, 75, 2]]);
  // Nothing else runs meanwhile: every other channel says why.
  const list = await first.host.invoke('posts:list', {});
  expect(list.ok ? null : list.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('recovery screen') });
  await first.host.close();

  // Started again (the creator quit, or the app crashed): the same screen, not a loop, not an empty start.
  const second = await startHost(f);
  expect(second.mode).toBe('recovery');
  expect(second.status).toMatchObject({ mode: 'recovery', keptAside: status.keptAside });

  const restored = await second.host.invoke('recovery:restore', { id: f.backup.id });
  expect(restored.ok, JSON.stringify(restored)).toBe(true);
  expect(second.host.mode).toBe('running');
  const listed = await second.host.invoke('posts:list', { limit: 100 });
  expect(listed.ok && listed.value.total).toBe(75);
  const labels = await second.host.invoke('labels:list');
  expect(labels.ok && labels.value.map((l) => l.name).sort()).toEqual(['Ideas', 'Work']);
  await second.host.close();
  expect(postsAndLabels(db(f))).toEqual(before);
  return status;
}

describe('a damaged database: kept aside, the recovery screen, never a silent start', () => {
  it('truncated to half', async () => {
    folder = await usedFolder();
    truncateSync(db(folder), Math.floor(statSync(db(folder)).size / 2));
    const status = await expectRecovery(folder, 'damaged');
    expect(status.detail).toMatch(/SQLITE_CORRUPT|malformed|never used|btree/i);
    expect(status.keptAside).toHaveLength(1);
    expect(status.keptAside[0]).toMatch(/outbox\.db\.damaged-\d{8}T\d{9}Z$/);
  });

  it('a garbage header', async () => {
    folder = await usedFolder();
    scribble(db(folder), 0, Buffer.alloc(100, 0x5a));
    const status = await expectRecovery(folder, 'damaged');
    expect(status.detail).toMatch(/not start with an SQLite header/);
  });

  it('a random page of the posts or entries tables', async () => {
    folder = await usedFolder({ posts: 300 });
    const random = seeded(Number(process.env.OUTBOX_DAMAGE_SEED ?? 19));
    const { pageSize, pages } = pagesOf(db(folder), ['posts', 'post_labels']);
    expect(pages.length).toBeGreaterThan(5);
    const page = pages[Math.floor(random() * pages.length)]!;
    scribble(db(folder), (page - 1) * pageSize, Buffer.alloc(pageSize, 0xa5));
    // The backup was taken after 300 posts here; expectRecovery's counts are for 75.
    const first = await startHost(folder);
    expect(first.mode).toBe('recovery');
    expect(first.status).toMatchObject({ mode: 'recovery', reason: 'damaged' });
    const restored = await first.host.invoke('recovery:restore', { id: folder.backup.id });
    expect(restored.ok && restored.value.posts).toBe(300);
    await first.host.close();
  });

  it('the damaged file is kept with its -wal and -shm, untouched', async () => {
    folder = await usedFolder();
    writeFileSync(`${db(folder)}-wal`, Buffer.alloc(0));
    scribble(db(folder), 0, Buffer.from('not a database at all'));
    const { host, status } = await startHost(folder);
    await host.close();
    const kept = (status as Extract<RecoveryStatus, { mode: 'recovery' }>).keptAside[0]!;
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(`${kept}-wal`)).toBe(true);
    expect(existsSync(db(folder))).toBe(false);
  });

  it('createCore itself throws a typed error carrying what the recovery screen needs', async () => {
    folder = await usedFolder();
    scribble(db(folder), 0, Buffer.alloc(16, 0));
    const error = await createCore({ dataDir: folder.dir, secrets: new MemorySecretStore() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseRecoveryError);
    expect(error).toMatchObject({ code: 'database_recovery', reason: 'damaged', dataDir: folder.dir, database: db(folder), keptAs: expect.stringContaining('outbox.db.damaged-') });
  });
});

describe('an emptied database where Outbox had been used', () => {
  it('0 bytes after use: the recovery screen, not an empty start', async () => {
    folder = await usedFolder();
    truncateSync(db(folder), 0);
    await expectRecovery(folder, 'emptied');
  });

  it('deleted: the recovery screen too (the marker remembers the folder held posts)', async () => {
    folder = await usedFolder();
    for (const c of ['', '-wal', '-shm']) if (existsSync(db(folder) + c)) writeFileSync(db(folder) + c, '');
    const { rmSync } = await import('node:fs');
    rmSync(db(folder));
    await expectRecovery(folder, 'emptied');
  });

  it('even with the marker gone, a backup holding posts says the folder was used', async () => {
    folder = await usedFolder();
    truncateSync(db(folder), 0);
    const { rmSync } = await import('node:fs');
    rmSync(join(folder.dir, 'outbox.marker.json'));
    const { host, mode } = await startHost(folder);
    expect(mode).toBe('recovery');
    await host.close();
  });

  it('"Start fresh" only when the creator says so: then a new, empty database, backups kept', async () => {
    folder = await usedFolder();
    truncateSync(db(folder), 0);
    const { host } = await startHost(folder);
    const refused = await host.invoke('recovery:startFresh', { confirm: false } as never);
    expect(refused.ok ? null : refused.error.code).toBe('validation');
    const fresh = await host.invoke('recovery:startFresh', { confirm: true });
    expect(fresh).toEqual({ ok: true, value: { started: true } });
    expect(await host.invoke('posts:list', {})).toMatchObject({ ok: true, value: { total: 0 } });
    const backups = await host.invoke('backups:list');
    expect(backups.ok && backups.value.backups.map((b) => b.id)).toContain(folder.backup.id);
    await host.close();
    // And it stays started: the next start is a normal one.
    const again = await startHost(folder);
    expect(again.mode).toBe('running');
    await again.host.close();
  });
});

describe('no false alarms', () => {
  it('a brand-new folder starts on a new database', async () => {
    const t = await makeTestCore();
    expect(await t.core.invoke('posts:list', {})).toMatchObject({ ok: true, value: { total: 0 } });
    expect(readdirSync(t.dataDir).filter((n) => n.includes('damaged'))).toEqual([]);
    await t.dispose();
  });

  it('a database whose posts were all deleted still starts (it is not new: it has its tables)', async () => {
    folder = await usedFolder({ posts: 3 });
    const host = hostOn(folder.dir);
    expect(await host.start()).toBe('running');
    for (const id of folder.posts) await host.invoke('posts:delete', { id });
    await host.close();
    const again = hostOn(folder.dir);
    expect(await again.start()).toBe('running');
    await again.close();
  });
});

describe('a read-only database or folder is refused, naming the path and the fix', () => {
  it('a read-only database file', async () => {
    folder = await usedFolder({ posts: 3 });
    const file = db(folder);
    let release: (() => void) | null = null;
    if (isRoot) release = readOnlyBind(file);
    else chmodSync(file, 0o444);
    if (isRoot && !release) return console.warn('skipped: this machine cannot bind-mount a file read-only for root');
    if (release) undo.push(release);
    else undo.push(() => chmodSync(file, 0o644));
    const error = await createCore({ dataDir: folder.dir, secrets: new MemorySecretStore() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFolderError);
    expect(error).toMatchObject({ path: file, message: expect.stringContaining(file) });
    expect((error as Error).message).toMatch(/read-only|writable/);
    // The host refuses too (this is not a recovery case): the shell shows the message and quits.
    const host = hostOn(folder.dir);
    await expect(host.start()).rejects.toBeInstanceOf(DataFolderError);
    // Nothing was moved or changed.
    expect(readdirSync(folder.dir).filter((n) => n.includes('damaged'))).toEqual([]);
  });

  it('a read-only data folder', async () => {
    folder = await usedFolder({ posts: 3 });
    const dir = folder.dir;
    let release: (() => void) | null = null;
    if (isRoot) release = readOnlyBind(dir);
    else chmodSync(dir, 0o555);
    if (isRoot && !release) return console.warn('skipped: this machine cannot bind-mount a folder read-only for root');
    if (release) undo.push(release);
    else undo.push(() => chmodSync(dir, 0o755));
    const error = await createCore({ dataDir: dir, secrets: new MemorySecretStore() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFolderError);
    expect(error).toMatchObject({ path: dir, problem: isRoot ? 'read_only' : 'no_permission' });
    expect((error as Error).message).toContain(`Outbox cannot save in its data folder ${dir}`);
    expect((error as Error).message).toMatch(isRoot ? /mounted read-only/ : /chmod/);
  });
});

describe('damage found while running', () => {
  it('a channel that hits a damaged page says to restore a backup instead of SQLite’s words alone', async () => {
    const Database = (await import('better-sqlite3')).default;
    const t = await makeTestCore({
      instrumentStore: (store) => ({
        ...store,
        list: () => {
          throw new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
        },
      }),
    });
    const res = await t.core.invoke('posts:list', {});
    expect(res.ok ? null : res.error).toMatchObject({ code: 'internal', message: expect.stringMatching(/database is damaged .*Restore the newest backup from Settings → Backups/) });
    await t.dispose();
  });
});
