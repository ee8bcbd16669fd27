import { settingsSchema, settingsShape, type Settings, type SettingsPatch } from '../../../shared/ipc/settings';
import { DEFAULT_API_PORT } from '../../../shared/ipc/api';
import type { Db } from '../db/database';
import { createSettingsRepo } from './settings.repo';

/** The zone the machine runs in, the default for `timeZone`. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Defaults for every setting. */
export function defaultSettings(): Settings {
  return {
    timeZone: systemTimeZone(),
    publishingPaused: false,
    catchUpGraceMinutes: 360,
    queueSlots: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, time: '09:00' })),
    apiEnabled: false,
    apiPort: DEFAULT_API_PORT,
    apiAllowLocalMediaUrls: false,
  };
}

/** Reads and writes settings, merging stored values over defaults. */
export function createSettingsService(db: Db, onChange: (keys: string[]) => void) {
  const repo = createSettingsRepo(db);
  let cache: Settings | null = null;

  function get(): Settings {
    if (cache) return cache;
    const stored = repo.readAll();
    const merged: Record<string, unknown> = { ...defaultSettings() };
    for (const key of Object.keys(settingsShape) as Array<keyof typeof settingsShape>) {
      const parsed = settingsShape[key].safeParse(stored[key]);
      if (stored[key] !== undefined && parsed.success) merged[key] = parsed.data;
    }
    cache = settingsSchema.parse(merged);
    return cache;
  }

  function update(patch: SettingsPatch): Settings {
    const changed = Object.entries(patch).filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(get()[key as keyof Settings]));
    if (changed.length > 0) {
      repo.write(Object.fromEntries(changed));
      cache = null;
      onChange(changed.map(([key]) => key));
    }
    return get();
  }

  return { get, update };
}

/** The settings service. */
export type SettingsService = ReturnType<typeof createSettingsService>;
