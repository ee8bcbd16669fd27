// `media.video.thumbnail_url` (Octopost's field): an image URL becomes the video's cover (stored in
// the part's media `cover`), the post object answers it as `thumbnail_url`; anything but an image,
// or a URL that cannot be fetched, is 422 on that field and changes nothing, media included.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';
import { tempDir } from '../../support/core';
import { makeVideo } from '../../support/videos';

let f: ApiFixture;
let server: Server;
let base: string;
const files = tempDir('outbox-thumbnail-');
const served: Record<string, { type: string; body: Buffer }> = {};

beforeAll(async () => {
  f = await makeApiFixture();
  await f.t.core.invoke('settings:update', { apiAllowLocalMediaUrls: true });
  const video = await makeVideo(join(files.dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 90, audio: false });
  served['/clip.mp4'] = { type: 'video/mp4', body: readFileSync(video) };
  served['/cover.jpg'] = { type: 'image/jpeg', body: await sharp({ create: { width: 160, height: 90, channels: 3, background: '#0088ff' } }).jpeg().toBuffer() };
  served['/other-cover.png'] = { type: 'image/png', body: await sharp({ create: { width: 32, height: 18, channels: 3, background: '#ff0088' } }).png().toBuffer() };
  server = createServer((req, res) => {
    const file = served[req.url ?? ''];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await f.dispose();
  files.remove();
});

const mediaFiles = () => readdirSync(join(f.t.dataDir, 'media')).filter((n) => !n.startsWith('.') && n !== 'thumbs').sort();

describe('video thumbnail_url', () => {
  it('an image becomes the cover: stored on the part, answered as thumbnail_url', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'New video', media: { video: { url: `${base}/clip.mp4`, thumbnail_url: `${base}/cover.jpg` } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const video = created.body.media.video;
    expect(video.thumbnail_url).toMatch(/\/v1\/media\/[0-9a-f-]{36}$/);
    const coverId = video.thumbnail_url.split('/').at(-1);
    const post = await f.t.core.invoke('posts:get', { id: created.body.id });
    if (!post.ok) throw new Error(post.error.message);
    expect(post.value.parts[0]!.media).toEqual([{ mediaId: video.media_id, altText: '', cover: { atMs: null, mediaId: coverId } }]);
    const cover = await f.call('GET', `/v1/media/${coverId}`);
    expect(cover.body).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 160, height: 90 });
    // GET answers it the same way.
    expect((await f.call('GET', `/v1/posts/${created.body.id}`)).body.media.video.thumbnail_url).toBe(video.thumbnail_url);

    // PUT with a new thumbnail replaces the cover; PUT with the video alone drops it.
    const changed = await f.call('PUT', `/v1/posts/${created.body.id}`, { media: { video: { url: `${base}/clip.mp4`, thumbnail_url: `${base}/other-cover.png` } } });
    expect(changed.status).toBe(200);
    expect(changed.body.media.video.thumbnail_url).not.toBe(video.thumbnail_url);
    const dropped = await f.call('PUT', `/v1/posts/${created.body.id}`, { media: { video: { url: `${base}/clip.mp4` } } });
    expect(dropped.body.media.video.thumbnail_url).toBeNull();
    // PUT without media keeps whatever cover the post has.
    await f.call('PUT', `/v1/posts/${created.body.id}`, { media: { video: { url: `${base}/clip.mp4`, thumbnail_url: `${base}/cover.jpg` } } });
    const kept = await f.call('PUT', `/v1/posts/${created.body.id}`, { content: 'New video, new words' });
    expect(kept.body.media.video.thumbnail_url).toBe(video.thumbnail_url);
  });

  it('a frame cover chosen in the app shows as thumbnail_url too', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'framed', media: { video: { url: `${base}/clip.mp4` } } });
    const post = await f.t.core.invoke('posts:get', { id: created.body.id });
    if (!post.ok) throw new Error(post.error.message);
    const frame = await f.call('POST', '/v1/posts', { content: 'holder', media: { images: [{ url: `${base}/other-cover.png` }] } });
    const frameId = frame.body.media.images[0].media_id;
    const videoId = created.body.media.video.media_id;
    const updated = await f.t.core.invoke('posts:update', { id: created.body.id, parts: [{ text: 'framed', media: [{ mediaId: videoId, altText: '', cover: { atMs: 400, mediaId: frameId } }] }] });
    expect(updated.ok).toBe(true);
    expect((await f.call('GET', `/v1/posts/${created.body.id}`)).body.media.video.thumbnail_url).toMatch(new RegExp(`/v1/media/${frameId}$`));
  });

  it('a video as thumbnail, or one that cannot be fetched, is 422 on the field and stores nothing', async () => {
    for (const [thumbnail, message] of [
      [`${base}/clip.mp4`, /must be an image/],
      [`${base}/missing.jpg`, /./],
    ] as const) {
      // A fresh video, so that nothing of this request is in the library yet.
      served['/fresh.mp4'] = { type: 'video/mp4', body: readFileSync(await makeVideo(join(files.dir, `fresh-${Date.now()}.mp4`), { container: 'mp4', seconds: 1, width: 96, height: 64, audio: false })) };
      const before = f.snapshot();
      const stored = mediaFiles();
      const answer = await f.call('POST', '/v1/posts', { content: 'x', media: { video: { url: `${base}/fresh.mp4`, thumbnail_url: thumbnail } } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(422);
      expect(answer.body.details.issues[0]).toMatchObject({ path: 'media.video.thumbnail_url', message: expect.stringMatching(message) });
      expect(f.snapshot()).toBe(before);
      expect(mediaFiles()).toEqual(stored);
    }
  }, 30_000);

  it('every answer matches the served OpenAPI document', async () => {
    expect(await f.openApiProblems()).toEqual([]);
  });
});
