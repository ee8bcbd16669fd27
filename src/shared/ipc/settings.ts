import { z } from 'zod';
import { channel, noPayload, timeZoneName } from './define';

/**
 * The engine's settings (a row per key in SQLite). Later issues add keys here; each key has
 * a default, so a database written by an older version reads back complete.
 */
export const settingsShape = {
  timeZone: timeZoneName,
  publishingPaused: z.boolean(),
};

/** Every setting, as `settings:get` returns it. */
export const settingsSchema = z.strictObject(settingsShape);
/** The engine's settings. */
export type Settings = z.infer<typeof settingsSchema>;

/** `settings:update` takes any subset of the settings; unknown keys are refused. */
export const settingsPatchSchema = settingsSchema.partial();
/** A partial settings change. */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Settings channels. */
export const settingsChannels = {
  'settings:get': channel(noPayload).returns<Settings>(),
  'settings:update': channel(settingsPatchSchema).returns<Settings>(),
};
