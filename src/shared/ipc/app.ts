import type { PlatformId } from '../domain';
import { channel, noPayload } from './define';

/** What `app:info` tells about the running engine. */
export interface AppInfo {
  version: string;
  dataDir: string;
  schemaVersion: number;
  /** Platforms this version can publish to; the others connect, but their posts cannot go out yet. */
  publishingPlatforms: PlatformId[];
  /** The exact redirect URI creators register in their own developer apps for OAuth platforms. */
  oauthRedirectUri: string;
}

/** App channels. */
export const appChannels = {
  'app:info': channel(noPayload).returns<AppInfo>(),
};
