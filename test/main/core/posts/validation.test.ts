import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformId } from '../../../../src/shared/domain';
import type { EntryValidation } from '../../../../src/shared/ipc/posts';
import { insertAccounts } from '../../../support/accounts-fixture';
import type { TestCore } from '../../../support/core';
import { needsMediaHosting } from '../../../../src/main/core/posts/validate';
import { MB, insertMedia, postsCore, value } from './helpers';

const PLATFORMS: PlatformId[] = ['x', 'bluesky', 'mastodon', 'linkedin', 'linkedin-page', 'threads', 'instagram', 'instagram-facebook', 'facebook', 'tiktok', 'youtube', 'pinterest', 'telegram'];

let t: TestCore;
const account = {} as Record<PlatformId, string>;
let bigMastodon = '';
beforeAll(async () => {
  // With a bucket set up, so media rules are checked on their own (the no-bucket rule has its own
  // test in test/main/platforms/threads/engine.test.ts).
  const s = await postsCore(PLATFORMS.map((platform) => ({ platform })), { mediaHosting: () => true });
  t = s.t;
  PLATFORMS.forEach((p, i) => (account[p] = s.ids[i]!));
  bigMastodon = insertAccounts(t.dataDir, [{ platform: 'mastodon', handle: 'big', meta: { limits: { maxCharacters: 5000, charactersReservedPerUrl: 30, maxMediaAttachments: 6, imageSizeLimit: 2 * MB } } }])[0]!;
});
afterAll(async () => t.dispose());

type Part = { text: string; media?: Array<{ mediaId: string; altText?: string }> };
async function check(platform: PlatformId | string, parts: Part[], target: Record<string, unknown> = {}): Promise<EntryValidation> {
  const accountId = account[platform as PlatformId] ?? platform;
  const r = value(await t.core.invoke('posts:validate', { parts, targets: [{ accountId, ...target }] }));
  return r.entries[0]!;
}
const messages = (v: EntryValidation) => v.problems.map((p) => p.message);
const image = (bytes = 100_000, mime = 'image/jpeg', name = 'photo.jpg') => insertMedia(t.dataDir, { kind: 'image', bytes, mime, name });
const video = (bytes = 1_000_000, name = 'clip.mp4') => insertMedia(t.dataDir, { kind: 'video', bytes, name });

const YT = { settings: { title: 'My video', madeForKids: false } };
const TT = { settings: { privacyLevel: 'PUBLIC_TO_EVERYONE' } };
const PIN = { settings: { boardId: 'b1' } };

describe('text limits, counted as each platform counts', () => {
  it('X: 280 weighted; problems read "X: 291/280 characters"', async () => {
    expect((await check('x', [{ text: 'a'.repeat(280) }])).problems).toEqual([]);
    const v = await check('x', [{ text: 'a'.repeat(291) }]);
    expect(v).toMatchObject({ platform: 'x', length: 291, limit: 280 });
    expect(v.problems).toEqual([{ path: 'parts.0.text', message: 'X: 291/280 characters', platform: 'x' }]);
  });

  it('X: CJK and emoji weigh 2, URLs 23', async () => {
    expect((await check('x', [{ text: '日'.repeat(140) }])).length).toBe(280);
    expect(messages(await check('x', [{ text: '日'.repeat(141) }]))).toEqual(['X: 282/280 characters']);
    expect((await check('x', [{ text: '😀'.repeat(140) }])).problems).toEqual([]);
    expect((await check('x', [{ text: `${'a'.repeat(256)} https://example.com/${'p'.repeat(200)}` }])).length).toBe(280);
  });

  it('Bluesky: 300 graphemes (emoji families and combining marks count 1)', async () => {
    expect((await check('bluesky', [{ text: '👨‍👩‍👧‍👦'.repeat(100) }])).problems).toEqual([]);
    expect((await check('bluesky', [{ text: 'e\u0301'.repeat(300) }])).length).toBe(300);
    expect(messages(await check('bluesky', [{ text: '日'.repeat(301) }]))).toEqual(['Bluesky: 301/300 characters']);
  });

  it('Bluesky: also 3,000 UTF-8 bytes, and the counter shows the limit that binds', async () => {
    // 300 family emoji are 300 graphemes but 7,500 bytes: the PDS answers "string too big".
    const family = await check('bluesky', [{ text: '👨‍👩‍👧‍👦'.repeat(300) }]);
    expect(messages(family)).toEqual(['Bluesky: 7,500/3,000 bytes']);
    expect(family).toMatchObject({ length: 7_500, limit: 3_000, unit: 'bytes' });
    // 120 family emoji: 120 graphemes, 3,000 bytes: exactly at the byte limit, which binds.
    expect(await check('bluesky', [{ text: '👨‍👩‍👧‍👦'.repeat(120) }])).toMatchObject({ length: 3_000, limit: 3_000, unit: 'bytes', problems: [] });
    // Plain text binds on graphemes.
    expect(await check('bluesky', [{ text: 'a'.repeat(250) }])).toMatchObject({ length: 250, limit: 300, unit: 'characters' });
    // Over both: one problem, in the first unit that breaks.
    expect(messages(await check('bluesky', [{ text: '日'.repeat(1001) }]))).toEqual(['Bluesky: 1,001/300 characters']);
  });

  it('Threads: emoji count their UTF-8 bytes', async () => {
    expect(await check('threads', [{ text: '😀'.repeat(125) }])).toMatchObject({ length: 500, problems: [] });
    expect(messages(await check('threads', [{ text: '😀'.repeat(126) }]))).toEqual(['Threads: 504/500 characters']);
    expect((await check('threads', [{ text: 'é'.repeat(500) }])).problems).toEqual([]);
  });

  it('Mastodon: 500 by default with every URL counted as 23', async () => {
    const url = `https://example.com/${'x'.repeat(300)}`;
    const v = await check('mastodon', [{ text: `${'a'.repeat(477)} ${url}` }]);
    expect(v).toMatchObject({ length: 501, limit: 500 });
    expect(messages(await check('mastodon', [{ text: `${'a'.repeat(476)} ${url}` }]))).toEqual([]);
    expect(messages(await check('mastodon', [{ text: '😀'.repeat(501) }]))).toEqual(['Mastodon: 501/500 characters']);
  });

  it("Mastodon: the instance's own limits replace the defaults", async () => {
    const v = await check(bigMastodon, [{ text: `${'a'.repeat(1000)} https://example.com/x` }]);
    expect(v).toMatchObject({ length: 1031, limit: 5000, problems: [] });
  });

  it('Mastodon: the content warning counts toward the limit', async () => {
    const v = await check('mastodon', [{ text: 'a'.repeat(490) }], { settings: { spoilerText: 'spoilers!!!' } });
    expect(messages(v)).toEqual(['Mastodon: 501/500 characters (with the content warning)']);
  });

  it.each([
    ['threads', 500, {}],
    ['linkedin', 3_000, {}],
    ['linkedin-page', 3_000, {}],
    ['facebook', 63_206, {}],
    ['telegram', 4_096, {}],
  ] as const)('%s: %i characters', async (platform, limit, target) => {
    expect((await check(platform, [{ text: 'a'.repeat(limit) }], target)).problems).toEqual([]);
    const v = await check(platform, [{ text: 'a'.repeat(limit + 1) }], target);
    expect(v.limit).toBe(limit);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]!.message).toMatch(new RegExp(`${(limit + 1).toLocaleString('en-US')}/${limit.toLocaleString('en-US')} characters`));
  });

  it('Threads: 500, an emoji counting its UTF-8 bytes (😀 4, ❤️ 6), accents and CJK 1 each', async () => {
    expect((await check('threads', [{ text: '😀'.repeat(125) }])).problems).toEqual([]);
    expect(messages(await check('threads', [{ text: '😀'.repeat(126) }]))).toEqual(['Threads: 504/500 characters']);
    expect((await check('threads', [{ text: `${'❤️'.repeat(10)}${'é'.repeat(440)}` }])).length).toBe(500);
    expect((await check('threads', [{ text: '日本'.repeat(250) }])).problems).toEqual([]);
  });

  it('Instagram: 2,200 for the caption', async () => {
    const m = image();
    expect(messages(await check('instagram', [{ text: 'a'.repeat(2201), media: [{ mediaId: m }] }]))).toEqual(['Instagram: caption is 2,201/2,200 characters']);
  });

  it('TikTok: 2,200 for the caption', async () => {
    const v = video();
    expect(messages(await check('tiktok', [{ text: 'a'.repeat(2201), media: [{ mediaId: v }] }], TT))).toEqual(['TikTok: caption is 2,201/2,200 characters']);
  });

  it('YouTube: title 100 characters and description 5,000 bytes', async () => {
    const v = video();
    expect(messages(await check('youtube', [{ text: 'a'.repeat(5001), media: [{ mediaId: v }] }], { settings: { title: 't'.repeat(101), madeForKids: false } }))).toEqual([
      'YouTube: description is 5,001/5,000 bytes',
      'YouTube: title is 101/100 characters',
    ]);
    expect(messages(await check('youtube', [{ text: 'é'.repeat(2501), media: [{ mediaId: v }] }], YT))).toEqual(['YouTube: description is 5,002/5,000 bytes']);
  });

  it('YouTube: the description counts 5,000 bytes of UTF-8 and takes no < or >', async () => {
    const v = video();
    const settings = { settings: { title: 'T', madeForKids: false } };
    // 2,000 characters of 3 bytes each: within the character count, over YouTube's bytes.
    expect(messages(await check('youtube', [{ text: '音'.repeat(2_000), media: [{ mediaId: v }] }], settings))).toEqual([
      'YouTube: description is 6,000/5,000 bytes',
    ]);
    expect(messages(await check('youtube', [{ text: '音'.repeat(1_666), media: [{ mediaId: v }] }], settings))).toEqual([]);
    expect(messages(await check('youtube', [{ text: 'a <b> c', media: [{ mediaId: v }] }], settings))).toEqual(['YouTube: the description cannot contain < or >']);
  });

  it('Pinterest: title 100 and description 800', async () => {
    const m = image();
    expect(messages(await check('pinterest', [{ text: 'a'.repeat(801), media: [{ mediaId: m }] }], { settings: { boardId: 'b', title: 't'.repeat(101) } }))).toEqual([
      'Pinterest: description is 801/800 characters',
      'Pinterest: title is 101/100 characters',
    ]);
  });

  it('Telegram: 1,024 for a caption when the message has media', async () => {
    const m = image();
    const v = await check('telegram', [{ text: 'a'.repeat(1025), media: [{ mediaId: m }] }]);
    expect(v.limit).toBe(1024);
    expect(messages(v)).toEqual(['Telegram: 1,025/1,024 characters (a caption with media)']);
  });

  it('a text override replaces the first part for its entry and is checked instead', async () => {
    const v = await check('x', [{ text: 'a'.repeat(400) }], { textOverride: 'short' });
    expect(v.problems).toEqual([]);
    const w = await check('x', [{ text: 'short' }], { textOverride: 'b'.repeat(300) });
    expect(w.problems[0]!.path).toBe('targets.0.textOverride');
  });

  it('an empty post is a problem where text is needed', async () => {
    expect(messages(await check('x', [{ text: '  ' }]))).toEqual(['X: the post is empty']);
  });
});

describe('threads only where the platform has them', () => {
  it.each(['x', 'bluesky', 'mastodon', 'threads'] as const)('%s takes a thread', async (platform) => {
    expect((await check(platform, [{ text: 'one' }, { text: 'two' }])).problems).toEqual([]);
  });

  it.each(['linkedin', 'facebook', 'telegram'] as const)('%s: a thread goes joined as one message by default, or as its first part', async (platform) => {
    const joined = await check(platform, [{ text: 'one' }, { text: 'two' }]);
    expect(joined.problems).toEqual([]);
    expect(joined.length).toBe('one\n\ntwo'.length);
    const first = await check(platform, [{ text: 'one' }, { text: 'a'.repeat(5000) }], { threadMode: 'first' });
    expect(first).toMatchObject({ length: 3, problems: [] });
  });

  it('joined parts are counted together, and the problem says how to fix it', async () => {
    const v = await check('telegram', [{ text: 'a'.repeat(3000) }, { text: 'b'.repeat(2000) }]);
    expect(v.problems).toEqual([
      { path: 'targets.0.threadMode', message: 'Telegram: the 2 parts joined are 5,002/4,096 characters: choose “First part only” for Telegram, shorten the parts, or give Telegram its own text', platform: 'telegram' },
    ]);
    expect((await check('telegram', [{ text: 'a'.repeat(3000) }, { text: 'b'.repeat(2000) }], { threadMode: 'first' })).problems).toEqual([]);
  });

  it('joined media of several parts are checked as one message', async () => {
    const parts = Array.from({ length: 3 }, () => ({ text: 'x', media: Array.from({ length: 4 }, () => ({ mediaId: image() })) }));
    const v = await check('telegram', parts);
    expect(v.problems.map((p) => [p.path, p.message])).toEqual([['targets.0.threadMode', 'Telegram: at most 10 images per post (the joined message has 12)']]);
    expect((await check('telegram', parts, { threadMode: 'first' })).problems).toEqual([]);
  });

  it('each part of a thread is counted on its own', async () => {
    const v = await check('x', [{ text: 'ok' }, { text: 'a'.repeat(281) }]);
    expect(v.problems).toEqual([{ path: 'parts.1.text', message: 'X: part 2 is 281/280 characters', platform: 'x' }]);
  });

  it('an empty part of a thread is a problem', async () => {
    expect(messages(await check('bluesky', [{ text: 'one' }, { text: '' }]))).toEqual(['Bluesky: part 2 is empty']);
  });
});

describe('media rules per platform and content type', () => {
  it.each([
    ['instagram', {}, 'Instagram: a post needs an image'],
    ['tiktok', TT, 'TikTok: a video needs a video'],
    ['youtube', YT, 'YouTube: a video needs a video'],
    ['pinterest', PIN, 'Pinterest: a pin needs a photo or video'],
  ] as const)('%s requires media', async (platform, target, message) => {
    expect(messages(await check(platform, [{ text: 'caption' }], target))).toEqual([message]);
  });

  it('X: at most 4 images', async () => {
    const media = Array.from({ length: 5 }, () => ({ mediaId: image() }));
    expect(messages(await check('x', [{ text: 'pics', media }]))).toEqual(['X: at most 4 images per post (the post has 5)']);
  });

  it('X: images and video cannot be combined', async () => {
    expect(messages(await check('x', [{ text: 'mix', media: [{ mediaId: image() }, { mediaId: video() }] }]))).toEqual(['X: images and video cannot be combined in one post']);
  });

  it('Threads and Telegram may mix images and video', async () => {
    for (const p of ['threads', 'telegram'] as const) expect((await check(p, [{ text: 'mix', media: [{ mediaId: image() }, { mediaId: video() }] }])).problems).toEqual([]);
  });

  it('size limits per kind: X 5 MB image, 512 MB video', async () => {
    expect(messages(await check('x', [{ text: 'big', media: [{ mediaId: image(6 * MB, 'image/jpeg', 'huge.jpg') }] }]))).toEqual(['X: huge.jpg is 6 MB; the limit is 5 MB for images']);
    expect(messages(await check('x', [{ text: 'big', media: [{ mediaId: video(600 * MB, 'long.mp4') }] }]))).toEqual(['X: long.mp4 is 600 MB; the limit is 512 MB for videos']);
    expect((await check('x', [{ text: 'gif', media: [{ mediaId: image(10 * MB, 'image/gif', 'a.gif') }] }])).problems).toEqual([]);
  });

  it('size limits: Bluesky 4 images up to 50 MB (re-encoded under its 1 MB blob limit when sent), 1 video of 100 MB', async () => {
    expect((await check('bluesky', [{ text: 'x', media: [{ mediaId: image(1.5 * MB, 'image/png', 'p.png') }] }])).problems).toEqual([]);
    expect(messages(await check('bluesky', [{ text: 'x', media: [{ mediaId: image(51 * MB, 'image/png', 'p.png') }] }]))).toEqual(['Bluesky: p.png is 51 MB; the limit is 50 MB for images']);
    expect(messages(await check('bluesky', [{ text: 'x', media: [{ mediaId: video(101 * MB, 'v.mp4') }] }]))).toEqual(['Bluesky: v.mp4 is 101 MB; the limit is 100 MB for videos']);
    expect(messages(await check('bluesky', [{ text: 'x', media: [{ mediaId: video() }, { mediaId: video() }] }]))).toEqual(['Bluesky: at most one video per post (the post has 2)']);
  });

  it('size limits: Instagram and Threads 8 MB images, Telegram 10 MB photos', async () => {
    expect(messages(await check('instagram', [{ text: 'x', media: [{ mediaId: image(9 * MB, 'image/jpeg', 'i.jpg') }] }]))).toEqual(['Instagram: i.jpg is 9 MB; the limit is 8 MB for images']);
    expect(messages(await check('threads', [{ text: 'x', media: [{ mediaId: image(9 * MB, 'image/jpeg', 'i.jpg') }] }]))).toEqual(['Threads: i.jpg is 9 MB; the limit is 8 MB for images']);
    expect(messages(await check('telegram', [{ text: 'x', media: [{ mediaId: image(11 * MB, 'image/jpeg', 'i.jpg') }] }]))).toEqual(['Telegram: i.jpg is 11 MB; the limit is 10 MB for images']);
  });

  it("Mastodon: the instance's media count and size limits apply", async () => {
    const six = Array.from({ length: 5 }, () => ({ mediaId: image() }));
    expect(messages(await check('mastodon', [{ text: 'x', media: six }]))).toEqual(['Mastodon: at most 4 images per post (the post has 5)']);
    expect((await check(bigMastodon, [{ text: 'x', media: six.slice(0, 4) }])).problems).toEqual([]);
    expect(messages(await check(bigMastodon, [{ text: 'x', media: [{ mediaId: image(3 * MB, 'image/jpeg', 'm.jpg') }] }]))).toEqual(['Mastodon: m.jpg is 3 MB; the limit is 2 MB for images']);
  });

  it('video length bounds apply when the length is known', async () => {
    const long = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'long.mp4', durationMs: 905_000 });
    expect(messages(await check('instagram', [{ text: 'x', media: [{ mediaId: long }] }], { contentType: 'instagram_reel' }))).toEqual(['Instagram: long.mp4 is 15 min 5 s long; a reel can be at most 15 min']);
    const short = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'blip.mp4', durationMs: 1_500 });
    expect(messages(await check('tiktok', [{ text: 'x', media: [{ mediaId: short }] }], TT))).toEqual(['TikTok: blip.mp4 is 1.5 s long; a video must be at least 3 s']);
    const unknown = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'clip.webm' });
    expect((await check('youtube', [{ text: 'x', media: [{ mediaId: unknown }] }], { ...YT, contentType: 'youtube_short' })).problems).toEqual([]);
    const x = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'x.mp4', durationMs: 141_000 });
    expect(messages(await check('x', [{ text: 'x', media: [{ mediaId: x }] }]))).toEqual(['X: x.mp4 is 2 min 21 s long; a post can be at most 2 min 20 s']);
  });

  it('video facts from import: TikTok 3 s to 10 min, Reels up to 90 s on Facebook, Shorts up to 3 min, and codecs where the platform names them', async () => {
    const ten = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'ten.mp4', durationMs: 601_000, container: 'mp4', videoCodec: 'h264', audioCodec: 'aac', frameRate: 30 });
    expect(messages(await check('tiktok', [{ text: 'x', media: [{ mediaId: ten }] }], TT))).toEqual(['TikTok: ten.mp4 is 10 min 1 s long; a video can be at most 10 min']);
    const reel = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'reel.mp4', durationMs: 91_000, container: 'mp4', videoCodec: 'h264', audioCodec: 'aac', frameRate: 30 });
    expect(messages(await check('facebook', [{ text: 'x', media: [{ mediaId: reel }] }], { contentType: 'facebook_reel' }))).toEqual(['Facebook: reel.mp4 is 1 min 31 s long; a reel can be at most 1 min 30 s']);
    const short = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'short.webm', durationMs: 181_000, container: 'webm', videoCodec: 'vp9', audioCodec: 'opus' });
    expect(messages(await check('youtube', [{ text: 'x', media: [{ mediaId: short }] }], { ...YT, contentType: 'youtube_short' }))).toEqual(['YouTube: short.webm is 3 min 1 s long; a short can be at most 3 min']);
    const webm = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'web.webm', mime: 'video/webm', durationMs: 20_000, container: 'webm', videoCodec: 'vp9', audioCodec: 'opus', frameRate: 30 });
    expect(messages(await check('instagram', [{ text: 'x', media: [{ mediaId: webm }] }], { contentType: 'instagram_reel' }))).toEqual(['Instagram: web.webm is a WebM file; a reel takes MP4 or MOV']);
    expect((await check('tiktok', [{ text: 'x', media: [{ mediaId: webm }] }], TT)).problems).toEqual([]);
    const hevc = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'iphone.mov', mime: 'video/quicktime', durationMs: 20_000, container: 'mov', videoCodec: 'hevc', audioCodec: 'aac', frameRate: 30 });
    expect(messages(await check('x', [{ text: 'x', media: [{ mediaId: hevc }] }]))).toEqual(['X: iphone.mov is HEVC (H.265) video; a post takes H.264']);
    expect((await check('instagram', [{ text: 'x', media: [{ mediaId: hevc }] }], { contentType: 'instagram_reel' })).problems).toEqual([]);
    const opus = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'opus.mp4', durationMs: 20_000, container: 'mp4', videoCodec: 'h264', audioCodec: 'opus', frameRate: 30 });
    expect(messages(await check('threads', [{ text: 'x', media: [{ mediaId: opus }] }]))).toEqual(['Threads: opus.mp4 has Opus sound; a post takes AAC sound']);
    const fast = insertMedia(t.dataDir, { kind: 'video', bytes: MB, name: 'slowmo.mp4', durationMs: 20_000, container: 'mp4', videoCodec: 'h264', audioCodec: 'aac', frameRate: 120 });
    expect(messages(await check('tiktok', [{ text: 'x', media: [{ mediaId: fast }] }], TT))).toEqual(['TikTok: slowmo.mp4 is 120 frames a second; a video takes at most 60']);
  });

  it('alt text over the platform limit is a problem', async () => {
    const v = await check('x', [{ text: 'x', media: [{ mediaId: image(), altText: 'a'.repeat(1001) }] }]);
    expect(v.problems).toEqual([{ path: 'parts.0.media.0.altText', message: 'X: alt text of item 1 is 1,001/1,000 characters', platform: 'x' }]);
  });

  it('media that is not in the library is a problem', async () => {
    expect((await check('x', [{ text: 'x', media: [{ mediaId: 'gone' }] }])).problems.map((p) => p.path)).toEqual(['parts.0.media.0.mediaId']);
  });
});

describe('content types', () => {
  it('each platform offers only its own content types', async () => {
    const v = await check('x', [{ text: 'x' }], { contentType: 'instagram_reel' });
    expect(v.problems.map((p) => p.path)).toEqual(['targets.0.contentType']);
    expect(v.problems[0]!.message).toBe('X: instagram_reel is not a X post type; choose post');
  });

  it('an Instagram reel needs one video and takes no images', async () => {
    expect(messages(await check('instagram', [{ text: 'x' }], { contentType: 'instagram_reel' }))).toEqual(['Instagram: a reel needs a video']);
    expect(messages(await check('instagram', [{ text: 'x', media: [{ mediaId: image() }] }], { contentType: 'instagram_reel' }))).toEqual(['Instagram: a reel cannot include images']);
    expect((await check('instagram', [{ text: 'x', media: [{ mediaId: video() }] }], { contentType: 'instagram_reel' })).problems).toEqual([]);
  });

  it('an Instagram carousel needs 2 to 10 items, images and videos mixed', async () => {
    expect(messages(await check('instagram', [{ text: 'x', media: [{ mediaId: image() }] }], { contentType: 'instagram_carousel' }))).toEqual(['Instagram: a carousel needs 2 photos or videos']);
    expect((await check('instagram', [{ text: 'x', media: [{ mediaId: image() }, { mediaId: video() }] }], { contentType: 'instagram_carousel' })).problems).toEqual([]);
  });

  it('a post type in settings picks the content type', async () => {
    const v = await check('instagram', [{ text: 'x', media: [{ mediaId: video() }] }], { settings: { postType: 'reel' } });
    expect(v.contentType).toBe('instagram_reel');
    expect(v.problems).toEqual([]);
  });

  it('a post type that contradicts the content type is a problem', async () => {
    const v = await check('instagram', [{ text: 'x', media: [{ mediaId: video() }] }], { contentType: 'instagram_reel', settings: { postType: 'story' } });
    expect(v.problems.map((p) => p.path)).toEqual(['targets.0.settings.postType']);
  });

  it('TikTok photos take up to 35 images and no video', async () => {
    expect(messages(await check('tiktok', [{ text: 'x', media: [{ mediaId: video() }] }], { ...TT, contentType: 'tiktok_photo' }))).toEqual(['TikTok: a photo post cannot include video']);
    expect(messages(await check('tiktok', [{ text: 'x' }], { ...TT, contentType: 'tiktok_photo' }))).toEqual(['TikTok: a photo post needs an image']);
    const many = Array.from({ length: 35 }, () => ({ mediaId: image() }));
    expect((await check('tiktok', [{ text: 'x', media: many }], { ...TT, contentType: 'tiktok_photo' })).problems).toEqual([]);
    // LinkedIn takes 20 images: the 21st is a problem.
    expect(messages(await check('linkedin', [{ text: 'x', media: many.slice(0, 21) }]))).toEqual(['LinkedIn: at most 20 images per post (the post has 21)']);
  });
});

describe('per-platform settings (zod)', () => {
  it('X reply settings must be a known choice', async () => {
    const v = await check('x', [{ text: 'x' }], { settings: { replySettings: 'friends' } });
    expect(v.problems).toEqual([{ path: 'targets.0.settings.replySettings', message: 'X: reply settings must be one of everyone, following, mentionedUsers, subscribers, verified', platform: 'x' }]);
    expect((await check('x', [{ text: 'x' }], { settings: { replySettings: 'following' } })).problems).toEqual([]);
  });

  it('an unknown setting is named', async () => {
    expect(messages(await check('telegram', [{ text: 'x' }], { settings: { silnet: true } }))).toEqual(['Telegram: there is no silnet setting']);
  });

  it('Telegram silent, protected and link preview are switches', async () => {
    expect((await check('telegram', [{ text: 'x' }], { settings: { silent: true, protected: true, linkPreview: false } })).problems).toEqual([]);
    expect(messages(await check('telegram', [{ text: 'x' }], { settings: { silent: 'yes' } }))).toEqual(['Telegram: silent must be on or off']);
  });

  it('LinkedIn visibility', async () => {
    expect((await check('linkedin', [{ text: 'x' }], { settings: { visibility: 'connections' } })).problems).toEqual([]);
    expect((await check('linkedin-page', [{ text: 'x' }], { settings: { visibility: 'connections' } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.visibility']);
  });

  it('YouTube needs a title and the made-for-kids answer; privacy and tags are checked', async () => {
    const v = video();
    expect(messages(await check('youtube', [{ text: 'x', media: [{ mediaId: v }] }], { settings: {} }))).toEqual([
      'YouTube: a video title is required',
      'YouTube: say whether the video is made for kids',
    ]);
    expect((await check('youtube', [{ text: 'x', media: [{ mediaId: v }] }], { settings: { title: 'T', madeForKids: true, privacy: 'unlisted', tags: ['a', 'b'], notifySubscribers: false } })).problems).toEqual([]);
    expect(messages(await check('youtube', [{ text: 'x', media: [{ mediaId: v }] }], { settings: { title: 'a <b>', madeForKids: false } }))).toEqual(['YouTube: title cannot contain < or >']);
  });

  it('TikTok needs a privacy level; branded content cannot be private', async () => {
    const v = video();
    expect((await check('tiktok', [{ text: 'x', media: [{ mediaId: v }] }], { settings: {} })).problems.map((p) => p.path)).toEqual(['targets.0.settings.privacyLevel']);
    const branded = await check('tiktok', [{ text: 'x', media: [{ mediaId: v }] }], { settings: { privacyLevel: 'SELF_ONLY', brandedContent: true } });
    expect(messages(branded)).toEqual(['TikTok: branded content cannot be private (only me)']);
    expect((await check('tiktok', [{ text: 'x', media: [{ mediaId: v }] }], { settings: { privacyLevel: 'FOLLOWER_OF_CREATOR', allowComments: true, allowDuet: false, allowStitch: true, aiGenerated: true } })).problems).toEqual([]);
  });

  it('Pinterest needs a board; the link must be a web address', async () => {
    const m = image();
    expect(messages(await check('pinterest', [{ text: 'x', media: [{ mediaId: m }] }], { settings: {} }))).toEqual(['Pinterest: choose a board']);
    expect((await check('pinterest', [{ text: 'x', media: [{ mediaId: m }] }], { settings: { boardId: 'b', link: 'javascript:alert(1)' } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.link']);
  });

  it('Mastodon visibility, language and poll; a poll cannot be combined with media', async () => {
    expect((await check('mastodon', [{ text: 'x' }], { settings: { visibility: 'unlisted', language: 'fr', poll: { options: ['a', 'b'], expiresIn: 3600 } } })).problems).toEqual([]);
    expect(messages(await check('mastodon', [{ text: 'x', media: [{ mediaId: image() }] }], { settings: { poll: { options: ['a', 'b'], expiresIn: 3600 } } }))).toEqual(['Mastodon: a poll cannot be combined with media']);
    expect(messages(await check('mastodon', [{ text: 'x' }], { settings: { poll: { options: ['a', 'b', 'c', 'd', 'e'], expiresIn: 3600 } } }))).toEqual(['Mastodon: at most 4 poll choices (5 given)']);
    expect((await check('mastodon', [{ text: 'x' }], { settings: { visibility: 'pigeon' } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.visibility']);
  });

  it('Bluesky takes at most 3 languages', async () => {
    expect((await check('bluesky', [{ text: 'x' }], { settings: { languages: ['en', 'fr', 'de', 'es'] } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.languages']);
  });

  it('Instagram collaborators: at most 3, as usernames; a location is a place id; stories take neither', async () => {
    expect((await check('instagram', [{ text: 'x', media: [{ mediaId: image() }] }], { settings: { collaborators: ['a', 'b', 'c', 'd'] } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.collaborators']);
    expect((await check('instagram', [{ text: 'x', media: [{ mediaId: image() }] }], { settings: { collaborators: ['@ada.draws', 'bob_2'], locationId: '110843418940484' } })).problems).toEqual([]);
    expect((await check('instagram', [{ text: 'x', media: [{ mediaId: image() }] }], { settings: { collaborators: ['not a name'] } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.collaborators.0']);
    expect(messages(await check('instagram', [{ text: 'x', media: [{ mediaId: image() }] }], { settings: { locationId: 'Paris' } }))).toEqual(['Instagram: location id must be the number of a Facebook place (a location Page id)']);
    expect(messages(await check('instagram-facebook', [{ text: 'x', media: [{ mediaId: image() }] }], { contentType: 'instagram_story', settings: { collaborators: ['bob'], locationId: '1' } }))).toEqual([
      'Instagram: a story cannot have collaborators',
      'Instagram: a story cannot carry a location',
    ]);
  });

  it('Facebook: a link must be a web address; a title is at most 255 characters', async () => {
    expect((await check('facebook', [{ text: 'x' }], { settings: { link: 'https://example.com/post', title: 'Launch' } })).problems).toEqual([]);
    expect((await check('facebook', [{ text: 'x' }], { settings: { link: 'ftp://example.com' } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.link']);
    expect((await check('facebook', [{ text: 'x' }], { settings: { title: 't'.repeat(256) } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.title']);
  });
});

describe('Media hosting (Instagram fetches media from a link to the creator\'s bucket)', () => {
  let bare: TestCore;
  let ids: string[];
  beforeAll(async () => {
    // No public links given to the engine: Media hosting is not set up.
    const s = await postsCore([{ platform: 'instagram' }, { platform: 'instagram-facebook' }, { platform: 'facebook' }]);
    bare = s.t;
    ids = s.ids;
  });
  afterAll(async () => bare.dispose());

  it('an Instagram post is refused before scheduling, naming Media hosting; a draft keeps it as a warning; Facebook is not concerned', async () => {
    const m = insertMedia(bare.dataDir, { kind: 'image', bytes: 100_000, mime: 'image/jpeg', name: 'p.jpg' });
    const parts = [{ text: 'Morning light', media: [{ mediaId: m, altText: 'A window' }] }];
    const checked = value(await bare.core.invoke('posts:validate', { parts, targets: ids.map((accountId) => ({ accountId })) }));
    expect(checked.entries.map((e) => e.problems)).toEqual([
      [{ path: 'parts.0.media', platform: 'instagram', message: 'Instagram fetches images and videos from a public link: set up Media hosting (your own bucket) in Settings, or remove the media' }],
      [{ path: 'parts.0.media', platform: 'instagram-facebook', message: 'Instagram fetches images and videos from a public link: set up Media hosting (your own bucket) in Settings, or remove the media' }],
      [],
    ]);
    const scheduled = await bare.core.invoke('posts:create', { parts, targets: [{ accountId: ids[0]! }], schedule: { mode: 'at', at: new Date(bare.clock.now() + 3_600_000).toISOString() } });
    expect(scheduled).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'parts.0.media', message: expect.stringContaining('Media hosting') }] } });
    expect(value(await bare.core.invoke('posts:list', {})).total).toBe(0);
    const draft = value(await bare.core.invoke('posts:create', { parts, targets: [{ accountId: ids[0]! }], schedule: { mode: 'draft' } }));
    expect(draft.warnings.map((w) => w.message)).toEqual([expect.stringContaining('Media hosting')]);
  });

  it('the rule as a function: only content types fetched from a link, only with media (or a type that requires it)', () => {
    const image = [{ media: [{ mediaId: 'm', altText: '' }] }];
    const none = [{ media: [] }];
    expect(needsMediaHosting('instagram', 'instagram_post', image)).toBe(true);
    expect(needsMediaHosting('instagram-facebook', 'instagram_reel', none)).toBe(true);
    expect(needsMediaHosting('threads', 'threads_post', none)).toBe(false);
    expect(needsMediaHosting('threads', 'threads_post', image)).toBe(true);
    expect(needsMediaHosting('tiktok', 'tiktok_photo', image)).toBe(true);
    expect(needsMediaHosting('tiktok', 'tiktok_video', image)).toBe(false);
    expect(needsMediaHosting('facebook', 'facebook_post', image)).toBe(false);
    expect(needsMediaHosting('bluesky', 'bluesky_post', image)).toBe(false);
  });
});

describe('posts:validate', () => {
  it('answers per entry: platform, counted length, limit and problems, for 13 platforms at once', async () => {
    const r = value(await t.core.invoke('posts:validate', { parts: [{ text: 'hello' }], targets: PLATFORMS.map((p) => ({ accountId: account[p] })) }));
    expect(r.entries.map((e) => [e.platform, e.length, e.limit])).toEqual([
      ['x', 5, 280],
      ['bluesky', 5, 300],
      ['mastodon', 5, 500],
      ['linkedin', 5, 3000],
      ['linkedin-page', 5, 3000],
      ['threads', 5, 500],
      ['instagram', 5, 2200],
      ['instagram-facebook', 5, 2200],
      ['facebook', 5, 63206],
      ['tiktok', 5, 2200],
      ['youtube', 5, 5000],
      ['pinterest', 5, 800],
      ['telegram', 5, 4096],
    ]);
    for (const e of r.entries) for (const p of e.problems) expect(p.platform).toBe(e.platform);
  });

  it('an unknown account is a validation error on targets.N.accountId', async () => {
    const r = await t.core.invoke('posts:validate', { parts: [{ text: 'x' }], targets: [{ accountId: 'nope' }] });
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('targets.0.accountId');
  });
});

describe('Threads settings and rules', () => {
  it('who can reply: the five values of reply_control; anything else names the field', async () => {
    for (const replyControl of ['everyone', 'accounts_you_follow', 'mentioned_only', 'parent_post_author_only', 'followers_only']) {
      expect((await check('threads', [{ text: 'x' }], { settings: { replyControl } })).problems).toEqual([]);
    }
    expect((await check('threads', [{ text: 'x' }], { settings: { replyControl: 'nobody' } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.replyControl']);
  });

  it('a topic tag: 1 to 50 characters, no periods or ampersands', async () => {
    expect((await check('threads', [{ text: 'x' }], { settings: { topicTag: 'Printmaking' } })).problems).toEqual([]);
    expect(messages(await check('threads', [{ text: 'x' }], { settings: { topicTag: 'Arts & Crafts' } }))).toEqual(['Threads: topic tag cannot contain periods or ampersands']);
    expect(messages(await check('threads', [{ text: 'x' }], { settings: { topicTag: 't'.repeat(51) } }))).toEqual(['Threads: topic tag at most 50 characters']);
  });

  it('a link preview goes on a text-only first post only', async () => {
    const settings = { linkAttachment: 'https://shop.example/prints' };
    expect((await check('threads', [{ text: 'New prints' }], { settings })).problems).toEqual([]);
    expect((await check('threads', [{ text: 'New prints', media: [{ mediaId: image() }] }], { settings })).problems).toEqual([
      { path: 'targets.0.settings.linkAttachment', message: 'Threads: a link preview only goes on a text-only first post: remove the media of part 1 or the link preview', platform: 'threads' },
    ]);
    expect((await check('threads', [{ text: 'x' }], { settings: { linkAttachment: 'ftp://shop.example' } })).problems.map((p) => p.path)).toEqual(['targets.0.settings.linkAttachment']);
  });

  it('at most 5 distinct links a post, the link preview included', async () => {
    const links = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/${i}`).join(' ');
    expect((await check('threads', [{ text: links(5) }])).problems).toEqual([]);
    expect(messages(await check('threads', [{ text: links(4) }], { settings: { linkAttachment: 'https://shop.example' } }))).toEqual([]);
    expect(messages(await check('threads', [{ text: links(5) }], { settings: { linkAttachment: 'https://shop.example' } }))).toEqual(['Threads: the post has 6 links; a post can have at most 5']);
    expect(messages(await check('threads', [{ text: 'one' }, { text: links(6) }]))).toEqual(['Threads: part 2 has 6 links; a post can have at most 5']);
  });

  it('a carousel of up to 20 images and videos', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ mediaId: i % 2 ? video() : image() }));
    expect((await check('threads', [{ text: 'x', media: twenty }])).problems).toEqual([]);
    expect(messages(await check('threads', [{ text: 'x', media: [...twenty, { mediaId: image() }] }]))).toEqual(['Threads: at most 20 media items per post (the post has 21)']);
  });
});
