import { z } from 'zod';
import type { Account, PlatformId } from '../domain';
import { channel, noPayload } from './define';

const id = z.string().min(1).max(100);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Platforms connected through OAuth 2.0 with the creator's own developer app. */
export const OAUTH_PLATFORMS = ['x', 'linkedin', 'linkedin-page', 'threads', 'instagram', 'instagram-facebook', 'facebook', 'tiktok', 'youtube', 'pinterest'] as const;

/** What `accounts:connect` needs, per platform. Secrets in here go to the keychain and nowhere else. */
export const connectInput = z.discriminatedUnion('platform', [
  z.strictObject({ platform: z.literal('bluesky'), identifier: z.string().trim().min(1).max(253), appPassword: z.string().min(1).max(200), service: httpUrl.optional() }),
  z.strictObject({ platform: z.literal('mastodon'), instanceUrl: httpUrl }),
  z.strictObject({ platform: z.literal('telegram'), botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456:ABC-DEF... (from @BotFather)'), chatId: z.string().trim().min(1).max(100), apiBase: httpUrl.optional() }),
  ...OAUTH_PLATFORMS.map((platform) => z.strictObject({ platform: z.literal(platform) })),
]);

/**
 * What connecting answers: the account, or a choice to make (pages, channels) before it exists.
 * A single option is connected without asking; a choice stays open 15 minutes (`accounts:choose`).
 * Failures: `validation` (bad input, or no developer app yet: issue path `platform`/`clientSecret`),
 * `unauthorized` (denied consent, wrong state, 5-minute timeout, refused grant), `offline`.
 */
export type ConnectResult =
  | { status: 'connected'; account: Account }
  | { status: 'choose'; pendingId: string; options: Array<{ id: string; name: string; kind: string; avatarUrl: string | null }> };

/** Accounts channels. */
export const accountsChannels = {
  'accounts:list': channel(noPayload).returns<Account[]>(),
  'accounts:connect': channel(connectInput).returns<ConnectResult>(),
  'accounts:choose': channel(z.strictObject({ pendingId: id, optionId: z.string().min(1).max(200) })).returns<ConnectResult>(),
  'accounts:setActive': channel(z.strictObject({ id, active: z.boolean() })).returns<Account>(),
  /** "Let <platform> publish my scheduled posts" for one account (where the platform has a scheduler). */
  'accounts:setHandOff': channel(z.strictObject({ id, handOff: z.boolean() })).returns<Account>(),
  'accounts:disconnect': channel(z.strictObject({ id })).returns<{ id: string }>(),
  'accounts:check': channel(z.union([z.undefined(), z.strictObject({ id: id.optional() })])).returns<Account[]>(),
  'accounts:setAppCredentials': channel(
    z.strictObject({ platform: z.enum(OAUTH_PLATFORMS), clientId: z.string().trim().min(1).max(500), clientSecret: z.string().min(1).max(500).optional() }),
  ).returns<{ platform: PlatformId; configured: true }>(),
  'accounts:appCredentials': channel(noPayload).returns<Array<{ platform: PlatformId; configured: boolean }>>(),
  /**
   * Asks the platform something about an account for the composer (a platform module's named
   * lookup: TikTok's creator info, Pinterest's boards). The answer's shape is the lookup's own.
   */
  'accounts:lookup': channel(
    z.strictObject({ id, name: z.string().min(1).max(50).regex(/^[a-zA-Z][\w.-]*$/), input: z.record(z.string(), z.unknown()).default({}) }),
  ).returns<{ value: unknown }>(),
};

