import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { YOUTUBE_SCOPES } from '../../../../src/main/platforms/youtube/auth';
import type { PublishContext, PublishMedia } from '../../../../src/main/platforms/types';
import type { YouTubeFake } from '../../../fakes/youtube';
import { publishMedia } from '../../../support/publish-media';
import { MemoryProgress } from '../mastodon/helpers';

/** Signs in to the fake as an installed app would (PKCE, loopback redirect); resolves with the tokens. */
export async function signIn(fake: YouTubeFake, scopes: string[] = YOUTUBE_SCOPES): Promise<{ accessToken: string; refreshToken: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${fake.url}/o/oauth2/v2/auth`);
  const redirect = 'http://127.0.0.1:53682/callback';
  url.search = new URLSearchParams({
    client_id: fake.clientId,
    redirect_uri: redirect,
    response_type: 'code',
    scope: scopes.join(' '),
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const consent = await fetch(url, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const answer = await fetch(`${fake.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier, client_id: fake.clientId, client_secret: fake.clientSecret }),
  });
  const json = (await answer.json()) as { access_token: string; refresh_token: string };
  return { accessToken: json.access_token, refreshToken: json.refresh_token };
}

/** A stand-in video of `bytes` random bytes (the fake does not decode video), with its sha256. */
export function randomVideo(dir: string, name: string, bytes: number, extra: Partial<PublishMedia> = {}): { media: PublishMedia; sha256: string } {
  const path = join(dir, `${name}.mp4`);
  const data = randomBytes(bytes);
  writeFileSync(path, data);
  return { media: publishMedia({ mediaId: name, path, kind: 'video', mime: 'video/mp4', bytes, width: 1280, height: 720, durationMs: 30_000, ...extra }), sha256: createHash('sha256').update(data).digest('hex') };
}

/** A cover image file (PNG, 1920 x 1080 unless told). */
export async function coverImage(dir: string, name: string, width = 1920, height = 1080): Promise<NonNullable<PublishMedia['cover']>> {
  const path = join(dir, `${name}.png`);
  const data = await sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  writeFileSync(path, data);
  return { atMs: null, image: { path, mime: 'image/png', width, height, bytes: data.length } };
}

/** A publish context for a YouTube entry. */
export function youtubeContext(options: {
  accessToken: string;
  video: PublishMedia;
  text?: string;
  settings?: Record<string, unknown>;
  contentType?: string;
  progress?: MemoryProgress;
  now: () => number;
  apiBase: string;
  signal?: AbortSignal;
  reportProgress?: (sent: number, total: number) => void;
}): PublishContext & { progress: MemoryProgress } {
  return {
    entry: { id: 'entry-yt', postId: 'post-yt', attemptKey: 'attempt-1', contentType: options.contentType ?? 'youtube_video', settings: options.settings ?? { title: 'A walk by the sea', madeForKids: false } },
    parts: [{ text: options.text ?? 'Filmed at dawn.', media: [options.video] }],
    account: { id: 'acct-yt', platform: 'youtube', handle: '@outboxcreator', platformUserId: 'UCoutboxcreator000000001', instanceUrl: '', meta: {} },
    credentials: { accessToken: options.accessToken, refreshToken: 'unused', tokenType: 'Bearer', scope: YOUTUBE_SCOPES.join(' ') },
    progress: options.progress ?? new MemoryProgress(),
    endpoints: { apiBase: options.apiBase },
    signal: options.signal ?? new AbortController().signal,
    now: options.now,
    ...(options.reportProgress ? { reportProgress: options.reportProgress } : {}),
  };
}

/** Waits that return at once (the fake's clock moves only when a test moves it). */
export const noSleep = async (_ms: number, signal: AbortSignal) => {
  if (signal.aborted) throw signal.reason;
};
