import { describe, expect, it } from 'vitest';
import type { PlatformEntry, Post } from '../../shared/domain';
import { platformResults, renamePath, toPostObject, toUtc } from './post-mapping';
import { postObject } from './schemas';

function entry(over: Partial<PlatformEntry>): PlatformEntry {
  return {
    id: 'e',
    accountId: 'a',
    platform: 'bluesky',
    contentType: 'bluesky_post',
    enabled: true,
    status: 'pending',
    platformPostId: null,
    platformUrl: null,
    errorMessage: null,
    settings: {},
    textOverride: null,
    handOff: 'auto',
    remote: null,
    remoteNote: null,
    threadMode: null,
    attempts: [],
    ...over,
  };
}

const post: Post = {
  id: 'p1',
  status: 'partially_published',
  scheduledAt: null,
  parts: [
    { text: 'first', media: [{ mediaId: 'm1', altText: 'a cat' }, { mediaId: 'v1', altText: '' }] },
    { text: 'second', media: [] },
  ],
  labelIds: [],
  entries: [
    entry({ id: 'e1', accountId: 'a1', platform: 'bluesky', status: 'published', platformPostId: 'at://1', platformUrl: 'https://bsky.app/1' }),
    entry({ id: 'e2', accountId: 'a2', platform: 'bluesky', status: 'failed', errorMessage: 'Token expired' }),
    entry({ id: 'e3', accountId: 'a3', platform: 'mastodon', status: 'pending' }),
    entry({ id: 'e4', accountId: 'a4', platform: 'telegram', enabled: false, status: 'pending' }),
  ],
  repeat: null,
  overdue: false,
  createdAt: '2026-01-01T12:00:00.000Z',
  updatedAt: '2026-01-01T12:05:00.000Z',
  publishedAt: '2026-01-01T12:05:00.000Z',
  calendarAt: '2026-01-01T12:05:00.000Z',
};

const ctx = { kinds: new Map([['v1', 'video' as const]]), labels: new Map(), baseUrl: 'http://127.0.0.1:7787' };

describe('post mapping', () => {
  it('a platform result appears once an account of it finished, in Octopost\'s shape; success only when none failed', () => {
    const results = platformResults(post.entries)!;
    expect(Object.keys(results)).toEqual(['bluesky']);
    expect(results.bluesky).toMatchObject({ success: false, post_id: 'at://1', post_url: 'https://bsky.app/1', error: 'Token expired' });
    expect(results.bluesky!.accounts.map((a) => [a.account_id, a.success])).toEqual([
      ['a1', true],
      ['a2', false],
    ]);
  });

  it('results are null before anything finished; a success has no error key, a failure no post_id', () => {
    expect(platformResults([entry({ status: 'pending' })])).toBeNull();
    const ok = platformResults([entry({ platform: 'x', status: 'published', platformPostId: '1', platformUrl: 'https://x.com/a/status/1' })])!;
    expect(ok).toEqual({ twitter: { success: true, post_id: '1', post_url: 'https://x.com/a/status/1', accounts: expect.any(Array) } });
    const bad = platformResults([entry({ status: 'failed', errorMessage: 'nope' })])!;
    expect(bad.bluesky).toEqual({ success: false, error: 'nope', accounts: expect.any(Array) });
  });

  it('the post object uses Octopost\'s statuses, splits images from the video, lists enabled platforms, and later parts as segments', () => {
    const object = toPostObject(post, ctx);
    expect(postObject.parse(object)).toEqual(object);
    expect(object).toMatchObject({
      content: 'first',
      segments: [{ content: 'second', media: null }],
      status: 'published',
      partially_published: true,
      published_at: '2026-01-01T12:05:00.000Z',
      platforms: ['bluesky', 'mastodon'],
      accounts: ['a1', 'a2', 'a3'],
      media: {
        images: [{ media_id: 'm1', url: 'http://127.0.0.1:7787/v1/media/m1', alt_text: 'a cat' }],
        video: { media_id: 'v1', url: 'http://127.0.0.1:7787/v1/media/v1', thumbnail_url: null },
      },
    });
  });

  it('a failed post has no published_at; a post without media or results answers null for them', () => {
    const failed: Post = { ...post, status: 'failed', parts: [{ text: 'x', media: [] }], entries: [entry({ status: 'failed', errorMessage: 'e' })] };
    const object = toPostObject(failed, ctx);
    expect(object).toMatchObject({ status: 'failed', published_at: null, media: null, segments: null, partially_published: false });
    const draft = toPostObject({ ...failed, status: 'draft', entries: [entry({})] }, ctx);
    expect(draft.platform_results).toBeNull();
  });

  it('engine field paths are renamed to the request fields they came from', () => {
    expect(renamePath('parts.0.text')).toBe('content');
    expect(renamePath('parts.0.media.1.mediaId')).toBe('media.1');
    expect(renamePath('parts.2.text')).toBe('segments.1.content');
    expect(renamePath('schedule.at')).toBe('scheduled_for');
    expect(renamePath('scheduledAt')).toBe('scheduled_for');
    expect(renamePath('targets.3', 'platforms')).toBe('platforms');
    expect(renamePath('targets.1.accountId', { fields: ['platforms.0', 'accounts.0'], whole: 'accounts' })).toBe('accounts.0');
    expect(renamePath('targets.0.settings.visibility', { fields: ['platform_settings.mastodon'], whole: 'platforms' })).toBe('platform_settings.mastodon.settings.visibility');
    expect(renamePath('targets.0.textOverride', { fields: ['account_settings.a1'], whole: 'accounts' })).toBe('account_settings.a1.content');
    expect(renamePath('labelIds.2')).toBe('labels.2');
    expect(renamePath('repeat.count')).toBe('repeatable.count');
    expect(renamePath('id')).toBe('id');
  });

  it('an offset time becomes UTC ending in Z', () => {
    expect(toUtc('2030-05-01T09:30:00+02:00')).toBe('2030-05-01T07:30:00.000Z');
  });
});
