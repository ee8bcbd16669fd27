import { describe, expect, it } from 'vitest';
import { humanize, optionLabel, settingFields } from './settings-fields';

describe('per-platform settings fields follow the shared schemas', () => {
  it('a TikTok privacy level has no default, so the creator must choose it', () => {
    const privacy = settingFields('tiktok').find((f) => f.key === 'privacyLevel');
    // Required for a direct post (the schema's refinement), not for one sent to the TikTok inbox.
    expect(privacy).toMatchObject({ kind: 'select', label: 'Who can see it' });
    expect(privacy && 'fallback' in privacy ? privacy.fallback : undefined).toBeUndefined();
  });

  it('defaults come from the schema (Telegram link previews on, Mastodon public)', () => {
    expect(settingFields('telegram').find((f) => f.key === 'linkPreview')).toMatchObject({ kind: 'toggle', fallback: true });
    expect(settingFields('mastodon').find((f) => f.key === 'visibility')).toMatchObject({ kind: 'select', fallback: 'public' });
  });

  it('Threads: who can reply (five choices, everyone by default), a link preview and a topic tag, each with a name', () => {
    const fields = settingFields('threads');
    expect(fields.map((f) => [f.key, f.kind, f.label])).toEqual([
      ['replyControl', 'select', 'Who can reply'],
      ['linkAttachment', 'text', 'Link preview (text-only first post)'],
      ['topicTag', 'text', 'Topic tag'],
    ]);
    expect(fields[0]).toMatchObject({ fallback: 'everyone', options: ['everyone', 'accounts_you_follow', 'mentioned_only', 'parent_post_author_only', 'followers_only'] });
  });

  it('the post type is left to the content-type picker', () => {
    expect(settingFields('instagram').some((f) => f.key === 'postType')).toBe(false);
  });

  it('humanizes keys and enum values', () => {
    expect(humanize('PUBLIC_TO_EVERYONE')).toBe('Public to everyone');
    expect(humanize('notifySubscribers')).toBe('Notify subscribers');
  });

  it('YouTube: "made for kids" must be answered (no default), embedding on by default, the licence a select in words', () => {
    const fields = settingFields('youtube');
    expect(fields.find((f) => f.key === 'madeForKids')).toEqual({ key: 'madeForKids', label: 'Made for kids', kind: 'yesno', required: true });
    expect(fields.find((f) => f.key === 'embeddable')).toMatchObject({ kind: 'toggle', fallback: true });
    expect(fields.find((f) => f.key === 'license')).toMatchObject({ kind: 'select', fallback: 'youtube', options: ['youtube', 'creativeCommon'] });
    expect(['youtube', 'creativeCommon', 'PUBLIC_TO_EVERYONE'].map(optionLabel)).toEqual(['Standard YouTube licence', 'Creative Commons (attribution)', 'Public to everyone']);
  });
});

describe('X and LinkedIn fields come from their schemas', () => {
  it('X: who can reply, quote, reply, Community, sharing, Super Followers; the poll has its own editor', () => {
    const fields = settingFields('x');
    expect(fields.map((f) => f.key)).toEqual(['replySettings', 'quotePost', 'replyTo', 'community', 'shareWithFollowers', 'forSuperFollowersOnly']);
    expect(fields.find((f) => f.key === 'replySettings')).toMatchObject({ kind: 'select', fallback: 'everyone', label: 'Who can reply' });
    expect(fields.find((f) => f.key === 'quotePost')).toMatchObject({ kind: 'text', required: false, label: 'Quote a post (link or number)' });
  });

  it('LinkedIn: visibility (with connections on a profile only), feeds, resharing, article link, document title', () => {
    expect(settingFields('linkedin').map((f) => f.key)).toEqual(['visibility', 'feedDistribution', 'disableReshares', 'articleUrl', 'articleTitle', 'articleDescription', 'documentTitle']);
    expect(settingFields('linkedin').find((f) => f.key === 'visibility')).toMatchObject({ options: ['public', 'connections', 'logged_in'], fallback: 'public' });
    expect(settingFields('linkedin-page').find((f) => f.key === 'visibility')).toMatchObject({ options: ['public', 'logged_in'] });
    expect(settingFields('linkedin').find((f) => f.key === 'documentTitle')).toMatchObject({ kind: 'text', label: 'Document (PDF) title' });
  });
});
