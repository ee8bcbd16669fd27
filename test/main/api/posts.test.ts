import { createServer, type Server } from 'node:http';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPromises } from '../../../src/main/core/ports/doubles';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';
import { TestCredentials } from '../../support/publishing-fixture';
import { gate, ScriptedAdapter } from '../../support/scripted-adapter';

// A real 1x1 PNG, so the media library accepts it.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let f: ApiFixture;
let bsky: ScriptedAdapter;
let masto: ScriptedAdapter;
let media: Server;
let mediaBase: string;
const acct = {} as { bsky1: string; bsky2: string; bskyOff: string; masto: string; x: string };

beforeAll(async () => {
  bsky = new ScriptedAdapter('bluesky', true);
  masto = new ScriptedAdapter('mastodon', false);
  f = await makeApiFixture({ core: { adapters: { bluesky: bsky, mastodon: masto }, credentials: new TestCredentials(), drainTimeoutMs: 100 } });
  acct.bsky1 = f.insertAccount('bluesky', { handle: 'one.bsky.social' });
  acct.bsky2 = f.insertAccount('bluesky', { handle: 'two.bsky.social' });
  acct.bskyOff = f.insertAccount('bluesky', { handle: 'off.bsky.social', active: false });
  acct.masto = f.insertAccount('mastodon', { handle: 'me@mastodon.example' });
  acct.x = f.insertAccount('x', { handle: 'me_on_x' });
  // The media server below listens on 127.0.0.1, which the API fetches only with this setting on.
  await f.t.core.invoke('settings:update', { apiAllowLocalMediaUrls: true });
  media = createServer((req, res) => {
    if (req.url === '/dot.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', () => r()));
  const address = media.address();
  mediaBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((r) => media.close(() => r()));
  await f.dispose();
});

const inHours = (h: number) => new Date(f.t.clock.now() + h * 3_600_000).toISOString();

/** Lets the engine run what it queued (claims, adapter calls) without real time passing. */
async function settle() {
  await f.t.clock.advance(0);
  await flushPromises(20);
}

/** Expects a refusal that changed nothing. */
async function refusedUnchanged(status: number, send: () => Promise<{ status: number; body: any }>) {
  const before = f.snapshot();
  const answer = await send();
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(f.snapshot()).toBe(before);
  return answer.body;
}

describe('POST /v1/posts', () => {
  it('creates a draft from content alone, going to every active account (201)', async () => {
    const { status, body } = await f.call('POST', '/v1/posts', { content: 'Hello from a build script' });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: expect.any(String),
      content: 'Hello from a build script',
      status: 'draft',
      scheduled_for: null,
      media: null,
      segments: null,
      platform_results: null,
      published_at: null,
    });
    expect(body.accounts.sort()).toEqual([acct.bsky1, acct.bsky2, acct.masto, acct.x].sort());
    expect(body.platforms.sort()).toEqual(['bluesky', 'mastodon', 'twitter']);
  });

  it('platforms mean every active account of each platform; twitter and x both mean X, answered as twitter', async () => {
    const { status, body } = await f.call('POST', '/v1/posts', { content: 'to bluesky and x', platforms: ['bluesky', 'twitter'] });
    expect(status).toBe(201);
    expect(body.platforms.sort()).toEqual(['bluesky', 'twitter']);
    expect((await f.call('POST', '/v1/posts', { content: 'x too', platforms: ['x'] })).body.platforms).toEqual(['twitter']);
    expect(body.accounts.sort()).toEqual([acct.bsky1, acct.bsky2, acct.x].sort());
  });

  it('accounts name the accounts directly', async () => {
    const { body } = await f.call('POST', '/v1/posts', { content: 'just one', accounts: [acct.masto] });
    expect(body.accounts).toEqual([acct.masto]);
    expect(body.platforms).toEqual(['mastodon']);
  });

  it('scheduled_for (with any offset) creates a scheduled post at that instant', async () => {
    const at = new Date(f.t.clock.now() + 86_400_000);
    const local = at.toISOString().replace('Z', '+00:00');
    const { status, body } = await f.call('POST', '/v1/posts', { content: 'tomorrow', platforms: ['mastodon'], scheduled_for: local });
    expect(status).toBe(201);
    expect(body.status).toBe('scheduled');
    expect(body.scheduled_for).toBe(at.toISOString());
  });

  it('a past scheduled_for is 422 on scheduled_for and creates nothing', async () => {
    const body = await refusedUnchanged(422, () => f.call('POST', '/v1/posts', { content: 'too late', platforms: ['mastodon'], scheduled_for: inHours(-1) }));
    expect(body.code).toBe('validation');
    expect(body.details.issues[0].path).toBe('scheduled_for');
  });

  it('a platform with no active account is 422 on platforms.N', async () => {
    const body = await refusedUnchanged(422, () => f.call('POST', '/v1/posts', { content: 'x', platforms: ['mastodon', 'telegram'] }));
    expect(body.details.issues).toEqual([{ path: 'platforms.1', message: expect.stringMatching(/no active telegram account/) }]);
  });

  it('an unknown account id is 422 on accounts', async () => {
    const body = await refusedUnchanged(422, () => f.call('POST', '/v1/posts', { content: 'x', accounts: ['nope'] }));
    expect(body.details.issues[0].path).toMatch(/^accounts/);
  });

  it('content over a platform limit is 422 on content when scheduling', async () => {
    const body = await refusedUnchanged(422, () => f.call('POST', '/v1/posts', { content: 'a'.repeat(301), platforms: ['bluesky'], scheduled_for: inHours(2) }));
    expect(body.details.issues[0]).toMatchObject({ path: 'content', platform: 'bluesky' });
  });

  it('a draft over a limit is saved, with the problem as a warning', async () => {
    const { status, body } = await f.call('POST', '/v1/posts', { content: 'a'.repeat(301), platforms: ['bluesky'] });
    expect(status).toBe(201);
    expect(body.warnings[0]).toMatchObject({ path: 'content', platform: 'bluesky' });
  });

  it('malformed JSON is 400; a missing or wrong Content-Type is 400', async () => {
    expect((await refusedUnchanged(400, () => f.call('POST', '/v1/posts', '{"content": "x"'))).code).toBe('bad_request');
    await refusedUnchanged(400, () => f.call('POST', '/v1/posts', 'content=x', { 'content-type': 'application/x-www-form-urlencoded' }));
  });

  it('a missing content, an unknown field, a bad platform, or images with a video is 422 naming the field', async () => {
    const paths = async (payload: unknown) => (await refusedUnchanged(422, () => f.call('POST', '/v1/posts', payload))).details.issues.map((i: { path: string }) => i.path);
    expect(await paths({ platforms: ['bluesky'] })).toEqual(['content']);
    expect(await paths({ content: 'x', thread: [] })).toEqual(['(payload)']);
    expect(await paths({ content: 'x', platforms: ['myspace'] })).toEqual(['platforms.0']);
    expect(await paths({ content: 'x', scheduled_for: 'next tuesday' })).toEqual(['scheduled_for']);
    expect(await paths({ content: 'x', media: { images: [{ url: `${mediaBase}/dot.png` }], video: { url: `${mediaBase}/dot.png` } } })).toEqual(['media.video']);
    expect(await paths({ content: 'x', media: { images: Array.from({ length: 5 }, () => ({ url: `${mediaBase}/dot.png` })) } })).toEqual(['media.images']);
    expect(await paths({ content: 'x', media: { images: [{ url: 'ftp://example.com/a.png' }] } })).toEqual(['media.images.0.url']);
  });

  it('media by http URL are fetched into the library with their alt text', async () => {
    const { status, body } = await f.call('POST', '/v1/posts', { content: 'with a picture', platforms: ['bluesky'], media: { images: [{ url: `${mediaBase}/dot.png`, alt_text: 'a single dot' }] } });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.media.images).toEqual([{ media_id: expect.any(String), url: `http://127.0.0.1:${f.server.port}/v1/media/${body.media.images[0].media_id}`, alt_text: 'a single dot' }]);
    const item = await f.call('GET', `/v1/media/${body.media.images[0].media_id}`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ kind: 'image', mime: 'image/png', bytes: PNG.length, width: 1, height: 1 });
  });

  it('media by file:// URL inside home are imported', async () => {
    writeFileSync(join(f.home, 'dot.png'), PNG);
    const { status, body } = await f.call('POST', '/v1/posts', { content: 'from disk', accounts: [acct.masto], media: { images: [{ url: pathToFileURL(join(f.home, 'dot.png')).href }] } });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.media.images).toHaveLength(1);
  });

  it('a media URL that cannot be fetched is 422 on its field and stores nothing', async () => {
    const files = readdirSync(join(f.t.dataDir, 'media'));
    const body = await refusedUnchanged(422, () =>
      f.call('POST', '/v1/posts', { content: 'x', media: { images: [{ url: `${mediaBase}/dot.png` }, { url: `${mediaBase}/missing.png` }] } }),
    );
    expect(body.details.issues[0].path).toBe('media.images.1.url');
    expect(readdirSync(join(f.t.dataDir, 'media'))).toEqual(files);
  });

  it('a video thumbnail_url that cannot be fetched is 422 on its field (covers: thumbnail.test.ts)', async () => {
    const body = await refusedUnchanged(422, () => f.call('POST', '/v1/posts', { content: 'x', media: { images: null, video: { url: `${mediaBase}/dot.png`, thumbnail_url: `${mediaBase}/missing.png` } } }));
    expect(body.details.issues[0].path).toBe('media.video.thumbnail_url');
  });
});

describe('GET /v1/posts and /v1/posts/{id}', () => {
  it('lists posts with the total; status filters; limit and offset page', async () => {
    const all = await f.call('GET', '/v1/posts?limit=100');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(all.body.posts.length);
    expect(all.body.total).toBeGreaterThan(3);
    const firstPage = await f.call('GET', '/v1/posts?limit=2&offset=0');
    const secondPage = await f.call('GET', '/v1/posts?limit=2&offset=2');
    expect(firstPage.body.posts).toHaveLength(2);
    expect(firstPage.body.total).toBe(all.body.total);
    expect(secondPage.body.posts[0].id).toBe(all.body.posts[2].id);
    const scheduled = await f.call('GET', '/v1/posts?status=scheduled');
    expect(scheduled.body.posts.length).toBeGreaterThan(0);
    expect(scheduled.body.posts.every((p: { status: string }) => p.status === 'scheduled')).toBe(true);
  });

  it('limit defaults to 10 and may not pass 100', async () => {
    for (let i = 0; i < 8; i++) await f.call('POST', '/v1/posts', { content: `filler ${i}`, accounts: [acct.masto] });
    expect((await f.call('GET', '/v1/posts')).body.posts).toHaveLength(10);
    expect((await f.call('GET', '/v1/posts?limit=101')).status).toBe(422);
    expect((await f.call('GET', '/v1/posts?limit=abc')).status).toBe(422);
    expect((await f.call('GET', '/v1/posts?status=lost')).status).toBe(422);
  });

  it('gets one post; a missing one is 404', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'find me', accounts: [acct.masto] });
    const { status, body } = await f.call('GET', `/v1/posts/${created.body.id}`);
    expect(status).toBe(200);
    const { warnings: _warnings, ...withoutWarnings } = created.body;
    expect(body).toEqual(withoutWarnings);
    const missing = await f.call('GET', '/v1/posts/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });
});

describe('PUT /v1/posts/{id}', () => {
  it('changes content, accounts, schedule and media; null unschedules and removes media', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'first words', accounts: [acct.masto], media: { images: [{ url: `${mediaBase}/dot.png` }] } });
    const id = created.body.id;
    let answer = await f.call('PUT', `/v1/posts/${id}`, { content: 'better words', platforms: ['bluesky'], scheduled_for: inHours(3) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ content: 'better words', platforms: ['bluesky'], status: 'scheduled', scheduled_for: inHours(3) });
    expect(answer.body.accounts.sort()).toEqual([acct.bsky1, acct.bsky2].sort());
    expect(answer.body.media.images).toHaveLength(1);
    answer = await f.call('PUT', `/v1/posts/${id}`, { scheduled_for: null, media: null });
    expect(answer.body).toMatchObject({ status: 'draft', scheduled_for: null, media: null, content: 'better words' });
  });

  it('a thread written in Outbox shows its later parts as segments; a new content changes only the first part', async () => {
    const made = await f.t.core.invoke('posts:create', {
      parts: [
        { text: 'part one', media: [] },
        { text: 'part two', media: [] },
      ],
      targets: [{ accountId: acct.bsky1 }],
      schedule: { mode: 'draft' },
    });
    if (!made.ok) throw new Error(made.error.message);
    const id = made.value.post.id;
    expect((await f.call('GET', `/v1/posts/${id}`)).body).toMatchObject({ content: 'part one', segments: [{ content: 'part two', media: null }] });
    expect((await f.call('PUT', `/v1/posts/${id}`, { content: 'part one, better' })).body).toMatchObject({ content: 'part one, better', segments: [{ content: 'part two', media: null }] });
    const stored = await f.t.core.invoke('posts:get', { id });
    expect(stored.ok && stored.value.parts.map((p) => p.text)).toEqual(['part one, better', 'part two']);
  });

  it('invalid content for a scheduled post is 422 and changes nothing', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'short', platforms: ['bluesky'], scheduled_for: inHours(5) });
    const body = await refusedUnchanged(422, () => f.call('PUT', `/v1/posts/${created.body.id}`, { content: 'b'.repeat(400) }));
    expect(body.details.issues[0]).toMatchObject({ path: 'content', platform: 'bluesky' });
  });

  it('a missing post is 404; a malformed body is 400', async () => {
    expect((await f.call('PUT', '/v1/posts/nope', { content: 'x' })).status).toBe(404);
    const created = await f.call('POST', '/v1/posts', { content: 'x', accounts: [acct.masto] });
    expect((await f.call('PUT', `/v1/posts/${created.body.id}`, '{')).status).toBe(400);
  });
});

describe('publishing, deleting and conflicts', () => {
  it('publish answers the post as publishing; it then publishes; a second publish, an edit are 409', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'ship it', platforms: ['bluesky'] });
    const id = created.body.id;
    const publishing = await f.call('POST', `/v1/posts/${id}/publish`);
    expect(publishing.status, JSON.stringify(publishing.body)).toBe(200);
    expect(publishing.body.status).toBe('publishing');
    await settle();
    const done = await f.call('GET', `/v1/posts/${id}`);
    expect(done.body.status).toBe('published');
    expect(done.body.published_at).toEqual(expect.any(String));
    expect(done.body.platform_results.bluesky).toMatchObject({ success: true, post_id: expect.any(String), post_url: expect.any(String) });
    expect(done.body.platform_results.bluesky.error).toBeUndefined();
    expect(done.body.platform_results.bluesky.accounts).toHaveLength(2);

    expect((await refusedUnchanged(409, () => f.call('POST', `/v1/posts/${id}/publish`))).code).toBe('conflict');
    await refusedUnchanged(409, () => f.call('PUT', `/v1/posts/${id}`, { content: 'changed my mind' }));
  });

  it('while publishing: publish, edit and delete are 409', async () => {
    const held = gate();
    masto.script({ gate: held });
    const created = await f.call('POST', '/v1/posts', { content: 'slow one', accounts: [acct.masto] });
    const id = created.body.id;
    expect((await f.call('POST', `/v1/posts/${id}/publish`)).body.status).toBe('publishing');
    await settle();
    await refusedUnchanged(409, () => f.call('POST', `/v1/posts/${id}/publish`));
    await refusedUnchanged(409, () => f.call('PUT', `/v1/posts/${id}`, { content: 'edit' }));
    await refusedUnchanged(409, () => f.call('DELETE', `/v1/posts/${id}`));
    held.open();
    await settle();
    expect((await f.call('GET', `/v1/posts/${id}`)).body.status).toBe('published');
  });

  it('one account failing makes the post partially_published with the error in platform_results', async () => {
    masto.script({ fail: 'permanent', message: 'Validation failed: Text character limit of 500 exceeded' });
    const created = await f.call('POST', '/v1/posts', { content: 'half and half', platforms: ['bluesky', 'mastodon'] });
    await f.call('POST', `/v1/posts/${created.body.id}/publish`);
    await settle();
    const { body } = await f.call('GET', `/v1/posts/${created.body.id}`);
    expect(body.status).toBe('published');
    expect(body.partially_published).toBe(true);
    expect(body.platform_results.bluesky.success).toBe(true);
    expect(body.platform_results.mastodon).toMatchObject({ success: false, error: expect.stringMatching(/character limit/) });
    expect(body.platform_results.mastodon.post_id).toBeUndefined();
  });

  it('publishing content over a platform limit is 422 and sends nothing', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'c'.repeat(400), platforms: ['bluesky'] });
    const calls = bsky.calls.length;
    const body = await refusedUnchanged(422, () => f.call('POST', `/v1/posts/${created.body.id}/publish`));
    expect(body.details.issues[0]).toMatchObject({ path: 'content', platform: 'bluesky' });
    await settle();
    expect(bsky.calls.length).toBe(calls);
  });

  it('publishing a post with no account to send to is 422; a missing post is 404', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'nowhere', accounts: [] });
    expect(created.status).toBe(201);
    expect(created.body.accounts).toEqual([]);
    await refusedUnchanged(422, () => f.call('POST', `/v1/posts/${created.body.id}/publish`));
    await refusedUnchanged(404, () => f.call('POST', '/v1/posts/nope/publish'));
  });

  it('delete answers 204 and the post is gone; a missing one is 404', async () => {
    const created = await f.call('POST', '/v1/posts', { content: 'bye', accounts: [acct.masto] });
    const answer = await f.call('DELETE', `/v1/posts/${created.body.id}`);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect((await f.call('GET', `/v1/posts/${created.body.id}`)).status).toBe(404);
    expect((await f.call('DELETE', `/v1/posts/${created.body.id}`)).status).toBe(404);
  });
});

describe('other routes', () => {
  it('lists accounts with their ids for `accounts`', async () => {
    const { status, body } = await f.call('GET', '/v1/accounts');
    expect(status).toBe(200);
    expect(body.accounts).toContainEqual({ id: acct.bskyOff, platform: 'bluesky', handle: 'off.bsky.social', display_name: 'off.bsky.social', avatar_url: null, active: false, connection: 'connected', created_at: expect.any(String) });
    expect(body.accounts.find((a: { id: string }) => a.id === acct.x).platform).toBe('twitter');
  });

  it('a missing media item is 404', async () => {
    expect((await f.call('GET', '/v1/media/nope')).status).toBe(404);
  });

  it('an unknown route is 404 and a wrong method is 405 with Allow', async () => {
    expect((await f.call('GET', '/v2/posts')).status).toBe(404);
    expect((await f.call('GET', '/v1/posts/a/b/c')).status).toBe(404);
    const wrong = await f.call('PATCH', '/v1/posts/abc', { content: 'x' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, PUT, DELETE');
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const { status, body } = await f.call('GET', '/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(body.servers).toEqual([{ url: `http://127.0.0.1:${f.server.port}` }]);
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['Post', 'PostList', 'CreatePostRequest', 'UpdatePostRequest', 'Error']));
  });
});

describe('the OpenAPI document', () => {
  it('every answer above validates against the served document, its status included', async () => {
    const statuses = new Set(f.answers.map((a) => a.answer.status));
    expect([...statuses].sort()).toEqual([200, 201, 204, 400, 404, 405, 409, 422]);
    expect(await f.openApiProblems()).toEqual([]);
  });
});
