import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import type { Media, PlatformId, PostPart } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import type { Settings } from '../../../shared/ipc/settings';
import type { ImportIssue, ImportPreview, ImportResult, ImportRowPreview, importInput } from '../../../shared/ipc/transfer';
import type { Issue } from '../../../shared/result';
import type { AccountRow, AccountsRepo } from '../accounts/accounts.repo';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import type { LabelsRepo } from '../labels/labels.repo';
import type { MediaRepo } from '../media/media.repo';
import type { MediaService } from '../media/media.service';
import type { Clock } from '../ports/ports';
import type { ImportedPost, PostStore } from '../posts/post-store.repo';
import type { PostsService } from '../posts/posts.service';
import { createAccountResolver, listOf, parseCsv, targetName, whenOf, type CsvRow } from './import-csv';
import { planJson } from './import-json';

/** What imports need. */
export interface ImportDeps {
  store: Pick<PostStore, 'transaction' | 'insertPost' | 'insertEntry' | 'setLabels' | 'importPost' | 'existingPostIds' | 'existingEntryIds'>;
  posts: Pick<PostsService, 'validate' | 'nextSlots'>;
  accounts: Pick<AccountsRepo, 'list'>;
  labels: Pick<LabelsRepo, 'all' | 'insert'>;
  mediaRepo: Pick<MediaRepo, 'bySha'>;
  media: Pick<MediaService, 'import'>;
  settings: { get(): Settings };
  clock: Clock;
  bus: EventBus;
}

type Input = z.output<typeof importInput>;

/** A post the commit will write. */
export interface PlannedPost {
  /** Its source rows; the first is the post's. */
  rows: number[];
  /** A new post (CSV, or a draft/scheduled post of a JSON export) or a post written as exported. */
  write: { kind: 'new'; status: 'draft' | 'scheduled'; at: number | null; queued: boolean; parts: PostPart[]; targets: Array<{ accountId: string; platform: PlatformId; contentType: string }>; labels: string[] } | { kind: 'exact'; post: ImportedPost; labels: string[] };
}

/** A whole plan: what the preview shows and the commit writes. */
export interface Plan {
  format: 'csv' | 'json';
  previews: ImportRowPreview[];
  posts: PlannedPost[];
  /** Labels the commit creates, by lower-case name. */
  newLabels: Map<string, { name: string; color: string }>;
  fileIssues: ImportIssue[];
}

const LABEL_COLOURS = ['#4f46e5', '#0891b2', '#059669', '#ca8a04', '#dc2626', '#db2777', '#7c3aed', '#475569'];
/** A stable colour for a label the import creates. */
export const colourFor = (name: string) => LABEL_COLOURS[[...name].reduce((n, c) => (n * 31 + c.codePointAt(0)!) >>> 0, 7) % LABEL_COLOURS.length]!;

/** Where a `posts:validate` problem points, as a row and column of the import. */
function placeOf(path: string, rows: number[]): { row: number; field: string } {
  const part = /^parts\.(\d+)(?:\.(.*))?$/.exec(path);
  if (part) {
    const i = Number(part[1]);
    const row = rows[i] ?? rows[0]!;
    const rest = part[2] ?? '';
    if (rest === '') return { row, field: 'group' };
    if (rest.startsWith('text')) return { row, field: 'text' };
    if (rest.endsWith('altText')) return { row, field: 'alt_text' };
    return { row, field: 'media' };
  }
  if (/\.textOverride$/.test(path)) return { row: rows[0]!, field: 'text' };
  return { row: rows[0]!, field: 'accounts' };
}

const FIRST_ROW_ONLY = ['date', 'time', 'time_zone', 'accounts', 'platforms', 'labels', 'status'] as const;

/** Bulk import: CSV rows or a JSON export, previewed against each target's rules, committed in one transaction. */
export function createImportService(deps: ImportDeps) {
  /** Imports each media path once per plan (the library keeps one copy per content). */
  function mediaCache() {
    const cache = new Map<string, Promise<Media | string>>();
    return (path: string): Promise<Media | string> => {
      let found = cache.get(path);
      if (!found) {
        found = isAbsolute(path)
          ? deps.media.import(path).catch((error: unknown) => (error instanceof AppError ? (error.issues?.[0]?.message ?? error.message) : (error as Error).message))
          : Promise.resolve(`${path} is not a full path (start it at / or a drive letter)`);
        cache.set(path, found);
      }
      return found;
    };
  }

  /** Validates parts against each target's rules: the same check as `posts:validate`. */
  function validate(parts: PostPart[], targets: AccountRow[]): { entries: EntryValidation[]; problems: Issue[] } {
    if (targets.length === 0) return { entries: [], problems: [] };
    const { entries } = deps.posts.validate({ parts, targets: targets.map((a) => ({ accountId: a.id })) });
    return { entries, problems: entries.flatMap((e) => e.problems) };
  }

  async function planCsv(rows: CsvRow[], skip: Set<number>, fileIssues: ImportIssue[]): Promise<Plan> {
    const now = deps.clock.now();
    const zone = deps.settings.get().timeZone;
    const resolver = createAccountResolver(deps.accounts.list());
    const labelsByName = new Map(deps.labels.all().map((l) => [l.name.toLowerCase(), l]));
    const newLabels = new Map<string, { name: string; color: string }>();
    const importMedia = mediaCache();
    const previews = new Map<number, ImportRowPreview>();
    const posts: PlannedPost[] = [];

    // Rows with the same group id form one post, in file order; other rows are posts of their own.
    const groups: CsvRow[][] = [];
    const byGroup = new Map<string, CsvRow[]>();
    for (const r of rows) {
      const g = (r.values.group ?? '').trim();
      if (g === '') groups.push([r]);
      else if (byGroup.has(g)) byGroup.get(g)!.push(r);
      else {
        const list = [r];
        byGroup.set(g, list);
        groups.push(list);
      }
    }

    const queued: Array<{ post: PlannedPost; preview: ImportRowPreview }> = [];
    for (const group of groups) {
      const first = group[0]!;
      const g = (first.values.group ?? '').trim() || null;
      const parts = group.filter((r, i) => i === 0 || !skip.has(r.row));
      for (const r of group) {
        previews.set(r.row, { row: r.row, group: g, part: group.indexOf(r) + 1, values: r.values, state: 'ok', issues: [], warnings: [], scheduledAt: null, queued: false, targets: [], status: 'scheduled' });
      }
      const head = previews.get(first.row)!;
      const issue = (row: number, field: string, message: string) => previews.get(row)!.issues.push({ field, message });
      const warn = (row: number, field: string, message: string) => previews.get(row)!.warnings.push({ field, message });
      if (skip.has(first.row)) {
        for (const r of group) previews.get(r.row)!.state = 'skipped';
        continue;
      }
      for (const r of group) if (skip.has(r.row)) previews.get(r.row)!.state = 'skipped';

      for (const r of parts.slice(1)) {
        for (const field of FIRST_ROW_ONLY) {
          const v = (r.values[field] ?? '').trim();
          if (v !== '' && v !== (first.values[field] ?? '').trim()) issue(r.row, field, `set ${field} on the thread's first row (row ${first.row}) only`);
        }
      }
      if (parts.length > 50) issue(parts[50]!.row, 'group', 'a thread has at most 50 parts');

      const statusCell = (first.values.status ?? '').trim().toLowerCase();
      if (!['', 'scheduled', 'draft'].includes(statusCell)) issue(first.row, 'status', `"${first.values.status}" is not a status; leave it empty (or "scheduled") to schedule, or write "draft"`);
      const draft = statusCell === 'draft';
      head.status = draft ? 'draft' : 'scheduled';

      const { when, issues: timeIssues } = whenOf(first.values, zone, now);
      if (draft) {
        if (when.kind === 'at') warn(first.row, 'date', 'drafts have no time: the date and time are not kept');
      } else for (const i of timeIssues) issue(first.row, i.field, i.message);

      // Targets: named accounts, every active account of named platforms, or (neither) every active account.
      const targets = new Map<string, AccountRow>();
      for (const token of listOf(first.values.accounts)) {
        const found = resolver.one(token);
        if (typeof found === 'string') issue(first.row, 'accounts', found);
        else targets.set(found.id, found);
      }
      for (const name of listOf(first.values.platforms)) {
        const found = resolver.platform(name);
        if (typeof found === 'string') issue(first.row, 'platforms', found);
        else for (const a of found) targets.set(a.id, a);
      }
      if (listOf(first.values.accounts).length === 0 && listOf(first.values.platforms).length === 0) {
        for (const a of resolver.active()) targets.set(a.id, a);
        if (targets.size === 0 && !draft) issue(first.row, 'accounts', 'no account is connected: connect one, or import the row as a draft (status "draft")');
      }
      head.targets = [...targets.values()].map(targetName);

      const labels: string[] = [];
      for (const name of listOf(first.values.labels)) {
        if ([...name].length > 50) {
          issue(first.row, 'labels', `label "${name.slice(0, 20)}…" is longer than 50 characters`);
          continue;
        }
        const known = labelsByName.get(name.toLowerCase());
        if (!known && !newLabels.has(name.toLowerCase())) newLabels.set(name.toLowerCase(), { name, color: colourFor(name) });
        labels.push(name);
      }
      if (labels.length > 50) issue(first.row, 'labels', 'at most 50 labels per post');

      const built: PostPart[] = [];
      for (const r of parts) {
        const text = r.values.text ?? '';
        if (text.length > 100_000) issue(r.row, 'text', 'is longer than 100,000 characters');
        const paths = listOf(r.values.media);
        const alts = listOf(r.values.alt_text);
        if (alts.length > paths.length) issue(r.row, 'alt_text', `${alts.length} alt texts for ${paths.length} media file${paths.length === 1 ? '' : 's'}: give one per file, in order`);
        if (paths.length > 35) issue(r.row, 'media', 'at most 35 media files per part');
        const media: PostPart['media'] = [];
        for (const [k, path] of paths.entries()) {
          const found = await importMedia(path);
          if (typeof found === 'string') issue(r.row, 'media', found);
          else media.push({ mediaId: found.id, altText: alts[k] ?? '' });
        }
        if (text.trim() === '' && paths.length === 0 && !draft) issue(r.row, 'text', 'is empty (and there is no media)');
        built.push({ text, media });
      }

      const hasIssues = () => group.some((r) => previews.get(r.row)!.issues.length > 0);
      let checked: EntryValidation[] = [];
      if (!hasIssues()) {
        const { entries, problems } = validate(built, [...targets.values()]);
        checked = entries;
        for (const p of problems) {
          const at = placeOf(p.path, parts.map((r) => r.row));
          if (draft) warn(at.row, at.field, p.message);
          else issue(at.row, at.field, p.message);
        }
      }
      for (const r of group) {
        const p = previews.get(r.row)!;
        if (p.state !== 'skipped' && p.issues.length > 0) p.state = 'error';
      }
      if (hasIssues()) {
        for (const r of parts) {
          const p = previews.get(r.row)!;
          if (p.issues.length === 0) p.warnings.push({ field: 'group', message: `not imported until the thread's other rows are fixed or skipped` });
        }
        continue;
      }
      const post: PlannedPost = {
        rows: parts.map((r) => r.row),
        write: {
          kind: 'new',
          status: draft ? 'draft' : 'scheduled',
          at: !draft && when.kind === 'at' ? when.at : null,
          queued: !draft && when.kind === 'queue',
          parts: built,
          targets: checked.map((e) => ({ accountId: e.accountId, platform: e.platform, contentType: e.contentType })),
          labels,
        },
      };
      if (post.write.kind === 'new' && post.write.at !== null) head.scheduledAt = new Date(post.write.at).toISOString();
      if (post.write.kind === 'new' && post.write.queued) {
        head.queued = true;
        queued.push({ post, preview: head });
      }
      posts.push(post);
    }

    // Queue rows take the next free slots, in file order (the commit takes them again inside its transaction).
    const slots = queued.length > 0 ? deps.posts.nextSlots(queued.length) : [];
    queued.forEach(({ post, preview }, i) => {
      const slot = slots[i];
      if (slot) preview.scheduledAt = slot;
      else {
        preview.issues.push({ field: 'date', message: deps.settings.get().queueSlots.length === 0 ? 'no time and no queue slots: give a date and time, or add queue times in Settings' : 'every queue slot of the next year is taken: give a date and time' });
        preview.state = 'error';
        posts.splice(posts.indexOf(post), 1);
      }
    });

    return { format: 'csv', previews: [...previews.values()].sort((a, b) => a.row - b.row), posts, newLabels, fileIssues };
  }

  /** Reads a source into a plan (nothing is written). */
  async function plan(input: Input): Promise<Plan> {
    const skip = new Set(input.skip);
    const source = input.source;
    if ('rows' in source) return planCsv(source.rows, skip, []);
    if ('csv' in source) {
      const parsed = await parseCsv(source.csv);
      if (parsed.fatal) return { format: 'csv', previews: [], posts: [], newLabels: new Map(), fileIssues: parsed.fileIssues };
      return planCsv(parsed.rows, skip, parsed.fileIssues);
    }
    if ('json' in source) return planJson(deps, source.json, null, skip);
    const path = source.path;
    if (!isAbsolute(path)) throw new AppError('validation', 'source.path: must be the full path of a file', [{ path: 'source.path', message: 'must be the full path of a file' }]);
    const ext = extname(path).toLowerCase();
    if (ext === '.zip') {
      throw new AppError('validation', 'Unzip the archive first, then import its outbox-export.json (its media are read from the media folder beside it)', [{ path: 'source.path', message: 'unzip the archive first' }]);
    }
    let text: string;
    try {
      if (statSync(path).size > 50_000_000) throw new AppError('validation', 'source.path: the file is larger than 50 MB', [{ path: 'source.path', message: 'larger than 50 MB' }]);
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('validation', `source.path: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, [{ path: 'source.path', message: 'cannot be read' }]);
    }
    if (ext === '.json' || (ext !== '.csv' && text.trimStart().startsWith('{'))) {
      const dir = dirname(path);
      return planJson(deps, text, existsSync(join(dir, 'media')) ? dir : null, skip);
    }
    const parsed = await parseCsv(text);
    if (parsed.fatal) return { format: 'csv', previews: [], posts: [], newLabels: new Map(), fileIssues: parsed.fileIssues };
    return planCsv(parsed.rows, skip, parsed.fileIssues);
  }

  function summary(p: Plan): ImportPreview {
    return {
      format: p.format,
      rows: p.previews,
      posts: p.posts.length,
      bad: p.previews.filter((r) => r.state === 'error').length,
      skipped: p.previews.filter((r) => r.state === 'skipped' || r.state === 'duplicate').length,
      newLabels: [...p.newLabels.values()].map((l) => l.name),
      fileIssues: p.fileIssues,
    };
  }

  async function commit(input: Input): Promise<ImportResult> {
    const p = await plan(input);
    const bad = p.previews.filter((r) => r.state === 'error');
    const fatal = p.fileIssues.length > 0 && p.previews.length === 0;
    if (bad.length > 0 || fatal) {
      const issues: Issue[] = fatal
        ? p.fileIssues.map((i) => ({ path: `source.${i.field}`, message: i.message }))
        : bad.flatMap((r) => r.issues.map((i) => ({ path: `rows.${r.row}.${i.field}`, message: i.message })));
      const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
      throw new AppError('validation', fatal ? `Nothing imported: ${shown.join('; ')}` : `Nothing imported: ${bad.length} row${bad.length === 1 ? ' has' : 's have'} problems (fix or skip them): ${shown.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`, issues);
    }
    const now = deps.clock.now();
    const created: string[] = [];
    const labelsCreated: string[] = [];
    // Everything in one transaction: a failure (or a crash) anywhere leaves nothing of the import.
    deps.store.transaction(() => {
      const byName = new Map(deps.labels.all().map((l) => [l.name.toLowerCase(), l.id]));
      for (const [key, { name, color }] of p.newLabels) {
        if (byName.has(key)) continue;
        const id = randomUUID();
        deps.labels.insert({ id, name, color }, now);
        byName.set(key, id);
        labelsCreated.push(name);
      }
      const labelIds = (names: string[]) => [...new Set(names.map((n) => byName.get(n.toLowerCase())!))];
      const write = (post: PlannedPost, at: number | null) => {
        const w = post.write;
        if (w.kind === 'exact') {
          deps.store.importPost({ ...w.post, labelIds: labelIds(w.labels) });
          created.push(w.post.id);
          return;
        }
        const id = randomUUID();
        deps.store.insertPost({ id, status: w.status, scheduledAt: at, parts: w.parts, repeat: null, now });
        w.targets.forEach((t, position) => {
          deps.store.insertEntry({ postId: id, accountId: t.accountId, platform: t.platform, contentType: t.contentType, enabled: true, settings: {}, textOverride: null, position, handOff: 'auto', threadMode: null });
        });
        deps.store.setLabels(id, labelIds(w.labels));
        created.push(id);
      };
      const queued = p.posts.filter((x) => x.write.kind === 'new' && x.write.queued);
      for (const post of p.posts) if (!queued.includes(post)) write(post, post.write.kind === 'new' ? post.write.at : null);
      // Slots are taken again here, after the timed posts, so none collides with one of them.
      const slots = queued.length > 0 ? deps.posts.nextSlots(queued.length) : [];
      if (slots.length < queued.length) throw new AppError('conflict', 'The queue filled up since the preview: preview the import again');
      queued.forEach((post, i) => write(post, Date.parse(slots[i]!)));
    });
    if (created.length > 0) deps.bus.emit('posts:changed', { ids: created });
    return { created: created.length, postIds: created, skipped: [...new Set(input.skip)].sort((a, b) => a - b), labelsCreated };
  }

  return {
    /** Parses and checks every row; writes nothing but media files into the library. */
    async preview(input: Input): Promise<ImportPreview> {
      return summary(await plan(input));
    },
    commit,
  };
}

/** The import service. */
export type ImportService = ReturnType<typeof createImportService>;
