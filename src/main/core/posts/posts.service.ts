import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Post, PostPart, PostStatus, Repeat } from '../../../shared/domain';
import type { EntryValidation, PostWithWarnings, postsCreateInput, postsListInput, postsUpdateInput, postsValidateInput, targetInput } from '../../../shared/ipc/posts';
import { platformSpec } from '../../../shared/platforms/catalog';
import { contentTypeFromPostType } from '../../../shared/platforms/settings';
import type { Issue } from '../../../shared/result';
import type { Db } from '../db/database';
import { AppError, invalid, notFound } from '../errors';
import type { EventBus } from '../events';
import { describeIssues } from '../invoke';
import type { Clock } from '../ports/ports';
import { createMediaRepo } from '../media/media.repo';
import { createPostsRepo, type AccountFacts, type EntryRow, type PostRow } from './posts.repo';
import { resolveContentType, validateEntry, type CountCache, type EntryToValidate, type MediaFacts } from './validate';

/**
 * Finds the next free queue slot after `nowMs` (UTC ms), or null when none is set. The
 * publishing engine provides it; without it `schedule: { mode: 'queue' }` is refused.
 */
export type QueueSlotResolver = (nowMs: number) => number | null;

/** What the posts service needs. */
export interface PostsServiceDeps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  resolveQueueSlot?: QueueSlotResolver | undefined;
}

type CreateInput = z.output<typeof postsCreateInput>;
type UpdateInput = z.output<typeof postsUpdateInput>;
type ListInput = z.output<typeof postsListInput>;
type ValidateInput = z.output<typeof postsValidateInput>;
type TargetInput = z.output<typeof targetInput>;

/** An entry as it will be after a create or update. */
interface PlannedEntry extends EntryToValidate {
  /** The existing row it updates, if any. */
  existing?: EntryRow | undefined;
  enabled: boolean;
  /** Published (or being sent): kept exactly as it is. */
  locked: boolean;
  /** Where the target sits in the payload, for issue paths. */
  path: string;
}

const CHANGEABLE: PostStatus[] = ['draft', 'scheduled', 'failed', 'partially_published'];

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function entrySettings(row: EntryRow): Record<string, unknown> {
  try {
    return JSON.parse(row.settings) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Turns what the creator typed into an FTS5 expression: every word must match, as a prefix. */
export function ftsQuery(query: string): string | null {
  const words = query.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return null;
  return words
    .slice(0, 20)
    .map((w) => `"${w}"*`)
    .join(' ');
}

/** The post lifecycle: create, change, delete, duplicate, read, list and validate posts. */
export function createPostsService(deps: PostsServiceDeps) {
  const { clock, bus } = deps;
  const repo = createPostsRepo(deps.db);
  const media = createMediaRepo(deps.db);
  let resolveQueueSlot = deps.resolveQueueSlot;

  const changed = (ids: string[]) => bus.emit('posts:changed', { ids });

  function mediaFacts(parts: PostPart[]): Map<string, MediaFacts> {
    const ids = [...new Set(parts.flatMap((p) => p.media.map((m) => m.mediaId)))];
    // The media repo's rows carry the facts read at import (codecs, frame rate, container).
    return new Map(
      media.many(ids).map((m) => [m.id, { id: m.id, kind: m.kind, mime: m.mime, bytes: m.bytes, durationMs: m.duration_ms, name: m.original_name, container: m.container, videoCodec: m.video_codec, audioCodec: m.audio_codec, frameRate: m.frame_rate }]),
    );
  }

  /** Looks up the targets' accounts; an unknown or repeated account is a validation error. */
  function targetAccounts(targets: TargetInput[]): AccountFacts[] {
    const seen = new Map<string, number>();
    targets.forEach((t, j) => {
      if (seen.has(t.accountId)) throw invalid(`targets.${j}.accountId`, `this account is already target ${seen.get(t.accountId)! + 1}`);
      seen.set(t.accountId, j);
    });
    const accounts = new Map(repo.accounts(targets.map((t) => t.accountId)).map((a) => [a.id, a]));
    return targets.map((t, j) => {
      const account = accounts.get(t.accountId);
      if (!account) throw invalid(`targets.${j}.accountId`, `no connected account has id ${t.accountId}`);
      return account;
    });
  }

  function checkLabels(labelIds: string[]): string[] {
    const unique = [...new Set(labelIds)];
    const existing = repo.existingLabelIds(unique);
    const k = labelIds.findIndex((id) => !existing.has(id));
    if (k >= 0) throw invalid(`labelIds.${k}`, `no label has id ${labelIds[k]}`);
    return unique;
  }

  function plan(target: TargetInput, account: AccountFacts, j: number, existing?: EntryRow): PlannedEntry {
    const settings = target.settings ?? (existing ? entrySettings(existing) : {});
    return {
      accountId: account.id,
      platform: account.platform,
      contentType: target.contentType ?? contentTypeFromPostType(account.platform, settings) ?? existing?.content_type ?? resolveContentType(account.platform, undefined, settings),
      settings,
      textOverride: target.textOverride !== undefined ? target.textOverride : (existing?.text_override ?? null),
      enabled: target.enabled ?? (existing ? existing.enabled === 1 : true),
      accountMeta: account.meta,
      existing,
      locked: false,
      path: `targets.${j}`,
    };
  }

  /** Validates the entries that will be sent; returns every problem. */
  function problemsOf(parts: PostPart[], entries: PlannedEntry[]): Issue[] {
    const media = mediaFacts(parts);
    const cache: CountCache = new Map();
    const problems: Issue[] = [];
    for (const e of entries) {
      if (!e.enabled || e.locked) continue;
      if (!e.accountId) {
        problems.push({ path: e.path, message: `${platformSpec(e.platform).name}: this account was disconnected; reconnect it or remove it from the post`, platform: e.platform });
        continue;
      }
      problems.push(...validateEntry(e, parts, media, e.path, cache).problems);
    }
    return problems;
  }

  /** Refuses to schedule or send a post that has nowhere to go or breaks a platform's rules. */
  function requireSendable(entries: PlannedEntry[], problems: Issue[]) {
    if (!entries.some((e) => e.enabled && !e.locked)) throw invalid('targets', 'choose at least one account to post to');
    if (problems.length > 0) throw new AppError('validation', describeIssues(problems), problems);
  }

  function futureTime(iso: string, path: string, now: number): number {
    const at = Date.parse(iso);
    if (at <= now) throw invalid(path, `must be in the future (it is ${new Date(now).toISOString()} now)`);
    return at;
  }

  function repeatOf(input: { count: number; every: number; unit: Repeat['unit'] } | null | undefined): Repeat | null {
    return input ? { count: input.count, every: input.every, unit: input.unit, remaining: input.count - 1 } : null;
  }

  function writeEntries(postId: string, entries: PlannedEntry[], reset: boolean) {
    const keep = new Set(entries.flatMap((e) => (e.existing ? [e.existing.id] : [])));
    for (const row of repo.entries(postId)) if (!keep.has(row.id)) repo.deleteEntry(row.id);
    entries.forEach((e, position) => {
      if (e.existing) {
        if (!e.locked) {
          repo.updateEntry({ id: e.existing.id, content_type: e.contentType, enabled: e.enabled ? 1 : 0, settings: JSON.stringify(e.settings), text_override: e.textOverride, position });
          if (reset) repo.resetFailedEntry(e.existing.id);
        }
        return;
      }
      repo.insertEntry({
        id: randomUUID(),
        post_id: postId,
        account_id: e.accountId,
        platform: e.platform,
        content_type: e.contentType,
        enabled: e.enabled ? 1 : 0,
        status: 'pending',
        settings: JSON.stringify(e.settings),
        text_override: e.textOverride,
        position,
      });
    });
  }

  function mustGet(id: string): Post {
    const post = repo.get(id);
    if (!post) throw notFound('Post', id);
    return post;
  }

  function create(input: CreateInput): PostWithWarnings {
    const now = clock.now();
    const targets: TargetInput[] = input.targets ?? repo.activeAccounts().map((a) => ({ accountId: a.id }));
    const accounts = targetAccounts(targets);
    const entries = targets.map((t, j) => plan(t, accounts[j]!, j));
    const labelIds = checkLabels(input.labelIds);
    const parts = input.parts;
    const problems = problemsOf(parts, entries);

    let status: PostStatus;
    let scheduledAt: number | null;
    switch (input.schedule.mode) {
      case 'draft':
        status = 'draft';
        scheduledAt = null;
        break;
      case 'at':
        scheduledAt = futureTime(input.schedule.at, 'schedule.at', now);
        requireSendable(entries, problems);
        status = 'scheduled';
        break;
      case 'now':
        requireSendable(entries, problems);
        status = 'publishing';
        scheduledAt = now;
        break;
      case 'queue': {
        if (!resolveQueueSlot) throw invalid('schedule', 'no queue slots are set: add posting times to the queue in Settings, or pick a time');
        requireSendable(entries, problems);
        const slot = resolveQueueSlot(now);
        if (slot === null) throw invalid('schedule', 'no queue slots are set: add posting times to the queue in Settings, or pick a time');
        status = 'scheduled';
        scheduledAt = slot;
        break;
      }
    }

    const id = randomUUID();
    repo.transaction(() => {
      repo.insertPost({
        id,
        status,
        scheduled_at: scheduledAt,
        parts: JSON.stringify(parts),
        repeat: input.repeat ? JSON.stringify(repeatOf(input.repeat)) : null,
        overdue: 0,
        created_at: now,
        updated_at: now,
        published_at: null,
      });
      writeEntries(id, entries, false);
      repo.setLabels(id, labelIds);
    });
    changed([id]);
    return { post: mustGet(id), warnings: status === 'draft' ? problems : [] };
  }

  function update(input: UpdateInput): PostWithWarnings {
    const now = clock.now();
    const row = repo.getRow(input.id);
    if (!row) throw notFound('Post', input.id);
    if (!CHANGEABLE.includes(row.status)) {
      throw new AppError('conflict', row.status === 'publishing' ? 'This post is being published right now and cannot be changed' : 'This post is published and can no longer be changed');
    }
    const current = repo.entries(row.id);
    const isLocked = (e: EntryRow) => e.status === 'published' || e.status === 'publishing';
    // A post that went out (or failed trying) keeps its content; only the entries still to send change.
    const contentLocked = row.status === 'failed' || row.status === 'partially_published' || current.some(isLocked);
    const currentParts = JSON.parse(row.parts) as PostPart[];

    if (input.parts && contentLocked && !sameJson(input.parts, currentParts)) {
      throw new AppError('conflict', 'This post was already sent (in part or with errors), so its text and media are locked; give the accounts still to send a text override instead, or duplicate the post', [
        { path: 'parts', message: 'locked after sending: use a text override per account, or duplicate the post' },
      ]);
    }
    const parts = input.parts ?? currentParts;

    let entries: PlannedEntry[];
    const byAccount = new Map(current.filter((e) => e.account_id !== null).map((e) => [e.account_id!, e]));
    const lockedOf = (e: EntryRow, path: string): PlannedEntry => ({
      accountId: e.account_id ?? '',
      platform: e.platform as PlannedEntry['platform'],
      contentType: e.content_type,
      settings: entrySettings(e),
      textOverride: e.text_override,
      enabled: e.enabled === 1,
      accountMeta: {},
      existing: e,
      locked: true,
      path,
    });
    if (input.targets) {
      const targets = input.targets;
      const accounts = targetAccounts(targets);
      entries = targets.map((t, j) => {
        const existing = byAccount.get(t.accountId);
        if (contentLocked && !existing) {
          throw new AppError('conflict', 'Accounts cannot be added to a post that was already sent; duplicate it to post to more accounts', [{ path: `targets.${j}.accountId`, message: 'cannot be added after sending' }]);
        }
        if (existing && isLocked(existing)) {
          const planned = plan(t, accounts[j]!, j, existing);
          const unchanged = planned.contentType === existing.content_type && planned.enabled === (existing.enabled === 1) && sameJson(planned.settings, entrySettings(existing)) && planned.textOverride === existing.text_override;
          if (!unchanged) {
            throw new AppError('conflict', `The ${platformSpec(existing.platform as PlannedEntry['platform']).name} entry is already ${existing.status}; it can no longer change`, [{ path: `targets.${j}`, message: `already ${existing.status}: locked` }]);
          }
          return lockedOf(existing, `targets.${j}`);
        }
        return plan(t, accounts[j]!, j, existing);
      });
      const listed = new Set(targets.map((t) => t.accountId));
      const dropped = current.filter((e) => isLocked(e) && (e.account_id === null || !listed.has(e.account_id)));
      if (dropped.length > 0 && dropped.some((e) => e.account_id !== null)) {
        const e = dropped.find((d) => d.account_id !== null)!;
        throw new AppError('conflict', `The ${platformSpec(e.platform as PlannedEntry['platform']).name} entry is already ${e.status} and cannot be removed from the post`, [{ path: 'targets', message: `must keep account ${e.account_id}` }]);
      }
      // Entries of disconnected accounts that were sent stay on record.
      entries.push(...dropped.map((e, k) => lockedOf(e, `entries.${k}`)));
      if (contentLocked) {
        const removed = current.filter((e) => !isLocked(e) && e.account_id !== null && !listed.has(e.account_id));
        if (removed.length > 0) {
          throw new AppError('conflict', 'Accounts cannot be removed from a post that was already sent; turn the entry off instead', [{ path: 'targets', message: `must keep account ${removed[0]!.account_id}` }]);
        }
      }
    } else {
      const accounts = new Map(repo.accounts(current.flatMap((e) => (e.account_id ? [e.account_id] : []))).map((a) => [a.id, a]));
      entries = current.map((e, j) => {
        const account = e.account_id ? accounts.get(e.account_id) : undefined;
        if (isLocked(e) || !account) return { ...lockedOf(e, `entries.${j}`), locked: isLocked(e), accountId: e.account_id ?? '' };
        return plan({ accountId: account.id }, account, j, e);
      });
    }

    const labelIds = input.labelIds ? checkLabels(input.labelIds) : undefined;

    let status: PostStatus = row.status;
    let scheduledAt = row.scheduled_at;
    let overdue = row.overdue;
    let reset = false;
    if (input.scheduledAt === null) {
      status = 'draft';
      scheduledAt = null;
      overdue = 0;
    } else if (input.scheduledAt !== undefined) {
      scheduledAt = futureTime(input.scheduledAt, 'scheduledAt', now);
      status = 'scheduled';
      overdue = 0;
      reset = true;
    }

    const problems = problemsOf(parts, entries);
    if (status === 'scheduled') requireSendable(entries, problems);

    const repeat = input.repeat === undefined ? row.repeat : input.repeat === null ? null : JSON.stringify(repeatOf(input.repeat));
    repo.transaction(() => {
      repo.updatePost({ id: row.id, status, scheduled_at: scheduledAt, parts: JSON.stringify(parts), repeat, overdue, updated_at: now });
      writeEntries(row.id, entries, reset);
      if (labelIds) repo.setLabels(row.id, labelIds);
    });
    changed([row.id]);
    return { post: mustGet(row.id), warnings: status === 'scheduled' ? [] : problems };
  }

  function remove(id: string): { id: string; message: string } {
    const row = repo.getRow(id);
    if (!row) throw notFound('Post', id);
    if (row.status === 'publishing') throw new AppError('conflict', 'This post is being published right now; wait for it to finish before deleting it');
    const sent = repo.entries(id).filter((e) => e.status === 'published');
    repo.transaction(() => repo.deletePost(id));
    changed([id]);
    if (sent.length === 0) return { id, message: 'Post deleted' };
    const names = [...new Set(sent.map((e) => platformSpec(e.platform as PlannedEntry['platform']).name))].join(', ');
    return { id, message: `Removed from Outbox only: the post stays on ${names}. Delete it there if you want it gone.` };
  }

  function duplicate(id: string): Post {
    const now = clock.now();
    const row = repo.getRow(id);
    if (!row) throw notFound('Post', id);
    const original = mustGet(id);
    const copyId = randomUUID();
    const repeat = original.repeat ? { ...original.repeat, remaining: original.repeat.count - 1 } : null;
    repo.transaction(() => {
      repo.insertPost({ id: copyId, status: 'draft', scheduled_at: null, parts: row.parts, repeat: repeat ? JSON.stringify(repeat) : null, overdue: 0, created_at: now, updated_at: now, published_at: null });
      original.entries
        .filter((e) => e.accountId !== null)
        .forEach((e, position) =>
          repo.insertEntry({
            id: randomUUID(),
            post_id: copyId,
            account_id: e.accountId,
            platform: e.platform,
            content_type: e.contentType,
            enabled: e.enabled ? 1 : 0,
            status: 'pending',
            settings: JSON.stringify(e.settings),
            text_override: e.textOverride,
            position,
          }),
        );
      repo.setLabels(copyId, original.labelIds);
    });
    changed([copyId]);
    return mustGet(copyId);
  }

  function list(input: ListInput): { posts: Post[]; total: number } {
    let match: string | undefined;
    if (input.query !== undefined && input.query.trim() !== '') {
      const q = ftsQuery(input.query);
      // Only punctuation: nothing can match it.
      if (q === null) return { posts: [], total: 0 };
      match = q;
    }
    return repo.list({
      status: input.status,
      labelId: input.labelId,
      accountId: input.accountId,
      from: input.from !== undefined ? Date.parse(input.from) : undefined,
      to: input.to !== undefined ? Date.parse(input.to) : undefined,
      match,
      overdue: input.overdue,
      limit: input.limit,
      offset: input.offset,
    });
  }

  function validate(input: ValidateInput): { entries: EntryValidation[] } {
    const accounts = targetAccounts(input.targets);
    const media = mediaFacts(input.parts);
    const cache: CountCache = new Map();
    return {
      entries: input.targets.map((t, j) => {
        const e = plan(t, accounts[j]!, j);
        return validateEntry(e, input.parts, media, e.path, cache);
      }),
    };
  }

  return {
    create,
    update,
    delete: remove,
    duplicate,
    get: mustGet,
    /** Posts by id, in the order asked (missing ones left out). */
    getMany: (ids: string[]) => repo.getMany(ids),
    list,
    validate,
    /** Plugs in the engine's queue (see QueueSlotResolver). */
    setQueueSlotResolver(fn: QueueSlotResolver | undefined) {
      resolveQueueSlot = fn;
    },
  };
}

/** The posts service. */
export type PostsService = ReturnType<typeof createPostsService>;
