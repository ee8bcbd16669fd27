import { create } from 'zustand';
import type { PlatformId } from '../../../shared/domain';
import type { AppInfo } from '../../../shared/ipc/app';
import { outbox } from '../api';

interface AppState {
  info: AppInfo | null;
  load(): Promise<void>;
}

/** Facts about the running engine (version, which platforms publish, the OAuth redirect URI). */
export const useAppStore = create<AppState>((set) => ({
  info: null,
  async load() {
    const result = await outbox().app.info();
    if (result.ok) set({ info: result.value });
  },
}));

/** True when this version can publish to the platform (true while not known yet: no warning on a guess). */
export const canPublishTo = (info: AppInfo | null, platform: PlatformId) => info === null || info.publishingPlatforms.includes(platform);
