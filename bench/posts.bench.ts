// Posts at scale: 100,000 posts (3 entries each) over four years, then the calendar's month
// query, a filtered full-text page, a single post, and validation of a 10-target thread.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createCore } from '../src/main/core/create-core';
import { ManualClock, MemorySecretStore } from '../src/main/core/ports/doubles';
import { report, sample } from './stats';

// Wall-clock figures swing with the machine's load (this one is shared); CPU time per call,
// printed beside them, shows what the work itself costs.
async function measure(name: string, fn: () => unknown, runs: number) {
  const cpu = process.cpuUsage();
  const ms = await sample(fn, runs);
  const used = process.cpuUsage(cpu);
  report(name, ms);
  console.log(`  cpu ${((used.user + used.system) / 1000 / (runs + Math.min(20, runs))).toFixed(3)} ms per call`);
}

const POSTS = 100_000;
// A vocabulary with natural (Zipf) word frequencies: a few words are in most posts, most words
// in few. The searched words sit at ranks 10 to 800, from ~35% of posts down to under 1%.
const VOCABULARY = (() => {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 've', 'da', 'go', 'hu', 'zi', 'be', 'fa'];
  const words: string[] = [];
  for (const a of syllables) for (const b of syllables) for (const c of syllables) words.push(a + b + c);
  const placed: Record<number, string> = { 10: 'morning', 50: 'launch', 120: 'coffee', 300: 'café', 400: 'roadmap', 600: 'thanks', 800: 'podcast' };
  for (const [rank, word] of Object.entries(placed)) words[Number(rank) - 1] = word;
  return words;
})();
const ZIPF = (() => {
  const weights = VOCABULARY.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
})();
function zipfWord(u: number): string {
  let lo = 0;
  let hi = ZIPF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}
const PLATFORMS = ['x', 'bluesky', 'mastodon', 'linkedin', 'threads', 'instagram', 'facebook', 'tiktok', 'youtube', 'telegram'] as const;

function seed(file: string, now: number) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const accounts = PLATFORMS.map((platform, i) => ({ id: randomUUID(), platform, i }));
  // hand_off 0: the seed's pending Mastodon, Facebook and YouTube entries would otherwise all be
  // handed to their platforms (without tokens, each failing) while the bench measures and until
  // it closes; a creator's were handed over when written.
  const insertAccount = db.prepare("INSERT INTO accounts (id, platform, platform_user_id, handle, hand_off, created_at, updated_at) VALUES (@id, @platform, @id, @platform, 0, @i, @i)");
  const labels = Array.from({ length: 8 }, (_, i) => ({ id: randomUUID(), name: `Label ${i}` }));
  const insertLabel = db.prepare("INSERT INTO labels (id, name, color, created_at) VALUES (@id, @name, '#336699', 0)");
  const insertPost = db.prepare('INSERT INTO posts (id, status, scheduled_at, parts, created_at, updated_at) VALUES (@id, @status, @at, @parts, @created, @created)');
  const insertEntry = db.prepare("INSERT INTO entries (id, post_id, account_id, platform, content_type, status, position) VALUES (@id, @post, @account, @platform, @type, @status, @position)");
  const insertPostLabel = db.prepare('INSERT INTO post_labels (post_id, label_id) VALUES (@post, @label)');
  // mulberry32: seeded, so every run measures the same data.
  let r = 12345;
  const rand = () => {
    r = (r + 0x6d2b79f5) >>> 0;
    let x = Math.imul(r ^ (r >>> 15), r | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const start = Date.UTC(2024, 0, 1);
  const span = Date.UTC(2028, 0, 1) - start;
  db.transaction(() => {
    for (const a of accounts) insertAccount.run(a);
    for (const l of labels) insertLabel.run(l);
    // Creators write a post days or weeks before its time, so the tables grow roughly in
    // schedule order (rows of one month sit near each other). Posts are inserted in creation
    // order: a lead of 0 to 21 days before their time, drafts at any moment.
    const plan = Array.from({ length: POSTS }, () => {
      const draft = rand() < 0.05;
      const at = draft ? null : start + Math.floor(rand() * span);
      const created = at === null ? start + Math.floor(rand() * span) : at - Math.floor(rand() * 21 * 86_400_000);
      return { at, created };
    }).sort((a, b) => a.created - b.created);
    for (let i = 0; i < POSTS; i++) {
      const id = randomUUID();
      const { at, created } = plan[i]!;
      const draft = at === null;
      const status = draft ? 'draft' : at < now ? 'published' : 'scheduled';
      const text = Array.from({ length: 8 + Math.floor(rand() * 30) }, () => zipfWord(rand())).join(' ');
      insertPost.run({ id, status, at, parts: JSON.stringify([{ text, media: [] }]), created });
      for (let k = 0; k < 3; k++) {
        const a = accounts[(i + k) % accounts.length]!;
        insertEntry.run({ id: randomUUID(), post: id, account: a.id, platform: a.platform, type: `${a.platform}_post`, status: status === 'published' ? 'published' : 'pending', position: k });
      }
      if (rand() < 0.3) insertPostLabel.run({ post: id, label: labels[Math.floor(rand() * labels.length)]!.id });
    }
  })();
  db.close();
  return { accounts, labels };
}

/** Seeds a database file in `dir` (exported for profiling). */
export async function seeded(dir: string, clock: ManualClock) {
  await (await createCore({ dataDir: dir, secrets: new MemorySecretStore(), clock })).close();
  return seed(join(dir, 'outbox.db'), clock.now());
}

/** How fast this machine is right now: reading 300 rows of 13 short text columns from memory. */
function calibrate() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (a, b, c, d, e, f, g, h, i, j, k, l, m)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 300; i++) insert.run(...Array.from({ length: 13 }, (_, k) => `value-${k}-${i}`));
  const all = db.prepare('SELECT * FROM t');
  for (let i = 0; i < 50; i++) all.all();
  const cpu = process.cpuUsage();
  for (let i = 0; i < 500; i++) all.all();
  const used = process.cpuUsage(cpu);
  db.close();
  console.log(`calibration: 300 in-memory rows read in ${((used.user + used.system) / 1000 / 500).toFixed(3)} ms cpu (to compare machines: the figures below scale with it)`);
}

export async function run() {
  calibrate();
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-posts-'));
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  try {
    // Create the schema, then seed it directly (100,000 creates through the contract, each
    // an fsync'd commit, would take minutes and measure nothing we ask about).
    await (await createCore({ dataDir: dir, secrets: new MemorySecretStore(), clock })).close();
    const seedStart = performance.now();
    const { accounts, labels } = seed(join(dir, 'outbox.db'), clock.now());
    console.log(`seeded ${POSTS.toLocaleString('en-US')} posts (${(3 * POSTS).toLocaleString('en-US')} entries, FTS index by trigger) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const core = await createCore({ dataDir: dir, secrets: new MemorySecretStore(), clock });
    try {
      const months = Array.from({ length: 24 }, (_, i) => [new Date(Date.UTC(2025, i, 1)).toISOString(), new Date(Date.UTC(2025, i + 1, 1)).toISOString()] as const);
      let m = 0;
      const month = await core.invoke('posts:list', { from: months[0]![0], to: months[0]![1], limit: 100 });
      if (!month.ok) throw new Error(month.error.message);
      console.log(`a month holds ~${month.value.total} posts; a page is 100 of them with entries, labels and attempts`);
      await measure('posts:list month by from/to (limit 100)', () => core.invoke('posts:list', { from: months[m % 24]![0], to: months[m++ % 24]![1], limit: 100 }), 300);
      await measure('posts:list month by from/to (limit 10)', () => core.invoke('posts:list', { from: months[m % 24]![0], to: months[m++ % 24]![1] }), 300);
      // What the calendar asks instead (issue 21): a month's chips in one call, no paging, no count.
      const chips = await core.invoke('posts:calendar', { from: months[0]![0], to: months[0]![1] });
      if (!chips.ok) throw new Error(chips.error.message);
      console.log(`posts:calendar month: ${chips.value.posts.length} chips, ${(JSON.stringify(chips.value).length / 1024).toFixed(0)} KB of JSON (the same month as 100-post posts:list pages: ${(JSON.stringify(month.value).length / 1024).toFixed(0)} KB for the first page alone)`);
      await measure('posts:calendar month (every chip of ~2,000 posts)', () => core.invoke('posts:calendar', { from: months[m % 24]![0], to: months[m++ % 24]![1] }), 100);
      // Keyset paging: the 10th page of "all" costs what the first does.
      const deep = async () => {
        let after: string | undefined;
        for (let page = 0; page < 10; page++) {
          const r = await core.invoke('posts:list', { view: 'all', limit: 20, ...(after ? { after } : {}) });
          if (!r.ok) throw new Error(r.error.message);
          after = r.value.next ?? undefined;
        }
      };
      await measure('posts:list all, 10 pages of 20 by the after cursor (first counts the total)', deep, 50);

      const queries = ['launch', 'coffee morning', 'caf', 'roadmap thanks', 'podcast'];
      let q = 0;
      const searched = await core.invoke('posts:list', { query: 'launch', status: 'scheduled', labelId: labels[0]!.id });
      if (!searched.ok) throw new Error(searched.error.message);
      console.log(`filtered search "launch" + status + label: ${searched.value.total} matches`);
      await measure('posts:list query + status + label (limit 10)', () => core.invoke('posts:list', { query: queries[q++ % queries.length], status: 'scheduled', labelId: labels[q % labels.length]!.id }), 200);
      await measure('posts:list query + month (limit 10)', () => core.invoke('posts:list', { query: queries[q++ % queries.length], from: months[q % 24]![0], to: months[q % 24]![1] }), 200);
      await measure('posts:list query only (limit 10)', () => core.invoke('posts:list', { query: queries[q++ % queries.length] }), 200);
      await measure('posts:list account filter (limit 10)', () => core.invoke('posts:list', { accountId: accounts[q++ % accounts.length]!.id }), 200);

      const some = month.value.posts.map((p) => p.id);
      let g = 0;
      await measure('posts:get', () => core.invoke('posts:get', { id: some[g++ % some.length]! }), 2000);

      const parts = [
        { text: 'Launch day! 🚀 Our new release is out: https://example.com/releases/2026/the-big-one — 日本語のサポートも。 e\u0301 👨‍👩‍👧‍👦 '.repeat(2) },
        { text: 'Part two of the thread with more details and a link https://example.org/docs' },
      ];
      const targets = accounts.map((a) => ({ accountId: a.id, settings: a.platform === 'youtube' ? { title: 'Launch', madeForKids: false } : a.platform === 'tiktok' ? { privacyLevel: 'PUBLIC_TO_EVERYONE' } : {} }));
      let n = 0;
      // A different text each time, as a creator types: no count is reused between calls.
      await measure('posts:validate 10 targets, 2-part thread', () => core.invoke('posts:validate', { parts: [{ text: `${parts[0]!.text}${n++}` }, parts[1]!], targets }), 2000);
      await measure('posts:create scheduled, 3 targets (fsync per commit, engine re-arms)', () => core.invoke('posts:create', { parts: [{ text: `new post ${n++}` }], targets: targets.slice(0, 3), schedule: { mode: 'at', at: '2026-06-01T10:00:00Z' } }), 30);
    } finally {
      await core.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
