import { z } from 'zod';
import { channel, noPayload, timeZoneName } from './define';

/** Days of the week, as queue slots name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** One weekly queue slot: a day and a local time (24-hour `HH:MM`). */
export const queueSlot = z.strictObject({
  day: z.enum(WEEKDAYS),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like 09:00'),
});
/** A weekly queue slot. */
export type QueueSlot = z.infer<typeof queueSlot>;

/**
 * The engine's settings (a row per key in SQLite). Later issues add keys here; each key has
 * a default, so a database written by an older version reads back complete.
 */
export const settingsShape = {
  timeZone: timeZoneName,
  publishingPaused: z.boolean(),
  /** Posts missed while Outbox was closed or asleep go out on start/wake when late by less than this. */
  catchUpGraceMinutes: z.number().int().min(0).max(7 * 24 * 60),
  /** Weekly times, in `timeZone`, that `schedule: { mode: 'queue' }` fills in order. */
  queueSlots: z.array(queueSlot).max(500),
  /** Serves the local automation API on 127.0.0.1 (off by default). */
  apiEnabled: z.boolean(),
  /** The local automation API's port on 127.0.0.1. */
  apiPort: z.number().int().min(1024).max(65535),
  /** Lets API media URLs reach this machine and the private network (off: refused, so a token cannot probe them). */
  apiAllowLocalMediaUrls: z.boolean(),
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
