// The Pinterest adapter against the API v5 fake; every exchange (our requests and the fake's
// answers) is validated against Pinterest's own description, ../shared/specs/pinterest-v5-openapi.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { boardsLookup } from '../../../../src/main/platforms/pinterest/boards';
import { createPinterestAdapter } from '../../../../src/main/platforms/pinterest/publish';
import { PublishError, type PublishAccount, type PublishMedia } from '../../../../src/main/platforms/types';
import { startPinterestFake, type PinterestFake } from '../../../fakes/pinterest';
import { tempDir } from '../../../support/core';
import { pinterestSpec } from '../../../support/pinterest-spec';
import { paddedVideo } from '../../../support/padded-video';
import { publishMedia } from '../../../support/publish-media';
import { MemoryProgress, publishContext, sha256 } from '../mastodon/helpers';

const files = tempDir('outbox-pinterest-');
const account: PublishAccount = { id: 'acc-p', platform: 'pinterest', handle: 'pinner', platformUserId: '100', instanceUrl: '', meta: {} };
const fast = { sleep: async () => {}, pollDelaysMs: [0], retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 6, sleep: async () => {} } };
const adapter = createPinterestAdapter(fast);
const BOARD = '549755885175';
let images: PublishMedia[];
let video: PublishMedia;
let videoSha: string;

async function image(name: string, color: number, format: 'png' | 'jpeg' | 'webp' = 'png', altText = ''): Promise<PublishMedia> {
  const path = join(files.dir, `${name}.${format}`);
  await sharp({ create: { width: 600, height: 900, channels: 3, background: { r: color, g: 90, b: 140 } } })
    .toFormat(format)
    .toFile(path);
  return publishMedia({ mediaId: name, path, kind: 'image', mime: `image/${format}`, bytes: readFileSync(path).length, width: 600, height: 900, altText });
}

beforeAll(async () => {
  images = [await image('one', 10, 'jpeg', 'A bowl of cherries'), await image('two', 60), await image('three', 110, 'webp'), await image('four', 160), await image('five', 210), await image('six', 240)];
  const path = join(files.dir, 'clip.mp4');
  videoSha = await paddedVideo(path, 3 * 1024 * 1024);
  video = publishMedia({ mediaId: 'clip', path, kind: 'video', mime: 'video/mp4', bytes: 3 * 1024 * 1024, durationMs: 3000, cover: { atMs: 2400, image: null } });
}, 60_000);
afterAll(() => files.remove());

let fake: PinterestFake;
let token: string;
beforeEach(async () => {
  fake = await startPinterestFake({ dir: files.dir });
  token = fake.grant().accessToken;
});
afterEach(async () => {
  // Every request we made and every answer the fake gave match Pinterest's description.
  expect(pinterestSpec().validateExchanges(fake.exchanges)).toEqual([]);
  await fake.close();
});

function ctx(o: { media?: PublishMedia[]; settings?: Record<string, unknown>; text?: string; progress?: MemoryProgress; attemptKey?: string } = {}) {
  return publishContext({
    account,
    credentials: { accessToken: token },
    parts: [{ text: o.text ?? 'Cherry clafoutis, the easy way', media: o.media ?? [images[0]!] }],
    settings: o.settings ?? { boardId: BOARD, title: 'Cherry clafoutis', link: 'https://pinner.example/clafoutis', note: 'Try with plums' },
    contentType: 'pinterest_pin',
    now: () => Date.now(),
    endpoints: { apiBase: fake.url },
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.attemptKey ? { attemptKey: o.attemptKey } : {}),
  });
}

async function rejection(p: Promise<unknown>): Promise<PublishError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

describe('pins', () => {
  it('one image: image_base64 with board, title, description, link, alt text and note; the pin URL comes back', async () => {
    const result = await adapter.publish(ctx());
    const pin = fake.pins[0]!;
    expect(result).toEqual({ platformPostId: pin.id, platformUrl: `https://www.pinterest.com/pin/${pin.id}/` });
    expect(pin).toMatchObject({ boardId: BOARD, title: 'Cherry clafoutis', description: 'Cherry clafoutis, the easy way', link: 'https://pinner.example/clafoutis', altText: 'A bowl of cherries', note: 'Try with plums', mediaType: 'image' });
    // A JPEG goes as it is (less its location metadata): the bytes Pinterest got are the file's.
    const body = fake.exchanges.find((e) => e.path === '/pins')!.body as { media_source: Record<string, unknown> };
    expect(body.media_source).toMatchObject({ source_type: 'image_base64', content_type: 'image/jpeg' });
  });

  it('2-5 images: a carousel through multiple_image_base64; WebP is re-encoded (Pinterest takes JPEG or PNG)', async () => {
    await adapter.publish(ctx({ media: images.slice(1, 4), settings: { boardId: BOARD } }));
    const pin = fake.pins[0]!;
    expect(pin.mediaType).toBe('multiple_images');
    expect(pin.sha256).toHaveLength(3);
    const body = fake.exchanges.find((e) => e.path === '/pins')!.body as { media_source: { source_type: string; items: Array<{ content_type: string }> } };
    expect(body.media_source.source_type).toBe('multiple_image_base64');
    expect(body.media_source.items.map((i) => i.content_type)).toEqual(['image/png', 'image/jpeg', 'image/png']);
  });

  it('six images are refused before anything is sent', async () => {
    const error = await rejection(adapter.publish(ctx({ media: images })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('2 to 5 images');
    expect(fake.exchanges).toEqual([]);
  });

  it('a video: registered, uploaded to upload_url with every upload_parameters field, polled until succeeded, pinned with its cover frame', async () => {
    const result = await adapter.publish(ctx({ media: [video], text: 'Clafoutis in 30 seconds' }));
    const upload = fake.uploads[0]!;
    const registered = [...fake.media.values()][0]!;
    expect(upload).toMatchObject({ status: 204, bytes: video.bytes });
    expect(upload.fields).toEqual(registered.parameters);
    expect(registered.sha256).toBe(videoSha);
    const pin = fake.pins[0]!;
    expect(pin).toMatchObject({ mediaType: 'video', cover: { cover_image_key_frame_time: 2 }, sha256: [videoSha] });
    expect(result.platformPostId).toBe(pin.id);
    expect(fake.exchanges.map((e) => `${e.method} ${e.path.replace(/\d{6,}/g, ':id')}`)).toEqual(['POST /media', 'GET /media/:id', 'GET /media/:id', 'POST /pins']);
  });

  it('a video with a cover image sends it as cover_image_data', async () => {
    const withCover = { ...video, cover: { atMs: null, image: { path: images[1]!.path, mime: 'image/png', width: 600, height: 900, bytes: images[1]!.bytes } } };
    await adapter.publish(ctx({ media: [withCover] }));
    expect(fake.pins[0]!.cover).toEqual({ cover_image_data: 'base64' });
  });

  it('a dropped video upload is sent again; an expired upload policy registers the video again; processing that fails is permanent', async () => {
    await fake.close();
    fake = await startPinterestFake({ dir: files.dir, dropUpload: (n) => (n === 0 || n === 2 ? 1024 * 1024 : undefined) });
    token = fake.grant().accessToken;
    await adapter.publish(ctx({ media: [video] }));
    expect(fake.stats.uploadDrops).toBe(1);
    expect(fake.pins).toHaveLength(1);

    // An attempt that gives up at its first drop keeps the registered upload; an hour later the
    // upload policy has expired (403), so the video is registered again and uploaded under the new one.
    const progress = new MemoryProgress();
    const once = createPinterestAdapter({ ...fast, retry: { attempts: 0, sleep: async () => {} } });
    await rejection(once.publish(ctx({ media: [video], progress })));
    fake.expireUploadPolicies();
    await adapter.publish(ctx({ media: [video], progress }));
    expect(fake.uploads.map((u) => u.status)).toEqual([204, 403, 204]);
    expect(fake.media.size).toBe(3);
    expect(fake.pins).toHaveLength(2);
    expect(fake.pins[1]!.sha256).toEqual([videoSha]);

    fake.failProcessing();
    const error = await rejection(adapter.publish(ctx({ media: [video] })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('could not process the video');
  });
});

describe('failures', () => {
  it('401 is auth, 429 rate_limited, 5xx transient, an unknown board permanent', async () => {
    fake.expireAccessTokens();
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'auth', httpStatus: 401 });
    token = fake.grant().accessToken;
    fake.failNext('/pins', 429);
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    fake.failNext('/pins', 503);
    expect(await rejection(adapter.publish(ctx()))).toMatchObject({ kind: 'transient' });
    const missing = await rejection(adapter.publish(ctx({ settings: { boardId: '999' } })));
    expect(missing).toMatchObject({ kind: 'permanent', httpStatus: 404 });
    expect(missing.message).toContain('Board not found');
    expect(fake.pins).toHaveLength(0);
  });

  it('a 5xx on the pin POST keeps the intent: the retry looks on the board before posting', async () => {
    const progress = new MemoryProgress();
    fake.failNext('/pins', 500);
    await rejection(adapter.publish(ctx({ progress })));
    await adapter.publish(ctx({ progress }));
    expect(fake.exchanges.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /pins', `GET /boards/${BOARD}/pins`, 'POST /pins']);
    expect(fake.pins).toHaveLength(1);
  });
});

describe('exactly once', () => {
  it('a pin made whose answer was lost: found on the board at once, never posted twice', async () => {
    const progress = new MemoryProgress();
    fake.dropNextPinAnswer();
    const result = await adapter.publish(ctx({ progress }));
    expect(fake.pins).toHaveLength(1);
    expect(result.platformPostId).toBe(fake.pins[0]!.id);
    expect(fake.exchanges.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /pins', `GET /boards/${BOARD}/pins`]);
  });

  it('after a crash: reconcile lists the board; a pin made is found, one never made is null (safe to send)', async () => {
    const progress = new MemoryProgress();
    await adapter.publish(ctx({ progress }));
    // As if the answer had never been recorded.
    const state = progress.get()!;
    const pin = (state['pinterest'] as { pin: { id: string } }).pin;
    (state['pinterest'] as Record<string, unknown>)['pin'] = null;
    (state['pinterest'] as Record<string, unknown>)['inflight'] = { at: Date.now() - 1000, boardId: BOARD, title: 'Cherry clafoutis', description: 'Cherry clafoutis, the easy way', link: 'https://pinner.example/clafoutis', mediaType: 'image' };
    progress.state = state;
    expect(await adapter.reconcile!(ctx({ progress }))).toEqual({ platformPostId: pin.id, platformUrl: `https://www.pinterest.com/pin/${pin.id}/` });

    const other = new MemoryProgress();
    other.state = { pinterest: { inflight: { at: Date.now(), boardId: BOARD, title: 'Never made', description: null, link: null, mediaType: 'image' } } };
    expect(await adapter.reconcile!(ctx({ progress: other }))).toBeNull();
    expect(fake.pins).toHaveLength(1);
  });

  it('a board that cannot be read leaves reconcile unsure (it throws)', async () => {
    const progress = new MemoryProgress();
    progress.state = { pinterest: { inflight: { at: Date.now(), boardId: BOARD, title: null, description: 'x', link: null, mediaType: 'image' } } };
    fake.failNext(`/boards/${BOARD}/pins`, 503);
    await expect(adapter.reconcile!(ctx({ progress }))).rejects.toBeInstanceOf(PublishError);
  });
});

describe('the boards lookup', () => {
  it('lists every board across pages', async () => {
    await fake.close();
    const boards = Array.from({ length: 130 }, (_, i) => ({ id: String(900000 + i), name: `Board ${i}` }));
    fake = await startPinterestFake({ dir: files.dir, boards });
    token = fake.grant().accessToken;
    const answer = (await boardsLookup({ account, credentials: { accessToken: token }, endpoints: { apiBase: fake.url }, signal: new AbortController().signal, now: () => Date.now() }, {})) as Array<{ id: string; name: string }>;
    expect(answer).toHaveLength(130);
    expect(answer[129]).toEqual({ id: '900129', name: 'Board 129', privacy: 'PUBLIC', description: null });
    expect(fake.exchanges.filter((e) => e.path === '/boards')).toHaveLength(2);
  });
});

// The fake's own record of what arrived must match what was sent.
it('the fake hashes what arrived', async () => {
  await adapter.publish(ctx({ media: [images[1]!], settings: { boardId: BOARD } }));
  const body = fake.exchanges.find((e) => e.path === '/pins')!.body as { media_source: { data: string } };
  expect(fake.pins[0]!.sha256[0]).toBe(sha256(Buffer.from(body.media_source.data, 'base64')));
});
