// Data safety (issue 19) on the real clock: an online backup of a 100k-post database, its
// duration and the publish lateness of posts due while it runs (compared with the same posts
// and no backup); the start-up quick_check and the daily integrity_check on that database; a
// restore of it; and a bulk import of 10,000 CSV rows (preview and commit).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createCoreHost, type CoreHost } from '../src/main/core/host/core-host';
import { MemorySecretStore } from '../src/main/core/ports/doubles';
import type { PlatformAdapter } from '../src/main/platforms/types';
import { countingAdapter, startCountingPlatform } from '../test/fakes/counting-platform';
import { PublishingFixture } from '../test/support/publishing-fixture';
import { percentile } from './stats';

const credentials = { get: async () => ({}), refresh: async () => false, markExpired: async () => {} };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const must = <T>(res: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
};

/** Fills a database with `n` posts of a few hundred characters, each with one entry and a label, as a creator's history would be. */
function fill(dir: string, n: number, account: string) {
  const db = new Database(join(dir, 'outbox.db'));
  db.pragma('busy_timeout = 5000');
  const label = randomUUID();
  db.prepare("INSERT INTO labels (id, name, color, created_at) VALUES (?, 'history', '#4f46e5', 0)").run(label);
  const post = db.prepare("INSERT INTO posts (id, status, scheduled_at, parts, created_at, updated_at, published_at) VALUES (?, 'published', ?, ?, ?, ?, ?)");
  const entry = db.prepare("INSERT INTO entries (id, post_id, account_id, platform, content_type, status, platform_post_id, platform_url) VALUES (?, ?, ?, 'mastodon', 'mastodon_post', 'published', ?, ?)");
  const tag = db.prepare('INSERT INTO post_labels (post_id, label_id) VALUES (?, ?)');
  const start = Date.now() - n * 60_000;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const at = start + i * 60_000;
      post.run(id, at, JSON.stringify([{ text: `Post ${i}: ${'a sentence about the work of the day, '.repeat(6)}`, media: [] }]), at, at, at);
      entry.run(randomUUID(), id, account, `${i}`, `https://example.social/@me/${i}`);
      if (i % 3 === 0) tag.run(id, label);
    }
  })();
  db.close();
}

async function host(dir: string, adapter: PlatformAdapter): Promise<CoreHost> {
  const h = createCoreHost({ dataDir: dir, secrets: new MemorySecretStore(), credentials, adapters: { mastodon: adapter }, dailyUpkeep: false });
  await h.start();
  return h;
}

async function backupOf100k() {
  const fake = await startCountingPlatform({ idempotent: [] });
  const due = new Map<string, number>();
  const late: number[] = [];
  const inner = countingAdapter('mastodon', fake.url, { idempotent: false });
  const adapter: PlatformAdapter = {
    ...inner,
    publish(ctx) {
      late.push(Date.now() - due.get(ctx.entry.postId)!);
      return inner.publish(ctx);
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-backup-'));
  let h = await host(dir, adapter);
  const fx = new PublishingFixture(dir);
  try {
    const account = fx.account('mastodon');
    const t0 = performance.now();
    fill(dir, 100_000, account);
    const { size } = await import('node:fs').then((fs) => fs.statSync(join(dir, 'outbox.db')));
    console.log(`database: 100,000 posts written in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(size / 1024 / 1024).toFixed(0)} MB`);

    // A first backup for its duration alone.
    let t = performance.now();
    const first = must(await h.invoke('backups:create'));
    const alone = performance.now() - t;
    console.log(`backup of a 100k-post database: ${alone.toFixed(0)} ms (${(first.bytes / 1024 / 1024).toFixed(0)} MB, ${first.posts} posts counted in the copy)`);

    // Posts due every 40 ms across a window as long as a backup, first without, then with one running.
    const window = Math.max(1500, alone * 1.3);
    const schedule = async (label: string) => {
      due.clear();
      late.length = 0;
      const start = Date.now() + 1500;
      const count = Math.floor(window / 40);
      for (let i = 0; i < count; i++) {
        const at = start + i * 40;
        const res = must(await h.invoke('posts:create', { parts: [{ text: `${label} ${i}`, media: [] }], targets: [{ accountId: account }], schedule: { mode: 'at', at: new Date(at).toISOString() } }));
        due.set(res.post.id, at);
      }
      return { start, count };
    };
    const waitAll = async (count: number) => {
      const deadline = Date.now() + 120_000;
      while (late.length < count && Date.now() < deadline) await sleep(20);
    };

    let { start, count } = await schedule('baseline');
    await waitAll(count);
    const baseline = [...late];

    ({ start, count } = await schedule('during a backup'));
    await sleep(Math.max(0, start - Date.now() - 100));
    t = performance.now();
    const during = h.invoke('backups:create');
    await during;
    const took = performance.now() - t;
    await waitAll(count);
    console.log(
      `publish lateness, ${count} posts due every 40 ms across the backup window: p50 ${percentile(late, 50)} ms, p99 ${percentile(late, 99)} ms, max ${Math.max(...late)} ms with a ${took.toFixed(0)} ms backup running; ` +
        `without it p50 ${percentile(baseline, 50)} ms, p99 ${percentile(baseline, 99)} ms (goal: unchanged, p99 < 1000 ms)`,
    );

    // Start-up and daily checks on the same file.
    fx.close();
    await h.close();
    const db = new Database(join(dir, 'outbox.db'));
    t = performance.now();
    db.pragma('quick_check');
    const quick = performance.now() - t;
    t = performance.now();
    db.pragma('integrity_check');
    const full = performance.now() - t;
    db.close();
    console.log(`quick_check at start: ${quick.toFixed(0)} ms; daily integrity_check (runs only when nothing is due for 5 minutes): ${full.toFixed(0)} ms`);

    t = performance.now();
    h = await host(dir, adapter);
    const started = performance.now() - t;
    t = performance.now();
    const restored = must(await h.invoke('backups:restore', { id: first.id }));
    console.log(`engine start on it (quick_check included): ${started.toFixed(0)} ms; restore of the 100k-post backup (safety backup, swap, restart): ${(performance.now() - t).toFixed(0)} ms, ${restored.posts} posts`);
  } finally {
    fx.close();
    await h.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function import10k() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-import-'));
  const h = await host(dir, countingAdapter('mastodon', 'http://127.0.0.1:9', { idempotent: false }));
  const fx = new PublishingFixture(dir);
  try {
    fx.account('bluesky', 'me.bsky.social');
    fx.account('mastodon', 'me@example.social');
    fx.close();
    const rows = ['date,time,time_zone,text,accounts,labels'];
    for (let i = 0; i < 10_000; i++) {
      const day = new Date(Date.now() + (2 + (i % 300)) * 86_400_000).toISOString().slice(0, 10);
      rows.push(`${day},${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},Europe/Paris,"Imported post ${i}: ${'words, '.repeat(20)}",${i % 2 ? '@me.bsky.social' : '@me.bsky.social | @me@example.social'},${i % 5 ? 'imported' : 'imported | campaign'}`);
    }
    const csv = rows.join('\r\n');
    let t = performance.now();
    const preview = must(await h.invoke('transfer:importPreview', { source: { csv } }));
    const previewMs = performance.now() - t;
    t = performance.now();
    const result = must(await h.invoke('transfer:importCommit', { source: { csv } }));
    const commitMs = performance.now() - t;
    console.log(`import of 10,000 CSV rows (${(csv.length / 1024 / 1024).toFixed(1)} MB, 15,000 entries): preview ${(previewMs / 1000).toFixed(2)} s (${preview.bad} bad), commit ${(commitMs / 1000).toFixed(2)} s (checks every row again, then one transaction), ${result.created} posts`);
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  await import10k();
  await backupOf100k();
}
