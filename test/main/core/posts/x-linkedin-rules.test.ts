// The rules issue 14 adds to validation, checked through posts:validate: X's options (poll limits,
// poll without media or a quote, post and Community links, sharing needs a Community) and
// LinkedIn's (visibility per kind of account, article link and title, documents: LinkedIn only,
// one, alone, with a title, at most 100 MB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformId } from '../../../../src/shared/domain';
import type { EntryValidation } from '../../../../src/shared/ipc/posts';
import { xCommunityId, xPostId } from '../../../../src/shared/platforms/settings';
import type { TestCore } from '../../../support/core';
import { MB, insertMedia, postsCore, value } from './helpers';

let t: TestCore;
const account = {} as Record<PlatformId, string>;
beforeAll(async () => {
  const platforms: PlatformId[] = ['x', 'linkedin', 'linkedin-page', 'bluesky', 'mastodon'];
  const s = await postsCore(platforms.map((platform) => ({ platform })));
  t = s.t;
  platforms.forEach((p, i) => (account[p] = s.ids[i]!));
});
afterAll(async () => t.dispose());

type Part = { text: string; media?: Array<{ mediaId: string; altText?: string }> };
async function check(platform: PlatformId, parts: Part[], settings: Record<string, unknown> = {}): Promise<EntryValidation> {
  return value(await t.core.invoke('posts:validate', { parts, targets: [{ accountId: account[platform], settings }] })).entries[0]!;
}
const problems = (v: EntryValidation) => v.problems.map((p) => [p.path, p.message]);
const pdf = (bytes = 3 * MB) => insertMedia(t.dataDir, { kind: 'document', bytes, name: 'deck.pdf' });
const photo = () => insertMedia(t.dataDir, { kind: 'image', bytes: 100_000 });

describe('X options', () => {
  it('a poll: 2-4 choices of at most 25 characters, 5 minutes to 7 days', async () => {
    expect((await check('x', [{ text: 'Q?' }], { poll: { options: ['a', 'b', 'c', 'd'], durationMinutes: 10_080 } })).problems).toEqual([]);
    expect(problems(await check('x', [{ text: 'Q?' }], { poll: { options: ['a', 'b', 'c', 'd', 'e'], durationMinutes: 4 } }))).toEqual([
      ['targets.0.settings.poll.options', 'X: a poll has at most 4 choices'],
      ['targets.0.settings.poll.durationMinutes', 'X: poll duration minutes must be at least 5 minutes'],
    ]);
    expect(problems(await check('x', [{ text: 'Q?' }], { poll: { options: ['a'.repeat(26), 'b'], durationMinutes: 60 } }))[0]).toEqual(['targets.0.settings.poll.options.0', expect.stringMatching(/at most 25 characters/)]);
  });

  it('a poll goes without media in the first part and without a quote', async () => {
    expect(problems(await check('x', [{ text: 'Q?', media: [{ mediaId: photo() }] }], { poll: { options: ['a', 'b'], durationMinutes: 60 } }))).toEqual([['targets.0.settings.poll', 'X: a poll cannot be combined with media in the first part']]);
    expect(problems(await check('x', [{ text: 'Q?' }], { poll: { options: ['a', 'b'], durationMinutes: 60 }, quotePost: '1234' }))).toEqual([['targets.0.settings.poll', 'X: poll cannot be combined with a quoted post']]);
  });

  it('quote and reply take a post link (x.com or twitter.com) or its number; a Community its link or number; sharing needs a Community', async () => {
    const ok = { quotePost: 'https://twitter.com/ada/status/1234567890?s=20', replyTo: '987654321', community: 'https://x.com/i/communities/1600000000000000001', shareWithFollowers: true, forSuperFollowersOnly: true };
    expect((await check('x', [{ text: 'Hi' }], ok)).problems).toEqual([]);
    expect(problems(await check('x', [{ text: 'Hi' }], { quotePost: 'https://example.com/status/1' }))).toEqual([['targets.0.settings.quotePost', expect.stringMatching(/must be a post link like https:\/\/x\.com\/name\/status\/1234567890 or its number/)]]);
    expect(problems(await check('x', [{ text: 'Hi' }], { shareWithFollowers: true }))).toEqual([['targets.0.settings.shareWithFollowers', 'X: share with followers is only for Community posts: choose the Community']]);
    expect(xPostId(ok.quotePost)).toBe('1234567890');
    expect(xPostId(' 42 ')).toBe('42');
    expect(xCommunityId(ok.community)).toBe('1600000000000000001');
  });
});

describe('LinkedIn options', () => {
  it('visibility: a profile may limit to connections, a Page may not; both may limit to signed-in members', async () => {
    expect((await check('linkedin', [{ text: 'x' }], { visibility: 'logged_in', feedDistribution: 'none', disableReshares: true })).problems).toEqual([]);
    expect((await check('linkedin-page', [{ text: 'x' }], { visibility: 'logged_in' })).problems).toEqual([]);
    expect(problems(await check('linkedin-page', [{ text: 'x' }], { visibility: 'connections' }))[0]![0]).toBe('targets.0.settings.visibility');
  });

  it('an article link needs its title and goes without media; a title alone needs the link', async () => {
    expect((await check('linkedin', [{ text: 'Read' }], { articleUrl: 'https://example.com/a', articleTitle: 'A' })).problems).toEqual([]);
    expect(problems(await check('linkedin', [{ text: 'Read' }], { articleUrl: 'https://example.com/a' }))).toEqual([['targets.0.settings.articleTitle', 'LinkedIn: article title is needed with an article link (LinkedIn shows it on the card)']]);
    expect(problems(await check('linkedin', [{ text: 'Read' }], { articleTitle: 'A' }))).toEqual([['targets.0.settings.articleUrl', 'LinkedIn: article url is needed for an article title or description']]);
    expect(problems(await check('linkedin-page', [{ text: 'Read', media: [{ mediaId: photo() }] }], { articleUrl: 'https://example.com/a', articleTitle: 'A' }))).toEqual([['targets.0.settings.articleUrl', 'LinkedIn Page: an article link cannot be combined with media: remove the media or the link']]);
  });
});

describe('documents (PDF)', () => {
  it('LinkedIn takes one, alone, with its title, up to 100 MB', async () => {
    expect((await check('linkedin', [{ text: 'Deck', media: [{ mediaId: pdf() }] }], { documentTitle: 'Deck' })).problems).toEqual([]);
    expect(problems(await check('linkedin', [{ text: 'Deck', media: [{ mediaId: pdf() }] }]))).toEqual([['targets.0.settings.documentTitle', 'LinkedIn: a document (PDF) needs a title: LinkedIn shows it on the carousel']]);
    expect(problems(await check('linkedin-page', [{ text: 'Deck', media: [{ mediaId: pdf() }, { mediaId: photo() }] }], { documentTitle: 'D' }))).toEqual([['parts.0.media', 'LinkedIn Page: a document (PDF) goes alone, without images or video']]);
    expect(problems(await check('linkedin', [{ text: 'Deck', media: [{ mediaId: pdf() }, { mediaId: pdf() }] }], { documentTitle: 'D' }))).toEqual([['parts.0.media', 'LinkedIn: at most one document per post (the post has 2)']]);
    expect(problems(await check('linkedin', [{ text: 'Deck', media: [{ mediaId: pdf(120 * MB) }] }], { documentTitle: 'D' }))).toEqual([['parts.0.media.0', 'LinkedIn: deck.pdf is 120 MB; the limit is 100 MB for documents']]);
  });

  it('every other platform refuses it, naming the media', async () => {
    for (const platform of ['x', 'bluesky', 'mastodon'] as const) {
      const v = await check(platform, [{ text: 'Deck', media: [{ mediaId: pdf() }] }]);
      expect(problems(v), platform).toEqual([['parts.0.media', expect.stringMatching(/: a post here cannot include a document \(PDF\); only LinkedIn takes PDFs$/)]]);
    }
  });
});
