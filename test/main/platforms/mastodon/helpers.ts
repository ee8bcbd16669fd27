import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ConnectContext, OAuthClientConfig, OAuthTokens } from '../../../../src/main/platforms/types';
import type { PublishAccount, PublishContext, PublishMedia, PublishPart } from '../../../../src/main/platforms/types';
import { publishMedia } from '../../../support/publish-media';

/** A progress store in memory that, like the engine's, hands out copies (what was committed). */
export class MemoryProgress {
  state: Record<string, unknown> | null = null;
  saves = 0;
  get() {
    return this.state ? (JSON.parse(JSON.stringify(this.state)) as Record<string, unknown>) : null;
  }
  async save(state: Record<string, unknown>) {
    this.saves++;
    this.state = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
  }
}

/** Builds a publish context for one entry. */
export function publishContext(options: {
  account: PublishAccount;
  credentials: Record<string, unknown>;
  parts: PublishPart[];
  settings?: Record<string, unknown>;
  attemptKey?: string;
  progress?: MemoryProgress;
  now: () => number;
  endpoints?: PublishContext['endpoints'];
  contentType?: string;
}): PublishContext & { progress: MemoryProgress } {
  return {
    entry: { id: 'entry-1', postId: 'post-1', attemptKey: options.attemptKey ?? 'attempt-1', contentType: options.contentType ?? 'post', settings: options.settings ?? {} },
    parts: options.parts,
    account: options.account,
    credentials: options.credentials,
    progress: options.progress ?? new MemoryProgress(),
    endpoints: options.endpoints ?? {},
    signal: new AbortController().signal,
    now: options.now,
  };
}

/** A PNG of the given size in `dir`, as a PublishMedia. */
export async function pngMedia(dir: string, name: string, altText = '', size = 64): Promise<PublishMedia> {
  const path = join(dir, `${name}.png`);
  const data = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .png()
    .toBuffer();
  writeFileSync(path, data);
  return publishMedia({ mediaId: name, path, kind: 'image', mime: 'image/png', bytes: data.length, width: size, height: size, altText });
}

/** A stand-in video file (servers under test do not decode it). */
export function videoMedia(dir: string, name: string, altText = '', bytes = 4096): PublishMedia {
  const path = join(dir, `${name}.mp4`);
  writeFileSync(path, randomBytes(bytes));
  return publishMedia({ mediaId: name, path, kind: 'video', mime: 'video/mp4', bytes, width: 640, height: 360, durationMs: 3000, altText });
}

/** The SHA-256 of a file's bytes, as fakes record uploads. */
export function sha256(data: Buffer) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A ConnectContext whose `oauth` plays the browser and the loopback listener: it opens the
 * authorize URL (the fake approves or denies at once), reads the redirect, checks `state`, and
 * exchanges the code with the PKCE verifier, as the accounts service's flow does.
 */
export function testConnectContext(options: { now: () => number; endpoints?: ConnectContext['endpoints']; cache?: Map<string, string>; redirectPort?: number }): ConnectContext & { cache: Map<string, string>; oauthConfigs: OAuthClientConfig[] } {
  const cache = options.cache ?? new Map<string, string>();
  const oauthConfigs: OAuthClientConfig[] = [];
  return {
    endpoints: options.endpoints ?? {},
    now: options.now,
    signal: new AbortController().signal,
    appCredentials: null,
    cache,
    oauthConfigs,
    secretCache: {
      get: async (key) => cache.get(key) ?? null,
      set: async (key, value) => void cache.set(key, value),
    },
    async oauth(config): Promise<OAuthTokens> {
      oauthConfigs.push(config);
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = randomBytes(8).toString('hex');
      const redirectUri = `http://127.0.0.1:${options.redirectPort ?? 49152}${config.redirectPath ?? '/callback'}`;
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', config.scopes.join(config.scopeSeparator ?? ' '));
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', challenge);
      url.searchParams.set('code_challenge_method', 'S256');
      for (const [key, value] of Object.entries(config.extraAuthorizeParams ?? {})) url.searchParams.set(key, value);
      const answer = await fetch(url, { redirect: 'manual' });
      const location = answer.headers.get('location');
      if (answer.status !== 302 || !location) throw new Error(`authorize answered ${answer.status}: ${await answer.text()}`);
      const back = new URL(location);
      if (back.searchParams.get('state') !== state) throw new Error('state mismatch');
      const error = back.searchParams.get('error');
      if (error) throw new Error(`Access was not granted (${error})`);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: verifier, client_id: config.clientId });
      if (config.clientSecret) body.set('client_secret', config.clientSecret);
      const tokenAnswer = await fetch(config.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const json = (await tokenAnswer.json()) as Record<string, unknown>;
      if (!tokenAnswer.ok) throw new Error(`token endpoint answered ${tokenAnswer.status}: ${JSON.stringify(json)}`);
      return { accessToken: String(json['access_token']), refreshToken: null, expiresIn: null, scope: String(json['scope'] ?? ''), tokenType: String(json['token_type'] ?? 'Bearer'), raw: json };
    },
    async refreshToken() {
      throw new Error('Mastodon tokens do not expire; no refresh grant');
    },
  };
}
