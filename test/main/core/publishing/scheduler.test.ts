// The publishing engine's rules (issue 4), each by name, with a ManualClock and scripted adapters.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../../../src/main/core/create-core';
import { EngineLockedError } from '../../../../src/main/core/publishing/engine-lock';
import { SAFETY_CHECK_MS } from '../../../../src/main/core/publishing/engine';
import { gate } from '../../../support/scripted-adapter';
import { getPost, rig, schedulePost, type Rig } from './helpers';

let r: Rig;
afterEach(async () => r?.close());

const MIN = 60_000;

describe('timer', () => {
  it('a scheduled post starts publishing exactly at its time, not before', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], 10 * MIN);
    const due = r.clock.now() + 10 * MIN;
    await r.clock.advance(10 * MIN - 1);
    expect(r.bsky.calls).toHaveLength(0);
    await r.clock.advance(1);
    expect(r.bsky.calls.map((c) => c.at)).toEqual([due]);
    const post = await getPost(r, id);
    expect(post.status).toBe('published');
    expect(post.publishedAt).toBe(new Date(due).toISOString());
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: 'bluesky-1', platformUrl: 'https://example.test/bluesky-1' });
  });

  it('one timer is armed for the next due moment, at most a safety minute away, and re-armed on changes', async () => {
    r = await rig();
    expect(r.clock.pending()).toBe(1);
    expect(r.clock.nextDue()! - r.clock.now()).toBe(SAFETY_CHECK_MS);
    const a = r.fx.account('bluesky');
    await schedulePost(r, [a], 20_000);
    await r.clock.advance(0);
    expect(r.clock.pending()).toBe(1);
    expect(r.clock.nextDue()! - r.clock.now()).toBe(20_000);
  });

  it('with nothing due the timer wakes at most 12 times an hour (no polling loop)', async () => {
    r = await rig();
    const before = r.clock.fired;
    await r.clock.advance(60 * MIN);
    expect(r.clock.fired - before).toBeLessThanOrEqual(12);
    expect(r.clock.pending()).toBe(1);
  });

  it('the scheduler:state event reports the next due moment and online/paused', async () => {
    r = await rig();
    const states: unknown[] = [];
    r.t.core.on('scheduler:state', (s) => states.push(s));
    const a = r.fx.account('bluesky');
    await schedulePost(r, [a], 5 * MIN);
    await r.clock.advance(0);
    expect(states.at(-1)).toMatchObject({ paused: false, online: true, nextDueAt: new Date(r.clock.now() + 5 * MIN).toISOString() });
  });
});

describe('scheduler:state', () => {
  it('counts the entries being sent and reports offline and paused', async () => {
    r = await rig();
    const states: Array<{ publishing: number; online: boolean; paused: boolean }> = [];
    r.t.core.on('scheduler:state', (s) => states.push(s));
    const accounts = [r.fx.account('bluesky'), r.fx.account('mastodon')];
    const g = gate();
    r.bsky.script({ gate: g });
    r.masto.script({ gate: g });
    await schedulePost(r, accounts, MIN);
    await r.clock.advance(MIN);
    expect(states.at(-1)!.publishing).toBe(2);
    g.open();
    await r.clock.advance(0);
    expect(states.at(-1)!.publishing).toBe(0);
    r.t.network.set(false);
    await r.clock.advance(0);
    expect(states.at(-1)).toMatchObject({ online: false });
    r.t.network.set(true);
    await r.t.core.invoke('settings:update', { publishingPaused: true });
    await r.clock.advance(0);
    expect(states.at(-1)).toMatchObject({ online: true, paused: true });
  });
});

describe('claim', () => {
  it('claiming commits the post publishing and each enabled entry publishing with a fresh attempt key before any request', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const b = r.fx.account('bluesky');
    const g = gate();
    r.bsky.script({ gate: g }, { gate: g });
    const id = await schedulePost(r, [a, b], MIN);
    await r.clock.advance(MIN);
    expect(r.bsky.calls).toHaveLength(2);
    expect(r.fx.postRow(id).status).toBe('publishing');
    const entries = r.fx.entries(id);
    expect(entries.map((e) => e.status)).toEqual(['publishing', 'publishing']);
    expect(new Set(entries.map((e) => e.attempt_key)).size).toBe(2);
    expect(r.bsky.calls.map((c) => c.attemptKey).sort()).toEqual(entries.map((e) => e.attempt_key).sort());
    for (const e of entries) expect(r.fx.attempts(e.id).map((x) => x.outcome)).toEqual(['in_flight']);
    g.open();
    await r.clock.advance(0);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('a disabled entry is not claimed and does not count towards the outcome', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const b = r.fx.account('bluesky');
    const at = new Date(r.clock.now() + MIN).toISOString();
    const res = await r.t.core.invoke('posts:create', { parts: [{ text: 'x', media: [] }], targets: [{ accountId: a }, { accountId: b, enabled: false }], schedule: { mode: 'at', at } });
    expect(res.ok).toBe(true);
    await r.clock.advance(MIN);
    const post = await getPost(r, res.ok ? res.value.post.id : '');
    expect(post.status).toBe('published');
    expect(post.entries.map((e) => e.status)).toEqual(['published', 'pending']);
  });
});

describe('events', () => {
  it('claims and outcomes emit posts:changed after committing, coalesced per turn', async () => {
    r = await rig();
    const accounts = [r.fx.account('bluesky'), r.fx.account('bluesky'), r.fx.account('bluesky')];
    const id = await schedulePost(r, accounts, MIN);
    const seen: Array<{ ids: string[]; status: string }> = [];
    r.t.core.on('posts:changed', (e) => seen.push({ ids: e.ids, status: r.fx.postRow(id).status }));
    await r.clock.advance(MIN);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(4);
    expect(seen.every((e) => e.ids.includes(id))).toBe(true);
    expect(seen[0]!.status).toBe('publishing');
    expect(seen.at(-1)!.status).toBe('published');
  });
});

describe('fan-out', () => {
  it('entries publish in parallel across accounts, one request at a time per account', async () => {
    r = await rig();
    const accounts = [r.fx.account('bluesky'), r.fx.account('bluesky'), r.fx.account('bluesky')];
    const gates = accounts.map(() => gate());
    accounts.forEach((acc, i) => r.bsky.scriptFor(acc, { gate: gates[i]! }));
    const first = await schedulePost(r, accounts, MIN);
    const second = await schedulePost(r, [accounts[0]!], MIN);
    await r.clock.advance(MIN);
    // Every account started before any finished; the second post waits for its account's lane.
    expect(r.bsky.calls.map((c) => c.postId)).toEqual([first, first, first]);
    gates[0]!.open();
    await r.clock.advance(0);
    expect(r.bsky.calls.map((c) => c.postId)).toEqual([first, first, first, second]);
    gates[1]!.open();
    gates[2]!.open();
    await r.clock.advance(0);
    expect(r.bsky.maxConcurrentPerAccount).toBe(1);
    expect(r.fx.postRow(first).status).toBe('published');
    expect(r.fx.postRow(second).status).toBe('published');
  });
});

describe('outcomes', () => {
  it('some entries failing makes the post partially_published, published entries stay published, and the notifier is told', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const b = r.fx.account('mastodon');
    r.masto.script({ fail: 'permanent', message: 'Text too long for this instance', httpStatus: 422 });
    const id = await schedulePost(r, [a, b], MIN);
    await r.clock.advance(MIN);
    const post = await getPost(r, id);
    expect(post.status).toBe('partially_published');
    expect(post.publishedAt).not.toBeNull();
    expect(post.entries.map((e) => e.status)).toEqual(['published', 'failed']);
    expect(post.entries[1]!.errorMessage).toBe('Text too long for this instance');
    expect(r.t.notifier.notifications).toEqual([expect.objectContaining({ kind: 'partially_published', target: { postId: id } })]);
  });

  it('no entry publishing makes the post failed and the notifier says publish_failed with the platform message', async () => {
    r = await rig();
    const b = r.fx.account('mastodon');
    r.masto.script({ fail: 'permanent', message: 'Validation failed: media is corrupt' });
    const id = await schedulePost(r, [b], MIN);
    await r.clock.advance(MIN);
    expect(r.fx.postRow(id).status).toBe('failed');
    expect(r.t.notifier.notifications[0]).toMatchObject({ kind: 'publish_failed', target: { postId: id } });
    expect(r.t.notifier.notifications[0]!.body).toContain('media is corrupt');
  });

  it('an entry whose account was disconnected (account_id NULL) fails with "account disconnected"; other platforms are unaffected', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const b = r.fx.account('mastodon');
    const id = await schedulePost(r, [a, b], MIN);
    r.fx.db.prepare('DELETE FROM accounts WHERE id = ?').run(b);
    await r.clock.advance(MIN);
    const post = await getPost(r, id);
    expect(post.status).toBe('partially_published');
    expect(post.entries.find((e) => e.platform === 'mastodon')!.errorMessage).toMatch(/account disconnected/i);
    expect(r.masto.calls).toHaveLength(0);
  });

  it('the adapter gets absolute media paths, the text override on the first part, and the account credentials', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.fx.db
      .prepare("INSERT INTO media (id, sha256, kind, mime, bytes, width, height, file, created_at) VALUES ('m1', 'abc', 'image', 'image/png', 10, 1, 1, 'media/abc.png', 0)")
      .run();
    const id = r.fx.post({ accountIds: [a], status: 'publishing', scheduledAt: r.clock.now(), parts: [{ text: 'one', media: [{ mediaId: 'm1', altText: 'alt' }] }, { text: 'two', media: [] }] });
    r.fx.db.prepare("UPDATE entries SET text_override = 'override' WHERE post_id = ?").run(id);
    await r.t.core.invoke('settings:update', { catchUpGraceMinutes: 361 }); // any change re-arms the engine
    await r.clock.advance(0);
    expect(r.bsky.calls[0]).toMatchObject({ texts: ['override', 'two'], mediaPaths: [`${r.t.dataDir}/media/abc.png`], credentials: { token: `token-${a}-0` } });
  });
});

describe('retries', () => {
  it('transient failures retry with capped exponential backoff, up to 5 attempts within 15 minutes, then fail', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script(...Array.from({ length: 6 }, () => ({ fail: 'transient' as const, message: 'HTTP 503', httpStatus: 503 })));
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    const start = r.clock.now();
    await r.clock.advance(15 * MIN);
    expect(r.bsky.calls).toHaveLength(5);
    expect(r.bsky.calls.at(-1)!.at - start).toBeLessThanOrEqual(15 * MIN);
    const gaps = r.bsky.calls.slice(1).map((c, i) => c.at - r.bsky.calls[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeLessThanOrEqual(15_000 * 2 ** i));
    const entry = r.fx.entries(id)[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.error_message).toMatch(/HTTP 503 \(gave up after 5 attempts\)/);
    expect(r.fx.attempts(entry.id).map((x) => x.outcome)).toEqual(Array(5).fill('transient'));
    expect(new Set(r.bsky.calls.map((c) => c.attemptKey)).size).toBe(1);
  });

  it('a transient failure followed by success publishes on the retry', async () => {
    r = await rig();
    const a = r.fx.account('mastodon');
    r.masto.script({ fail: 'transient', message: 'ECONNREFUSED' });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN + 5 * MIN);
    expect(r.masto.calls).toHaveLength(2);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('rate_limited waits exactly as long as the platform says and does not spend an attempt', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'rate_limited', retryAfterMs: 90_000, httpStatus: 429 }, { fail: 'rate_limited', retryAfterMs: 30_000, httpStatus: 429 });
    const id = await schedulePost(r, [a], MIN);
    const other = await schedulePost(r, [a], MIN + 1000);
    await r.clock.advance(MIN);
    const t0 = r.clock.now();
    await r.clock.advance(90_000 - 1);
    expect(r.bsky.calls).toHaveLength(1);
    await r.clock.advance(1);
    expect(r.bsky.calls.map((c) => c.at - t0)).toEqual([0, 90_000]);
    await r.clock.advance(30_000);
    expect(r.bsky.calls.map((c) => c.at - t0)).toEqual([0, 90_000, 120_000, 120_000]);
    expect(r.fx.entries(id)[0]!.attempt_count).toBe(0);
    expect(r.fx.postRow(id).status).toBe('published');
    expect(r.fx.postRow(other).status).toBe('published');
    expect(r.fx.attempts(r.fx.entries(id)[0]!.id).map((x) => [x.outcome, x.http_status])).toEqual([
      ['rate_limited', 429],
      ['rate_limited', 429],
      ['published', null],
    ]);
  });

  it('auth refreshes the token once and retries', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'auth', message: 'ExpiredToken', httpStatus: 401 });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect(r.credentials.refreshed).toEqual([a]);
    expect(r.bsky.calls.map((c) => c.credentials)).toEqual([{ token: `token-${a}-0` }, { token: `token-${a}-1` }]);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('auth failing again after the refresh marks the account token_expired and fails with "Reconnect your <platform> account"', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'auth', message: 'ExpiredToken' }, { fail: 'auth', message: 'ExpiredToken' });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect(r.bsky.calls).toHaveLength(2);
    expect(r.credentials.expired).toEqual([{ accountId: a, reason: 'ExpiredToken' }]);
    expect(r.fx.entries(id)[0]).toMatchObject({ status: 'failed', error_message: 'Reconnect your Bluesky account' });
  });

  it('auth with a refresh that does not work marks the account expired without a second request', async () => {
    r = await rig();
    r.credentials.refreshWorks = false;
    const a = r.fx.account('mastodon');
    r.masto.script({ fail: 'auth', message: 'The access token was revoked' });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect(r.masto.calls).toHaveLength(1);
    expect(r.fx.entries(id)[0]!.error_message).toBe('Reconnect your Mastodon account');
    // The next post to that account fails at once without a request.
    const next = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect(r.masto.calls).toHaveLength(1);
    expect(r.fx.entries(next)[0]!.error_message).toBe('Reconnect your Mastodon account');
  });

  it('permanent fails at once with the platform message', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'permanent', message: 'Record/text must not be longer than 300 graphemes', httpStatus: 400 });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(30 * MIN);
    expect(r.bsky.calls).toHaveLength(1);
    expect(r.fx.entries(id)[0]!.error_message).toBe('Record/text must not be longer than 300 graphemes');
  });

  it('a request that may have reached a non-idempotent platform is never repeated: the entry fails as unknown', async () => {
    r = await rig();
    const a = r.fx.account('mastodon');
    r.masto.script({ fail: 'transient', message: 'socket hang up', maybeSent: true });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(30 * MIN);
    expect(r.masto.calls).toHaveLength(1);
    const entry = r.fx.entries(id)[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.error_message).toMatch(/may or may not have been published\. Check Mastodon/);
    expect(r.fx.attempts(entry.id).map((x) => x.outcome)).toEqual(['unknown']);
  });

  it('a request that may have reached an idempotent platform is repeated with the same key and appears once', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'transient', message: 'timeout', maybeSent: true });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(10 * MIN);
    expect(r.bsky.calls).toHaveLength(2);
    expect(r.bsky.calls[0]!.attemptKey).toBe(r.bsky.calls[1]!.attemptKey);
    expect(r.bsky.posted.size).toBe(1);
    expect(r.fx.postRow(id).status).toBe('published');
  });
});

describe('posts:publish', () => {
  it('publishes a draft now', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const res = await r.t.core.invoke('posts:create', { parts: [{ text: 'draft', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'draft' } });
    const id = res.ok ? res.value.post.id : '';
    const published = await r.t.core.invoke('posts:publish', { id });
    expect(published.ok).toBe(true);
    await r.clock.advance(0);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('publishes a scheduled post now, before its time', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], 60 * MIN);
    await r.t.core.invoke('posts:publish', { id });
    await r.clock.advance(0);
    expect(r.bsky.calls).toHaveLength(1);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('on a partially_published post re-runs only the failed entries, with a fresh attempt key', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const b = r.fx.account('mastodon');
    r.masto.script({ fail: 'permanent', message: 'down' });
    const id = await schedulePost(r, [a, b], MIN);
    await r.clock.advance(MIN);
    expect(r.fx.postRow(id).status).toBe('partially_published');
    const firstKey = r.masto.calls[0]!.attemptKey;
    const res = await r.t.core.invoke('posts:publish', { id });
    expect(res.ok).toBe(true);
    await r.clock.advance(0);
    expect(r.bsky.calls).toHaveLength(1);
    expect(r.masto.calls).toHaveLength(2);
    expect(r.masto.calls[1]!.attemptKey).not.toBe(firstKey);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('refuses a post that is publishing or already published (conflict) and an unknown id (not_found)', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const g = gate();
    r.bsky.script({ gate: g });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    const busy = await r.t.core.invoke('posts:publish', { id });
    expect(busy.ok ? null : busy.error.code).toBe('conflict');
    g.open();
    await r.clock.advance(0);
    const done = await r.t.core.invoke('posts:publish', { id });
    expect(done.ok ? null : done.error.code).toBe('conflict');
    const missing = await r.t.core.invoke('posts:publish', { id: 'nope' });
    expect(missing.ok ? null : missing.error.code).toBe('not_found');
  });
});

describe('offline', () => {
  it('while offline nothing is claimed; a post that fell due goes out within 5 s of the network coming back', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], MIN);
    r.t.network.set(false);
    await r.clock.advance(10 * MIN);
    expect(r.bsky.calls).toHaveLength(0);
    expect(r.fx.postRow(id).status).toBe('scheduled');
    const back = r.clock.now();
    r.t.network.set(true);
    await r.clock.advance(5000);
    expect(r.bsky.calls).toHaveLength(1);
    expect(r.bsky.calls[0]!.at - back).toBeLessThanOrEqual(5000);
  });

  it('an entry that failed on the network is retried when it returns, without spending an attempt', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const g = gate();
    r.bsky.script({ gate: g });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    r.t.network.set(false);
    g.open({ fail: 'transient', message: 'getaddrinfo ENOTFOUND' });
    await r.clock.advance(30 * MIN);
    expect(r.bsky.calls).toHaveLength(1);
    expect(r.fx.entries(id)[0]).toMatchObject({ status: 'pending', attempt_count: 0 });
    r.t.network.set(true);
    await r.clock.advance(0);
    expect(r.bsky.calls).toHaveLength(2);
    expect(r.fx.postRow(id).status).toBe('published');
  });
});

describe('catch-up', () => {
  it('at start, a post missed by less than the grace publishes at once', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], 10 * MIN);
    await r.t.core.close();
    r.clock.set(r.clock.now() + 3 * 60 * MIN);
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('at start, a post missed by more than the grace stays scheduled, is marked overdue, is listed by posts:list { overdue: true }, and the creator is told', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], 10 * MIN);
    await r.t.core.close();
    r.clock.set(r.clock.now() + 7 * 60 * MIN);
    await r.t.restart();
    await r.clock.advance(MIN);
    expect(r.bsky.calls).toHaveLength(0);
    expect(r.fx.postRow(id)).toMatchObject({ status: 'scheduled', overdue: 1 });
    const listed = await r.t.core.invoke('posts:list', { overdue: true });
    expect(listed.ok && listed.value.posts.map((p) => p.id)).toEqual([id]);
    expect(r.t.notifier.notifications.filter((n) => n.kind === 'missed_posts')).toEqual([expect.objectContaining({ kind: 'missed_posts', target: { postId: id } })]);
    // The creator can still publish it.
    await r.t.core.invoke('posts:publish', { id });
    await r.clock.advance(0);
    expect(r.fx.postRow(id)).toMatchObject({ status: 'published', overdue: 0 });
  });

  it('on wake (resume), the grace rule applies to what fell due during sleep', async () => {
    r = await rig();
    await r.t.core.invoke('settings:update', { catchUpGraceMinutes: 30 });
    const a = r.fx.account('bluesky');
    const soon = await schedulePost(r, [a], 10 * MIN);
    const later = await schedulePost(r, [a], 50 * MIN);
    r.t.power.emit('suspend');
    r.clock.set(r.clock.now() + 60 * MIN);
    r.t.power.emit('resume');
    await r.clock.advance(0);
    expect(r.fx.postRow(soon)).toMatchObject({ status: 'scheduled', overdue: 1 });
    expect(r.fx.postRow(later).status).toBe('published');
  });
});

describe('catch-up without a wake event', () => {
  it('a timer firing long after it was armed (sleep the shell did not report) applies the grace rule', async () => {
    r = await rig();
    await r.t.core.invoke('settings:update', { catchUpGraceMinutes: 30 });
    const a = r.fx.account('bluesky');
    const missed = await schedulePost(r, [a], 10 * MIN);
    const recent = await schedulePost(r, [a], 100 * MIN);
    r.clock.set(r.clock.now() + 120 * MIN);
    await r.clock.advance(0);
    expect(r.fx.postRow(missed)).toMatchObject({ status: 'scheduled', overdue: 1 });
    expect(r.fx.postRow(recent).status).toBe('published');
  });
});

describe('publish now', () => {
  it('posts:create with schedule now publishes at once', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const res = await r.t.core.invoke('posts:create', { parts: [{ text: 'now', media: [] }], targets: [{ accountId: a }], schedule: { mode: 'now' } });
    expect(res.ok).toBe(true);
    await r.clock.advance(0);
    expect(r.bsky.calls).toHaveLength(1);
    expect(r.fx.postRow(res.ok ? res.value.post.id : '').status).toBe('published');
  });
});

describe('crash recovery', () => {
  async function crashState(r: Rig, platform: 'bluesky' | 'mastodon', withOpenAttempt: boolean) {
    const a = r.fx.account(platform);
    const id = r.fx.post({ accountIds: [a], status: 'publishing', scheduledAt: r.clock.now() - MIN });
    const entry = r.fx.entries(id)[0]!;
    r.fx.db.prepare("UPDATE entries SET status = 'publishing', attempt_key = 'key-1' WHERE id = ?").run(entry.id);
    if (withOpenAttempt) r.fx.db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, outcome) VALUES (?, 'key-1', ?, 'in_flight')").run(entry.id, r.clock.now() - MIN);
    return { id, entryId: entry.id };
  }

  it('an entry found publishing that never sent a request is sent (once) after restart', async () => {
    r = await rig();
    const { id } = await crashState(r, 'mastodon', false);
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.masto.calls).toHaveLength(1);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('an entry found publishing is reconciled through its adapter: found means published without a new request', async () => {
    r = await rig();
    r.masto.reconcileFromPosted();
    const { id } = await crashState(r, 'mastodon', true);
    r.masto.posted.set('key-1', 'toot-9');
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.masto.reconcileCalls).toHaveLength(1);
    expect(r.masto.calls).toHaveLength(0);
    expect(r.fx.entries(id)[0]).toMatchObject({ status: 'published', platform_post_id: 'toot-9' });
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('reconcile answering "not there" sends it again', async () => {
    r = await rig();
    r.masto.reconcileFromPosted();
    const { id } = await crashState(r, 'mastodon', true);
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.masto.calls).toHaveLength(1);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('an entry that cannot be reconciled on a non-idempotent platform fails with "Outbox stopped while publishing; check <platform> before retrying"', async () => {
    r = await rig();
    const { id } = await crashState(r, 'mastodon', true);
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.masto.calls).toHaveLength(0);
    expect(r.fx.entries(id)[0]!.error_message).toBe('Outbox stopped while publishing; check Mastodon before retrying');
    expect(r.fx.postRow(id).status).toBe('failed');
  });

  it('an idempotent platform gets the interrupted request again with the same attempt key', async () => {
    r = await rig();
    const { id } = await crashState(r, 'bluesky', true);
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.bsky.calls.map((c) => c.attemptKey)).toEqual(['key-1']);
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('a post whose entries had all settled before the crash gets its final status at start', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = r.fx.post({ accountIds: [a], status: 'publishing', scheduledAt: r.clock.now() });
    r.fx.db.prepare("UPDATE entries SET status = 'published', platform_post_id = 'x' WHERE post_id = ?").run(id);
    await r.t.restart();
    expect(r.fx.postRow(id).status).toBe('published');
  });

  it('close() waits for a request in flight; one still running at the drain timeout is recorded and reconciled at the next start', async () => {
    r = await rig();
    const a = r.fx.account('mastodon');
    r.masto.script({ gate: gate() });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    await r.t.core.close();
    const entry = r.fx.entries(id)[0]!;
    expect(entry.status).toBe('publishing');
    expect(r.fx.attempts(entry.id)[0]).toMatchObject({ outcome: 'in_flight', message: expect.stringMatching(/quit while this request was in flight/) });
    await r.t.restart();
    await r.clock.advance(0);
    expect(r.fx.entries(id)[0]!.error_message).toBe('Outbox stopped while publishing; check Mastodon before retrying');
  });

  it('close() lets a request that answers within the drain timeout settle', async () => {
    r = await rig({ drainTimeoutMs: 5000 });
    const a = r.fx.account('mastodon');
    const g = gate();
    r.masto.script({ gate: g });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    const closing = r.t.core.close();
    setTimeout(() => g.open(), 20);
    await closing;
    expect(r.fx.entries(id)[0]!.status).toBe('published');
    expect(r.fx.postRow(id).status).toBe('published');
  });
});

describe('pause', () => {
  it('while publishingPaused nothing is claimed; un-pausing applies the catch-up rule', async () => {
    r = await rig();
    await r.t.core.invoke('settings:update', { publishingPaused: true, catchUpGraceMinutes: 60 });
    const a = r.fx.account('bluesky');
    const old = await schedulePost(r, [a], MIN);
    const recent = await schedulePost(r, [a], 100 * MIN);
    await r.clock.advance(110 * MIN);
    expect(r.bsky.calls).toHaveLength(0);
    await r.t.core.invoke('settings:update', { publishingPaused: false });
    await r.clock.advance(0);
    expect(r.fx.postRow(old)).toMatchObject({ status: 'scheduled', overdue: 1 });
    expect(r.fx.postRow(recent).status).toBe('published');
  });
});

describe('one engine per folder', () => {
  it('a second createCore on the same data folder fails with a clear error; after close it opens', async () => {
    r = await rig();
    await expect(createCore({ dataDir: r.t.dataDir, clock: r.clock })).rejects.toThrow(EngineLockedError);
    await expect(createCore({ dataDir: r.t.dataDir, clock: r.clock })).rejects.toThrow(/already running on/);
    await r.t.restart();
    expect((await r.t.core.invoke('settings:get')).ok).toBe(true);
  });

  it('deleting outbox.lock while an engine runs does not let a second one start, and the first takes a new lock', async () => {
    r = await rig();
    const lockFile = join(r.t.dataDir, 'outbox.lock');
    rmSync(lockFile);
    await expect(createCore({ dataDir: r.t.dataDir, clock: r.clock })).rejects.toThrow(/lock file \(outbox.lock\) was deleted/);
    // The running engine notices on its next turn and holds the lock file again.
    rmSync(lockFile, { force: true });
    await r.clock.advance(SAFETY_CHECK_MS);
    expect(existsSync(lockFile)).toBe(true);
    await expect(createCore({ dataDir: r.t.dataDir, clock: r.clock })).rejects.toThrow(EngineLockedError);
    // And it still publishes.
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(MIN);
    expect((await getPost(r, id)).status).toBe('published');
  });

  it('an engine that lost its folder to another stops claiming and says so', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    const id = await schedulePost(r, [a], MIN);
    // Another engine's claim on the folder, as a takeover after a lost lock file would write it.
    r.fx.db.prepare("UPDATE engine_owner SET token = 'someone-else'").run();
    await r.clock.advance(2 * MIN);
    expect(r.bsky.calls).toHaveLength(0);
    expect((await getPost(r, id)).status).toBe('scheduled');
    expect(r.t.notifier.notifications.map((n) => n.title)).toContain('Outbox stopped publishing');
  });

  it('after a crash (its process gone) the next engine takes the folder over, lock file or not', async () => {
    r = await rig();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await r.t.core.close();
    r.fx.db.prepare("INSERT INTO engine_owner (id, token, pid, host, started_at) VALUES (1, 'crashed', @pid, @host, 0)").run({ pid: dead, host: hostname() });
    rmSync(join(r.t.dataDir, 'outbox.lock'));
    r.t.core = await createCore({ dataDir: r.t.dataDir, clock: r.clock, notifier: r.t.notifier, secrets: r.t.secrets });
    expect((await r.t.core.invoke('settings:get')).ok).toBe(true);
  });
});

describe('attempt log', () => {
  it('posts:get returns each entry attempt with start, end, outcome, HTTP status and message', async () => {
    r = await rig();
    const a = r.fx.account('bluesky');
    r.bsky.script({ fail: 'transient', message: 'Bad Gateway', httpStatus: 502 }, { ok: true, httpStatus: 200 });
    const id = await schedulePost(r, [a], MIN);
    await r.clock.advance(10 * MIN);
    const post = await getPost(r, id);
    const attempts = post.entries[0]!.attempts;
    expect(attempts.map((x) => [x.outcome, x.httpStatus, x.message])).toEqual([
      ['transient', 502, 'Bad Gateway'],
      ['published', 200, null],
    ]);
    for (const x of attempts) expect(x.endedAt! >= x.startedAt).toBe(true);
  });
});
