// The X adapter against the X fake (test/fakes/x.ts): posts, threads, media, polls and the other
// options, every failure class, and exactly-once when an answer is lost. Every exchange of every
// test is checked against X's OpenAPI description.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createXAdapter, comparableText } from '../../../../src/main/platforms/x/publish';
import { PublishError, type PublishMedia } from '../../../../src/main/platforms/types';
import { FAKE_COMMUNITY_ID, startXFake, type XFake } from '../../../fakes/x';
import { tempDir } from '../../../support/core';
import { publishMedia } from '../../../support/publish-media';
import { makeVideo } from '../../../support/videos';
import { instant, xContext, xSpecProblems } from './helpers';

const files = tempDir('outbox-x-media-');
let fake: XFake;
let clock = Date.parse('2026-05-04T10:00:00Z');
const now = () => clock;
const adapter = createXAdapter(instant);
let png: PublishMedia;
let png2: PublishMedia;
let mp4: PublishMedia;

beforeAll(async () => {
  fake = await startXFake({ now });
  const image = async (name: string, color: { r: number; g: number; b: number }) => {
    const path = join(files.dir, `${name}.png`);
    const data = await sharp({ create: { width: 320, height: 200, channels: 3, background: color } }).png().toBuffer();
    writeFileSync(path, data);
    return publishMedia({ mediaId: name, path, kind: 'image', mime: 'image/png', bytes: data.length, width: 320, height: 200 });
  };
  png = await image('harbour', { r: 20, g: 90, b: 160 });
  png2 = await image('boats', { r: 200, g: 120, b: 30 });
  const video = await makeVideo(join(files.dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 120 });
  mp4 = publishMedia({ mediaId: 'clip', path: video, kind: 'video', mime: 'video/mp4', bytes: 0, durationMs: 1000 });
});
afterAll(async () => {
  await fake.close();
  files.remove();
});
let seen = 0;
beforeEach(() => {
  seen = fake.exchanges.length;
  clock += 60 * 60_000;
});
afterEach(() => {
  expect(xSpecProblems(fake.exchanges.slice(seen))).toEqual([]);
});

const posted = () => fake.posts.slice();
const ctxOf = (parts: Array<{ text: string; media?: PublishMedia[] }>, settings: Record<string, unknown> = {}, progress?: ReturnType<typeof xContext>['progress']) =>
  xContext({ url: fake.url, token: fake.token(), parts: parts.map((p) => ({ text: p.text, media: p.media ?? [] })), settings, now, ...(progress ? { progress } : {}) });

describe('posting to X', () => {
  it('a post: POST /2/tweets with the text; the link is https://x.com/<handle>/status/<id>', async () => {
    const before = posted().length;
    const result = await adapter.publish(ctxOf([{ text: 'Hello from Outbox https://example.com/launch' }]));
    const post = fake.posts[before]!;
    expect(result).toEqual({ platformPostId: post.id, platformUrl: `https://x.com/outbox_creator/status/${post.id}` });
    expect(post.sentText).toBe('Hello from Outbox https://example.com/launch');
    expect(post.text).toMatch(/^Hello from Outbox https:\/\/t\.co\/\w+$/);
  });

  it('the options: who can reply, a quoted post and the post replied to (by link), a Community shared with followers, Super Followers only', async () => {
    const target = fake.posts[0]!;
    const link = `https://x.com/outbox_creator/status/${target.id}?s=20`;
    await adapter.publish(ctxOf([{ text: 'Quoting myself' }], { replySettings: 'mentionedUsers', quotePost: link, replyTo: target.id, community: `https://x.com/i/communities/${FAKE_COMMUNITY_ID}`, shareWithFollowers: true, forSuperFollowersOnly: true }));
    expect(fake.posts.at(-1)).toMatchObject({ sentText: 'Quoting myself', replySettings: 'mentionedUsers', quote: target.id, replyTo: target.id, communityId: FAKE_COMMUNITY_ID, shareWithFollowers: true, superFollowersOnly: true });
    // "everyone" is X's default: nothing is sent for it.
    await adapter.publish(ctxOf([{ text: 'Open to all' }], { replySettings: 'everyone' }));
    expect(fake.posts.at(-1)!.replySettings).toBeNull();
  });

  it('a 4-part thread: each part replies to the one before; a 503 on part 3 keeps parts 1-2, and X is asked before part 3 is sent again', async () => {
    const parts = [1, 2, 3, 4].map((n) => ({ text: `Thread part ${n}/4 about harbours` }));
    const ctx = ctxOf(parts);
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 503, skip: 2 });
    const before = posted().length;
    const failure = (await adapter.publish(ctx).catch((e: unknown) => e)) as PublishError;
    expect(failure).toMatchObject({ kind: 'transient', httpStatus: 503, maybeSent: false });
    expect(fake.posts.length - before).toBe(2);
    // Right after: X does not list part 3, but it is too soon to be sure. With a clock that does
    // not move (the wait is skipped) it says so and sends nothing.
    const tooSoon = (await adapter.publish(ctx).catch((e: unknown) => e)) as PublishError;
    expect(tooSoon).toMatchObject({ kind: 'transient' });
    expect(tooSoon.message).toMatch(/looks again before sending/);
    expect(fake.posts.length - before).toBe(2);
    // With real waiting, the attempt waits out X's listing delay, looks once more, then sends the rest.
    const waits: number[] = [];
    const patient = createXAdapter({ ...instant, sleep: async (ms) => void (waits.push(ms), (clock += ms)) });
    const result = await patient.publish(ctx);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(60_000);
    const thread = fake.posts.slice(before);
    expect(thread.map((p) => p.sentText)).toEqual(parts.map((p) => p.text));
    expect(thread.map((p) => p.replyTo)).toEqual([null, thread[0]!.id, thread[1]!.id, thread[2]!.id]);
    expect(result.platformPostId).toBe(thread[0]!.id);
    const timelineReads = fake.exchanges.slice(seen).filter((e) => e.method === 'GET' && e.path === '/2/users/1001/tweets');
    expect(timelineReads).toHaveLength(4);
  });

  it('images with alt text: chunked upload (initialize, append, finalize), alt text through /2/media/metadata, then the post', async () => {
    const before = posted().length;
    await adapter.publish(ctxOf([{ text: 'Two pictures', media: [{ ...png, altText: 'Blue harbour' }, { ...png2, altText: 'Orange boats' }] }]));
    const post = fake.posts[before]!;
    expect(post.mediaIds).toHaveLength(2);
    expect(post.mediaIds.map((id) => fake.uploads.get(id)).map((u) => [u!.category, u!.altText, u!.finalized])).toEqual([
      ['tweet_image', 'Blue harbour', true],
      ['tweet_image', 'Orange boats', true],
    ]);
    const paths = fake.exchanges.slice(seen).map((e) => `${e.method} ${e.path.replace(/\d{6,}/g, ':id')}`);
    expect(paths).toEqual([
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/:id/append',
      'POST /2/media/upload/:id/finalize',
      'GET /2/media/upload',
      'POST /2/media/metadata',
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/:id/append',
      'POST /2/media/upload/:id/finalize',
      'GET /2/media/upload',
      'POST /2/media/metadata',
      'POST /2/tweets',
    ]);
  });

  it('a video: tweet_video, processing polled until it succeeded, attached; the same bytes arrived', async () => {
    const { stat } = await import('node:fs/promises');
    const video = { ...mp4, bytes: (await stat(mp4.path)).size };
    const before = posted().length;
    await adapter.publish(ctxOf([{ text: 'A clip', media: [video] }]));
    const upload = fake.uploads.get(fake.posts[before]!.mediaIds[0]!)!;
    expect(upload).toMatchObject({ category: 'tweet_video', mediaType: 'video/mp4', state: 'succeeded' });
    expect(upload.statusChecks).toBe(2);
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    expect(await fake.sha256(upload.id)).toBe(createHash('sha256').update(readFileSync(mp4.path)).digest('hex'));
  });

  it('a video X cannot process fails permanently, naming it', async () => {
    const junk = join(files.dir, 'junk.mp4');
    writeFileSync(junk, Buffer.alloc(4096, 7));
    const failure = (await adapter.publish(ctxOf([{ text: 'Broken clip', media: [publishMedia({ mediaId: 'junk', path: junk, kind: 'video', mime: 'video/mp4', bytes: 4096 })] }])).catch((e: unknown) => e)) as PublishError;
    expect(failure).toMatchObject({ kind: 'permanent' });
    expect(failure.message).toMatch(/X could not process video 1/);
  });

  it('a poll: 2-4 choices and its length in minutes; a poll with media is refused before anything is sent', async () => {
    const before = posted().length;
    await adapter.publish(ctxOf([{ text: 'Which harbour?' }], { poll: { options: ['North', 'South', 'Neither'], durationMinutes: 1440 } }));
    expect(fake.posts[before]!.poll).toEqual({ options: ['North', 'South', 'Neither'], durationMinutes: 1440 });
    const mark = fake.exchanges.length;
    const refused = (await adapter.publish(ctxOf([{ text: 'Poll and picture', media: [png] }], { poll: { options: ['a', 'b'], durationMinutes: 60 } })).catch((e: unknown) => e)) as PublishError;
    expect(refused).toMatchObject({ kind: 'permanent' });
    expect(fake.exchanges.length).toBe(mark);
  });
});

describe('failures, classified', () => {
  it('401 -> auth; 403 duplicate -> permanent with X\'s words; 429 -> rate_limited until x-rate-limit-reset; 5xx -> transient', async () => {
    const expired = xContext({ url: fake.url, token: 'not-a-token', parts: [{ text: 'Expired', media: [] }], now });
    expect(await adapter.publish(expired).catch((e: unknown) => e)).toMatchObject({ kind: 'auth', httpStatus: 401 });

    await adapter.publish(ctxOf([{ text: 'Said once' }]));
    const duplicate = (await adapter.publish(ctxOf([{ text: 'Said once' }])).catch((e: unknown) => e)) as PublishError;
    expect(duplicate).toMatchObject({ kind: 'permanent', httpStatus: 403 });
    expect(duplicate.message).toContain('You are not allowed to create a Tweet with duplicate content.');

    fake.failNext({ method: 'POST', path: '/2/tweets', status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(clock / 1000) + 600) } });
    const limited = (await adapter.publish(ctxOf([{ text: 'Too fast' }])).catch((e: unknown) => e)) as PublishError;
    expect(limited).toMatchObject({ kind: 'rate_limited', httpStatus: 429, retryAfterMs: 600_000 });

    // The upload retries its first step six times in place before giving the failure to the engine.
    fake.failNext({ method: 'POST', path: '/2/media/upload/initialize', status: 500, times: 7 });
    const server = (await adapter.publish(ctxOf([{ text: 'Server down', media: [png] }])).catch((e: unknown) => e)) as PublishError;
    expect(server).toMatchObject({ kind: 'transient' });
  });
});

describe('exactly once', () => {
  it('the answer of POST /2/tweets is lost after X made the post: the adapter finds it among the account\'s posts; one post', async () => {
    const before = posted().length;
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 0, drop: true, afterHandling: true });
    const result = await adapter.publish(ctxOf([{ text: 'Lost answer & a link https://example.com/x', media: [png] }]));
    expect(fake.posts.length - before).toBe(1);
    expect(result.platformPostId).toBe(fake.posts[before]!.id);
  });

  it('the request is lost before X handled it: nothing is listed, so the send fails as "maybe sent" (the engine asks to check X); later the reconcile sees it certainly did not happen', async () => {
    const before = posted().length;
    const ctx = ctxOf([{ text: 'Never arrived' }]);
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 0, drop: true });
    const failure = (await adapter.publish(ctx).catch((e: unknown) => e)) as PublishError;
    expect(failure).toMatchObject({ kind: 'transient', maybeSent: true });
    // Right away X's listing could still be catching up: the reconcile cannot tell.
    expect(await adapter.reconcile!(ctx).catch((e: unknown) => e)).toBeInstanceOf(PublishError);
    clock += 3 * 60_000;
    expect(await adapter.reconcile!(ctx)).toBeNull();
    await adapter.publish(ctx);
    expect(fake.posts.slice(before).map((p) => p.sentText)).toEqual(['Never arrived']);
  });

  it('reconcile after a crash mid-thread: part 2 was made (its answer never came), found by text, reply and media; the rest is left to publish', async () => {
    const before = posted().length;
    const ctx = ctxOf([{ text: 'Crash thread 1' }, { text: 'Crash thread 2 https://example.com', media: [png] }, { text: 'Crash thread 3' }]);
    // X makes part 2 and its answer never comes; the process dies meanwhile (the attempt is aborted).
    fake.failNext({ method: 'POST', path: '/2/tweets', status: 0, hold: true, afterHandling: true, skip: 1 });
    const stop = new AbortController();
    const dying = adapter.publish({ ...ctx, signal: stop.signal }).catch((e: unknown) => e);
    while (fake.posts.length - before < 2) await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    expect(await dying).toBeInstanceOf(PublishError);
    expect(fake.posts.length - before).toBe(2);
    expect(ctx.progress.get()!['x']).toMatchObject({ inflight: { part: 1 } });
    expect(await adapter.reconcile!(ctx)).toBeNull();
    expect(ctx.progress.get()!['x']).toMatchObject({ inflight: null, parts: [{ id: fake.posts[before]!.id }, { id: fake.posts[before + 1]!.id }] });
    await adapter.publish(ctx);
    expect(fake.posts.slice(before).map((p) => p.sentText)).toEqual(['Crash thread 1', 'Crash thread 2 https://example.com', 'Crash thread 3']);
  });

  it('the spec check bites: a body X does not document is reported', () => {
    expect(xSpecProblems([{ method: 'POST', path: '/2/tweets', body: { text: 'x', reply_settings: 'everyone' }, status: 201, headers: { 'content-type': 'application/json' }, response: { data: { id: '1' } } }]).join('\n')).toMatch(/reply_settings|text/);
  });

  it('text as X shows it is compared without links and entities', () => {
    expect(comparableText('Fish &amp; chips https://t.co/abc https://t.co/def')).toBe(comparableText('Fish & chips https://example.com/menu'));
    expect(comparableText('Fish & chips')).not.toBe(comparableText('Fish and chips'));
  });
});
