import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CoreOptions } from '../../../../src/main/core/create-core';
import { createCoreHost, type CoreHost } from '../../../../src/main/core/host/core-host';
import { FakeNetwork, FakePower, ManualClock, MemorySecretStore, RecordingNotifier } from '../../../../src/main/core/ports/doubles';
import { makeTestCore, tempDir } from '../../../support/core';

/** A data folder Outbox has been used in: labels, drafts carrying them, and one manual backup. */
export async function usedFolder(options: { posts?: number; text?: (i: number) => string } = {}) {
  const temp = tempDir('outbox-safety-');
  const t = await makeTestCore({ dataDir: temp.dir });
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const work = must(await t.core.invoke('labels:create', { name: 'Work', color: '#4f46e5' }));
  const ideas = must(await t.core.invoke('labels:create', { name: 'Ideas', color: '#059669' }));
  const ids: string[] = [];
  for (let i = 0; i < (options.posts ?? 75); i++) {
    const created = must(
      await t.core.invoke('posts:create', {
        parts: [{ text: options.text?.(i) ?? `Draft number ${i}: ${'words '.repeat(20)}`, media: [] }],
        targets: [],
        labelIds: i % 2 === 0 ? [work.id] : [work.id, ideas.id],
        schedule: { mode: 'draft' },
      }),
    );
    ids.push(created.post.id);
  }
  const backup = must(await t.core.invoke('backups:create'));
  await t.core.close();
  return { dir: temp.dir, remove: temp.remove, posts: ids, labels: [work, ideas], backup, clock: t.clock };
}

/** A host over a folder with test doubles for every port. */
export function hostOn(dir: string, extra: Partial<CoreOptions> = {}): CoreHost & { notifier: RecordingNotifier; clock: ManualClock } {
  const notifier = new RecordingNotifier();
  const clock = (extra.clock as ManualClock | undefined) ?? new ManualClock();
  const host = createCoreHost({ dataDir: dir, clock, secrets: new MemorySecretStore(), notifier, network: new FakeNetwork(), power: new FakePower(), dailyUpkeep: false, ...extra });
  return Object.assign(host, { notifier, clock });
}

/** Overwrites `bytes` at `offset` of a file (damage as a disk would do it). */
export function scribble(file: string, offset: number, bytes: Buffer) {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** The pages holding rows of the given tables (SQLite's dbstat), to damage a page that matters. */
export function pagesOf(file: string, tables: string[]): { pageSize: number; pages: number[] } {
  const db = new Database(file, { readonly: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const rows = db.prepare(`SELECT pageno FROM dbstat WHERE name IN (${tables.map(() => '?').join(',')}) AND pagetype = 'leaf'`).all(...tables) as Array<{ pageno: number }>;
    return { pageSize, pages: rows.map((r) => r.pageno) };
  } finally {
    db.close();
  }
}

/** Every post id and its label ids, straight from a database file. */
export function postsAndLabels(file: string): Array<{ id: string; labels: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT p.id, COALESCE((SELECT group_concat(label_id) FROM (SELECT label_id FROM post_labels WHERE post_id = p.id ORDER BY label_id)), '') AS labels FROM posts p ORDER BY p.id").all() as Array<{ id: string; labels: string }>;
  } finally {
    db.close();
  }
}

/**
 * Makes a path read-only for real, even for root (who ignores file modes): a read-only bind
 * mount over a file, or a read-only tmpfs for a folder. Null where this machine cannot mount.
 */
export function readOnlyBind(path: string): (() => void) | null {
  try {
    execFileSync('mount', ['--bind', path, path], { stdio: 'ignore' });
  } catch {
    return null;
  }
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', path], { stdio: 'ignore' });
  } catch {
    execFileSync('umount', [path], { stdio: 'ignore' });
    return null;
  }
  return () => execFileSync('umount', ['-l', path], { stdio: 'ignore' });
}

/** True when this process ignores file permissions (root): chmod alone cannot make a file read-only. */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A temp folder for a test that must outlive a mount. */
export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
