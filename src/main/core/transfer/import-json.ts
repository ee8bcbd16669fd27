import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TZDate } from '@date-fns/tz';
import type { PostPart } from '../../../shared/domain';
import type { ImportRowPreview } from '../../../shared/ipc/transfer';
import { platformSpec } from '../../../shared/platforms/catalog';
import type { AccountRow } from '../accounts/accounts.repo';
import { AppError } from '../errors';
import type { ImportedPost } from '../posts/post-store.repo';
import { exportFileSchema, type ExportFile, type ExportedPost } from './export-format';
import { colourFor, type ImportDeps, type Plan, type PlannedPost } from './import.service';

const HISTORY = ['published', 'partially_published', 'failed', 'publishing'];
const pad = (n: number) => String(n).padStart(2, '0');
const bare = (h: string) => h.trim().replace(/^@/, '').toLowerCase();

function fail(message: string): Plan {
  return { format: 'json', previews: [], posts: [], newLabels: new Map(), fileIssues: [{ field: 'file', message }] };
}

/**
 * Plans the import of a JSON export (Outbox's own format): posts keep their ids (a post already
 * here is left as it is), published history is written as it was, drafts and scheduled posts
 * are checked against each target's rules like any new post. Accounts are matched by platform
 * and handle; media by content (sha256), from the library or the `media/` folder beside the file.
 */
export async function planJson(deps: ImportDeps, text: string, mediaDir: string | null, skip: Set<number>): Promise<Plan> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`This is not a JSON file: ${(error as Error).message}`);
  }
  const parsed = exportFileSchema.safeParse(raw);
  if (!parsed.success) {
    const plan = fail('This is not an Outbox export (format "outbox-export", version 1)');
    plan.fileIssues = parsed.error.issues.slice(0, 10).map((i) => ({ field: i.path.map(String).join('.') || 'file', message: i.message }));
    return plan;
  }
  const file: ExportFile = parsed.data;
  const now = deps.clock.now();
  const zone = file.timeZone ?? deps.settings.get().timeZone;
  const local = deps.accounts.list();
  const exportedAccounts = new Map(file.accounts.map((a) => [a.id, a]));
  const accountFor = (exportedId: string | null): AccountRow | null => {
    if (exportedId === null) return null;
    const same = local.find((a) => a.id === exportedId);
    if (same) return same;
    const e = exportedAccounts.get(exportedId);
    return e ? (local.find((a) => a.platform === e.platform && bare(a.handle) === bare(e.handle)) ?? null) : null;
  };
  const describe = (exportedId: string | null, platform: ExportedPost['entries'][number]['platform']) => {
    const e = exportedId ? exportedAccounts.get(exportedId) : undefined;
    return `${e ? `@${bare(e.handle)}` : 'an account'} on ${platformSpec(platform).name}`;
  };
  const labelsHere = new Map(deps.labels.all().map((l) => [l.name.toLowerCase(), l]));
  const exportedLabels = new Map(file.labels.map((l) => [l.id, l]));
  const newLabels = new Map<string, { name: string; color: string }>();
  const exportedMedia = new Map(file.media.map((m) => [m.id, m]));
  const mediaIds = new Map<string, Promise<string | null>>();
  const mediaFor = (exportedId: string): Promise<string | null> => {
    let found = mediaIds.get(exportedId);
    if (!found) {
      found = (async () => {
        const m = exportedMedia.get(exportedId);
        if (!m) return null;
        const here = deps.mediaRepo.bySha(m.sha256);
        if (here) return here.id;
        const path = mediaDir ? join(mediaDir, m.file) : null;
        if (!path || !existsSync(path)) return null;
        try {
          return (await deps.media.import(path)).id;
        } catch (error) {
          if (error instanceof AppError) return null;
          throw error;
        }
      })();
      mediaIds.set(exportedId, found);
    }
    return found;
  };
  const existingPosts = deps.store.existingPostIds(file.posts.map((p) => p.id));
  const existingEntries = deps.store.existingEntryIds(file.posts.flatMap((p) => p.entries.map((e) => e.id)));

  const previews: ImportRowPreview[] = [];
  const posts: PlannedPost[] = [];
  for (const [i, p] of file.posts.entries()) {
    const row = i + 1;
    const t = p.scheduledAt ? new TZDate(Date.parse(p.scheduledAt), zone) : null;
    const labelNames = p.labelIds.map((id) => exportedLabels.get(id)?.name).filter((n): n is string => !!n);
    const preview: ImportRowPreview = {
      row,
      group: p.parts.length > 1 ? p.id : null,
      part: 1,
      values: {
        text: p.parts[0]!.text.slice(0, 500),
        date: t ? `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}` : '',
        time: t ? `${pad(t.getHours())}:${pad(t.getMinutes())}` : '',
        time_zone: t ? zone : '',
        accounts: p.entries.map((e) => describe(e.accountId, e.platform)).join(' | '),
        labels: labelNames.join(' | '),
        status: p.status,
      },
      state: 'ok',
      issues: [],
      warnings: [],
      scheduledAt: p.scheduledAt,
      queued: false,
      targets: [],
      status: p.status === 'publishing' ? 'failed' : p.status,
    };
    previews.push(preview);
    if (skip.has(row)) {
      preview.state = 'skipped';
      continue;
    }
    if (existingPosts.has(p.id)) {
      preview.state = 'duplicate';
      preview.warnings.push({ field: 'id', message: 'this post is already in Outbox (same id): it is left as it is' });
      continue;
    }
    const history = HISTORY.includes(p.status);
    const issue = (field: string, message: string) => preview.issues.push({ field, message });
    const warn = (field: string, message: string) => preview.warnings.push({ field, message });

    const parts: PostPart[] = [];
    for (const [k, part] of p.parts.entries()) {
      const media: PostPart['media'] = [];
      for (const m of part.media) {
        const id = await mediaFor(m.mediaId);
        const name = exportedMedia.get(m.mediaId)?.originalName || exportedMedia.get(m.mediaId)?.file || m.mediaId;
        if (id) media.push({ mediaId: id, altText: m.altText });
        else if (history) warn('media', `part ${k + 1}: ${name} is not in the library or beside the export; the post is kept without it`);
        else issue('media', `part ${k + 1}: ${name} is not in the library or in a media folder beside the export file`);
      }
      parts.push({ text: part.text, media });
    }

    const entries: ImportedPost['entries'] = [];
    for (const e of p.entries) {
      const account = accountFor(e.accountId);
      if (!account) {
        if (history) warn('accounts', `${describe(e.accountId, e.platform)} is not connected here: its entry is kept as history`);
        else {
          warn('accounts', `${describe(e.accountId, e.platform)} is not connected here: that account is left out`);
          continue;
        }
      } else preview.targets.push(`@${account.handle.replace(/^@/, '')} on ${platformSpec(account.platform).name}`);
      const wasSending = e.status === 'publishing';
      entries.push({
        id: existingEntries.has(e.id) ? randomUUID() : e.id,
        accountId: account?.id ?? null,
        platform: e.platform,
        contentType: e.contentType,
        enabled: e.enabled,
        // An entry caught mid-send when exported may or may not have gone out: never sent again from here.
        status: history ? (wasSending ? 'failed' : (e.status as Exclude<typeof e.status, 'publishing'>)) : 'pending',
        platformPostId: history ? e.platformPostId : null,
        platformUrl: history ? e.platformUrl : null,
        errorMessage: wasSending ? `Was being published when exported: check ${platformSpec(e.platform).name} before retrying` : history ? e.errorMessage : null,
        settings: e.settings,
        textOverride: e.textOverride,
        attempts: history
          ? e.attempts.map((a) => ({
              attemptKey: 'imported',
              startedAt: Date.parse(a.startedAt),
              endedAt: a.endedAt ? Date.parse(a.endedAt) : null,
              outcome: a.outcome === 'in_flight' ? 'unknown' : a.outcome,
              httpStatus: a.httpStatus,
              message: a.message,
            }))
          : [],
      });
    }

    const status = p.status === 'publishing' ? 'failed' : p.status;
    if (!history) {
      const sendable = entries.filter((e) => e.enabled && e.accountId);
      if (status === 'scheduled') {
        if (!p.scheduledAt || Date.parse(p.scheduledAt) <= now) issue('scheduledAt', `its time (${p.scheduledAt ?? 'none'}) has passed: skip it, or reschedule it in the file`);
        if (sendable.length === 0) issue('accounts', "none of this post's accounts is connected here: connect them first, or skip the post");
      }
      if (preview.issues.length === 0 && sendable.length > 0) {
        const { entries: checked } = deps.posts.validate({
          parts,
          targets: sendable.map((e) => ({ accountId: e.accountId!, contentType: e.contentType, settings: e.settings, textOverride: e.textOverride })),
        });
        for (const problem of checked.flatMap((c) => c.problems)) {
          const field = problem.path.includes('.media') ? 'media' : problem.path.startsWith('parts') ? 'text' : 'accounts';
          if (status === 'scheduled') issue(field, problem.message);
          else warn(field, problem.message);
        }
      }
    }
    if (preview.issues.length > 0) {
      preview.state = 'error';
      continue;
    }
    for (const name of labelNames) {
      if (!labelsHere.has(name.toLowerCase()) && !newLabels.has(name.toLowerCase())) newLabels.set(name.toLowerCase(), { name, color: [...exportedLabels.values()].find((l) => l.name === name)?.color ?? colourFor(name) });
    }
    posts.push({
      rows: [row],
      write: {
        kind: 'exact',
        labels: labelNames,
        post: {
          id: p.id,
          status,
          scheduledAt: p.scheduledAt ? Date.parse(p.scheduledAt) : null,
          parts,
          repeat: p.repeat,
          overdue: history ? false : p.overdue,
          createdAt: Date.parse(p.createdAt),
          updatedAt: Date.parse(p.updatedAt),
          publishedAt: p.publishedAt ? Date.parse(p.publishedAt) : null,
          labelIds: [],
          entries,
        },
      },
    });
  }
  return { format: 'json', previews, posts, newLabels, fileIssues: [] };
}
