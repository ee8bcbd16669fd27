// The scheduler never dies (issue 12): the database refuses writes (disk full, then locked) while
// posts fall due; the engine stays up, tells the creator once, and publishes every due post
// exactly once within 5 s of the fault clearing. Faults are injected through the post store
// (real better-sqlite3 SqliteErrors), and, where this machine lets a test mount a small tmpfs,
// produced for real by filling the disk under the database.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostStore } from '../../../../src/main/core/posts/post-store.repo';
import { gate } from '../../../support/scripted-adapter';
import { getPost, rig, schedulePost, type Rig } from './helpers';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const MIN = 60_000;

/** Store methods that write: under a fault each throws the SQLite error the database would. */
const WRITES = new Set([
  'transaction',
  'claimDue',
  'settlePost',
  'recover',
  'unclaim',
  'markOverdue',
  'preparePublish',
  'startAttempt',
  'startAttempts',
  'endAttempt',
  'noteAttempt',
  'logAttempt',
  'published',
  'failed',
  'failWithAttempt',
  'retryAt',
  'deferAccount',
  'saveProgress',
  'insertPost',
  'updatePost',
  'deletePost',
  'insertEntry',
  'updateEntry',
  'deleteEntry',
  'setLabels',
  'copyPost',
]);

/** A switch between the engine and its post store. */
class Faults {
  code: 'SQLITE_FULL' | 'SQLITE_BUSY' | null = null;
  refused = 0;
  wrap = (store: PostStore): PostStore =>
    new Proxy(store, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function' || !WRITES.has(String(key))) return value;
        return (...args: unknown[]) => {
          if (this.code) {
            this.refused++;
            throw new Database.SqliteError(this.code === 'SQLITE_FULL' ? 'database or disk is full' : 'database is locked', this.code);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
}

const saveTrouble = (rr: Rig) => rr.t.notifier.notifications.filter((n) => n.title === 'Outbox cannot save its work');
const saveBack = (rr: Rig) => rr.t.notifier.notifications.filter((n) => n.title === 'Outbox can save again');

describe('database faults', () => {
  it('disk full, then locked, while posts fall due: stays up, tells once, then publishes each due post once within 5 s', async () => {
    const faults = new Faults();
    r = await rig({ instrumentStore: faults.wrap });
    const a = r.fx.account('bluesky');
    const b = r.fx.account('mastodon');
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await schedulePost(r, [a, b], i * MIN, [{ text: `due ${i}`, media: [] }]));

    faults.code = 'SQLITE_FULL';
    await r.clock.advance(6 * MIN);
    expect(faults.refused).toBeGreaterThan(0);
    expect(r.bsky.calls).toHaveLength(0);
    expect(r.masto.calls).toHaveLength(0);
    // Still armed, and retrying within seconds rather than at the safety check.
    expect(r.clock.pending()).toBe(1);
    expect(r.clock.nextDue()! - r.clock.now()).toBeLessThanOrEqual(4000);
    expect(saveTrouble(r)).toHaveLength(1);
    expect(saveTrouble(r)[0]!.body).toMatch(/disk is full/);

    faults.code = 'SQLITE_BUSY';
    const before = faults.refused;
    await r.clock.advance(2 * MIN);
    expect(faults.refused).toBeGreaterThan(before);
    expect(r.bsky.calls).toHaveLength(0);
    expect(saveTrouble(r)).toHaveLength(1);

    faults.code = null;
    const cleared = r.clock.now();
    await r.clock.advance(5000);
    for (const id of ids) expect((await getPost(r, id)).status).toBe('published');
    expect(r.bsky.calls).toHaveLength(5);
    expect(r.masto.calls).toHaveLength(5);
    expect(Math.max(...r.bsky.calls.map((c) => c.at), ...r.masto.calls.map((c) => c.at)) - cleared).toBeLessThanOrEqual(5000);
    expect(new Set(r.bsky.calls.map((c) => c.postId)).size).toBe(5);
    expect(saveBack(r)).toHaveLength(1);

    // And it goes on as before: the next post publishes at its time.
    const later = await schedulePost(r, [a], 10 * MIN);
    await r.clock.advance(10 * MIN);
    expect((await getPost(r, later)).status).toBe('published');
  });

  it('an outcome the database refused is kept and recorded once it can write: the platform got one request', async () => {
    const faults = new Faults();
    r = await rig({ instrumentStore: faults.wrap });
    const a = r.fx.account('mastodon');
    const id = await schedulePost(r, [a], MIN);
    // The request leaves, then the disk fills before its answer is written down.
    const answer = gate();
    r.masto.script({ gate: answer });
    await r.clock.advance(MIN);
    expect(r.masto.calls).toHaveLength(1);
    faults.code = 'SQLITE_FULL';
    answer.open({ ok: true });
    await r.clock.advance(0);
    expect(saveTrouble(r)).toHaveLength(1);
    expect((await getPost(r, id)).status).toBe('publishing');
    faults.code = null;
    await r.clock.advance(5000);
    const post = await getPost(r, id);
    expect(post.status).toBe('published');
    expect(post.entries[0]!.platformPostId).toBe('mastodon-1');
    expect(r.masto.calls).toHaveLength(1);
  });

  it('the safety check survives a listener that throws and a failing turn', async () => {
    const faults = new Faults();
    r = await rig({ instrumentStore: faults.wrap });
    r.t.core.on('posts:changed', () => {
      throw new Error('a broken listener');
    });
    faults.code = 'SQLITE_BUSY';
    await r.clock.advance(30 * MIN);
    faults.code = null;
    await r.clock.advance(5000);
    expect(r.clock.pending()).toBe(1);
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect((await getPost(r, id)).status).toBe('published');
  });
});

/** A small tmpfs for a real full disk, where this machine allows mounting one (root in CI here). */
function mountTmpfs(): { dir: string; unmount: () => void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const tmpfs = mountTmpfs();
// Mounting needs root (or CAP_SYS_ADMIN); without it the injected faults above still run.
describe.skipIf(tmpfs === null)('a really full disk (tmpfs)', () => {
  afterEach(async () => {
    await r?.close();
    r = undefined;
    tmpfs?.unmount();
  });

  it('SQLITE_FULL from the file system: nothing lost, each due post published once after space is freed', async () => {
    const dataDir = join(tmpfs!.dir, 'data');
    mkdirSync(dataDir);
    r = await rig({ dataDir });
    const a = r.fx.account('bluesky');
    const ids = [];
    for (let i = 1; i <= 3; i++) ids.push(await schedulePost(r, [a], i * MIN, [{ text: `full ${i}`, media: [] }]));
    // Fill the disk to the last byte.
    const filler = join(tmpfs!.dir, 'filler');
    for (let k = 0; ; k++) {
      try {
        writeFileSync(join(tmpfs!.dir, `filler-${k}`), Buffer.alloc(64 * 1024), { flag: 'wx' });
      } catch {
        break;
      }
    }
    await r.clock.advance(4 * MIN);
    expect(r.bsky.calls).toHaveLength(0);
    expect(saveTrouble(r)).toHaveLength(1);
    for (let k = 0; ; k++) {
      try {
        rmSync(join(tmpfs!.dir, `filler-${k}`));
      } catch {
        break;
      }
    }
    rmSync(filler, { force: true });
    await r.clock.advance(5000);
    for (const id of ids) expect((await getPost(r, id)).status).toBe('published');
    expect(r.bsky.calls).toHaveLength(3);
  });
});
