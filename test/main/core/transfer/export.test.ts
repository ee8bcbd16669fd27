// Issue 19: export (JSON full model, CSV for spreadsheets, archive = JSON + media in a zip) and the
// round trip: an archive exported from one folder and imported into an empty one yields the
// same posts — text, threads, media (by content), labels, times, states and published links.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { exportFileSchema } from '../../../../src/main/core/transfer/export-format';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { PublishingFixture } from '../../../support/publishing-fixture';

const must = <T>(res: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
};

const open: Array<{ t: TestCore; fx: PublishingFixture }> = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const { t, fx } of open.splice(0)) {
    fx.close();
    await t.dispose();
  }
  for (const fn of cleanups.splice(0)) fn();
});

async function folder() {
  const t = await makeTestCore();
  const fx = new PublishingFixture(t.dataDir);
  open.push({ t, fx });
  return { t, fx };
}

/** Reads a zip (stored or deflated entries, as yazl writes them) into a folder; answers the names. */
function unzip(zip: string, into: string): string[] {
  const buf = readFileSync(zip);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), method === 8 ? inflateRawSync(data) : data);
    names.push(name);
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

async function png(dir: string, name: string, colour: string) {
  const path = join(dir, name);
  writeFileSync(path, await sharp({ create: { width: 6, height: 6, channels: 3, background: colour } }).png().toBuffer());
  return path;
}

/** A folder with every kind of post: drafts, scheduled ones, a thread with media, published and failed history. */
async function populated() {
  const src = await folder();
  const { t, fx } = src;
  must(await t.core.invoke('settings:update', { timeZone: 'America/New_York' }));
  const bsky = fx.account('bluesky', 'me.bsky.social');
  const masto = fx.account('mastodon', 'me@example.social');
  const files = tempDir('outbox-export-src-');
  cleanups.push(files.remove);
  const red = must(await t.core.invoke('media:import', { path: await png(files.dir, 'red.png', '#ff0000') }));
  const blue = must(await t.core.invoke('media:import', { path: await png(files.dir, 'blue.png', '#0000ff') }));
  const launch = must(await t.core.invoke('labels:create', { name: 'Launch', color: '#db2777' }));
  const ideas = must(await t.core.invoke('labels:create', { name: 'Ideas', color: '#059669' }));
  const create = async (payload: Record<string, unknown>) => must(await t.core.invoke('posts:create', payload as never)).post.id;
  const ids = {
    draft: await create({ parts: [{ text: 'A draft, "quoted", with, commas', media: [] }], targets: [], labelIds: [ideas.id], schedule: { mode: 'draft' } }),
    scheduled: await create({
      parts: [{ text: '=1+1 is not a formula here', media: [{ mediaId: red.id, altText: 'Red' }] }],
      targets: [{ accountId: bsky }, { accountId: masto, textOverride: 'Mastodon gets its own words' }],
      labelIds: [launch.id],
      schedule: { mode: 'at', at: '2026-03-01T15:00:00.000Z' },
    }),
    thread: await create({
      parts: [
        { text: 'Thread 1/2 🧵', media: [{ mediaId: blue.id, altText: 'Blue' }] },
        { text: 'Thread 2/2', media: [] },
      ],
      targets: [{ accountId: masto, settings: { visibility: 'unlisted' } }],
      labelIds: [launch.id, ideas.id],
      schedule: { mode: 'at', at: '2026-03-02T15:00:00.000Z' },
      repeat: { count: 3, every: 1, unit: 'weeks' },
    }),
    published: await create({ parts: [{ text: 'Already out', media: [] }], targets: [{ accountId: bsky }, { accountId: masto }], schedule: { mode: 'draft' } }),
  };
  // What publishing would have written (published on one account, failed on the other).
  fx.db.prepare("UPDATE posts SET status = 'partially_published', published_at = @at WHERE id = @id").run({ id: ids.published, at: Date.UTC(2025, 11, 30) });
  fx.db.prepare("UPDATE entries SET status = 'published', platform_post_id = 'at://me/1', platform_url = 'https://bsky.app/profile/me/post/1' WHERE post_id = @id AND platform = 'bluesky'").run({ id: ids.published });
  fx.db.prepare("UPDATE entries SET status = 'failed', error_message = 'Rejected (422)' WHERE post_id = @id AND platform = 'mastodon'").run({ id: ids.published });
  return { ...src, ids, media: { red, blue }, labels: { launch, ideas } };
}

/** What must survive a round trip, independent of ids that are per folder (accounts, media, labels). */
async function comparable(t: TestCore, posts: Post[]) {
  const labels = new Map(must(await t.core.invoke('labels:list')).map((l) => [l.id, `${l.name} ${l.color}`]));
  const media = async (id: string) => must(await t.core.invoke('media:get', { id })).sha256;
  return Promise.all(
    posts.map(async (p) => ({
      id: p.id,
      status: p.status,
      scheduledAt: p.scheduledAt,
      repeat: p.repeat,
      publishedAt: p.publishedAt,
      labels: p.labelIds.map((id) => labels.get(id)).sort(),
      parts: await Promise.all(p.parts.map(async (part) => ({ text: part.text, media: await Promise.all(part.media.map(async (m) => [await media(m.mediaId), m.altText])) }))),
      entries: p.entries.map((e) => ({ platform: e.platform, status: e.status, contentType: e.contentType, settings: e.settings, textOverride: e.textOverride, platformUrl: e.platformUrl, errorMessage: e.errorMessage })),
    })),
  );
}

describe('export', () => {
  it('JSON: the full model, parseable by the import schema', async () => {
    const src = await populated();
    const out = tempDir('outbox-exports-');
    cleanups.push(out.remove);
    const result = must(await src.t.core.invoke('transfer:export', { format: 'json', folder: out.dir }));
    expect(result).toMatchObject({ format: 'json', posts: 4, mediaFiles: 0, path: expect.stringMatching(/outbox-export-\d{8}T\d{9}Z\.json$/) });
    const file = exportFileSchema.parse(JSON.parse(readFileSync(result.path, 'utf8')));
    expect(file.posts.map((p) => p.id).sort()).toEqual(Object.values(src.ids).sort());
    expect(file.labels.map((l) => l.name).sort()).toEqual(['Ideas', 'Launch']);
    expect(file.media.map((m) => m.sha256).sort()).toEqual([src.media.red.sha256, src.media.blue.sha256].sort());
    expect(file.accounts.map((a) => a.handle).sort()).toEqual(['me.bsky.social', 'me@example.social']);
    expect(file.timeZone).toBe('America/New_York');
    // A filtered set: only what matches.
    const launch = must(await src.t.core.invoke('transfer:export', { format: 'json', folder: out.dir, filter: { labelId: src.labels.launch.id } }));
    expect(launch.posts).toBe(2);
  });

  it('CSV: one row per post, time in the creator’s zone and in UTC, links of published entries, formulas defused', async () => {
    const src = await populated();
    const result = must(await src.t.core.invoke('transfer:export', { format: 'csv' }));
    expect(result.path.startsWith(join(src.t.dataDir, 'exports'))).toBe(true);
    const text = readFileSync(result.path, 'utf8');
    expect(text.startsWith('\ufeffpost_id,status,scheduled_local,time_zone,scheduled_utc,text,')).toBe(true);
    const rows = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(4);
    const byId = new Map(rows.map((r) => [r.post_id, r]));
    expect(byId.get(src.ids.scheduled)).toMatchObject({ status: 'scheduled', scheduled_local: '2026-03-01 10:00', time_zone: 'America/New_York', scheduled_utc: '2026-03-01T15:00:00.000Z', text: "'=1+1 is not a formula here", labels: 'Launch', media: '1' });
    expect(byId.get(src.ids.draft)!.text).toBe('A draft, "quoted", with, commas');
    expect(byId.get(src.ids.thread)).toMatchObject({ text: 'Thread 1/2 🧵\n---\nThread 2/2', parts: '2', accounts: 'mastodon:@me@example.social' });
    expect(byId.get(src.ids.published)).toMatchObject({ status: 'partially_published', links: 'https://bsky.app/profile/me/post/1' });
  });

  it('archive: a zip with the JSON, each referenced media file once, and a README', async () => {
    const src = await populated();
    const result = must(await src.t.core.invoke('transfer:export', { format: 'archive' }));
    expect(result).toMatchObject({ format: 'archive', posts: 4, mediaFiles: 2 });
    const into = tempDir('outbox-unzip-');
    cleanups.push(into.remove);
    const names = unzip(result.path, into.dir);
    expect(names.sort()).toEqual(['README.txt', 'media/' + `${src.media.blue.sha256}.png`, 'media/' + `${src.media.red.sha256}.png`, 'outbox-export.json'].sort());
    expect(readFileSync(join(into.dir, 'media', `${src.media.red.sha256}.png`))).toEqual(readFileSync(join(src.t.dataDir, 'media', `${src.media.red.sha256}.png`)));
  });

  it('a folder Outbox cannot write is a validation error naming it', async () => {
    const src = await folder();
    // A path under a file: no folder can be made there.
    const res = await src.t.core.invoke('transfer:export', { format: 'json', folder: join(src.t.dataDir, 'outbox.db', 'exports') });
    expect(res.ok ? null : res.error.issues?.[0]?.path).toBe('folder');
  });
});

describe('round trip: export an archive, import it into an empty folder', () => {
  it('with the same accounts connected there: the same posts, states and links', async () => {
    const src = await populated();
    const exported = must(await src.t.core.invoke('transfer:export', { format: 'archive' }));
    const into = tempDir('outbox-unzip-');
    cleanups.push(into.remove);
    unzip(exported.path, into.dir);

    const dst = await folder();
    // The creator reconnects the same accounts on the new machine (new ids, same handles).
    dst.fx.account('bluesky', 'me.bsky.social');
    dst.fx.account('mastodon', 'me@example.social');
    const path = join(into.dir, 'outbox-export.json');
    const preview = must(await dst.t.core.invoke('transfer:importPreview', { source: { path } }));
    expect(preview).toMatchObject({ format: 'json', posts: 4, bad: 0 });
    const result = must(await dst.t.core.invoke('transfer:importCommit', { source: { path } }));
    expect(result.created).toBe(4);

    const before = must(await src.t.core.invoke('posts:list', { limit: 100 })).posts;
    const after = must(await dst.t.core.invoke('posts:list', { limit: 100 })).posts;
    expect(await comparable(dst.t, after)).toEqual(await comparable(src.t, before));
    // Media came from the archive's media folder, byte for byte.
    expect(readFileSync(join(dst.t.dataDir, 'media', `${src.media.red.sha256}.png`))).toEqual(readFileSync(join(src.t.dataDir, 'media', `${src.media.red.sha256}.png`)));

    // Importing the same file again changes nothing: every post is already there.
    const again = must(await dst.t.core.invoke('transfer:importPreview', { source: { path } }));
    expect(again.rows.map((r) => r.state)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(must(await dst.t.core.invoke('transfer:importCommit', { source: { path } })).created).toBe(0);
  });

  it('with no account connected: history is kept, scheduled posts are named and can be skipped', async () => {
    const src = await populated();
    const exported = must(await src.t.core.invoke('transfer:export', { format: 'json' }));
    const dst = await folder();
    const json = readFileSync(exported.path, 'utf8');
    const preview = must(await dst.t.core.invoke('transfer:importPreview', { source: { json } }));
    const byId = new Map(JSON.parse(json).posts.map((p: Post, i: number) => [p.id, preview.rows[i]!]));
    const scheduled = byId.get(src.ids.scheduled) as (typeof preview.rows)[number];
    expect(scheduled.state).toBe('error');
    expect(scheduled.issues.map((i) => i.field)).toContain('accounts');
    // The media are not in this library and no media folder is beside pasted text.
    expect(scheduled.issues.map((i) => i.field)).toContain('media');
    const history = byId.get(src.ids.published) as (typeof preview.rows)[number];
    expect(history).toMatchObject({ state: 'ok', status: 'partially_published' });
    expect(history.warnings.map((w) => w.message).join(' ')).toMatch(/not connected here: its entry is kept as history/);
    const skip = preview.rows.filter((r) => r.state === 'error').map((r) => r.row);
    const result = must(await dst.t.core.invoke('transfer:importCommit', { source: { json }, skip }));
    expect(result.created).toBe(2);
    const published = must(await dst.t.core.invoke('posts:get', { id: src.ids.published }));
    expect(published.entries.map((e) => [e.platform, e.status, e.accountId, e.platformUrl])).toEqual([
      ['bluesky', 'published', null, 'https://bsky.app/profile/me/post/1'],
      ['mastodon', 'failed', null, null],
    ]);
  });

  it('a file that is not an Outbox export is named as such, field by field', async () => {
    const dst = await folder();
    const preview = must(await dst.t.core.invoke('transfer:importPreview', { source: { json: JSON.stringify({ format: 'outbox-export', version: 1, exportedAt: 'yesterday', posts: [{ id: 'x' }] }) } }));
    expect(preview.fileIssues.map((i) => i.field)).toEqual(expect.arrayContaining(['exportedAt', 'posts.0.status']));
    const bad = must(await dst.t.core.invoke('transfer:importPreview', { source: { json: '{ not json' } }));
    expect(bad.fileIssues[0]!.message).toMatch(/not a JSON file/);
  });
});
