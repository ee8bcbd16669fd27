// Issue 19: a crash (SIGKILL) in the middle of an import's commit leaves nothing or everything,
// never part of it. The engine runs in a child process (bundled once with esbuild, as the
// publishing crash test does) and is killed at random moments inside the commit's transaction.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTestCore, tempDir } from '../../../support/core';
import { PublishingFixture } from '../../../support/publishing-fixture';
import { seeded } from '../../../support/random';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../../..');
const bundleDir = join(root, 'node_modules/.cache', `outbox-import-crash-${process.pid}`);
const bundle = join(bundleDir, 'child.mjs');
const KILLS = 6;

beforeAll(() => {
  mkdirSync(bundleDir, { recursive: true });
  buildSync({
    entryPoints: [join(here, 'import-crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Native modules (and what loads them at run time) stay outside the bundle.
    external: ['better-sqlite3', 'sharp', '@napi-rs/keyring', 'file-type', '@ffprobe-installer/*'],
    outfile: bundle,
    logLevel: 'error',
    banner: { js: "import { createRequire as __outboxRequire } from 'node:module'; const require = __outboxRequire(import.meta.url);" },
  });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

function run(dir: string, csvFile: string, skip: number[], killAfterMs: number | null): Promise<{ killed: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, dir, csvFile, skip.join(','), join(root, 'src/main/core/db/migrations')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== null && !killed && out.includes('inside')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', out });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

it(`SIGKILL inside the import's commit, ${KILLS} times: nothing or everything, never part`, async () => {
  const { dir, remove } = tempDir('outbox-import-crash-');
  try {
    const setup = await makeTestCore({ dataDir: dir });
    const fx = new PublishingFixture(dir);
    fx.account('bluesky', 'me.bsky.social');
    fx.close();
    await setup.core.close();
    const rows = ['date,time,time_zone,text,accounts'];
    const skip: number[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 50 === 7) {
        rows.push(`2020-01-01,09:00,UTC,in the past,@me.bsky.social`);
        skip.push(i + 2);
      } else rows.push(`2030-02-${String(1 + (i % 28)).padStart(2, '0')},10:00,UTC,post ${i},@me.bsky.social`);
    }
    const csvFile = join(dir, 'import.csv');
    writeFileSync(csvFile, rows.join('\n'));
    const count = () => {
      const db = new Database(join(dir, 'outbox.db'), { readonly: true });
      try {
        return {
          posts: (db.prepare('SELECT count(*) AS n FROM posts').get() as { n: number }).n,
          entries: (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n,
          integrity: db.pragma('integrity_check', { simple: true }),
        };
      } finally {
        db.close();
      }
    };
    const random = seeded(Number(process.env.OUTBOX_CRASH_SEED ?? 1919));
    const seen: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // The transaction lasts about a second (980 slowed inserts): kills land across it.
      const { killed } = await run(dir, csvFile, skip, Math.floor(random() * 900));
      expect(killed).toBe(true);
      const c = count();
      expect(c.integrity).toBe('ok');
      expect([0, 980]).toContain(c.posts);
      expect(c.entries).toBe(c.posts);
      seen.push(c.posts);
      if (c.posts === 980) break;
    }
    // The kills really landed inside the transaction (otherwise this proves nothing).
    expect(seen.filter((n) => n === 0).length).toBeGreaterThan(0);
    if (!seen.includes(980)) {
      const { out } = await run(dir, csvFile, skip, null);
      expect(out).toContain('"created":980');
    }
    expect(count().posts).toBe(980);
  } finally {
    remove();
  }
}, 120_000);
