import { TZDate } from '@date-fns/tz';
import { lazy } from '../../platforms/lazy';
import { PLATFORMS, type PlatformId } from '../../../shared/domain';
import { isTimeZone } from '../../../shared/ipc/define';
import type { ImportIssue, ImportRowValues } from '../../../shared/ipc/transfer';
import { IMPORT_COLUMNS, IMPORT_LIST_SEPARATOR, type ImportColumn } from '../../../shared/import-format';
import { platformSpec } from '../../../shared/platforms/catalog';
import type { AccountRow } from '../accounts/accounts.repo';

// Reading the bulk-import CSV: columns, rows, times, accounts. Pure: no database, no files.

/** One data row of the CSV, numbered by its first line in the file (the header is line 1). */
export interface CsvRow {
  row: number;
  values: ImportRowValues;
}

const ALIASES: Record<string, ImportColumn> = {
  thread: 'group',
  group_id: 'group',
  thread_id: 'group',
  day: 'date',
  hour: 'time',
  timezone: 'time_zone',
  zone: 'time_zone',
  tz: 'time_zone',
  content: 'text',
  account: 'accounts',
  platform: 'platforms',
  image: 'media',
  images: 'media',
  files: 'media',
  alt: 'alt_text',
  alttext: 'alt_text',
  label: 'labels',
  tags: 'labels',
};

/** The CSV parser: loaded with the first CSV import. */
const csvParse = lazy(() => import('csv-parse/sync'));

function columnOf(header: string): ImportColumn | null {
  const name = header.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((IMPORT_COLUMNS as readonly string[]).includes(name)) return name as ImportColumn;
  return ALIASES[name] ?? null;
}

/**
 * Parses the CSV text into rows keyed by column. Problems with the file itself (not CSV, no
 * text column, unknown columns) come back as file issues; blank lines are left out.
 */
export async function parseCsv(text: string): Promise<{ rows: CsvRow[]; fileIssues: ImportIssue[]; fatal: boolean }> {
  const { parse } = await csvParse();
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, info: true }) as unknown as typeof records;
  } catch (error) {
    const e = error as { message: string; lines?: number };
    return { rows: [], fileIssues: [{ field: 'file', message: `This is not a readable CSV file${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}` }], fatal: true };
  }
  if (records.length === 0) return { rows: [], fileIssues: [{ field: 'file', message: 'The file is empty: it needs a header line and one row per post' }], fatal: true };
  const header = records[0]!.record;
  const columns = header.map(columnOf);
  const fileIssues: ImportIssue[] = [];
  header.forEach((h, i) => {
    if (h.trim() !== '' && columns[i] === null) fileIssues.push({ field: h, message: `column "${h}" is not one Outbox reads (it is ignored); the columns are ${IMPORT_COLUMNS.join(', ')}` });
  });
  const seen = new Set<ImportColumn>();
  columns.forEach((c, i) => {
    if (c && seen.has(c)) fileIssues.push({ field: header[i]!, message: `column ${c} appears twice; only the first is read` });
    if (c) seen.add(c);
  });
  if (!seen.has('text') && !seen.has('media')) {
    return { rows: [], fileIssues: [...fileIssues, { field: 'header', message: `the first line must name the columns, with at least "text"; found: ${header.join(', ') || '(nothing)'}` }], fatal: true };
  }
  const rows: CsvRow[] = [];
  let lastLine = records[0]!.info.lines;
  for (const { record, info } of records.slice(1)) {
    const row = lastLine + 1;
    lastLine = info.lines;
    if (record.every((cell) => cell.trim() === '')) continue;
    const values: ImportRowValues = {};
    const taken = new Set<ImportColumn>();
    record.forEach((cell, i) => {
      const c = columns[i];
      if (!c || taken.has(c)) return;
      taken.add(c);
      values[c] = cell;
    });
    rows.push({ row, values });
  }
  if (rows.length === 0) fileIssues.push({ field: 'file', message: 'the file has a header but no rows' });
  return { rows, fileIssues, fatal: false };
}

/** Splits a list cell (`a | b`) into trimmed, non-empty items. */
export function listOf(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(IMPORT_LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** When a row goes out: a time, the queue, or (drafts) none. */
export type When = { kind: 'at'; at: number } | { kind: 'queue' } | { kind: 'none' };

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Reads date, time and time zone. Both empty: the queue. A time in the past is refused by row
 * (the field named is `date` when the whole day has passed, else `time`).
 */
export function whenOf(values: ImportRowValues, defaultZone: string, now: number): { when: When; issues: ImportIssue[] } {
  const date = (values.date ?? '').trim();
  const time = (values.time ?? '').trim();
  const zoneCell = (values.time_zone ?? '').trim();
  const issues: ImportIssue[] = [];
  if (zoneCell !== '' && !isTimeZone(zoneCell)) issues.push({ field: 'time_zone', message: `"${zoneCell}" is not a time zone; use an IANA name such as Europe/Paris` });
  if (date === '' && time === '') return { when: { kind: 'queue' }, issues };
  if (date === '') issues.push({ field: 'date', message: 'a time needs a date (YYYY-MM-DD); leave both empty to use the queue' });
  if (time === '') issues.push({ field: 'time', message: 'a date needs a time (24-hour HH:MM); leave both empty to use the queue' });
  const d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (date !== '' && !d) issues.push({ field: 'date', message: `"${date}" is not a date; write it as YYYY-MM-DD (e.g. 2030-01-31)` });
  if (time !== '' && (!t || Number(t[1]) > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59)) issues.push({ field: 'time', message: `"${time}" is not a time; write it as 24-hour HH:MM (e.g. 18:30)` });
  if (issues.length > 0 || !d || !t) return { when: { kind: 'none' }, issues };
  const zone = zoneCell || defaultZone;
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const local = new TZDate(y, m - 1, day, Number(t[1]), Number(t[2]), Number(t[3] ?? 0), 0, zone);
  if (local.getFullYear() !== y || local.getMonth() !== m - 1 || local.getDate() !== day) {
    return { when: { kind: 'none' }, issues: [{ field: 'date', message: `${date} is not a real date` }] };
  }
  const at = local.getTime();
  if (at <= now) {
    const today = new TZDate(now, zone);
    const todayText = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
    const dayText = `${y}-${pad(m)}-${pad(day)}`;
    const field = dayText < todayText ? 'date' : 'time';
    return { when: { kind: 'none' }, issues: [{ field, message: `${dayText} ${time} (${zone}) is in the past; choose a later time, or leave date and time empty for the queue` }] };
  }
  return { when: { kind: 'at', at }, issues };
}

const PLATFORM_NAMES = new Map<string, PlatformId>([
  ...PLATFORMS.map((p) => [p, p] as [string, PlatformId]),
  ...PLATFORMS.map((p) => [platformSpec(p).name.toLowerCase(), p] as [string, PlatformId]),
  ['twitter', 'x'],
]);

/** A platform id from what a creator may write (`bluesky`, `Bluesky`, `twitter`). */
export function platformOf(name: string): PlatformId | null {
  return PLATFORM_NAMES.get(name.trim().toLowerCase()) ?? null;
}

const bare = (handle: string) => handle.trim().replace(/^@/, '').toLowerCase();

/** Finds accounts by what a creator writes: an id, `@handle`, or `platform:@handle`. */
export function createAccountResolver(accounts: AccountRow[]) {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return {
    /** The account a token names, or the problem with it. */
    one(token: string): AccountRow | string {
      const direct = byId.get(token);
      if (direct) return direct;
      const colon = token.indexOf(':');
      const platform = colon > 0 ? platformOf(token.slice(0, colon)) : null;
      const handle = bare(platform ? token.slice(colon + 1) : token);
      const matches = accounts.filter((a) => bare(a.handle) === handle && (!platform || a.platform === platform));
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) return `${token} matches ${matches.map((a) => `@${bare(a.handle)} on ${platformSpec(a.platform).name}`).join(' and ')}: write platform:@handle (e.g. ${matches[0]!.platform}:@${handle})`;
      return `no connected account is ${token}${platform ? '' : ' (write platform:@handle, or the account id)'}`;
    },
    /** Every active account of a platform, or the problem. */
    platform(name: string): AccountRow[] | string {
      const id = platformOf(name);
      if (!id) return `"${name}" is not a platform; use ${PLATFORMS.join(', ')}`;
      const found = accounts.filter((a) => a.platform === id && a.active);
      return found.length > 0 ? found : `no active ${platformSpec(id).name} account is connected`;
    },
    active: () => accounts.filter((a) => a.active),
  };
}

/** How a target is shown in the preview (`@me on Bluesky`). */
export function targetName(a: Pick<AccountRow, 'handle' | 'platform'>): string {
  return `@${a.handle.trim().replace(/^@/, '')} on ${platformSpec(a.platform).name}`;
}
