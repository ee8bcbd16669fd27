// The YouTube adapter against the YouTube fake (every exchange checked against the discovery
// document): the upload and its metadata, the cover, Shorts, resuming, and each failure YouTube
// documents; then YouTube's own scheduler (publishAt) at the adapter level.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../../../src/main/platforms/types';
import { createYouTubeAdapter } from '../../../../src/main/platforms/youtube/publish';
import { nextQuotaReset } from '../../../../src/main/platforms/youtube/quota';
import { startYouTubeFake, type YouTubeFake } from '../../../fakes/youtube';
import { tempDir } from '../../../support/core';
import { youtubeDiscovery } from '../../../support/google-discovery';
import { MemoryProgress } from '../mastodon/helpers';
import { coverImage, noSleep, randomVideo, signIn, youtubeContext } from './helpers';

const MiB = 1024 * 1024;
// 09:00 in California on a Monday.
let now = Date.parse('2026-03-02T17:00:00Z');
const clock = () => now;
const files = tempDir('outbox-youtube-');
let fake: YouTubeFake;
let token: string;
const adapter = createYouTubeAdapter({ sleep: noSleep, retry: { baseDelayMs: 1, maxDelayMs: 5 }, chunkSize: MiB });

beforeAll(async () => {
  fake = await startYouTubeFake({ dir: files.dir, now: clock, processingMs: 0 });
});
afterAll(async () => {
  await fake.close();
  files.remove();
});
beforeEach(async () => {
  now = Date.parse('2026-03-02T17:00:00Z');
  fake.setQuotaUsed(0);
  fake.verifiedProject = true;
  fake.exchanges.length = 0;
  token = (await signIn(fake)).accessToken;
});
afterEach(() => {
  expect(youtubeDiscovery().validateExchanges(fake.exchanges)).toEqual([]);
});

const newVideos = (before: number) => [...fake.videos.values()].slice(before);

async function refused(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof PublishError)) throw new Error(`expected a PublishError, got ${String(error)}`);
  return error;
}

describe('publishing a video', () => {
  it('uploads with every setting as metadata, sets the cover as the thumbnail, and answers with the watch page', async () => {
    const { media, sha256 } = randomVideo(files.dir, 'sea', 3 * MiB + 12_345, { cover: await coverImage(files.dir, 'sea-cover') });
    const sent: number[] = [];
    const ctx = youtubeContext({
      accessToken: token,
      video: media,
      text: 'Filmed at dawn on the north shore.',
      settings: { title: 'A walk by the sea', madeForKids: false, privacy: 'unlisted', tags: ['sea', 'morning walk'], categoryId: '19', embeddable: false, license: 'creativeCommon', notifySubscribers: false },
      now: clock,
      apiBase: fake.url,
      reportProgress: (s) => sent.push(s),
    });
    const before = fake.videos.size;
    const result = await adapter.publish(ctx);
    const [video] = newVideos(before);
    expect(video).toBeDefined();
    expect(result).toEqual({ platformPostId: video!.id, platformUrl: `https://www.youtube.com/watch?v=${video!.id}` });
    expect(video!.snippet).toMatchObject({ title: 'A walk by the sea', description: 'Filmed at dawn on the north shore.', tags: ['sea', 'morning walk'], categoryId: '19' });
    expect(video!.status).toMatchObject({ privacyStatus: 'unlisted', embeddable: false, license: 'creativeCommon', selfDeclaredMadeForKids: false, publishAt: null });
    expect(video!.notifySubscribers).toBe(false);
    expect(video!.sha256).toBe(sha256);
    // The cover went as a JPEG or PNG of at most 1280 px and 2 MB.
    expect(video!.thumbnail).toMatchObject({ width: 1280, height: 720 });
    expect(video!.thumbnail!.bytes).toBeLessThanOrEqual(2 * MiB);
    expect(sent.at(-1)).toBe(media.bytes);
    // Four chunks of 1 MiB: one session, every byte once.
    expect(fake.uploads.sessionsStarted).toBe(1);
    expect(fake.uploads.bytesReceived).toBe(media.bytes);
  });

  it('a Short carries #Shorts and links to its Shorts page; the creator\'s own #shorts is not doubled', async () => {
    const { media } = randomVideo(files.dir, 'short', 300_000, { width: 1080, height: 1920 });
    const before = fake.videos.size;
    const result = await adapter.publish(youtubeContext({ accessToken: token, video: media, text: 'Quick tip', contentType: 'youtube_short', now: clock, apiBase: fake.url }));
    const [video] = newVideos(before);
    expect(video!.snippet.description).toBe('Quick tip\n\n#Shorts');
    expect(result.platformUrl).toBe(`https://www.youtube.com/shorts/${video!.id}`);
    await adapter.publish(youtubeContext({ accessToken: token, video: media, text: 'Tip #shorts', contentType: 'youtube_short', now: clock, apiBase: fake.url }));
    expect(newVideos(before)[1]!.snippet.description).toBe('Tip #shorts');
  });

  it('connections dropped in the middle of chunks: the upload asks the session and goes on; one video, every byte once', async () => {
    const drops = await startYouTubeFake({ dir: files.dir, now: clock, processingMs: 0, dropAfter: ({ n }) => (n === 1 || n === 3 ? 300_000 : undefined) });
    try {
      const { accessToken } = await signIn(drops);
      const { media, sha256 } = randomVideo(files.dir, 'drops', 5 * MiB);
      const result = await adapter.publish(youtubeContext({ accessToken, video: media, now: clock, apiBase: drops.url }));
      expect(drops.videos.size).toBe(1);
      expect(result.platformPostId).toBe([...drops.videos.keys()][0]);
      expect(drops.uploads).toMatchObject({ sessionsStarted: 1, drops: 2, misplaced: 0, bytesReceived: media.bytes });
      expect(drops.sessions()[0]!.sha256).toBe(sha256);
      expect(youtubeDiscovery().validateExchanges(drops.exchanges)).toEqual([]);
    } finally {
      await drops.close();
    }
  });

  it('5xx at the start and on a chunk are retried; the answer of the last chunk lost after YouTube made the video: asked, not sent again', async () => {
    const { media } = randomVideo(files.dir, 'flaky', 2 * MiB + 10);
    fake.failNext({ method: 'POST', path: '/upload/youtube/v3/videos', status: 503 });
    fake.failNext({ method: 'PUT', path: '/upload/youtube/v3/videos', status: 500 });
    fake.failNext({ method: 'PUT', path: '/upload/youtube/v3/videos', status: 200, drop: true, afterHandling: true, skip: 3 });
    const before = fake.videos.size;
    const sessions = fake.uploads.sessionsStarted;
    const result = await adapter.publish(youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url }));
    expect(newVideos(before).map((v) => v.id)).toEqual([result.platformPostId]);
    expect(fake.uploads.sessionsStarted - sessions).toBe(1);
  });

  it('an expired sign-in (401) is `auth`; with the refreshed token the next attempt resumes the same session', async () => {
    const { media, sha256 } = randomVideo(files.dir, 'auth', 3 * MiB);
    const progress = new MemoryProgress();
    const abort = new AbortController();
    let seen = 0;
    const before = fake.videos.size;
    const sessions = fake.uploads.sessionsStarted;
    const first = youtubeContext({
      accessToken: token,
      video: media,
      progress,
      now: clock,
      apiBase: fake.url,
      signal: abort.signal,
      reportProgress: (sent) => {
        // The token runs out after the first chunk.
        if (sent > 0 && seen++ === 0) fake.expireAccessTokens();
      },
    });
    const error = await refused(adapter.publish(first));
    expect(error.kind).toBe('auth');
    expect(fake.videos.size).toBe(before);
    const fresh = (await signIn(fake)).accessToken;
    const result = await adapter.publish(youtubeContext({ accessToken: fresh, video: media, progress, now: clock, apiBase: fake.url }));
    expect(newVideos(before).map((v) => v.id)).toEqual([result.platformPostId]);
    expect(fake.uploads.sessionsStarted - sessions).toBe(1);
    expect(fake.sessions().at(-1)!.sha256).toBe(sha256);
  });

  it('quotaExceeded is rate_limited until midnight Pacific Time; nothing is uploaded', async () => {
    fake.setQuotaUsed(9_000);
    const { media } = randomVideo(files.dir, 'quota', 100_000);
    const before = fake.videos.size;
    const error = await refused(adapter.publish(youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url })));
    expect(error.kind).toBe('rate_limited');
    // 09:00 PST on 2 March: quota comes back at 00:00 PST on 3 March (08:00 UTC).
    expect(nextQuotaReset(now)).toBe(Date.parse('2026-03-03T08:00:00Z'));
    expect(error.retryAfterMs).toBe(Date.parse('2026-03-03T08:00:00Z') - now);
    expect(error.message).toMatch(/quota/);
    expect(fake.videos.size).toBe(before);
  });

  it('uploadLimitExceeded is permanent with YouTube\'s message', async () => {
    const limited = await startYouTubeFake({ dir: files.dir, now: clock, processingMs: 0, uploadLimit: 0 });
    try {
      const { accessToken } = await signIn(limited);
      const { media } = randomVideo(files.dir, 'limit', 100_000);
      const error = await refused(adapter.publish(youtubeContext({ accessToken, video: media, now: clock, apiBase: limited.url })));
      expect(error.kind).toBe('permanent');
      expect(error.message).toMatch(/daily upload limit.*exceeded the number of videos they may upload.*24 hours/);
      expect(youtubeDiscovery().validateExchanges(limited.exchanges)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('an unverified Cloud project: the upload comes back locked private, and the result says so', async () => {
    fake.verifiedProject = false;
    const { media } = randomVideo(files.dir, 'locked', 200_000);
    const before = fake.videos.size;
    const result = await adapter.publish(youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url }));
    const [video] = newVideos(before);
    expect(video!.status.privacyStatus).toBe('private');
    expect(result.platformUrl).toBe(`https://www.youtube.com/watch?v=${video!.id}`);
    expect(result.notice).toMatch(/locked this video as private.*not audited/);
  });

  it('processing that fails is permanent with the reason; trying again asks the same video, never uploads again', async () => {
    const { media } = randomVideo(files.dir, 'broken', 150_000);
    fake.processNext('failed');
    const progress = new MemoryProgress();
    const before = fake.videos.size;
    const ctx = () => youtubeContext({ accessToken: token, video: media, progress, now: clock, apiBase: fake.url });
    const error = await refused(adapter.publish(ctx()));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/could not process the video \(codec\)/);
    await refused(adapter.publish(ctx()));
    expect(newVideos(before)).toHaveLength(1);
  });

  it('a channel that may not set custom thumbnails: published, with a notice about the cover', async () => {
    const plain = await startYouTubeFake({ dir: files.dir, now: clock, processingMs: 0, channels: [{ id: 'UCplain00000000000000001', title: 'Plain', customUrl: '@plain', customThumbnails: false }] });
    try {
      const { accessToken } = await signIn(plain);
      const { media } = randomVideo(files.dir, 'nothumb', 100_000, { cover: await coverImage(files.dir, 'nothumb-cover', 640, 360) });
      const result = await adapter.publish(youtubeContext({ accessToken, video: media, now: clock, apiBase: plain.url }));
      expect(result.notice).toMatch(/did not take the cover image.*permissions to upload and set custom video thumbnails/);
      expect([...plain.videos.values()][0]!.thumbnail).toBeNull();
      expect(youtubeDiscovery().validateExchanges(plain.exchanges)).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('metadata YouTube refuses (a description with < >) is permanent, and nothing is uploaded', async () => {
    const { media } = randomVideo(files.dir, 'angle', 100_000);
    const before = fake.videos.size;
    const error = await refused(adapter.publish(youtubeContext({ accessToken: token, video: media, text: 'a <b>bold</b> claim', now: clock, apiBase: fake.url })));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/invalid video description/);
    expect(fake.videos.size).toBe(before);
  });

  it('a sign-in without YouTube permission for a call is `auth` (reconnect to grant it)', async () => {
    const readOnly = (await signIn(fake, ['https://www.googleapis.com/auth/youtube.readonly'])).accessToken;
    const { media } = randomVideo(files.dir, 'scope', 100_000);
    const error = await refused(adapter.publish(youtubeContext({ accessToken: readOnly, video: media, now: clock, apiBase: fake.url })));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/reconnect/);
  });

  it('reconcile: no session saved means nothing reached YouTube (null); a saved session is finished, not started again', async () => {
    const { media } = randomVideo(files.dir, 'reconcile', 2 * MiB);
    expect(await adapter.reconcile!(youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url }))).toBeNull();
    const progress = new MemoryProgress();
    const abort = new AbortController();
    const before = fake.videos.size;
    const sessions = fake.uploads.sessionsStarted;
    // Stopped after the first chunk (the engine gave up on the attempt).
    await refused(adapter.publish(youtubeContext({ accessToken: token, video: media, progress, now: clock, apiBase: fake.url, signal: abort.signal, reportProgress: (s) => s > 0 && abort.abort() })));
    expect(fake.videos.size).toBe(before);
    const found = await adapter.reconcile!(youtubeContext({ accessToken: token, video: media, progress, now: clock, apiBase: fake.url }));
    expect(newVideos(before).map((v) => v.id)).toEqual([found!.platformPostId]);
    expect(fake.uploads.sessionsStarted - sessions).toBe(1);
  });
});

describe("YouTube's scheduler (publishAt)", () => {
  const HOUR = 3_600_000;

  it('schedule uploads a private video with publishAt; reschedule moves it keeping the other settings; YouTube publishes it at its time', async () => {
    const { media } = randomVideo(files.dir, 'sched', 1 * MiB + 5);
    const progress = new MemoryProgress();
    const ctx = () => youtubeContext({ accessToken: token, video: media, progress, settings: { title: 'Launch', madeForKids: true, embeddable: false }, now: clock, apiBase: fake.url });
    const at = now + 2 * HOUR;
    const { remoteId } = await adapter.remote.schedule(ctx(), at);
    const video = fake.videos.get(remoteId)!;
    expect(video.status).toMatchObject({ privacyStatus: 'private', publishAt: new Date(at).toISOString(), embeddable: false, selfDeclaredMadeForKids: true });
    expect(await adapter.remote.status(ctx(), remoteId)).toEqual({ state: 'scheduled', at });
    // A retry of the same hand-off moves it instead of uploading another video.
    const later = at + HOUR;
    expect(await adapter.remote.schedule(ctx(), later)).toEqual({ remoteId });
    expect(video.status).toMatchObject({ publishAt: new Date(later).toISOString(), embeddable: false, selfDeclaredMadeForKids: true, privacyStatus: 'private' });
    await adapter.remote.reschedule(ctx(), remoteId, at);
    expect(video.status.publishAt).toBe(new Date(at).toISOString());
    now = at + 60_000;
    // Access tokens live an hour: the engine's would have been refreshed by now.
    token = (await signIn(fake)).accessToken;
    expect(await adapter.remote.status(ctx(), remoteId)).toEqual({ state: 'published', result: { platformPostId: remoteId, platformUrl: `https://www.youtube.com/watch?v=${remoteId}` } });
    expect(fake.uploads.sessionsStarted).toBeGreaterThan(0);
    expect([...fake.videos.values()].filter((v) => v.id === remoteId)).toHaveLength(1);
  });

  it('cancel makes it private without publishAt and says the video stays; a publish now after it reuses the video', async () => {
    const { media } = randomVideo(files.dir, 'cancel', 400_000);
    const progress = new MemoryProgress();
    const ctx = () => youtubeContext({ accessToken: token, video: media, progress, now: clock, apiBase: fake.url });
    const before = fake.videos.size;
    const { remoteId } = await adapter.remote.schedule(ctx(), now + HOUR);
    const done = await adapter.remote.cancel(ctx(), remoteId);
    expect(done).toEqual({ notice: `The uploaded video stays on your YouTube channel as a private video (https://www.youtube.com/watch?v=${remoteId}); delete it in YouTube Studio if you do not need it.` });
    expect(fake.videos.get(remoteId)!.status).toMatchObject({ privacyStatus: 'private', publishAt: null });
    expect(await adapter.remote.status(ctx(), remoteId)).toMatchObject({ state: 'scheduled' });
    const result = await adapter.publish(ctx());
    expect(result.platformPostId).toBe(remoteId);
    expect(fake.videos.get(remoteId)!.status.privacyStatus).toBe('public');
    expect(newVideos(before)).toHaveLength(1);
  });

  it('a hand-off whose answer was lost: find resumes nothing, names the video the session made, or says missing', async () => {
    const { media } = randomVideo(files.dir, 'lost', 3 * MiB);
    const at = now + HOUR;
    // Nothing saved: nothing there.
    expect(await adapter.remote.find(youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url }), at)).toEqual({ state: 'missing' });
    // Stopped halfway: the unfinished session made no video.
    const progress = new MemoryProgress();
    const abort = new AbortController();
    const ctx = (signal?: AbortSignal) => youtubeContext({ accessToken: token, video: media, progress, now: clock, apiBase: fake.url, ...(signal ? { signal, reportProgress: (s: number) => s > MiB && abort.abort() } : {}) });
    await refused(adapter.remote.schedule(ctx(abort.signal), at));
    expect(await adapter.remote.find(ctx(), at)).toEqual({ state: 'missing' });
    // The next hand-off resumes that session; its answer is lost (the progress says nothing of the video yet).
    const sessions = fake.uploads.sessionsStarted;
    const saved = JSON.parse(JSON.stringify(progress.state)) as Record<string, unknown>;
    const { remoteId } = await adapter.remote.schedule(ctx(), at);
    expect(fake.uploads.sessionsStarted).toBe(sessions);
    progress.state = saved;
    expect(await adapter.remote.find(ctx(), at)).toEqual({ state: 'scheduled', remoteId });
  });

  it('a sign-in from before Outbox asked to edit videos is not handed to YouTube (it could not be moved or taken back)', async () => {
    const { media } = randomVideo(files.dir, 'oldscope', 100_000);
    const ctx = youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url });
    ctx.credentials['scope'] = 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly';
    const before = fake.videos.size;
    const error = await refused(adapter.remote.schedule(ctx, now + HOUR));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/reconnect the account/);
    expect(fake.videos.size).toBe(before);
  });

  it('an unlisted or private video is not handed to YouTube (its scheduler only makes videos public)', async () => {
    const { media } = randomVideo(files.dir, 'unlisted', 100_000);
    const error = await refused(adapter.remote.schedule(youtubeContext({ accessToken: token, video: media, settings: { title: 'T', madeForKids: false, privacy: 'unlisted' }, now: clock, apiBase: fake.url }), now + HOUR));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/only makes videos public/);
  });

  it('an unverified project: the scheduled upload is locked private; the hand-off says so, and at its time it counts as published with the notice', async () => {
    fake.verifiedProject = false;
    const { media } = randomVideo(files.dir, 'locked-sched', 100_000);
    const progress = new MemoryProgress();
    const ctx = () => youtubeContext({ accessToken: token, video: media, progress, now: clock, apiBase: fake.url });
    const at = now + HOUR;
    const handed = await adapter.remote.schedule(ctx(), at);
    expect(handed.notice).toMatch(/locked this video as private.*will not go public at its time/);
    expect(await adapter.remote.status(ctx(), handed.remoteId)).toEqual({ state: 'scheduled', at });
    now = at + 1;
    token = (await signIn(fake)).accessToken;
    expect(await adapter.remote.status(ctx(), handed.remoteId)).toMatchObject({ state: 'published', result: { platformPostId: handed.remoteId, notice: expect.stringMatching(/locked/) } });
  });
});

it('the fake keeps what it received: the bytes on disk are the file', async () => {
  const { media, sha256 } = randomVideo(files.dir, 'disk', 700_000);
  await adapter.publish(youtubeContext({ accessToken: token, video: media, now: clock, apiBase: fake.url }));
  const session = fake.sessions().at(-1)!;
  expect(createHash('sha256').update(readFileSync(session.path)).digest('hex')).toBe(sha256);
});

describe('the discovery check itself', () => {
  const spec = () => youtubeDiscovery();
  const exchange = (over: Partial<Parameters<ReturnType<typeof youtubeDiscovery>['validateExchanges']>[0][number]>) => ({
    method: 'PUT',
    path: '/youtube/v3/videos',
    query: [['part', 'status']] as Array<[string, string]>,
    leg: 'api' as const,
    body: { id: 'v1', status: { privacyStatus: 'private' } },
    status: 200,
    response: { kind: 'youtube#video', id: 'v1', status: { privacyStatus: 'private' } },
    headers: {},
    ...over,
  });

  it('passes a documented exchange and names what breaks the description', () => {
    expect(spec().validateExchanges([exchange({})])).toEqual([]);
    expect(spec().validateExchanges([exchange({ body: { id: 'v1', status: { privacyStatus: 'secret' } } })]).join()).toMatch(/must be equal to one of the allowed values/);
    expect(spec().validateExchanges([exchange({ body: { id: 'v1', status: { privacy: 'public' } } })]).join()).toMatch(/additional properties/);
    expect(spec().validateExchanges([exchange({ body: { id: 'v1', snippet: { title: 't', categoryId: '22' } } })]).join()).toMatch(/sets snippet but part does not name it/);
    expect(spec().validateExchanges([exchange({ query: [] })]).join()).toMatch(/missing required parameter part/);
    expect(spec().validateExchanges([exchange({ query: [['part', 'status'], ['notify', 'true']] })]).join()).toMatch(/unknown parameter notify/);
    expect(spec().validateExchanges([exchange({ response: { id: 'v1', views: 3 } })]).join()).toMatch(/additional properties/);
    expect(spec().validateExchanges([exchange({ status: 403, response: { error: 'quota' } })]).join()).toMatch(/403 answer/);
    expect(spec().validateExchanges([exchange({ path: '/youtube/v3/video' })]).join()).toMatch(/not a method/);
  });
});
