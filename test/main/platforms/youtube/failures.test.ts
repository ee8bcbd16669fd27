// YouTube's failures through the engine. The daily quota: the composer is warned when a day's
// uploads would not fit (estimated from Outbox's own attempt log), YouTube's quotaExceeded holds the
// rest until midnight Pacific Time, and they go out then, once each. An access token YouTube stops
// accepting mid-upload. A Cloud project YouTube has not audited (uploads locked private).
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { startYouTubeFake, type YouTubeFake } from '../../../fakes/youtube';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { youtubeDiscovery } from '../../../support/google-discovery';
import { makeVideo } from '../../../support/videos';
import { connectYouTube, expectOk, getPost, paddedVideo, publicVideos, run, testAdapter, until, youtubeCoreOptions } from './engine-helpers';

const files = tempDir('outbox-youtube-quota-');
let clip: string;
let clock: ManualClock;
let fake: YouTubeFake;
let t: TestCore;
let account: string;
let videoId: string;

beforeAll(async () => {
  clip = await makeVideo(join(files.dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 90, fps: 10 });
});
afterAll(() => files.remove());
beforeEach(async () => {
  // 09:00 in California.
  clock = new ManualClock(Date.parse('2026-03-02T17:00:00Z'));
  fake = await startYouTubeFake({ dir: files.dir, now: () => clock.now(), processingMs: 0 });
  // Chunks of 256 KiB, so a video of a few MB takes several requests.
  t = await makeTestCore({ clock, ...youtubeCoreOptions(fake, testAdapter({ chunkSize: 256 * 1024 })) });
  account = await connectYouTube(t, fake);
  // Uploaded at their time by Outbox (with the hand-off they would all be uploaded now).
  expectOk(await t.core.invoke('accounts:setHandOff', { id: account, handOff: false }));
  videoId = expectOk(await t.core.invoke('media:import', { path: clip })).id;
});
afterEach(async () => {
  expect(youtubeDiscovery().validateExchanges(fake.exchanges)).toEqual([]);
  await t.dispose();
  await fake.close();
});

const post = (title: string) => ({ parts: [{ text: `${title}, the description`, media: [{ mediaId: videoId, altText: '' }] }], targets: [{ accountId: account, settings: { title, madeForKids: false } }] });

it('the seventh upload of a day is a warning in the composer, not a refusal; YouTube refuses it with quotaExceeded and it goes out after midnight Pacific Time', async () => {
  const at = new Date(Date.parse('2026-03-02T18:00:00Z')).toISOString();
  const ids: string[] = [];
  for (let i = 1; i <= 6; i++) {
    const created = expectOk(await t.core.invoke('posts:create', { ...post(`Video ${i}`), schedule: { mode: 'at', at } }));
    expect(created.warnings).toEqual([]);
    ids.push(created.post.id);
  }
  // The composer, before the seventh is saved: the same day warns, the next day does not.
  const check = expectOk(await t.core.invoke('posts:validate', { ...post('Video 7'), scheduledAt: at }));
  expect(check.entries[0]!.problems).toEqual([]);
  expect(check.entries[0]!.warnings).toEqual([{ path: 'targets.0', platform: 'youtube', message: expect.stringMatching(/^YouTube: 7 video uploads are planned for today \(Pacific Time\).*leaves room for 6/) }]);
  const tomorrow = expectOk(await t.core.invoke('posts:validate', { ...post('Video 7'), scheduledAt: '2026-03-03T18:00:00.000Z' }));
  expect(tomorrow.entries[0]!.warnings).toEqual([]);
  // Editing one of the six does not count it twice.
  const edit = expectOk(await t.core.invoke('posts:validate', { ...post('Video 6'), scheduledAt: at, postId: ids[5]! }));
  expect(edit.entries[0]!.warnings).toEqual([]);

  // Saved anyway: scheduled, with the warning.
  const seventh = expectOk(await t.core.invoke('posts:create', { ...post('Video 7'), schedule: { mode: 'at', at } }));
  expect(seventh.post.status).toBe('scheduled');
  expect(seventh.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/7 video uploads are planned for today/)]);
  ids.push(seventh.post.id);

  await run(clock, 61 * 60_000);
  await until(clock, async () => (await Promise.all(ids.slice(0, 6).map((id) => getPost(t, id)))).every((p) => p.status === 'published'), 'six uploads');
  await until(clock, async () => (await getPost(t, ids[6]!)).entries[0]!.attempts.some((a) => a.outcome === 'rate_limited'), 'the refusal');
  const held = await getPost(t, ids[6]!);
  expect(held.status).toBe('publishing');
  expect(held.entries[0]!.status).toBe('pending');
  expect(held.entries[0]!.attempts.at(-1)!.message).toMatch(/daily YouTube API quota of your Google Cloud project is used up.*after midnight Pacific Time/);
  expect(fake.videos.size).toBe(6);

  // Outbox's own estimate now says the day is used up (YouTube said so), whatever the count.
  const later = expectOk(await t.core.invoke('posts:validate', { ...post('Video 8'), scheduledAt: '2026-03-02T23:00:00.000Z' }));
  expect(later.entries[0]!.warnings[0]!.message).toMatch(/1 video upload is planned for today.*10,000 units are already used that day\) leaves room for 0/);
  // With YouTube's scheduler, a post for next week is uploaded now, so it is today's quota it needs.
  expectOk(await t.core.invoke('accounts:setHandOff', { id: account, handOff: true }));
  const nextWeek = expectOk(await t.core.invoke('posts:validate', { ...post('Next week'), scheduledAt: '2026-03-09T18:00:00.000Z' }));
  expect(nextWeek.entries[0]!.warnings[0]!.message).toMatch(/planned for today/);
  expectOk(await t.core.invoke('accounts:setHandOff', { id: account, handOff: false }));

  // Midnight in California (08:00 UTC): the quota is back and the seventh goes out, once.
  await run(clock, Date.parse('2026-03-03T08:01:00Z') - clock.now(), 10 * 60_000);
  await until(clock, async () => (await getPost(t, ids[6]!)).status === 'published', 'the seventh after midnight');
  expect(fake.videos.size).toBe(7);
  expect(publicVideos(fake).map((v) => v.snippet.title).sort()).toEqual(['Video 1', 'Video 2', 'Video 3', 'Video 4', 'Video 5', 'Video 6', 'Video 7']);
}, 60_000);

it('an access token YouTube stops accepting in the middle of the upload: the engine refreshes it and the upload goes on in the same session', async () => {
  let expiredAt: number | null = null;
  const stop = t.core.on('publish:progress', ({ sent }) => {
    if (sent > 0 && expiredAt === null) {
      expiredAt = sent;
      fake.expireAccessTokens();
    }
  });
  const big = join(files.dir, 'longer.mp4');
  await paddedVideo(clip, big, 2 * 1024 * 1024 + 999);
  const media = expectOk(await t.core.invoke('media:import', { path: big }));
  const created = expectOk(
    await t.core.invoke('posts:create', { parts: [{ text: 'Longer', media: [{ mediaId: media.id, altText: '' }] }], targets: [{ accountId: account, settings: { title: 'Longer', madeForKids: false } }], schedule: { mode: 'now' } }),
  );
  await until(clock, async () => (await getPost(t, created.post.id)).status === 'published', 'the publish');
  stop();
  const post = await getPost(t, created.post.id);
  // It stopped accepting the token after the first chunk, long before the last.
  expect(expiredAt).toBe(256 * 1024);
  expect(post.entries[0]!.attempts.map((a) => a.outcome)).toEqual(['auth', 'published']);
  expect(fake.videos.size).toBe(1);
  expect(fake.uploads.sessionsStarted).toBe(1);
  expect(fake.sessions()[0]!.received).toBe(media.bytes);
});

it('an unaudited Cloud project: the video is published locked private, and the post and a notification say why', async () => {
  fake.verifiedProject = false;
  const created = expectOk(await t.core.invoke('posts:create', { ...post('Locked'), schedule: { mode: 'now' } }));
  await until(clock, async () => (await getPost(t, created.post.id)).status === 'published', 'the publish');
  const entry = (await getPost(t, created.post.id)).entries[0]!;
  const [video] = [...fake.videos.values()];
  expect(video!.status.privacyStatus).toBe('private');
  expect(entry).toMatchObject({ status: 'published', platformPostId: video!.id });
  expect(entry.attempts.at(-1)).toMatchObject({ outcome: 'published', message: expect.stringMatching(/locked this video as private/) });
  expect(t.notifier.notifications).toContainEqual({ kind: 'info', title: 'YouTube published the post with a caveat', body: expect.stringMatching(/not audited/), target: { postId: created.post.id } });
});
