// YouTube Data API quota, as Outbox estimates it. A Google Cloud project gets 10,000 units a day,
// reset at midnight Pacific Time (https://developers.google.com/youtube/v3/determine_quota_cost);
// an upload (videos.insert) costs 1,600 of them, so a project uploads six videos a day. Google's
// console is the only exact count, and Outbox cannot read it with the creator's token, so the
// estimate comes from Outbox's own attempt log (the post store's `youtubeUploadsBetween`): every
// YouTube entry whose first attempt falls in the Pacific day is one upload. Google's quota page
// now also describes a separate videos.insert bucket for some projects; 1,600 of 10,000 is the
// figure every project has had, so the estimate warns early rather than late.
import { TZDate } from '@date-fns/tz';
// One file per function: the date-fns index loads ~250 modules (0.1 s at start).
import { addDays } from 'date-fns/addDays';
import { startOfDay } from 'date-fns/startOfDay';

/** Units a project gets a day. */
export const DAILY_QUOTA = 10_000;
/** Units one upload costs (videos.insert). */
export const UPLOAD_COST = 1_600;
/** YouTube's quota day runs in this zone. */
export const QUOTA_ZONE = 'America/Los_Angeles';

/** The Pacific Time day containing `ms`: its first instant and the next day's (UTC ms). */
export function quotaDay(ms: number): { from: number; to: number } {
  const start = startOfDay(new TZDate(ms, QUOTA_ZONE));
  return { from: start.getTime(), to: addDays(start, 1).getTime() };
}

/** The next midnight Pacific Time after `ms`: when an exhausted quota comes back. */
export function nextQuotaReset(ms: number): number {
  return quotaDay(ms).to;
}

/** What the attempt log says about one Pacific day. */
export interface QuotaLog {
  /** YouTube entries whose upload started that day. */
  uploads: number;
  /** YouTube answered quotaExceeded that day (nothing more goes through until midnight). */
  exhausted: boolean;
}

/** Units used on a day by Outbox's own uploads (all of them once YouTube said the quota ran out). */
export function unitsUsed(log: QuotaLog): number {
  return log.exhausted ? DAILY_QUOTA : Math.min(DAILY_QUOTA, log.uploads * UPLOAD_COST);
}

/** How many more uploads fit in a day after `log`. */
export function uploadsLeft(log: QuotaLog): number {
  return Math.max(0, Math.floor((DAILY_QUOTA - unitsUsed(log)) / UPLOAD_COST));
}

/**
 * The composer's warning when the uploads planned for a day (`planned`, this post's included)
 * would not fit in what is left of that day's quota; null when they fit. `dayLabel` names the day
 * as the creator reads it.
 */
export function quotaWarning(log: QuotaLog, planned: number, dayLabel: string): string | null {
  const left = uploadsLeft(log);
  if (planned <= left) return null;
  const used = unitsUsed(log);
  const already = used > 0 ? `; about ${used.toLocaleString('en-US')} units are already used that day` : '';
  return (
    `${planned === 1 ? '1 video upload is' : `${planned} video uploads are`} planned for ${dayLabel} (Pacific Time), but the Google Cloud project's daily quota ` +
    `(${DAILY_QUOTA.toLocaleString('en-US')} units, ${UPLOAD_COST.toLocaleString('en-US')} per upload${already}) leaves room for ${left}. ` +
    'YouTube will refuse the rest until midnight Pacific Time, and Outbox will upload them then; move some to another day, or ask Google for more quota.'
  );
}
