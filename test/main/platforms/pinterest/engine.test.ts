// Pinterest through the whole engine: the account is connected against the fake (code + PKCE,
// HTTP Basic at the token endpoint), the composer's boards lookup goes through accounts:lookup,
// and the engine publishes a carousel and a video pin; every exchange is validated against
// Pinterest's own API description.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { createPinterestAdapter } from '../../../../src/main/platforms/pinterest/publish';
import { startPinterestFake, type PinterestFake } from '../../../fakes/pinterest';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { pinterestSpec } from '../../../support/pinterest-spec';
import { sha256 } from '../mastodon/helpers';
import { makeVideo } from '../../../support/videos';

const files = tempDir('outbox-pinterest-engine-');
const photos: string[] = [];
let videoPath: string;

beforeAll(async () => {
  for (const [i, color] of [30, 90, 150].entries()) {
    const path = join(files.dir, `plate-${i}.jpg`);
    await sharp({ create: { width: 1000, height: 1500, channels: 3, background: { r: color, g: 40, b: 90 } } })
      .jpeg()
      .toFile(path);
    photos.push(path);
  }
  videoPath = await makeVideo(join(files.dir, 'pour.mp4'), { container: 'mp4', seconds: 5, width: 360, height: 640 });
}, 60_000);
afterAll(() => files.remove());

describe('Pinterest through the engine', () => {
  let clock: ManualClock;
  let fake: PinterestFake;
  let t: TestCore;

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-06-01T08:00:00Z'));
    fake = await startPinterestFake({ dir: files.dir, now: () => clock.now() });
    t = await makeTestCore({
      clock,
      platforms: { pinterest: { apiBase: fake.url, authBase: fake.url, redirectPort: '0' } },
      adapters: { pinterest: createPinterestAdapter({ sleep: async () => {}, pollDelaysMs: [0] }) },
    });
  });

  afterEach(async () => {
    expect(pinterestSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await t.dispose();
    await fake.close();
  });

  async function connect(): Promise<string> {
    expect(await t.core.invoke('accounts:setAppCredentials', { platform: 'pinterest', clientId: 'pin-client', clientSecret: 'pin-secret' })).toMatchObject({ ok: true });
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'pinterest' });
    const consent = await fetch(await opened, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!);
    const result = await answer;
    if (!result.ok || result.value.status !== 'connected') throw new Error(JSON.stringify(result));
    return result.value.account.id;
  }

  async function importFile(path: string): Promise<string> {
    const imported = await t.core.invoke('media:import', { path });
    if (!imported.ok) throw new Error(imported.error.message);
    return imported.value.id;
  }

  async function settle(id: string): Promise<Post> {
    const deadline = clock.now() + 30 * 60_000;
    for (;;) {
      const got = await t.core.invoke('posts:get', { id });
      if (!got.ok) throw new Error(got.error.message);
      if (!['scheduled', 'publishing'].includes(got.value.status) || clock.now() > deadline) return got.value;
      if (got.value.entries.some((e) => e.status === 'publishing')) await new Promise((resolve) => setTimeout(resolve, 5));
      else await clock.advance(30_000);
      await flushPromises(5);
    }
  }

  it('boards come through accounts:lookup; a carousel of three photos is published to the chosen board', async () => {
    const id = await connect();
    const boards = await t.core.invoke('accounts:lookup', { id, name: 'boards' });
    expect(boards).toEqual({
      ok: true,
      value: {
        value: [
          { id: '549755885175', name: 'Summer recipes', privacy: 'PUBLIC', description: 'My favourite summer recipes' },
          { id: '549755885176', name: 'Garden', privacy: 'SECRET', description: null },
        ],
      },
    });
    const media = [];
    for (const [i, path] of photos.entries()) media.push({ mediaId: await importFile(path), altText: i === 0 ? 'Three plates of pasta' : '' });
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Three pastas for a week of dinners', media }],
      targets: [{ accountId: id, settings: { boardId: '549755885175', boardName: 'Summer recipes', title: 'Weeknight pasta', link: 'https://pinner.example/pasta' } }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const post = await settle(created.value.post.id);
    expect(post.entries[0]!.errorMessage).toBeNull();
    expect(post.status).toBe('published');
    const pin = fake.pins[0]!;
    expect(pin).toMatchObject({ mediaType: 'multiple_images', boardId: '549755885175', title: 'Weeknight pasta', description: 'Three pastas for a week of dinners', link: 'https://pinner.example/pasta', altText: 'Three plates of pasta' });
    // JPEGs within Pinterest's rules go as they are (less their location metadata).
    expect(pin.sha256).toHaveLength(3);
    expect(post.entries[0]).toMatchObject({ platformPostId: pin.id, platformUrl: `https://www.pinterest.com/pin/${pin.id}/` });
  });

  it('a video pin: uploaded, processed, pinned with its cover frame', async () => {
    const id = await connect();
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Pouring the batter', media: [{ mediaId: await importFile(videoPath), altText: 'Batter poured into a dish', cover: { atMs: 3200, mediaId: null } }] }],
      targets: [{ accountId: id, settings: { boardId: '549755885176' } }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const post = await settle(created.value.post.id);
    expect(post.status).toBe('published');
    const pin = fake.pins[0]!;
    expect(pin).toMatchObject({ mediaType: 'video', boardId: '549755885176', cover: { cover_image_key_frame_time: 3 }, altText: 'Batter poured into a dish', sha256: [sha256(readFileSync(videoPath))] });
  });

  it('an expired access token is refreshed, then the pin goes out', async () => {
    const id = await connect();
    fake.expireAccessTokens();
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Plate', media: [{ mediaId: await importFile(photos[0]!), altText: '' }] }],
      targets: [{ accountId: id, settings: { boardId: '549755885175' } }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const post = await settle(created.value.post.id);
    expect(post.status).toBe('published');
    expect(fake.stats.refreshes).toBe(1);
    expect(fake.pins).toHaveLength(1);
  });
});
