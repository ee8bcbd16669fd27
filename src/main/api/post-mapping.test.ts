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
};

describe('post mapping', () => {
  it('a platform result appears once an account of it finished; success only when none failed', () => {
    const results = platformResults(post.entries);
    expect(Object.keys(results)).toEqual(['bluesky']);
    expect(results.bluesky).toMatchObject({ success: false, post_id: 'at://1', post_url: 'https://bsky.app/1', error: 'Token expired' });
    expect(results.bluesky!.accounts.map((a) => [a.account_id, a.success])).toEqual([
      ['a1', true],
      ['a2', false],
    ]);
  });

  it('the post object keeps Outbox statuses, splits images from the video, and lists enabled platforms only', () => {
    const object = toPostObject(post, new Map([['v1', 'video' as const]]), 'http://127.0.0.1:7787');
    expect(postObject.parse(object)).toEqual(object);
    expect(object).toMatchObject({
      content: 'first',
      thread: ['second'],
      status: 'partially_published',
      platforms: ['bluesky', 'mastodon'],
      accounts: ['a1', 'a2', 'a3'],
      media: {
        images: [{ media_id: 'm1', url: 'http://127.0.0.1:7787/v1/media/m1', alt_text: 'a cat' }],
        video: { media_id: 'v1', url: 'http://127.0.0.1:7787/v1/media/v1', thumbnail_url: null },
      },
    });
  });

  it('engine field paths are renamed to the request fields they came from', () => {
    expect(renamePath('parts.0.text')).toBe('content');
    expect(renamePath('parts.0.media.1.mediaId')).toBe('media.1');
    expect(renamePath('parts.2.text')).toBe('thread.1');
    expect(renamePath('schedule.at')).toBe('scheduled_for');
    expect(renamePath('scheduledAt')).toBe('scheduled_for');
    expect(renamePath('targets.3', 'platforms')).toBe('platforms');
    expect(renamePath('id')).toBe('id');
  });

  it('an offset time becomes UTC ending in Z', () => {
    expect(toUtc('2030-05-01T09:30:00+02:00')).toBe('2030-05-01T07:30:00.000Z');
  });
});
