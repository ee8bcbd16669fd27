import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { mastodonConnector } from '../../../../src/main/platforms/mastodon/auth';
import { createMastodonAdapter, IDEMPOTENCY_WINDOW_MS } from '../../../../src/main/platforms/mastodon/publish';
import type { ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError, type PublishAccount, type PublishMedia, type PublishPart } from '../../../../src/main/platforms/types';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { mastodonSpec } from '../../../support/openapi';
import { tempDir } from '../../../support/core';
import { MemoryProgress, pngMedia, publishContext, sha256, testConnectContext, videoMedia } from './helpers';

describe('Mastodon adapter', () => {
  let clock: ManualClock;
  let fake: MastodonFake;
  let account: PublishAccount;
  let credentials: Record<string, unknown>;
  const sleeps: number[] = [];
  // Waiting for media processing goes through this instead of real timers: it records the wait
  // and moves the shared clock, so the test never sleeps.
  const adapter = createMastodonAdapter({
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.set(clock.now() + ms);
    },
  });
  let files: { dir: string; remove: () => void };
  let image: PublishMedia;
  let image2: PublishMedia;
  let video: PublishMedia;

  beforeAll(async () => {
    files = tempDir('outbox-mastodon-');
    image = await pngMedia(files.dir, 'sunset', 'A red sunset over the sea');
    image2 = await pngMedia(files.dir, 'beach', '');
    video = videoMedia(files.dir, 'clip', 'A short clip of waves');
  });
  afterAll(() => files.remove());

  beforeEach(async () => {
    sleeps.length = 0;
    clock = new ManualClock();
    fake = await startMastodonFake({ now: () => clock.now() });
    const connected = (await mastodonConnector.connect({ instanceUrl: fake.url }, testConnectContext({ now: () => clock.now() }))) as ConnectedAccount;
    account = { id: 'acc-1', platform: 'mastodon', handle: connected.handle, platformUserId: connected.platformUserId, instanceUrl: connected.instanceUrl, meta: connected.meta };
    credentials = connected.secrets;
    fake.exchanges.length = 0;
  });

  afterEach(async () => {
    expect(mastodonSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await fake.close();
  });

  function ctxFor(parts: PublishPart[], settings: Record<string, unknown> = {}, progress?: MemoryProgress, attemptKey = 'attempt-1') {
    return publishContext({ account, credentials, parts, settings, progress, attemptKey, now: () => clock.now(), contentType: 'mastodon_post' });
  }

  const statusPosts = () => fake.exchanges.filter((e) => e.method === 'POST' && e.path === '/api/v1/statuses');

  async function failure(promise: Promise<unknown>): Promise<PublishError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishError);
    return error as PublishError;
  }

  it('a text status carries visibility, content warning and language, and its URL comes back', async () => {
    const ctx = ctxFor([{ text: 'Hello fediverse https://example.com/a/very/long/path', media: [] }], { visibility: 'unlisted', spoilerText: 'Long post', language: 'en' });
    const result = await adapter.publish(ctx);

    expect(fake.statuses).toHaveLength(1);
    const status = fake.statuses[0]!;
    expect(status).toMatchObject({ text: 'Hello fediverse https://example.com/a/very/long/path', visibility: 'unlisted', spoilerText: 'Long post', language: 'en', inReplyToId: null });
    expect(result).toEqual({ platformPostId: status.id, platformUrl: fake.statusUrl(status) });
    expect(status.idempotencyKey).toMatch(/attempt-1/);
  });

  it('a poll goes out with its options, expiry and multiple choice', async () => {
    await adapter.publish(ctxFor([{ text: 'Tea or coffee?', media: [] }], { poll: { options: ['Tea', 'Coffee', 'Both'], expiresIn: 86_400, multiple: true } }));
    expect(fake.statuses[0]!.poll).toEqual({ options: ['Tea', 'Coffee', 'Both'], expiresIn: 86_400, multiple: true, hideTotals: false });
  });

  it('images are uploaded through media v2 with their alt text and attached to the status', async () => {
    await adapter.publish(ctxFor([{ text: 'Two pictures', media: [image, image2] }], { sensitive: true }));

    const status = fake.statuses[0]!;
    expect(status.mediaIds).toHaveLength(2);
    const [first, second] = status.mediaIds.map((id) => fake.media.get(id)!);
    expect(first!.description).toBe('A red sunset over the sea');
    expect(first!.file.sha256).toBe(sha256(readFileSync(image.path)));
    expect(first!.file.mime).toBe('image/png');
    expect(second!.description).toBeNull();
    expect(status.sensitive).toBe(true);
  });

  it('a video answered with 202 is polled until processed before the status is posted', async () => {
    const result = await adapter.publish(ctxFor([{ text: 'Waves', media: [video] }]));

    const mediaCalls = fake.exchanges.filter((e) => e.path.startsWith('/api/v1/media/'));
    expect(fake.exchanges.find((e) => e.path === '/api/v2/media')!.status).toBe(202);
    expect(mediaCalls.map((e) => e.status)).toEqual([206, 206, 200]);
    expect(sleeps.length).toBe(2);
    expect(fake.media.get(fake.statuses[0]!.mediaIds[0]!)!.description).toBe('A short clip of waves');
    expect(result.platformPostId).toBe(fake.statuses[0]!.id);
  });

  it('a thread is posted part by part, each a reply to the one before, every part saved as it goes', async () => {
    const progress = new MemoryProgress();
    const result = await adapter.publish(ctxFor([{ text: 'Thread 1/3', media: [] }, { text: 'Thread 2/3', media: [image] }, { text: 'Thread 3/3', media: [] }], { visibility: 'public' }, progress));

    expect(fake.statuses.map((s) => s.text)).toEqual(['Thread 1/3', 'Thread 2/3', 'Thread 3/3']);
    const [a, b, c] = fake.statuses;
    expect(b!.inReplyToId).toBe(a!.id);
    expect(c!.inReplyToId).toBe(b!.id);
    expect(result.platformPostId).toBe(a!.id);
    expect((progress.state!['parts'] as Array<{ statusId: string }>).map((p) => p.statusId)).toEqual([a!.id, b!.id, c!.id]);
    // Each part has its own key, so the instance cannot mistake part 2 for a replay of part 1.
    expect(new Set(fake.statuses.map((s) => s.idempotencyKey)).size).toBe(3);
  });

  it('a lost answer is retried with the same Idempotency-Key and the instance replays the same status: no duplicate', async () => {
    fake.failNext({ method: 'POST', path: '/api/v1/statuses', status: 0, drop: true, afterHandling: true });
    const progress = new MemoryProgress();
    const lost = await failure(adapter.publish(ctxFor([{ text: 'Only once', media: [] }], {}, progress)));
    expect(lost.kind).toBe('transient');
    expect(lost.maybeSent).toBe(true);
    expect(fake.statuses).toHaveLength(1);

    const result = await adapter.publish(ctxFor([{ text: 'Only once', media: [] }], {}, progress));
    expect(fake.statuses).toHaveLength(1);
    expect(result.platformPostId).toBe(fake.statuses[0]!.id);
    expect(statusPosts().map((e) => e.status)).toEqual([200]);
  });

  it('a thread that failed in the middle continues where it stopped, even under a new attempt key', async () => {
    const progress = new MemoryProgress();
    const parts = [{ text: 'One', media: [] }, { text: 'Two', media: [] }, { text: 'Three', media: [] }];
    fake.failNext({ method: 'POST', path: '/api/v1/statuses', status: 503, body: { error: 'Service Unavailable' }, skip: 1 });
    const midway = await failure(adapter.publish(ctxFor(parts, {}, progress)));
    expect(midway.kind).toBe('transient');
    expect(fake.statuses.map((s) => s.text)).toEqual(['One']);

    const result = await adapter.publish(ctxFor(parts, {}, progress, 'attempt-2'));
    expect(fake.statuses.map((s) => s.text)).toEqual(['One', 'Two', 'Three']);
    expect(fake.statuses[1]!.inReplyToId).toBe(fake.statuses[0]!.id);
    expect(fake.statuses[2]!.inReplyToId).toBe(fake.statuses[1]!.id);
    expect(result.platformPostId).toBe(fake.statuses[0]!.id);
  });

  it('reconcile after a crash re-sends with the same key within the hour: the status the instance made is found, not duplicated', async () => {
    const progress = new MemoryProgress();
    fake.failNext({ method: 'POST', path: '/api/v1/statuses', status: 0, drop: true, afterHandling: true });
    await adapter.publish(ctxFor([{ text: 'Crash test', media: [image] }], {}, progress)).catch(() => null);
    expect(fake.statuses).toHaveLength(1);

    await clock.advance(20 * 60_000);
    // The engine may reconcile under a fresh attempt key: the key actually sent is the one reused.
    const result = await adapter.reconcile!(ctxFor([{ text: 'Crash test', media: [image] }], {}, progress, 'attempt-after-restart'));
    expect(result).toEqual({ platformPostId: fake.statuses[0]!.id, platformUrl: fake.statusUrl(fake.statuses[0]!) });
    expect(fake.statuses).toHaveLength(1);
    // The image was uploaded once: its id was saved before the status POST.
    expect(fake.media.size).toBe(1);
  });

  it('reconcile of an entry that never reached the status POST says nothing was sent', async () => {
    expect(await adapter.reconcile!(ctxFor([{ text: 'Never sent', media: [] }]))).toBeNull();
    expect(fake.statuses).toHaveLength(0);
  });

  it('after the hour the key is forgotten, so reconcile looks for the status on the timeline instead of posting it twice', async () => {
    const progress = new MemoryProgress();
    fake.failNext({ method: 'POST', path: '/api/v1/statuses', status: 0, drop: true, afterHandling: true });
    await adapter.publish(ctxFor([{ text: 'Posted before the crash', media: [] }], {}, progress)).catch(() => null);
    await clock.advance(2 * 60 * 60_000);
    expect(clock.now() - (progress.state!['inflight'] as { at: number }).at).toBeGreaterThan(IDEMPOTENCY_WINDOW_MS);

    const result = await adapter.reconcile!(ctxFor([{ text: 'Posted before the crash', media: [] }], {}, progress, 'attempt-2'));
    expect(fake.statuses).toHaveLength(1);
    expect(result?.platformPostId).toBe(fake.statuses[0]!.id);
  });

  it('after the hour, a send that never arrived is sent again once', async () => {
    const progress = new MemoryProgress();
    fake.failNext({ method: 'POST', path: '/api/v1/statuses', status: 0, drop: true });
    await adapter.publish(ctxFor([{ text: 'Lost on the way', media: [] }], {}, progress)).catch(() => null);
    expect(fake.statuses).toHaveLength(0);
    await clock.advance(2 * 60 * 60_000);

    const result = await adapter.reconcile!(ctxFor([{ text: 'Lost on the way', media: [] }], {}, progress, 'attempt-2'));
    expect(fake.statuses).toHaveLength(1);
    expect(result?.platformPostId).toBe(fake.statuses[0]!.id);
  });

  it('401 is an auth failure', async () => {
    fake.revokeAllTokens();
    const error = await failure(adapter.publish(ctxFor([{ text: 'x', media: [] }])));
    expect(error.kind).toBe('auth');
    expect(error.httpStatus).toBe(401);
  });

  it('a token without the needed scope (403) is an auth failure: reconnecting grants it', async () => {
    fake.tokens.push({ token: 'read-only-token', clientId: fake.apps[0]!.clientId, userId: fake.users[0]!.id, scopes: ['read:accounts'], revoked: false, createdAt: clock.now() });
    const error = await failure(adapter.publish(publishContext({ account, credentials: { accessToken: 'read-only-token' }, parts: [{ text: 'x', media: [] }], now: () => clock.now() })));
    expect(error.kind).toBe('auth');
    expect(error.httpStatus).toBe(403);
  });

  it("422 is permanent and carries the instance's message", async () => {
    const error = await failure(adapter.publish(ctxFor([{ text: 'x'.repeat(501), media: [] }])));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('Text character limit of 500 exceeded');
    expect(error.httpStatus).toBe(422);
  });

  it('429 is rate_limited until X-RateLimit-Reset', async () => {
    fake.rateLimitNext(clock.now() + 90_000, { path: '/api/v1/statuses' });
    const error = await failure(adapter.publish(ctxFor([{ text: 'x', media: [] }])));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(90_000);
  });

  it('5xx and an unreachable instance are transient', async () => {
    fake.failNext({ path: '/api/v2/media', status: 500, body: { error: 'Internal Server Error' } });
    const upload = await failure(adapter.publish(ctxFor([{ text: 'x', media: [image] }])));
    expect(upload.kind).toBe('transient');
    expect(upload.maybeSent).toBe(false);

    const gone = publishContext({ account: { ...account, instanceUrl: 'http://127.0.0.1:1' }, credentials, parts: [{ text: 'x', media: [] }], now: () => clock.now() });
    const unreachable = await failure(adapter.publish(gone));
    expect(unreachable.kind).toBe('transient');
  });

  it('settings that do not parse are a permanent failure naming the field', async () => {
    const error = await failure(adapter.publish(ctxFor([{ text: 'x', media: [] }], { visibility: 'everyone' })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/visibility/);
    expect(fake.statuses).toHaveLength(0);
  });
});
