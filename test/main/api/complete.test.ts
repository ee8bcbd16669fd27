import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPromises } from '../../../src/main/core/ports/doubles';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';
import { TestCredentials } from '../../support/publishing-fixture';
import { ScriptedAdapter } from '../../support/scripted-adapter';

// What scripts could not do before (issue 20, completeness): labels, threads, per-platform and
// per-account settings and texts, repeat, the queue, create-and-publish, duplicate, validation,
// and accounts' `active`; each against a running server on a real engine, every answer checked
// against the served OpenAPI document at the end.

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let f: ApiFixture;
const bskyAdapter = new ScriptedAdapter('bluesky');
const mastoAdapter = new ScriptedAdapter('mastodon', false);
const acct = {} as { bsky: string; masto: string; x: string };

beforeAll(async () => {
  f = await makeApiFixture({ core: { adapters: { bluesky: bskyAdapter, mastodon: mastoAdapter }, credentials: new TestCredentials(), drainTimeoutMs: 100 } });
  acct.bsky = f.insertAccount('bluesky', { handle: 'me.bsky.social' });
  acct.masto = f.insertAccount('mastodon', { handle: 'me@mastodon.example' });
  acct.x = f.insertAccount('x', { handle: 'me_on_x' });
  writeFileSync(join(f.home, 'dot.png'), PNG);
});
afterAll(async () => f.dispose());

const inHours = (h: number) => new Date(f.t.clock.now() + h * 3_600_000).toISOString();
const dot = () => pathToFileURL(join(f.home, 'dot.png')).href;

async function settle() {
  await f.t.clock.advance(0);
  await flushPromises(20);
}

describe('labels', () => {
  it('creates and lists labels; posts take them by id or name and answer them whole', async () => {
    const created = await f.call('POST', '/v1/labels', { name: 'Launch', color: '#ff0066' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Launch', color: '#ff0066' });
    const plain = await f.call('POST', '/v1/labels', { name: 'Tips' });
    expect(plain.body.color).toBe('#6366f1');
    expect((await f.call('GET', '/v1/labels')).body.labels.map((l: { name: string }) => l.name).sort()).toEqual(['Launch', 'Tips']);
    expect((await f.call('POST', '/v1/labels', { name: 'launch' })).status).toBe(409);

    const post = await f.call('POST', '/v1/posts', { content: 'labelled', accounts: [acct.bsky], labels: ['launch', plain.body.id] });
    expect(post.status, post.text).toBe(201);
    expect(post.body.labels.map((l: { name: string }) => l.name).sort()).toEqual(['Launch', 'Tips']);
    const filtered = await f.call('GET', '/v1/posts?label=Launch');
    expect(filtered.body.posts.map((p: { id: string }) => p.id)).toEqual([post.body.id]);
    const changed = await f.call('PUT', `/v1/posts/${post.body.id}`, { labels: [] });
    expect(changed.body.labels).toEqual([]);
  });

  it('an unknown label is 422 on labels.N and creates nothing', async () => {
    const before = f.snapshot();
    const answer = await f.call('POST', '/v1/posts', { content: 'x', labels: ['Launch', 'Nope'] });
    expect(answer.status).toBe(422);
    expect(answer.body.details.issues[0].path).toBe('labels.1');
    expect(f.snapshot()).toBe(before);
  });
});

describe('threads', () => {
  it('content as parts, each with its own media', async () => {
    const answer = await f.call('POST', '/v1/posts', {
      content: [{ content: 'one' }, { content: 'two', media: { images: [{ url: dot(), alt_text: 'a dot' }] } }, { content: 'three' }],
      accounts: [acct.bsky],
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ content: 'one', media: null, segments: [{ content: 'two', media: { images: [{ alt_text: 'a dot' }] } }, { content: 'three', media: null }] });
  });

  it("Octopost's segments, and segments: null to turn a thread back into one post", async () => {
    const answer = await f.call('POST', '/v1/posts', { content: 'main', segments: [{ content: 'link in reply: https://example.com' }], accounts: [acct.bsky] });
    expect(answer.body.segments).toEqual([{ content: 'link in reply: https://example.com', media: null }]);
    const single = await f.call('PUT', `/v1/posts/${answer.body.id}`, { segments: null });
    expect(single.body).toMatchObject({ content: 'main', segments: null });
  });

  it('a part over the limit is 422 naming its segment; both forms at once is 422', async () => {
    const long = await f.call('POST', '/v1/posts', { content: 'ok', segments: [{ content: 'fine' }, { content: 'z'.repeat(400) }], accounts: [acct.bsky], scheduled_for: inHours(2) });
    expect(long.status).toBe(422);
    expect(long.body.details.issues[0]).toMatchObject({ path: 'segments.1.content', platform: 'bluesky' });
    const both = await f.call('POST', '/v1/posts', { content: [{ content: 'a' }], segments: [{ content: 'b' }] });
    expect(both.status).toBe(422);
    expect(both.body.details.issues[0].path).toBe('segments');
  });
});

describe('per-platform and per-account settings and texts', () => {
  it('platform_settings apply to every account of the platform; account_settings win', async () => {
    const answer = await f.call('POST', '/v1/posts', {
      content: 'same everywhere',
      accounts: [acct.bsky, acct.masto],
      platform_settings: { mastodon: { settings: { visibility: 'unlisted' }, content: 'for the fediverse' } },
      account_settings: { [acct.bsky]: { content: 'for bluesky', settings: { languages: ['en'] } } },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.account_settings[acct.masto]).toEqual({ platform: 'mastodon', content: 'for the fediverse', content_type: 'mastodon_post', enabled: true, settings: { visibility: 'unlisted' } });
    expect(answer.body.account_settings[acct.bsky]).toMatchObject({ content: 'for bluesky', settings: { languages: ['en'] } });
    // GET -> PUT round trip keeps them; turning one account off keeps it on the post.
    const off = await f.call('PUT', `/v1/posts/${answer.body.id}`, { account_settings: { [acct.masto]: { enabled: false } } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.account_settings[acct.masto]).toMatchObject({ enabled: false, content: 'for the fediverse' });
    expect(off.body.platforms).toEqual(['bluesky']);
  });

  it('a bad platform option is 422 naming the setting; settings for an account not on the post are 422', async () => {
    const bad = await f.call('POST', '/v1/posts', { content: 'x', accounts: [acct.masto], platform_settings: { mastodon: { settings: { visibility: 'everyone' } } }, scheduled_for: inHours(1) });
    expect(bad.status).toBe(422);
    expect(bad.body.details.issues[0].path).toMatch(/^platform_settings\.mastodon\.settings/);
    const stranger = await f.call('POST', '/v1/posts', { content: 'x', accounts: [acct.bsky], account_settings: { [acct.masto]: { content: 'hi' } } });
    expect(stranger.status).toBe(422);
    expect(stranger.body.details.issues[0].path).toBe(`account_settings.${acct.masto}`);
    const noPlatform = await f.call('POST', '/v1/posts', { content: 'x', accounts: [acct.bsky], platform_settings: { twitter: { content: 'hi' } } });
    expect(noPlatform.body.details.issues[0].path).toBe('platform_settings.twitter');
  });
});

describe('repeat, queue, publish now, duplicate', () => {
  it('repeatable creates a repeating post; null stops it', async () => {
    const answer = await f.call('POST', '/v1/posts', { content: 'weekly tip', accounts: [acct.bsky], scheduled_for: inHours(24), repeatable: { count: 4, every: 1, unit: 'weeks' } });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.repeatable).toEqual({ count: 4, every: 1, unit: 'weeks', remaining: 3 });
    expect((await f.call('PUT', `/v1/posts/${answer.body.id}`, { repeatable: null })).body.repeatable).toBeNull();
    const bad = await f.call('POST', '/v1/posts', { content: 'x', repeatable: { count: 1, every: 1, unit: 'days' } });
    expect(bad.body.details.issues[0].path).toBe('repeatable.count');
  });

  it('GET /v1/queue names the next free slot, and schedule_type queue takes it', async () => {
    const queue = await f.call('GET', '/v1/queue');
    expect(queue.status).toBe(200);
    expect(queue.body.slots.length).toBeGreaterThan(0);
    expect(queue.body.next_slot).toEqual(expect.any(String));
    const queued = await f.call('POST', '/v1/posts', { content: 'next slot please', accounts: [acct.bsky], schedule_type: 'queue' });
    expect(queued.status, queued.text).toBe(201);
    expect(queued.body).toMatchObject({ status: 'scheduled', scheduled_for: queue.body.next_slot });
    const after = await f.call('GET', '/v1/queue');
    expect(Date.parse(after.body.next_slot)).toBeGreaterThan(Date.parse(queue.body.next_slot));
  });

  it('schedule_type publish_now creates and sends in one call', async () => {
    const calls = bskyAdapter.calls.length;
    const answer = await f.call('POST', '/v1/posts', { content: 'right now', accounts: [acct.bsky], schedule_type: 'publish_now' });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.status).toBe('publishing');
    await settle();
    expect(bskyAdapter.calls.length).toBe(calls + 1);
    expect((await f.call('GET', `/v1/posts/${answer.body.id}`)).body.status).toBe('published');
  });

  it('publish_now with content over a limit is 422 and sends nothing; schedule_type and scheduled_for must agree', async () => {
    const before = f.snapshot();
    const tooLong = await f.call('POST', '/v1/posts', { content: 'q'.repeat(400), accounts: [acct.bsky], schedule_type: 'publish_now' });
    expect(tooLong.status).toBe(422);
    expect(f.snapshot()).toBe(before);
    expect((await f.call('POST', '/v1/posts', { content: 'x', schedule_type: 'schedule' })).body.details.issues[0].path).toBe('scheduled_for');
    expect((await f.call('POST', '/v1/posts', { content: 'x', schedule_type: 'draft', scheduled_for: inHours(1) })).body.details.issues[0].path).toBe('scheduled_for');
    expect((await f.call('POST', '/v1/posts', { content: 'x', schedule_type: 'later' })).body.details.issues[0].path).toBe('schedule_type');
  });

  it('duplicate copies a post as a new draft (201)', async () => {
    const original = await f.call('POST', '/v1/posts', { content: 'copy me', accounts: [acct.masto], scheduled_for: inHours(5), platform_settings: { mastodon: { settings: { visibility: 'private' } } } });
    const copy = await f.call('POST', `/v1/posts/${original.body.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.body.id).not.toBe(original.body.id);
    expect(copy.body).toMatchObject({ content: 'copy me', status: 'draft', scheduled_for: null, accounts: [acct.masto] });
    expect(copy.body.account_settings[acct.masto].settings).toEqual({ visibility: 'private' });
    expect((await f.call('POST', '/v1/posts/nope/duplicate')).status).toBe(404);
  });
});

describe('validation without saving', () => {
  it('answers per account what it would say, and stores nothing (media included)', async () => {
    const before = f.snapshot();
    const answer = await f.call('POST', '/v1/posts/validate', { content: 'v'.repeat(290), platforms: ['bluesky', 'twitter'] });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.valid).toBe(false);
    expect(answer.body.accounts.map((a: { platform: string; limit: number }) => [a.platform, a.limit]).sort()).toEqual([
      ['bluesky', 300],
      ['twitter', 280],
    ]);
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: 'content', platform: 'twitter' })]);
    const fine = await f.call('POST', '/v1/posts/validate', { content: 'short', accounts: [acct.bsky], segments: [{ content: 'ok', media: { images: [{ url: dot() }] } }] });
    expect(fine.body).toMatchObject({ valid: true, issues: [] });
    expect(f.snapshot()).toBe(before);
  });
});

describe('accounts', () => {
  it('reads one account and turns it off and on again; an inactive account is left out of platforms', async () => {
    const one = await f.call('GET', `/v1/accounts/${acct.masto}`);
    expect(one.body).toMatchObject({ id: acct.masto, platform: 'mastodon', active: true });
    const off = await f.call('PUT', `/v1/accounts/${acct.masto}`, { active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const refused = await f.call('POST', '/v1/posts', { content: 'x', platforms: ['mastodon'] });
    expect(refused.body.details.issues[0]).toMatchObject({ path: 'platforms.0', message: expect.stringMatching(/no active mastodon account/) });
    expect((await f.call('PUT', `/v1/accounts/${acct.masto}`, { active: true })).body.active).toBe(true);
    expect((await f.call('GET', '/v1/accounts/nope')).status).toBe(404);
    expect((await f.call('PUT', `/v1/accounts/${acct.masto}`, { active: 'yes' })).status).toBe(422);
  });
});

describe('the OpenAPI document', () => {
  it('every answer above validates against the served document', async () => {
    expect(f.answers.length).toBeGreaterThan(40);
    expect(await f.openApiProblems()).toEqual([]);
  });
});
