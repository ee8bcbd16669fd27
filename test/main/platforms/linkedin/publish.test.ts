// The LinkedIn publishers (profile and Page, one shared Posts API implementation) against the
// LinkedIn fake (test/fakes/linkedin.ts, written from LinkedIn's documentation): text in little
// text, options, images, multi-image, video parts, PDF documents, article links, every failure
// class, and exactly-once with and without a way to read the author's posts.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLinkedInAdapter } from '../../../../src/main/platforms/linkedin/posts';
import { LINKEDIN_VERSION, littleText } from '../../../../src/main/platforms/linkedin/rest';
import { PublishError, type PublishMedia } from '../../../../src/main/platforms/types';
import { LINKEDIN_PART_BYTES, renderLittleText, startLinkedInFake, type LinkedInFake } from '../../../fakes/linkedin';
import { tempDir } from '../../../support/core';
import { publishMedia } from '../../../support/publish-media';
import { instant, LI_MEMBER, LI_PAGE, linkedinContext, writePdf, writeVideo } from './helpers';

const files = tempDir('outbox-li-media-');
let fake: LinkedInFake;
let clock = Date.parse('2026-06-01T08:00:00Z');
const now = () => clock;
const member = createLinkedInAdapter('linkedin', instant);
const page = createLinkedInAdapter('linkedin-page', instant);
const images: PublishMedia[] = [];
let drop: ((n: number) => number | undefined) | undefined;

beforeAll(async () => {
  fake = await startLinkedInFake({ now, dropPartAfter: (n) => drop?.(n) });
  for (const [i, color] of [{ r: 10, g: 80, b: 200 }, { r: 200, g: 60, b: 20 }, { r: 30, g: 160, b: 60 }].entries()) {
    const path = join(files.dir, `photo-${i}.png`);
    const data = await sharp({ create: { width: 400, height: 300, channels: 3, background: color } }).png().toBuffer();
    writeFileSync(path, data);
    images.push(publishMedia({ mediaId: `photo-${i}`, path, kind: 'image', mime: 'image/png', bytes: data.length, width: 400, height: 300 }));
  }
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
  // Every versioned call carried the version and the Rest.li protocol headers.
  for (const e of fake.exchanges.slice(seen).filter((x) => x.path.startsWith('/rest/'))) {
    expect(e.headers['linkedin-version'], `${e.method} ${e.path}`).toBe(LINKEDIN_VERSION);
    expect(e.headers['x-restli-protocol-version'], `${e.method} ${e.path}`).toBe('2.0.0');
  }
});

const memberToken = () => fake.token('li-member-1', ['openid', 'profile', 'w_member_social']);
const pageToken = () => fake.token('li-member-1', ['w_organization_social', 'r_organization_social', 'rw_organization_admin']);
const asMember = (text: string, media: PublishMedia[] = [], settings: Record<string, unknown> = {}) => linkedinContext({ url: fake.url, token: memberToken(), parts: [{ text, media }], settings, now });
const asPage = (text: string, media: PublishMedia[] = [], settings: Record<string, unknown> = {}) => linkedinContext({ url: fake.url, token: pageToken(), account: LI_PAGE, parts: [{ text, media }], settings, now });
const lastPostBody = () => fake.exchanges.filter((e) => e.method === 'POST' && e.path === '/rest/posts').at(-1)!.body as Record<string, unknown>;

describe('posting to LinkedIn', () => {
  it('a member post: author urn:li:person, the URN from x-restli-id, the feed link; little text keeps parentheses, mentions and hashtags', async () => {
    const text = 'Launch day (beta) for *everyone* @home #outbox [notes] <3 ~ok_';
    const result = await member.publish(asMember(text));
    const post = fake.posts.at(-1)!;
    expect(result).toEqual({ platformPostId: post.urn, platformUrl: `https://www.linkedin.com/feed/update/${post.urn}/` });
    expect(post.urn).toMatch(/^urn:li:share:\d+$/);
    expect(post.text).toBe(text);
    expect(post.commentary).toContain('{hashtag|\\#|outbox}');
    expect(lastPostBody()).toEqual({
      author: 'urn:li:person:li-member-1',
      commentary: littleText(text),
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
  });

  it('unescaped, LinkedIn would cut the text at the first reserved character (what the escaping prevents)', () => {
    expect(renderLittleText('Before (after)')).toBe('Before ');
    expect(renderLittleText(littleText('Before (after)'))).toBe('Before (after)');
  });

  it('the options: connections only, off the feeds, no reshares, an article link with its title and description', async () => {
    await member.publish(asMember('Read this', [], { visibility: 'connections', feedDistribution: 'none', disableReshares: true, articleUrl: 'https://example.com/post', articleTitle: 'The post', articleDescription: 'Why it matters' }));
    expect(fake.posts.at(-1)).toMatchObject({ visibility: 'CONNECTIONS', feedDistribution: 'NONE', reshareDisabled: true, content: { article: { source: 'https://example.com/post', title: 'The post', description: 'Why it matters' } } });
  });

  it('one image with alt text (content.media), three as a multi-image post; the images arrive as fitted', async () => {
    await member.publish(asMember('One picture', [{ ...images[0]!, altText: 'A blue square' }]));
    const single = fake.posts.at(-1)!;
    expect(single.urn).toMatch(/^urn:li:ugcPost:/);
    const media = (single.content as { media: { id: string; altText: string } }).media;
    expect(media.altText).toBe('A blue square');
    expect(fake.assets.get(media.id)).toMatchObject({ kind: 'image', owner: 'urn:li:person:li-member-1', status: 'AVAILABLE' });
    await member.publish(asMember('Three pictures', images.map((m, i) => ({ ...m, altText: `Picture ${i + 1}` }))));
    const multi = (fake.posts.at(-1)!.content as { multiImage: { images: Array<{ id: string; altText: string }> } }).multiImage.images;
    expect(multi.map((i) => i.altText)).toEqual(['Picture 1', 'Picture 2', 'Picture 3']);
  });

  it('a Page post: author urn:li:organization, logged-in members only', async () => {
    await page.publish(asPage('From the bakery', [], { visibility: 'logged_in' }));
    expect(fake.posts.at(-1)).toMatchObject({ author: 'urn:li:organization:111', visibility: 'LOGGED_IN', text: 'From the bakery' });
  });

  it('a PDF carousel: Documents API, then content.media with the document and its title; the same bytes arrived', async () => {
    const pdf = writePdf(files.dir, 'deck.pdf', 3);
    await page.publish(asPage('Our menu, as a carousel', [publishMedia({ mediaId: 'deck', path: pdf.path, kind: 'document', mime: 'application/pdf', bytes: pdf.bytes })], { documentTitle: 'Spring menu' }));
    const media = (fake.posts.at(-1)!.content as { media: { id: string; title: string } }).media;
    expect(media).toMatchObject({ title: 'Spring menu' });
    expect(media.id).toMatch(/^urn:li:document:/);
    expect(await fake.sha256(media.id)).toBe(createHash('sha256').update(readFileSync(pdf.path)).digest('hex'));
    const steps = fake.exchanges.slice(seen).map((e) => `${e.method} ${e.path.replace(/urn%3A.*|urn:.*/, ':urn')}`);
    expect(steps.filter((s) => s.startsWith('POST'))).toEqual(['POST /rest/documents', 'POST /rest/posts']);
  });

  it('a document without a title, and a PDF LinkedIn cannot read, are refused', async () => {
    const pdf = writePdf(files.dir, 'untitled.pdf');
    const untitled = await page.publish(asPage('No title', [publishMedia({ mediaId: 'u', path: pdf.path, kind: 'document', mime: 'application/pdf', bytes: pdf.bytes })])).catch((e: unknown) => e);
    expect(untitled).toMatchObject({ kind: 'permanent' });
    const broken = join(files.dir, 'broken.pdf');
    writeFileSync(broken, '%PDF-1.4\nno end');
    const failure = (await page.publish(asPage('Broken', [publishMedia({ mediaId: 'b', path: broken, kind: 'document', mime: 'application/pdf', bytes: 16 })], { documentTitle: 'Broken' })).catch((e: unknown) => e)) as PublishError;
    expect(failure).toMatchObject({ kind: 'permanent' });
    expect(failure.message).toMatch(/LinkedIn could not process the document/);
  });

  it('a video in LinkedIn\'s 4 MB parts (a dropped part is sent again), finalized with the ETags in order, then AVAILABLE', async () => {
    const video = writeVideo(files.dir, 'clip.mp4', 2 * LINKEDIN_PART_BYTES + 12_345);
    let puts = 0;
    drop = () => (++puts === 2 ? 100_000 : undefined);
    try {
      await member.publish(asMember('A clip', [video]));
    } finally {
      drop = undefined;
    }
    const id = (fake.posts.at(-1)!.content as { media: { id: string } }).media.id;
    const asset = fake.assets.get(id)!;
    expect(asset).toMatchObject({ kind: 'video', status: 'AVAILABLE', finalized: true });
    expect(asset.parts.map((p) => p.puts)).toEqual([1, 1, 1]);
    expect(asset.parts.map((p) => p.tries)).toEqual([1, 2, 1]);
    expect(await fake.sha256(id)).toBe(createHash('sha256').update(readFileSync(video.path)).digest('hex'));
  });

  it('a video LinkedIn cannot process is refused, naming it', async () => {
    const junk = join(files.dir, 'junk.mp4');
    writeFileSync(junk, Buffer.alloc(50_000, 3));
    const failure = (await member.publish(asMember('Junk', [publishMedia({ mediaId: 'junk', path: junk, kind: 'video', mime: 'video/mp4', bytes: 50_000 })])).catch((e: unknown) => e)) as PublishError;
    expect(failure).toMatchObject({ kind: 'permanent' });
    expect(failure.message).toMatch(/could not process video 1/);
  });
});

describe('failures, classified', () => {
  it('401 -> auth; 429 -> rate_limited (Retry-After, else an hour); 5xx -> transient; 403 -> permanent; 422 DUPLICATE_POST -> permanent with LinkedIn\'s words', async () => {
    const expired = linkedinContext({ url: fake.url, token: 'expired', parts: [{ text: 'x', media: [] }], now });
    expect(await member.publish(expired).catch((e: unknown) => e)).toMatchObject({ kind: 'auth', httpStatus: 401 });
    fake.failNext({ method: 'POST', path: '/rest/posts', status: 429 });
    expect(await member.publish(asMember('Busy')).catch((e: unknown) => e)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_600_000 });
    fake.failNext({ method: 'POST', path: '/rest/posts', status: 429, headers: { 'retry-after': '120' } });
    expect(await member.publish(asMember('Busy again')).catch((e: unknown) => e)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000 });
    fake.failNext({ method: 'POST', path: '/rest/images', status: 503 });
    expect(await member.publish(asMember('Down', [images[0]!])).catch((e: unknown) => e)).toMatchObject({ kind: 'transient' });
    // A member token cannot post as a Page.
    const wrong = linkedinContext({ url: fake.url, token: memberToken(), account: LI_PAGE, parts: [{ text: 'Not mine', media: [] }], now });
    expect(await page.publish(wrong).catch((e: unknown) => e)).toMatchObject({ kind: 'permanent', httpStatus: 403 });
    await member.publish(asMember('Only once, please'));
    const duplicate = (await member.publish(asMember('Only once, please')).catch((e: unknown) => e)) as PublishError;
    expect(duplicate).toMatchObject({ kind: 'permanent', httpStatus: 422 });
    expect(duplicate.message).toMatch(/Content is a duplicate of urn:li:share:\d+/);
  });
});

describe('exactly once', () => {
  it('a Page: the answer is lost after LinkedIn made the post; it is found among the Page\'s posts; one post', async () => {
    const before = fake.posts.length;
    fake.failNext({ method: 'POST', path: '/rest/posts', status: 0, drop: true, afterHandling: true });
    const result = await page.publish(asPage('Lost answer from the bakery', [images[1]!]));
    expect(fake.posts.length - before).toBe(1);
    expect(result.platformPostId).toBe(fake.posts.at(-1)!.urn);
  });

  it('a Page after a crash: unsure right away, certain two minutes later (not there: sent once)', async () => {
    const before = fake.posts.length;
    const ctx = asPage('Crashed before LinkedIn got it');
    fake.failNext({ method: 'POST', path: '/rest/posts', status: 0, drop: true });
    expect(await page.publish(ctx).catch((e: unknown) => e)).toMatchObject({ kind: 'transient', maybeSent: true });
    expect(await page.reconcile!(ctx).catch((e: unknown) => e)).toBeInstanceOf(PublishError);
    clock += 3 * 60_000;
    expect(await page.reconcile!(ctx)).toBeNull();
    await page.publish(ctx);
    expect(fake.posts.slice(before).map((p) => p.text)).toEqual(['Crashed before LinkedIn got it']);
  });

  it('a member (no r_member_social): after a crash it cannot tell and says so; a retry the creator asks for is caught by LinkedIn\'s duplicate check, which points at the earlier post', async () => {
    const before = fake.posts.length;
    const ctx = asMember('Member post whose answer was lost');
    fake.failNext({ method: 'POST', path: '/rest/posts', status: 0, drop: true, afterHandling: true });
    expect(await member.publish(ctx).catch((e: unknown) => e)).toMatchObject({ kind: 'transient', maybeSent: true });
    const unsure = (await member.reconcile!(ctx).catch((e: unknown) => e)) as PublishError;
    expect(unsure.message).toMatch(/does not let Outbox read this profile's posts/);
    const again = (await member.publish(ctx).catch((e: unknown) => e)) as PublishError;
    expect(again).toMatchObject({ kind: 'permanent', httpStatus: 422 });
    expect(again.message).toContain(`https://www.linkedin.com/feed/update/${fake.posts.at(-1)!.urn}/`);
    expect(again.message).toMatch(/may already be on LinkedIn/);
    expect(fake.posts.length - before).toBe(1);
  });
});
