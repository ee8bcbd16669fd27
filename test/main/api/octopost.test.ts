import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flushPromises } from '../../../src/main/core/ports/doubles';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';
import { TestCredentials } from '../../support/publishing-fixture';
import { ScriptedAdapter } from '../../support/scripted-adapter';

// Every example of Octopost's Posts API documentation, adapted to the local host and a future
// date, run against the API as an Octopost client written from those docs would: status codes,
// and every documented field's type and null-ness as the docs give them.
// Docs: https://octopost.ink/docs/api/overview, https://octopost.ink/docs/api/posts,
// https://octopost.ink/docs/api/errors

/** Octopost's platform identifiers (its docs' list of valid values that Outbox also serves). */
const OCTOPOST_PLATFORMS = ['twitter', 'bluesky', 'mastodon', 'linkedin', 'threads', 'instagram', 'facebook', 'tiktok', 'youtube', 'telegram'] as const;
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /Z$|[+-]\d\d:\d\d$/.test(s), 'an ISO 8601 date-time');

/** The Post Object exactly as documented (extra fields are allowed: Octopost adds fields without a version bump). */
const octopostPost = z.object({
  id: z.string(),
  content: z.string(),
  platforms: z.array(z.enum(OCTOPOST_PLATFORMS)),
  status: z.enum(['draft', 'scheduled', 'publishing', 'published', 'failed']),
  scheduled_for: isoDate.nullable(),
  media: z
    .object({
      images: z.array(z.object({ url: z.string(), alt_text: z.string() })),
      video: z.object({ url: z.string() }).nullable(),
    })
    .nullable(),
  segments: z.array(z.unknown()).nullable(),
  platform_results: z
    .record(
      z.string(),
      z.union([
        z.object({ success: z.literal(true), post_id: z.string(), post_url: z.string(), error: z.undefined().optional() }),
        z.object({ success: z.literal(false), error: z.string() }),
      ]),
    )
    .nullable(),
  created_at: isoDate,
  updated_at: isoDate,
  published_at: isoDate.nullable(),
});

/** The documented error body. */
const octopostError = z.object({ error: z.string(), code: z.string(), details: z.object({}).passthrough().optional() });

function expectPost(body: unknown) {
  const parsed = octopostPost.safeParse(body);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  return parsed.success ? parsed.data : (undefined as never);
}
function expectError(body: unknown, code: string) {
  const parsed = octopostError.safeParse(body);
  expect(parsed.success, JSON.stringify(body)).toBe(true);
  expect((body as { code: string }).code).toBe(code);
}

let f: ApiFixture;
const adapters = { x: new ScriptedAdapter('x'), bluesky: new ScriptedAdapter('bluesky'), linkedin: new ScriptedAdapter('linkedin') };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  f = await makeApiFixture({ core: { adapters, credentials: new TestCredentials(), drainTimeoutMs: 100 } });
  f.insertAccount('x', { handle: 'user' });
  f.insertAccount('bluesky', { handle: 'user.bsky.social' });
  f.insertAccount('linkedin', { handle: 'user-li' });
});
afterAll(async () => f.dispose());

/** A future date like the docs' examples, a year after the test clock. */
const future = () => new Date(f.t.clock.now() + 365 * 86_400_000).toISOString().replace('.000Z', 'Z');

async function settle() {
  await f.t.clock.advance(0);
  await flushPromises(20);
}

describe("Octopost's overview: quick example", () => {
  it('creates a draft for twitter and bluesky, then publishes it', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'Hello from the Octopost API!', platforms: ['twitter', 'bluesky'] });
    expect(created.status).toBe(201);
    const post = expectPost(created.body);
    expect(post).toMatchObject({ content: 'Hello from the Octopost API!', platforms: ['twitter', 'bluesky'], status: 'draft' });
    const published = await f.call('POST', `/v1/posts/${post.id}/publish`);
    expect(published.status).toBe(200);
    expect(expectPost(published.body).status).toBe('publishing');
    await settle();
    const done = expectPost((await f.call('GET', `/v1/posts/${post.id}`)).body);
    expect(done).toMatchObject({ status: 'published', published_at: expect.any(String) });
    expect(Object.keys(done.platform_results ?? {}).sort()).toEqual(['bluesky', 'twitter']);
  });
});

describe("Octopost's posts page", () => {
  it('the post object: published on twitter and bluesky, failed on linkedin, is `published` with per-platform results', async () => {
    adapters.linkedin.script({ fail: 'permanent', message: 'Token expired. Reconnect your LinkedIn account.' });
    writeFileSync(join(f.home, 'img_001.png'), PNG);
    const created = await f.call('POST', '/v1/posts', {
      content: 'Check out our new feature launch!',
      platforms: ['twitter', 'bluesky', 'linkedin'],
      media: { images: [{ url: pathToFileURL(join(f.home, 'img_001.png')).href, alt_text: 'Screenshot of the new dashboard' }] },
    });
    expect(created.status, created.text).toBe(201);
    expectPost(created.body);
    expect(created.body.media).toEqual({ images: [{ url: expect.any(String), alt_text: 'Screenshot of the new dashboard', media_id: expect.any(String) }], video: null });
    await f.call('POST', `/v1/posts/${created.body.id}/publish`);
    await settle();
    const post = expectPost((await f.call('GET', `/v1/posts/${created.body.id}`)).body);
    expect(post.status).toBe('published');
    expect(post.scheduled_for).toBeNull();
    expect(post.published_at).toEqual(expect.any(String));
    expect(post.platform_results).toMatchObject({
      twitter: { success: true, post_id: expect.any(String), post_url: expect.any(String) },
      bluesky: { success: true },
      linkedin: { success: false, error: 'Token expired. Reconnect your LinkedIn account.' },
    });
    // ?status=published finds it: published means "on at least one platform".
    const listed = await f.call('GET', '/v1/posts?status=published&limit=100');
    expect(listed.body.posts.map((p: { id: string }) => p.id)).toContain(post.id);
  });

  it('status values: a post that failed everywhere is `failed`, with published_at null', async () => {
    adapters.bluesky.script({ fail: 'permanent', message: 'Record is invalid' });
    const created = await f.call('POST', '/v1/posts', { content: 'Will not make it', platforms: ['bluesky'] });
    await f.call('POST', `/v1/posts/${created.body.id}/publish`);
    await settle();
    const post = expectPost((await f.call('GET', `/v1/posts/${created.body.id}`)).body);
    expect(post).toMatchObject({ status: 'failed', published_at: null, platform_results: { bluesky: { success: false, error: 'Record is invalid' } } });
  });

  it('create a post with scheduled_for (a future date): `scheduled`, the rest null as documented', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'Scheduled from the docs', platforms: ['twitter'], scheduled_for: future() });
    expect(created.status).toBe(201);
    const post = expectPost(created.body);
    expect(post).toMatchObject({ status: 'scheduled', media: null, segments: null, platform_results: null, published_at: null });
    expect(Date.parse(post.scheduled_for!)).toBe(Date.parse(future()));
  });

  it('create a post with a video: media.video has its url, images is empty', async () => {
    const mp4 = Buffer.concat([Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex'), Buffer.alloc(2048, 7)]);
    writeFileSync(join(f.home, 'launch.mp4'), mp4);
    const created = await f.call('POST', '/v1/posts', { content: 'Watch this', platforms: ['bluesky'], media: { video: { url: pathToFileURL(join(f.home, 'launch.mp4')).href } } });
    expect(created.status, created.text).toBe(201);
    expect(expectPost(created.body).media).toMatchObject({ images: [], video: { url: expect.any(String) } });
  });

  it('a draft without scheduled_for is `draft`; scheduled_for in the past is 422', async () => {
    expect(expectPost((await f.call('POST', '/v1/posts', { content: 'Later', platforms: ['twitter'] })).body).status).toBe('draft');
    const past = await f.call('POST', '/v1/posts', { content: 'Too late', platforms: ['twitter'], scheduled_for: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(422);
    expectError(past.body, 'validation');
  });

  it('list posts, get, update and delete answer the documented shapes', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'Edit me', platforms: ['bluesky'] });
    const list = await f.call('GET', '/v1/posts?limit=5&offset=0');
    expect(list.status).toBe(200);
    for (const post of list.body.posts) expectPost(post);
    expect(list.body.total).toEqual(expect.any(Number));
    expectPost((await f.call('GET', `/v1/posts/${created.body.id}`)).body);
    const updated = await f.call('PUT', `/v1/posts/${created.body.id}`, { content: 'Edited', scheduled_for: future() });
    expect(updated.status).toBe(200);
    expect(expectPost(updated.body)).toMatchObject({ content: 'Edited', status: 'scheduled' });
    expect((await f.call('DELETE', `/v1/posts/${created.body.id}`)).status).toBe(204);
  });
});

describe("Octopost's errors page", () => {
  it('400 bad_request: the body is not valid JSON, or not application/json', async () => {
    const bad = await f.call('POST', '/v1/posts', '{"content": ');
    expect(bad.status).toBe(400);
    expectError(bad.body, 'bad_request');
    const form = await f.call('POST', '/v1/posts', 'content=x', { 'content-type': 'text/plain' });
    expect(form.status).toBe(400);
    expectError(form.body, 'bad_request');
  });

  it('401 unauthorized: missing, malformed or revoked key', async () => {
    for (const authorization of ['', 'oct_your_api_key_here', 'Bearer oct_your_api_key_here']) {
      const answer = await f.call('GET', '/v1/posts', undefined, { authorization });
      expect(answer.status).toBe(401);
      expectError(answer.body, 'unauthorized');
    }
  });

  it('404 not_found: an invalid or deleted post id', async () => {
    const answer = await f.call('GET', '/v1/posts/post_abc123');
    expect(answer.status).toBe(404);
    expectError(answer.body, 'not_found');
  });

  it('409 conflict: updating a published post, publishing one that is publishing', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'Once only', platforms: ['twitter'] });
    await f.call('POST', `/v1/posts/${created.body.id}/publish`);
    const again = await f.call('POST', `/v1/posts/${created.body.id}/publish`);
    expect(again.status).toBe(409);
    expectError(again.body, 'conflict');
    await settle();
    const update = await f.call('PUT', `/v1/posts/${created.body.id}`, { content: 'Changed' });
    expect(update.status).toBe(409);
    expectError(update.body, 'conflict');
  });

  it('422 with details naming the field', async () => {
    const answer = await f.call('POST', '/v1/posts', { platforms: ['twitter'] });
    expect(answer.status).toBe(422);
    expectError(answer.body, 'validation');
    expect(answer.body.details.issues[0].path).toBe('content');
  });
});

describe('the OpenAPI document', () => {
  it('every answer above validates against the served document', async () => {
    expect(await f.openApiProblems()).toEqual([]);
  });
});
