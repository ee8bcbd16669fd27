// Media library hygiene: library items no post or draft has named for 30 days (as media or as a
// video's cover) are removed, never one a post names, never one the kept backups need; the 30
// days count from the import or from the moment the last post naming the item changed or went
// (migration 0015's triggers); one timer is armed for the next such moment and none while every
// item is in use. Crash leftovers of imports go at start.
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Media } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { makeVideo } from '../../../support/videos';

const DAY = 24 * 3600_000;
let t: TestCore | undefined;
const dirs: Array<{ remove(): void }> = [];
afterEach(async () => {
  await t?.dispose();
  t = undefined;
  dirs.splice(0).forEach((d) => d.remove());
});

async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

async function image(dir: string, name: string, color: string): Promise<string> {
  const path = join(dir, name);
  await sharp({ create: { width: 16, height: 16, channels: 3, background: color } }).png().toFile(path);
  return path;
}

/** Whether the library still has an item: true with its row and its file, false once both are gone. */
async function present(media: Media): Promise<boolean | 'half'> {
  const row = await t!.core.invoke('media:get', { id: media.id });
  const file = existsSync(join(t!.dataDir, 'media', `${media.sha256}.${media.mime === 'video/mp4' ? 'mp4' : 'png'}`));
  // Between the row's delete and the file's, a sweep in progress shows half: polls wait it out.
  return row.ok && file ? true : !row.ok && !file ? false : 'half';
}

async function setup(options: { keep?: () => { ids: Set<string> } } = {}) {
  const files = tempDir('outbox-sweep-files-');
  dirs.push(files);
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  t = await makeTestCore({ clock, ...(options.keep ? { mediaKeptByBackups: options.keep } : {}) });
  const core = t.core;
  const imp = async (path: string) => value(core.invoke('media:import', { path }));
  const draft = async (media: Array<{ mediaId: string; altText?: string; cover?: { atMs: number | null; mediaId: string | null } }>) =>
    (await value(core.invoke('posts:create', { parts: [{ text: 'draft', media: media.map((m) => ({ altText: '', ...m })) }], schedule: { mode: 'draft' } }))).post.id;
  /** Moves the engine's time `n` days on, firing what falls due (the sweep's one timer). */
  const days = async (n: number) => {
    await clock.advance(n * DAY);
    await flushPromises();
  };
  /** Moves time on without firing any timer (Outbox was closed). */
  const jump = (n: number) => clock.set(clock.now() + n * DAY);
  return { files, clock, core, imp, draft, days, jump };
}

describe('the library sweep', () => {
  it('removes what no post has named for 30 days; keeps media, covers and drafts in use', async () => {
    const { files, imp, draft, days, core, clock } = await setup();
    const unused = await imp(await image(files.dir, 'unused.png', '#ff0000'));
    const inDraft = await imp(await image(files.dir, 'in-draft.png', '#00ff00'));
    const cover = await imp(await image(files.dir, 'cover.png', '#0000ff'));
    const video = await imp(await makeVideo(join(files.dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 64, height: 48, audio: false }));
    await draft([{ mediaId: inDraft.id }]);
    await draft([{ mediaId: video.id, cover: { atMs: 500, mediaId: cover.id } }]);

    // Unused since its import: 30 days later it goes, not a minute sooner.
    await days(29);
    await clock.advance(DAY - 60_000);
    expect(await present(unused)).toBe(true);
    await clock.advance(60_000);
    await expect.poll(() => present(unused)).toBe(false);
    for (const kept of [inDraft, cover, video]) expect(await present(kept)).toBe(true);
    // A cover in use cannot be deleted by hand either.
    expect(await core.invoke('media:delete', { id: cover.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('counts from the moment the last post naming the item stopped, even while Outbox was closed', async () => {
    const { files, imp, draft, days, jump, core } = await setup();
    const item = await imp(await image(files.dir, 'once-used.png', '#123456'));
    const elsewhere = await imp(await image(files.dir, 'elsewhere.png', '#654321'));
    // Named by two drafts from day 20; one goes on day 25, the other only changes on day 40.
    jump(20);
    const first = await draft([{ mediaId: item.id }]);
    const second = await draft([{ mediaId: item.id }, { mediaId: elsewhere.id }]);
    jump(5);
    await value(core.invoke('posts:delete', { id: first }));
    // Day 31 would have removed it had the count started at the import; the other draft names it.
    await days(6);
    expect(await present(item)).toBe(true);
    jump(9);
    await value(core.invoke('posts:update', { id: second, parts: [{ text: 'changed', media: [{ mediaId: elsewhere.id, altText: '' }] }] }));
    // Unnamed from day 40: present on day 69, gone on day 70.
    await days(29);
    expect(await present(item)).toBe(true);
    await days(1);
    await expect.poll(() => present(item)).toBe(false);
    expect(await present(elsewhere)).toBe(true);
  });

  it('an item imported again starts its 30 days over', async () => {
    const { files, imp, days } = await setup();
    const path = await image(files.dir, 'again.png', '#abcdef');
    const item = await imp(path);
    await days(29);
    expect((await imp(path)).id).toBe(item.id);
    await days(2);
    expect(await present(item)).toBe(true);
    await days(28);
    await expect.poll(() => present(item)).toBe(false);
  });

  it('no timer while every item is in use; one for the next item to reach 30 days', async () => {
    const { files, imp, draft, clock, core } = await setup();
    const baseline = clock.pending();
    const a = await imp(await image(files.dir, 'timer-a.png', '#0a0a0a'));
    expect(clock.pending()).toBe(baseline + 1);
    const id = await draft([{ mediaId: a.id }]);
    expect(clock.pending()).toBe(baseline);
    await value(core.invoke('posts:delete', { id }));
    expect(clock.pending()).toBe(baseline + 1);
  });

  it('media the kept backups reference stay; if they cannot be listed, nothing is removed that round', async () => {
    const kept = new Set<string>();
    let broken = false;
    const { files, imp, days } = await setup({
      keep: () => {
        if (broken) throw new Error('backups folder unreadable');
        return { ids: kept };
      },
    });
    const inBackup = await imp(await image(files.dir, 'in-backup.png', '#111111'));
    const loose = await imp(await image(files.dir, 'loose.png', '#222222'));
    kept.add(inBackup.id);
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      broken = true;
      await days(30);
      expect(await present(loose)).toBe(true);
      expect(logged.some((l) => String(l[0]).includes('the media of the kept backups could not be listed'))).toBe(true);
      // Tried again a day later.
      broken = false;
      await days(1);
      await expect.poll(() => present(loose)).toBe(false);
      expect(await present(inBackup)).toBe(true);
    } finally {
      console.error = original;
    }
  });

  it('at start, an import a crash left half-done goes if older than a day; a recent one stays', async () => {
    await setup();
    const mediaDir = join(t!.dataDir, 'media');
    const stale = join(mediaDir, '.import-stale');
    const current = join(mediaDir, '.import-current');
    writeFileSync(stale, 'half a video');
    writeFileSync(current, 'being copied');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    await t!.restart();
    await expect.poll(() => existsSync(stale)).toBe(false);
    expect(existsSync(current)).toBe(true);
  });
});

describe('migration 0015', () => {
  it('items imported before it are checked at the first start: unnamed ones from then, named ones not at all', async () => {
    const { files, imp, draft, clock } = await setup();
    const named = await imp(await image(files.dir, 'old-named.png', '#aa00aa'));
    const loose = await imp(await image(files.dir, 'old-loose.png', '#00aaaa'));
    await draft([{ mediaId: named.id }]);
    // As the migration leaves rows written before it.
    const file = join(t!.dataDir, 'outbox.db');
    await t!.core.close();
    const db = new (await import('better-sqlite3')).default(file);
    db.prepare('UPDATE media SET unreferenced_since = -1').run();
    db.close();
    clock.set(clock.now() + 5 * DAY);
    await t!.restart();
    const check = new (await import('better-sqlite3')).default(file, { readonly: true });
    try {
      const stamp = (id: string) => (check.prepare('SELECT unreferenced_since AS s FROM media WHERE id = ?').get(id) as { s: number | null }).s;
      expect(stamp(named.id)).toBeNull();
      expect(stamp(loose.id)).toBe(clock.now());
    } finally {
      check.close();
    }
  });

  it('a post written, changed or deleted settles every item it names or named, covers included', async () => {
    const { files, imp, draft, core, clock } = await setup();
    const a = await imp(await image(files.dir, 'a.png', '#aa0000'));
    const b = await imp(await image(files.dir, 'b.png', '#00bb00'));
    const video = await imp(await makeVideo(join(files.dir, 'v.mp4'), { container: 'mp4', seconds: 1, width: 64, height: 48, audio: false }));
    const imported = clock.now();
    const db = new (await import('better-sqlite3')).default(join(t!.dataDir, 'outbox.db'), { readonly: true });
    try {
      const stamp = (id: string) => (db.prepare('SELECT unreferenced_since AS s FROM media WHERE id = ?').get(id) as { s: number | null }).s;
      expect([stamp(a.id), stamp(b.id), stamp(video.id)]).toEqual([imported, imported, imported]);
      const id = await draft([{ mediaId: video.id, cover: { atMs: null, mediaId: a.id } }]);
      expect([stamp(a.id), stamp(video.id), stamp(b.id)]).toEqual([null, null, imported]);
      // Changed to name b instead: b is named; a and the video are unnamed from that moment.
      clock.set(imported + DAY);
      await value(core.invoke('posts:update', { id, parts: [{ text: 'x', media: [{ mediaId: b.id, altText: '' }] }] }));
      expect([stamp(a.id), stamp(video.id), stamp(b.id)]).toEqual([imported + DAY, imported + DAY, null]);
      clock.set(imported + 2 * DAY);
      await value(core.invoke('posts:delete', { id }));
      expect(stamp(b.id)).toBe(imported + 2 * DAY);
    } finally {
      db.close();
    }
  });
});
