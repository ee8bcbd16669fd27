import { channel, noPayload } from './define';

/** What `app:info` tells about the running engine. */
export interface AppInfo {
  version: string;
  dataDir: string;
  schemaVersion: number;
}

/** App channels. */
export const appChannels = {
  'app:info': channel(noPayload).returns<AppInfo>(),
};
