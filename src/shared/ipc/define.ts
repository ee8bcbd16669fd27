import { z } from 'zod';

/**
 * One channel of the contract: the zod schema its payload is parsed with, and the type of
 * its answer (a phantom: answers are built by the engine, not parsed).
 */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  /** Never set at runtime; carries the answer's type. */
  readonly output?: O;
}

/** Declares a channel: `channel(schema).returns<Answer>()`. */
export function channel<I extends z.ZodType>(input: I) {
  return {
    returns<O>(): ChannelDef<I, O> {
      return { input };
    },
  };
}

/** The payload of a channel that takes none: nothing, or an empty object. */
export const noPayload = z.union([z.undefined(), z.strictObject({})]);

/** An ISO 8601 instant in UTC ending in `Z`, the only way times cross the contract. */
export const isoUtc = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/, 'must be an ISO 8601 UTC time ending in Z, e.g. 2026-01-31T09:00:00.000Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date');

/** True when the runtime knows this IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as `Europe/Paris`. */
export const timeZoneName = z.string().min(1).max(100).refine(isTimeZone, 'is not a known IANA time zone (e.g. Europe/Paris)');
