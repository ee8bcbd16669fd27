// Media library hygiene: the sweep (after start, then daily) removes library items no post or draft has
// named for 30 days (as media or as a video's cover), never one a post names, never one the kept
// backups need, and counts the 30 days from the last time a post named it (migration 0015's
// triggers), however rarely it ran. Crash leftovers of imports go after a day.
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Media } from '../../../../src/shared/domain';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
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
  /**
   * Moves the engine's time `n` days on, with one sweep at the end (as when Outbox was closed or
   * asleep meanwhile): the count must not depend on how often the sweep ran.
   */
  const days = async (n: number) => {
    // The daily timer is then overdue and fires once, at the new time.
    clock.set(clock.now() + n * DAY);
    await clock.advance(0);
  };
  /** Moves time on without any sweep. */
  const jump = (n: number) => clock.set(clock.now() + n * DAY);
  return { files, clock, core, imp, draft, days, jump };
}

describe('the library sweep', () => {
  it('removes what no post has named for 30 days; keeps media, covers and drafts in use', async () => {
    const { files, imp, draft, days, core } = await setup();
    const unused = await imp(await image(files.dir, 'unused.png', '#ff0000'));
    const inDraft = await imp(await image(files.dir, 'in-draft.png', '#00ff00'));
    const cover = await imp(await image(files.dir, 'cover.png', '#0000ff'));
    const video = await imp(await makeVideo(join(files.dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 64, height: 48, audio: false }));
    await draft([{ mediaId: inDraft.id }]);
    await draft([{ mediaId: video.id, cover: { atMs: 500, mediaId: cover.id } }]);

    // The first daily sweep marks `unused` as unnamed; 30 days later it goes, not a day sooner.
    await days(1);
    await days(29);
    expect(await present(unused)).toBe(true);
    await days(1);
    await expect.poll(() => present(unused)).toBe(false);
    for (const kept of [inDraft, cover, video]) expect(await present(kept)).toBe(true);
    // A cover in use cannot be deleted by hand either.
    expect(await core.invoke('media:delete', { id: cover.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('counts from the last time a post named the item, even when no sweep saw it named', async () => {
    const { files, imp, draft, days, jump, core } = await setup();
    const item = await imp(await image(files.dir, 'once-used.png', '#123456'));
    await days(1); // stamped unnamed on day 1
    // Named by a draft on day 20, deleted on day 25, with no sweep in between (Outbox was closed).
    jump(19);
    const id = await draft([{ mediaId: item.id }]);
    jump(5);
    await value(core.invoke('posts:delete', { id }));
    // Day 31 would have removed it had the count started on day 1; the delete restarted it.
    await days(6);
    expect(await present(item)).toBe(true);
    // Stamped again on day 31: it goes on day 61.
    await days(29);
    expect(await present(item)).toBe(true);
    await days(1);
    await expect.poll(() => present(item)).toBe(false);
  });

  it('an item imported again starts its 30 days over', async () => {
    const { files, imp, days } = await setup();
    const path = await image(files.dir, 'again.png', '#abcdef');
    const item = await imp(path);
    await days(1);
    await days(28);
    expect((await imp(path)).id).toBe(item.id);
    await days(2);
    expect(await present(item)).toBe(true);
    await days(30);
    await expect.poll(() => present(item)).toBe(false);
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
      await days(1);
      broken = true;
      await days(30);
      expect(await present(loose)).toBe(true);
      expect(logged.some((l) => String(l[0]).includes('the media of the kept backups could not be listed'))).toBe(true);
      broken = false;
      await days(1);
      await expect.poll(() => present(loose)).toBe(false);
      expect(await present(inBackup)).toBe(true);
    } finally {
      console.error = original;
    }
  });

  it("an import a crash left half-done goes after a day; one in progress stays", async () => {
    const { days } = await setup();
    const mediaDir = join(t!.dataDir, 'media');
    const stale = join(mediaDir, '.import-stale');
    const current = join(mediaDir, '.import-current');
    writeFileSync(stale, 'half a video');
    writeFileSync(current, 'being copied');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    await days(1);
    await expect.poll(() => existsSync(stale)).toBe(false);
    expect(existsSync(current)).toBe(true);
  });
});

describe('migration 0015', () => {
  it('a post written, changed or deleted clears the stamp of every item it names, covers included', async () => {
    const { files, imp, draft, core, days } = await setup();
    const a = await imp(await image(files.dir, 'a.png', '#aa0000'));
    const b = await imp(await image(files.dir, 'b.png', '#00bb00'));
    const video = await imp(await makeVideo(join(files.dir, 'v.mp4'), { container: 'mp4', seconds: 1, width: 64, height: 48, audio: false }));
    await days(1);
    const db = new (await import('better-sqlite3')).default(join(t!.dataDir, 'outbox.db'), { readonly: true });
    try {
      const stamp = (id: string) => (db.prepare('SELECT unreferenced_since AS s FROM media WHERE id = ?').get(id) as { s: number | null }).s;
      expect([stamp(a.id), stamp(b.id), stamp(video.id)].every((s) => s !== null)).toBe(true);
      const id = await draft([{ mediaId: video.id, cover: { atMs: null, mediaId: a.id } }]);
      expect([stamp(a.id), stamp(video.id)]).toEqual([null, null]);
      expect(stamp(b.id)).not.toBeNull();
      await days(1);
      expect(stamp(a.id)).toBeNull();
      // Changed to name b instead: a is no longer named (stamped at the next sweep), b is cleared.
      await value(core.invoke('posts:update', { id, parts: [{ text: 'x', media: [{ mediaId: b.id, altText: '' }] }] }));
      expect(stamp(b.id)).toBeNull();
      await days(1);
      expect(stamp(a.id)).not.toBeNull();
      expect(stamp(b.id)).toBeNull();
    } finally {
      db.close();
    }
  });
});
