import { create } from 'zustand';
import type { Settings, SettingsPatch } from '../../../shared/ipc/settings';
import type { Post } from '../../../shared/domain';
import type { Result } from '../../../shared/result';
import { outbox } from '../api';

interface SettingsState {
  settings: Settings | null;
  error: string | null;
  /** Last confirmation shown to the creator ("Saved"). */
  notice: string | null;
  load(): Promise<void>;
  update(patch: SettingsPatch): Promise<boolean>;
  /** Changes the time zone; scheduled posts keep their local time or their moment (one engine step). */
  changeTimeZone(timeZone: string, keep: 'local_time' | 'moment'): Promise<Result<{ timeZone: string; moved: string[]; keptMoment: string[] }>>;
  /** The soonest scheduled post and how many there are (what a zone change would move), or null. */
  scheduledSample(): Promise<{ posts: Post[]; total: number } | null>;
}

/** Settings from the engine; the database is the truth, this is a view of it. */
export const useSettingsStore = create<SettingsState>((set, get) => ({
  settings: null,
  error: null,
  notice: null,
  async load() {
    const result = await outbox().settings.get();
    if (result.ok) set({ settings: result.value, error: null });
    else set({ error: result.error.message });
  },
  async update(patch) {
    // Shown at once (switches must not lag behind the click); the engine's answer settles it.
    const before = get().settings;
    if (before) set({ settings: { ...before, ...patch } });
    const result = await outbox().settings.update(patch);
    if (result.ok) {
      set({ settings: result.value, error: null, notice: 'Saved' });
      return true;
    }
    set({ error: result.error.message, notice: null, settings: before });
    return false;
  },
  async changeTimeZone(timeZone, keep) {
    const result = await outbox().posts.changeTimeZone({ timeZone, keep });
    await get().load();
    if (result.ok) set({ notice: 'Saved' });
    return result;
  },
  async scheduledSample() {
    const result = await outbox().posts.list({ view: 'upcoming', limit: 1 });
    // A first page always carries its total.
    return result.ok ? { posts: result.value.posts, total: result.value.total ?? 0 } : null;
  },
}));
