// The bulk-import CSV format, shared by the engine (which parses it) and the renderer (which
// shows the columns and offers the template). Pure data: no node:*, no DOM.

/** The import CSV's columns, in template order. Header names are matched case-insensitively. */
export const IMPORT_COLUMNS = ['group', 'date', 'time', 'time_zone', 'text', 'accounts', 'platforms', 'media', 'alt_text', 'labels', 'status'] as const;
/** One column of the import CSV. */
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** What each column holds, for the import screen and the template's notes. */
export const IMPORT_COLUMN_HELP: Record<ImportColumn, string> = {
  group: 'Optional. Rows with the same group id form one thread, in row order; the first row sets the time, accounts and labels.',
  date: 'YYYY-MM-DD. Leave date and time empty to add the post to the queue.',
  time: '24-hour HH:MM.',
  time_zone: 'An IANA zone such as Europe/Paris; empty means your time zone in Settings.',
  text: 'The post text (or this part of the thread).',
  accounts: 'Accounts separated by |: @handle, platform:@handle or the account id.',
  platforms: 'Platform ids separated by |: every active account of each (e.g. bluesky|mastodon).',
  media: 'Full paths of image or video files separated by |.',
  alt_text: 'Alt text for each media file, in the same order, separated by |.',
  labels: 'Label names separated by |; missing labels are created.',
  status: 'Empty or "scheduled" to schedule (or queue); "draft" to import as a draft.',
};

/** The separator inside list columns (accounts, platforms, media, alt text, labels). */
export const IMPORT_LIST_SEPARATOR = '|';

/** The template's file name. */
export const IMPORT_TEMPLATE_NAME = 'outbox-import-template.csv';

/** A template CSV with the header and example rows (a single post, a queued post, a two-part thread, a draft). */
export const IMPORT_TEMPLATE_CSV = [
  IMPORT_COLUMNS.join(','),
  ',2030-01-14,09:00,Europe/Paris,"New on the blog: how I plan a week of posts",@me.bsky.social,,,,blog,',
  ',,,,"Goes to the next free queue slot",,bluesky|mastodon,,,,',
  'launch,2030-01-15,18:30,,"Launch day! A thread 🧵",,mastodon,/home/me/Pictures/launch.png,"The launch poster",launch|news,',
  'launch,,,,"Part two of the thread",,,,,,',
  ',,,,"An idea to finish later",,,,,,draft',
].join('\r\n') + '\r\n';
