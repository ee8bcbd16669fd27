import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { mastodonConnector } from '../../../../src/main/platforms/mastodon/auth';
import { createMastodonAdapter } from '../../../../src/main/platforms/mastodon/publish';
import type { ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError, type PublishAccount, type PublishMedia, type PublishPart, type RemoteScheduler } from '../../../../src/main/platforms/types';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { tempDir } from '../../../support/core';
import { mastodonSpec } from '../../../support/openapi';
import { MemoryProgress, pngMedia, publishContext, testConnectContext } from './helpers';

const MIN = 60_000;

// Delivery by the instance (the engine's hand-off, issue 17): the entry is handed to the
// instance's own scheduler, so it goes out with the computer off.
describe('Mastodon delivery by the instance (scheduled statuses)', () => {
  let clock: ManualClock;
  let fake: MastodonFake;
  let account: PublishAccount;
  let credentials: Record<string, unknown>;
  let files: { dir: string; remove: () => void };
  let image: PublishMedia;
  const remote = createMastodonAdapter({ sleep: async () => {} }).remote as RemoteScheduler;

  beforeAll(async () => {
    files = tempDir('outbox-mastodon-scheduled-');
    image = await pngMedia(files.dir, 'poster', 'A poster');
  });
  afterAll(() => files.remove());

  beforeEach(async () => {
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

  const ctxFor = (parts: PublishPart[], progress = new MemoryProgress(), settings: Record<string, unknown> = {}) =>
    publishContext({ account, credentials, parts, settings, progress, now: () => clock.now(), contentType: 'mastodon_post' });

  it('scheduling hands the status with its media to the instance with scheduled_at', async () => {
    const at = clock.now() + 60 * MIN;
    const ctx = ctxFor([{ text: 'Goes out while you sleep', media: [image] }]);
    const { remoteId } = await remote.schedule(ctx, at);

    expect(fake.statuses).toHaveLength(0);
    const scheduled = fake.scheduled.get(remoteId)!;
    expect(scheduled.scheduledAt).toBe(at);
    expect(scheduled.params).toMatchObject({ text: 'Goes out while you sleep', visibility: 'public' });
    expect(fake.media.get(scheduled.mediaIds[0]!)!.description).toBe('A poster');
    expect(await remote.status(ctx, remoteId)).toEqual({ state: 'scheduled', at });
  });

  it('scheduling the same entry again moves the existing schedule instead of making a second one', async () => {
    const progress = new MemoryProgress();
    const first = await remote.schedule(ctxFor([{ text: 'Once', media: [] }], progress), clock.now() + 30 * MIN);
    const second = await remote.schedule(ctxFor([{ text: 'Once', media: [] }], progress), clock.now() + 90 * MIN);
    expect(second.remoteId).toBe(first.remoteId);
    expect(fake.scheduled.size).toBe(1);
    expect(fake.scheduled.get(first.remoteId)!.scheduledAt).toBe(clock.now() + 90 * MIN);
  });

  it('rescheduling in Outbox moves it on the instance; deleting cancels it there', async () => {
    const ctx = ctxFor([{ text: 'Moving target', media: [] }]);
    const { remoteId } = await remote.schedule(ctx, clock.now() + 30 * MIN);
    await remote.reschedule(ctx, remoteId, clock.now() + 120 * MIN);
    expect(fake.scheduled.get(remoteId)!.scheduledAt).toBe(clock.now() + 120 * MIN);

    await remote.cancel(ctx, remoteId);
    expect(fake.scheduled.size).toBe(0);
    expect(await remote.status(ctx, remoteId)).toEqual({ state: 'missing' });
    // Cancelling what is already gone is fine.
    await remote.cancel(ctx, remoteId);
  });

  it('once the instance has published it, status reports the post and its URL', async () => {
    const at = clock.now() + 20 * MIN;
    const ctx = ctxFor([{ text: 'Published by the instance', media: [image] }]);
    const { remoteId } = await remote.schedule(ctx, at);
    await clock.advance(21 * MIN);
    const [status] = fake.runScheduler();

    expect(await remote.status(ctx, remoteId)).toEqual({ state: 'published', result: { platformPostId: status!.id, platformUrl: fake.statusUrl(status!) } });
  });

  it('publishing an entry the instance holds cancels the schedule first, so it goes out once', async () => {
    const adapter = createMastodonAdapter({ sleep: async () => {} });
    const progress = new MemoryProgress();
    const { remoteId } = await adapter.remote!.schedule(ctxFor([{ text: 'Now instead', media: [image] }], progress), clock.now() + 60 * MIN);
    const result = await adapter.publish(ctxFor([{ text: 'Now instead', media: [image] }], progress));
    expect(fake.scheduled.has(remoteId)).toBe(false);
    expect(fake.statuses).toHaveLength(1);
    expect(result.platformPostId).toBe(fake.statuses[0]!.id);
    await clock.advance(61 * MIN);
    expect(fake.runScheduler()).toEqual([]);
  });

  it('publishing an entry the instance already sent returns that post instead of a second one', async () => {
    const adapter = createMastodonAdapter({ sleep: async () => {} });
    const progress = new MemoryProgress();
    await adapter.remote!.schedule(ctxFor([{ text: 'Sent by the instance', media: [] }], progress), clock.now() + 10 * MIN);
    await clock.advance(11 * MIN);
    const [status] = fake.runScheduler();
    const result = await adapter.publish(ctxFor([{ text: 'Sent by the instance', media: [] }], progress));
    expect(fake.statuses).toHaveLength(1);
    expect(result).toEqual({ platformPostId: status!.id, platformUrl: fake.statusUrl(status!) });
  });

  it('less than 5 minutes ahead, a thread, or a 422 are refused as permanent', async () => {
    const soon = await remote.schedule(ctxFor([{ text: 'Too soon', media: [] }]), clock.now() + 4 * MIN).catch((e: unknown) => e);
    expect((soon as PublishError).kind).toBe('permanent');
    const thread = await remote.schedule(ctxFor([{ text: 'a', media: [] }, { text: 'b', media: [] }]), clock.now() + 60 * MIN).catch((e: unknown) => e);
    expect((thread as PublishError).message).toMatch(/thread/);
    fake.rejectNext('Validation failed: Scheduled at The scheduled date must be in the future', { path: '/api/v1/statuses' });
    const refused = await remote.schedule(ctxFor([{ text: 'x', media: [] }]), clock.now() + 60 * MIN).catch((e: unknown) => e);
    expect((refused as PublishError).kind).toBe('permanent');
    expect((refused as PublishError).message).toContain('The scheduled date must be in the future');
    expect(fake.scheduled.size).toBe(0);
  });

  it('rescheduling a status the instance already sent is permanent, not a silent success', async () => {
    const ctx = ctxFor([{ text: 'Already out', media: [] }]);
    const { remoteId } = await remote.schedule(ctx, clock.now() + 10 * MIN);
    await clock.advance(11 * MIN);
    fake.runScheduler();
    const error = await remote.reschedule(ctx, remoteId, clock.now() + 60 * MIN).catch((e: unknown) => e);
    expect((error as PublishError).kind).toBe('permanent');
    expect((error as PublishError).httpStatus).toBe(404);
  });
});
