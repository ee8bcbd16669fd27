import type { CheckResult, ConnectChoice, ConnectContext, OAuthClientConfig, PlatformConnector } from '../types';
import { base, callJson, checkWith, expectOk, expiryOf, requireApp, secretsFrom, standardRefresh, str } from '../oauth-connector';

/**
 * Upload videos and set their thumbnails (youtube.upload), read the channel and videos
 * (youtube.readonly), and change an uploaded video's status: YouTube's scheduler (publishAt),
 * publishing a scheduled video now (videos.update accepts youtube or youtube.force-ssl only).
 */
export const YOUTUBE_SCOPES = ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly', 'https://www.googleapis.com/auth/youtube.force-ssl'];

function config(ctx: ConnectContext): OAuthClientConfig {
  const app = requireApp(ctx, 'YouTube (Google Cloud)', true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://accounts.google.com')}/o/oauth2/v2/auth`,
    tokenUrl: `${base(ctx.endpoints['tokenBase'], 'https://oauth2.googleapis.com')}/token`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes: YOUTUBE_SCOPES,
    // A refresh token is only sent with offline access, and again only when consent is shown.
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent select_account' },
    tokenAuth: 'body',
    issuer: 'https://accounts.google.com',
  };
}

type Channel = { id?: string; snippet?: { title?: string; customUrl?: string; thumbnails?: { default?: { url?: string } } } };

async function channels(ctx: ConnectContext, token: string, query: string) {
  const url = `${base(ctx.endpoints.apiBase, 'https://www.googleapis.com')}/youtube/v3/channels?part=snippet&${query}`;
  return expectOk(await callJson<{ items?: Channel[] }>(url, { token, signal: ctx.signal, what: 'Reading the YouTube channel' }), 'Reading the YouTube channel', ctx.now()).body.items ?? [];
}

const handleOf = (c: Channel) => str(c.snippet?.customUrl) || str(c.snippet?.title);

/**
 * YouTube: Google OAuth for a desktop client (any loopback port is accepted) with offline
 * access, then the channel: Google's own account picker selects the Google account or brand
 * account, and when it manages several channels Outbox asks which one.
 */
export const youtubeConnector: PlatformConnector<Record<string, never>> = {
  platform: 'youtube',

  async connect(_input, ctx): Promise<ConnectChoice> {
    const tokens = await ctx.oauth(config(ctx));
    const mine = await channels(ctx, tokens.accessToken, 'mine=true');
    return {
      kind: 'choose',
      options: mine.map((c) => ({ id: str(c.id), name: str(c.snippet?.title), kind: 'YouTube channel', avatarUrl: str(c.snippet?.thumbnails?.default?.url) || null })),
      async complete(optionId) {
        const c = mine.find((x) => x.id === optionId)!;
        return {
          platformUserId: str(c.id),
          handle: handleOf(c),
          displayName: str(c.snippet?.title),
          avatarUrl: str(c.snippet?.thumbnails?.default?.url) || null,
          instanceUrl: '',
          meta: { channelId: str(c.id) },
          secrets: { ...secretsFrom(tokens) },
          tokenExpiresAt: expiryOf(tokens, ctx.now()),
        };
      },
    };
  },

  check(account, secrets, ctx): Promise<CheckResult> {
    return checkWith(async () => {
      const [c] = await channels(ctx, str(secrets['accessToken']), `id=${encodeURIComponent(account.platformUserId)}`);
      if (!c) return { connection: 'disconnected', message: 'The YouTube channel no longer exists or is no longer reachable with this sign-in.' };
      return { connection: 'connected', profile: { handle: handleOf(c), displayName: str(c.snippet?.title), avatarUrl: str(c.snippet?.thumbnails?.default?.url) || null } };
    });
  },

  refresh(_account, secrets, ctx) {
    return standardRefresh(config(ctx), secrets, ctx);
  },
};
