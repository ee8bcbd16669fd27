// Issue 19: bulk import. A CSV is previewed row by row against each target's rules (the same
// check as posts:validate), bad rows are named with their field, fixed or skipped, and the
// accepted rows are committed in one transaction.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportRowValues } from '../../../../src/shared/ipc/transfer';
import { IMPORT_TEMPLATE_CSV } from '../../../../src/shared/import-format';
import type { PostStore } from '../../../../src/main/core/posts/post-store.repo';
import { makeTestCore, type TestCore } from '../../../support/core';
import { PublishingFixture } from '../../../support/publishing-fixture';

const must = <T>(res: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
};

let t: TestCore;
let fx: PublishingFixture;
let bsky: string;
let masto: string;
beforeEach(async () => {
  // Thursday 1 January 2026, 12:00 UTC; the creator plans in Paris.
  t = await makeTestCore();
  must(await t.core.invoke('settings:update', { timeZone: 'Europe/Paris' }));
  fx = new PublishingFixture(t.dataDir);
  bsky = fx.account('bluesky', 'me.bsky.social');
  masto = fx.account('mastodon', 'me@example.social');
});
afterEach(async () => {
  fx.close();
  await t.dispose();
});

/** One CSV cell as a spreadsheet writes it (quoted when needed). */
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (header: string[], rows: Array<Record<string, string>>) => [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h] ?? '')).join(','))].join('\r\n') + '\r\n';
const HEADER = ['group', 'date', 'time', 'time_zone', 'text', 'accounts', 'platforms', 'media', 'alt_text', 'labels', 'status'];
const countPosts = () => (fx.db.prepare('SELECT count(*) AS n FROM posts').get() as { n: number }).n;

/** The 20 bad rows: two of each kind of mistake, with the field the preview must name. */
const BAD: Array<{ values: Record<string, string>; field: string; message: RegExp }> = [
  { values: { date: '2025-12-24', time: '09:00', text: 'too late', accounts: '@me.bsky.social' }, field: 'date', message: /in the past/ },
  { values: { date: '2026-01-01', time: '08:00', time_zone: 'Europe/Paris', text: 'earlier today', accounts: '@me.bsky.social' }, field: 'time', message: /in the past/ },
  { values: { date: '2026-03-01', time: '25:00', text: 'no such hour', accounts: '@me.bsky.social' }, field: 'time', message: /not a time/ },
  { values: { date: '01/03/2026', time: '10:00', text: 'ambiguous date', accounts: '@me.bsky.social' }, field: 'date', message: /YYYY-MM-DD/ },
  { values: { date: '2026-02-30', time: '10:00', text: 'no such day', accounts: '@me.bsky.social' }, field: 'date', message: /not a real date/ },
  { values: { date: '2026-03-01', time: '10:00', time_zone: 'Mars/Olympus', text: 'bad zone', accounts: '@me.bsky.social' }, field: 'time_zone', message: /not a time zone/ },
  { values: { date: '2026-03-01', text: 'date without time', accounts: '@me.bsky.social' }, field: 'time', message: /needs a time/ },
  { values: { date: '2026-03-01', time: '10:00', text: 'who?', accounts: '@nobody.example' }, field: 'accounts', message: /no connected account/ },
  { values: { date: '2026-03-01', time: '10:00', text: 'no such platform', platforms: 'myspace' }, field: 'platforms', message: /not a platform/ },
  { values: { date: '2026-03-01', time: '10:00', text: 'x'.repeat(400), accounts: '@me.bsky.social' }, field: 'text', message: /Bluesky: 400\/300 characters/ },
];

function thousandRows() {
  const rows: Array<Record<string, string>> = [];
  const bad = new Map<number, (typeof BAD)[number]>();
  for (let i = 0; i < 1000; i++) {
    if (i % 50 === 7) {
      const b = BAD[bad.size % BAD.length]!;
      // Line numbers: the header is line 1, row i is line i + 2.
      bad.set(i + 2, b);
      rows.push(b.values);
      continue;
    }
    const day = 2 + (i % 27);
    rows.push({
      date: `2026-02-${String(day).padStart(2, '0')}`,
      time: `${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      text: `Imported post ${i}, with an accent (café) and an emoji 🎉`,
      accounts: i % 3 === 0 ? '@me.bsky.social | mastodon:@me@example.social' : 'bluesky:@me.bsky.social',
      labels: i % 4 === 0 ? 'imported | Campaign' : 'imported',
    });
  }
  return { text: csv(HEADER, rows), bad };
}

describe('a 1,000-row CSV with 20 bad rows', () => {
  it('the preview names each bad row and its field; nothing is written until commit; the commit imports the 980 in one transaction', async () => {
    const { text, bad } = thousandRows();
    expect(bad.size).toBe(20);
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: text } }));
    expect(preview).toMatchObject({ format: 'csv', posts: 980, bad: 20, skipped: 0, fileIssues: [] });
    expect(preview.newLabels.sort()).toEqual(['Campaign', 'imported']);
    const errors = preview.rows.filter((r) => r.state === 'error');
    expect(errors.map((r) => r.row)).toEqual([...bad.keys()]);
    for (const r of errors) {
      const expected = bad.get(r.row)!;
      expect(r.issues.map((i) => i.field), `row ${r.row}`).toContain(expected.field);
      expect(r.issues.find((i) => i.field === expected.field)!.message).toMatch(expected.message);
    }
    // Good rows show where they go and when, in UTC.
    const first = preview.rows[0]!;
    expect(first).toMatchObject({ row: 2, state: 'ok', status: 'scheduled', targets: ['@me.bsky.social on Bluesky', '@me@example.social on Mastodon'], scheduledAt: '2026-02-02T07:00:00.000Z' });
    expect(countPosts()).toBe(0);

    // Committing with bad rows left in refuses, naming them, and writes nothing.
    const refused = await t.core.invoke('transfer:importCommit', { source: { csv: text } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('validation');
      expect(refused.error.message).toMatch(/20 rows have problems/);
      expect(refused.error.issues?.[0]).toEqual({ path: `rows.9.date`, message: expect.stringMatching(/in the past/) });
    }
    expect(countPosts()).toBe(0);

    const changed: string[][] = [];
    t.core.on('posts:changed', ({ ids }) => changed.push(ids));
    const result = must(await t.core.invoke('transfer:importCommit', { source: { csv: text }, skip: [...bad.keys()] }));
    expect(result).toMatchObject({ created: 980, skipped: [...bad.keys()] });
    expect(result.labelsCreated.sort()).toEqual(['Campaign', 'imported']);
    expect(countPosts()).toBe(980);
    // One event for the whole import, not 980.
    expect(changed).toHaveLength(1);
    expect(changed[0]).toHaveLength(980);
    // Entries as posts:create makes them: one per account, pending, with the platform's content type.
    const entries = fx.db.prepare('SELECT platform, content_type, status, count(*) AS n FROM entries GROUP BY platform, content_type, status ORDER BY platform').all();
    expect(entries).toEqual([
      { platform: 'bluesky', content_type: 'bluesky_post', status: 'pending', n: 980 },
      { platform: 'mastodon', content_type: 'mastodon_post', status: 'pending', n: 327 },
    ]);
    const post = must(await t.core.invoke('posts:get', { id: result.postIds[0]! }));
    expect(post).toMatchObject({ status: 'scheduled', scheduledAt: '2026-02-02T07:00:00.000Z', parts: [{ text: 'Imported post 0, with an accent (café) and an emoji 🎉', media: [] }] });
    expect(post.labelIds).toHaveLength(2);
  });

  it('a failure in the middle of the commit leaves nothing (one transaction)', async () => {
    fx.close();
    let inserted = 0;
    const failing = (store: PostStore): PostStore => ({
      ...store,
      insertPost: (p) => {
        if (++inserted === 500) throw new Error('disk unplugged');
        store.insertPost(p);
      },
    });
    await t.restart({ instrumentStore: failing });
    fx = new PublishingFixture(t.dataDir);
    const { text, bad } = thousandRows();
    const res = await t.core.invoke('transfer:importCommit', { source: { csv: text }, skip: [...bad.keys()] });
    expect(res.ok).toBe(false);
    expect(inserted).toBe(500);
    expect(countPosts()).toBe(0);
    expect(must(await t.core.invoke('labels:list'))).toEqual([]);
  });
});

describe('fixing and skipping rows', () => {
  it('a fixed row passes on the next preview; the commit takes the fixed values', async () => {
    const text = csv(HEADER, [
      { date: '2026-03-01', time: '10:00', text: 'fine', accounts: '@me.bsky.social' },
      { date: '2026-03-01', time: '10:00', text: 'x'.repeat(350), accounts: '@me.bsky.social' },
    ]);
    const first = must(await t.core.invoke('transfer:importPreview', { source: { csv: text } }));
    expect(first.rows.map((r) => [r.row, r.state])).toEqual([
      [2, 'ok'],
      [3, 'error'],
    ]);
    const rows = first.rows.map((r) => ({ row: r.row, values: r.row === 3 ? { ...r.values, text: 'shorter now' } : r.values }));
    const second = must(await t.core.invoke('transfer:importPreview', { source: { rows } }));
    expect(second).toMatchObject({ bad: 0, posts: 2 });
    must(await t.core.invoke('transfer:importCommit', { source: { rows } }));
    expect((fx.db.prepare('SELECT parts FROM posts ORDER BY parts').all() as Array<{ parts: string }>).map((p) => JSON.parse(p.parts)[0].text)).toEqual(['fine', 'shorter now']);
  });

  it('rows without a time take the next free queue slots in file order; drafts keep no time', async () => {
    const text = csv(HEADER, [
      { text: 'first in the queue', accounts: '@me.bsky.social' },
      { text: 'second in the queue', platforms: 'Bluesky' },
      { text: 'an idea', status: 'draft' },
      { date: '2026-03-01', time: '10:00', text: 'a draft keeps no time', accounts: '@me.bsky.social', status: 'draft' },
    ]);
    const slots = must(await t.core.invoke('posts:nextSlots', { count: 2 })).slots;
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: text } }));
    expect(preview.rows.map((r) => [r.queued, r.scheduledAt, r.status])).toEqual([
      [true, slots[0], 'scheduled'],
      [true, slots[1], 'scheduled'],
      [false, null, 'draft'],
      [false, null, 'draft'],
    ]);
    expect(preview.rows[3]!.warnings.map((w) => w.field)).toContain('date');
    const { postIds } = must(await t.core.invoke('transfer:importCommit', { source: { csv: text } }));
    const posts = await Promise.all(postIds.map(async (id) => must(await t.core.invoke('posts:get', { id }))));
    expect(posts.map((p) => [p.parts[0]!.text, p.status, p.scheduledAt])).toEqual([
      ['an idea', 'draft', null],
      ['a draft keeps no time', 'draft', null],
      ['first in the queue', 'scheduled', slots[0]],
      ['second in the queue', 'scheduled', slots[1]],
    ]);
    // The drafts target every active account (no accounts named), like posts:create.
    expect(posts[0]!.entries).toHaveLength(2);
  });

  it('no queue slots: queue rows are refused by row, naming the fix', async () => {
    must(await t.core.invoke('settings:update', { queueSlots: [] }));
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: csv(HEADER, [{ text: 'queued', accounts: '@me.bsky.social' }]) } }));
    expect(preview.rows[0]).toMatchObject({ state: 'error', issues: [{ field: 'date', message: expect.stringMatching(/no queue slots/) }] });
  });

  it('threads: rows sharing a group id are one post; per-post columns belong on its first row; a skipped part is left out', async () => {
    const text = csv(HEADER, [
      { group: 't1', date: '2026-03-01', time: '10:00', text: 'Thread start', accounts: 'mastodon:@me@example.social', labels: 'Series' },
      { group: 't1', text: 'Part two' },
      { text: 'A single post in between', date: '2026-03-02', time: '10:00', accounts: '@me.bsky.social' },
      { group: 't1', text: 'Part three (skipped)' },
      { group: 't1', text: 'Part four' },
      { group: 't2', date: '2026-03-03', time: '10:00', text: 'Another thread', accounts: '@me.bsky.social' },
      { group: 't2', text: 'with a time of its own', time: '11:00' },
    ]);
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: text }, skip: [5] }));
    expect(preview.rows.map((r) => [r.row, r.group, r.part, r.state])).toEqual([
      [2, 't1', 1, 'ok'],
      [3, 't1', 2, 'ok'],
      [4, null, 1, 'ok'],
      [5, 't1', 3, 'skipped'],
      [6, 't1', 4, 'ok'],
      [7, 't2', 1, 'ok'],
      [8, 't2', 2, 'error'],
    ]);
    expect(preview.rows[6]!.issues).toEqual([{ field: 'time', message: "set time on the thread's first row (row 7) only" }]);
    const { postIds } = must(await t.core.invoke('transfer:importCommit', { source: { csv: text }, skip: [5, 7, 8] }));
    const thread = must(await t.core.invoke('posts:get', { id: postIds[0]! }));
    expect(thread.parts.map((p) => p.text)).toEqual(['Thread start', 'Part two', 'Part four']);
  });

  it('a thread to a platform without threads goes out joined; refused on the row that makes the joined message too long', async () => {
    fx.account('linkedin', 'me-on-linkedin');
    const fits = csv(HEADER, [
      { group: 'g', date: '2026-03-01', time: '10:00', text: 'first', accounts: 'linkedin:@me-on-linkedin' },
      { group: 'g', text: 'second' },
    ]);
    const ok = must(await t.core.invoke('transfer:importPreview', { source: { csv: fits } }));
    expect(ok.rows.map((r) => r.state)).toEqual(['ok', 'ok']);
    const long = csv(HEADER, [
      { group: 'h', date: '2026-03-01', time: '10:00', text: 'a'.repeat(2_000), accounts: 'linkedin:@me-on-linkedin' },
      { group: 'h', text: 'b'.repeat(2_000) },
    ]);
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: long } }));
    expect(preview.rows.some((r) => r.state === 'error' && r.issues.some((i) => /LinkedIn/.test(i.message)))).toBe(true);
  });

  it('media: full paths are imported into the library with their alt text; a missing file is named', async () => {
    const path = join(t.dataDir, 'picture.png');
    writeFileSync(path, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff0000' } }).png().toBuffer());
    const text = csv(HEADER, [
      { date: '2026-03-01', time: '10:00', text: 'with a picture', accounts: '@me.bsky.social', media: path, alt_text: 'A red square' },
      { date: '2026-03-01', time: '10:00', text: 'with a missing one', accounts: '@me.bsky.social', media: '/nowhere/missing.png' },
      { date: '2026-03-01', time: '10:00', text: 'relative path', accounts: '@me.bsky.social', media: 'pictures/a.png' },
      { date: '2026-03-01', time: '10:00', text: 'two alts for one file', accounts: '@me.bsky.social', media: path, alt_text: 'one | two' },
    ]);
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: text } }));
    expect(preview.rows.map((r) => [r.state, r.issues.map((i) => i.field).join()])).toEqual([
      ['ok', ''],
      ['error', 'media'],
      ['error', 'media'],
      ['error', 'alt_text'],
    ]);
    expect(preview.rows[1]!.issues[0]!.message).toMatch(/missing\.png/);
    const { postIds } = must(await t.core.invoke('transfer:importCommit', { source: { csv: text }, skip: [3, 4, 5] }));
    const post = must(await t.core.invoke('posts:get', { id: postIds[0]! }));
    expect(post.parts[0]!.media).toEqual([{ mediaId: expect.any(String), altText: 'A red square' }]);
  });

  it('labels are matched whatever their case; missing ones are created once', async () => {
    must(await t.core.invoke('labels:create', { name: 'Launch', color: '#4f46e5' }));
    const text = csv(HEADER, [
      { text: 'a', labels: 'launch | New one', status: 'draft' },
      { text: 'b', labels: 'NEW ONE', status: 'draft' },
    ]);
    const result = must(await t.core.invoke('transfer:importCommit', { source: { csv: text } }));
    expect(result.labelsCreated).toEqual(['New one']);
    expect(must(await t.core.invoke('labels:list')).map((l) => l.name)).toEqual(['Launch', 'New one']);
  });
});

describe('the file itself', () => {
  it('the template parses with no file problems, its columns known', async () => {
    const template = must(await t.core.invoke('transfer:template'));
    expect(template.csv).toBe(IMPORT_TEMPLATE_CSV);
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: template.csv } }));
    expect(preview.fileIssues).toEqual([]);
    expect(preview.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect(preview.rows[4]).toMatchObject({ status: 'draft', state: 'ok' });
  });

  it('not a CSV, no text column, unknown columns and an empty file are file problems; commit writes nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['date,time\r\n2026-03-01,10:00\r\n', /at least "text"/],
      ['text,"unclosed\r\nhello', /not a readable CSV/],
    ];
    for (const [text, message] of cases) {
      const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: text } }));
      expect(preview.fileIssues.map((i) => i.message).join(' ')).toMatch(message);
      const commit = await t.core.invoke('transfer:importCommit', { source: { csv: text } });
      expect(commit.ok).toBe(false);
    }
    const extra = must(await t.core.invoke('transfer:importPreview', { source: { csv: 'text,mood\r\nhello,happy\r\n' } }));
    expect(extra.fileIssues).toEqual([{ field: 'mood', message: expect.stringMatching(/not one Outbox reads/) }]);
    expect(countPosts()).toBe(0);
  });

  it('header names are forgiving (case, spaces, common aliases) and a BOM is ignored', async () => {
    const text = '\ufeffText,Time Zone,Date,Time,Account\r\nhello,Europe/Paris,2026-03-01,10:00,@me.bsky.social\r\n';
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: text } }));
    expect(preview).toMatchObject({ fileIssues: [], bad: 0, rows: [{ scheduledAt: '2026-03-01T09:00:00.000Z' }] });
  });

  it('an ambiguous handle asks for platform:@handle', async () => {
    fx.account('mastodon', 'me.bsky.social');
    const preview = must(await t.core.invoke('transfer:importPreview', { source: { csv: csv(HEADER, [{ date: '2026-03-01', time: '10:00', text: 'x', accounts: '@me.bsky.social' }]) } }));
    expect(preview.rows[0]!.issues[0]).toMatchObject({ field: 'accounts', message: expect.stringMatching(/write platform:@handle/) });
  });

  it('bad payloads are refused by the contract before anything runs', async () => {
    const res = await t.core.invoke('transfer:importPreview', { source: { rows: [{ row: 0, values: { text: 'x' } as ImportRowValues }] } });
    expect(res.ok ? null : res.error.code).toBe('validation');
  });
});
