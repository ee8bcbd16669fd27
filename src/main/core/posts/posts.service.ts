import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Post, PostPart, PostStatus, Repeat } from '../../../shared/domain';
import type { CalendarPost, EntryValidation, PostWithWarnings, postsCalendarInput, postsCreateInput, postsListInput, postsUpdateInput, postsValidateInput, targetInput } from '../../../shared/ipc/posts';
import { platformSpec } from '../../../shared/platforms/catalog';
import { contentTypeFromPostType } from '../../../shared/platforms/settings';
import type { ThreadMode } from '../../../shared/platforms/thread-mode';
import type { Issue } from '../../../shared/result';
import type { Settings } from '../../../shared/ipc/settings';
import type { AccountRow, AccountsRepo } from '../accounts/accounts.repo';
import { AppError, invalid, notFound } from '../errors';
import type { EventBus } from '../events';
import { describeIssues } from '../invoke';
import type { LabelsRepo } from '../labels/labels.repo';
import type { MediaRepo } from '../media/media.repo';
import type { Clock } from '../ports/ports';
import { firstFreeSlot, sameWallTime } from './calendar';
import type { EntryRecord, ListPage, PostStore } from './post-store.repo';
import { createQuotaCheck } from './quota-check';
import { resolveContentType, validateEntry, type CountCache, type EntryToValidate, type MediaFacts } from './validate';

/** The publishing engine's one entry point for "publish now" (posts:create `now` and posts:publish). */
export interface PublishNow {
  /** Readies the post's unsent entries and sets it `publishing`; the engine claims it on its next turn. */
  publishNow(postId: string): void;
}

/** What the posts service needs. */
export interface PostsServiceDeps {
  store: PostStore;
  accounts: Pick<AccountsRepo, 'many' | 'active'>;
  media: Pick<MediaRepo, 'many'>;
  labels: Pick<LabelsRepo, 'existing'>;
  settings: { get(): Settings; update(patch: Partial<Settings>): Settings };
  clock: Clock;
  bus: EventBus;
  publisher: PublishNow;
  /** Whether the creator's bucket is set up (platforms that fetch media from a URL need it). */
  mediaHosting?: () => boolean;
}

/** How far ahead queue slots are looked for. */
const QUEUE_HORIZON_MS = 400 * 86_400_000;

type CreateInput = z.output<typeof postsCreateInput>;
type UpdateInput = z.output<typeof postsUpdateInput>;
type ListInput = z.output<typeof postsListInput>;
type CalendarInput = z.output<typeof postsCalendarInput>;
type ValidateInput = z.output<typeof postsValidateInput>;
type TargetInput = z.output<typeof targetInput>;

/** An entry as it will be after a create or update. */
interface PlannedEntry extends EntryToValidate {
  /** The existing entry it updates, if any. */
  existing?: EntryRecord | undefined;
  enabled: boolean;
  /** Published (or being sent): kept exactly as it is. */
  locked: boolean;
  handOff: 'auto' | 'off';
  threadMode: ThreadMode | null;
  /** Where the target sits in the payload, for issue paths. */
  path: string;
}

const CHANGEABLE: PostStatus[] = ['draft', 'scheduled', 'failed', 'partially_published'];

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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

/** The post lifecycle: create, change, delete, duplicate, read, list, validate and publish posts. */
export function createPostsService(deps: PostsServiceDeps) {
  const { clock, bus, store } = deps;

  const changed = (ids: string[]) => bus.emit('posts:changed', { ids });
  const quotaCheck = createQuotaCheck({ store, accounts: deps.accounts, clock });
  /** Warnings that do not stop a post (YouTube's daily upload quota for that day). */
  const quotaWarnings = (entries: PlannedEntry[], at: number | null, postId: string | null) =>
    quotaCheck(
      entries.filter((e) => e.enabled && !e.locked && e.accountId !== ''),
      at,
      postId,
    );

  function mediaFacts(parts: PostPart[]): Map<string, MediaFacts> {
    const ids = [...new Set(parts.flatMap((p) => p.media.map((m) => m.mediaId)))];
    // The media repo's rows carry the facts read at import (codecs, frame rate, container).
    return new Map(
      deps.media.many(ids).map((m) => [m.id, { id: m.id, kind: m.kind, mime: m.mime, bytes: m.bytes, durationMs: m.duration_ms, name: m.original_name, container: m.container, videoCodec: m.video_codec, audioCodec: m.audio_codec, frameRate: m.frame_rate }]),
    );
  }

  /** What the platforms' rules need to know about the creator's setup, once per call. */

  /**
   * A video's cover must name an image of the library and a time inside the video; a cover on
   * anything but a video is refused. Input errors, not platform problems: they stop a draft too.
   */
  function checkCovers(parts: PostPart[]) {
    const ids = [...new Set(parts.flatMap((p) => p.media.flatMap((m) => (m.cover ? [m.mediaId, ...(m.cover.mediaId ? [m.cover.mediaId] : [])] : []))))];
    if (ids.length === 0) return;
    const rows = new Map(deps.media.many(ids).map((m) => [m.id, m]));
    parts.forEach((part, i) =>
      part.media.forEach((m, k) => {
        if (!m.cover) return;
        const path = `parts.${i}.media.${k}.cover`;
        const item = rows.get(m.mediaId);
        if (item && item.kind !== 'video') throw invalid(path, 'only a video has a cover; remove it from this image');
        if (m.cover.mediaId) {
          const image = rows.get(m.cover.mediaId);
          if (!image) throw invalid(`${path}.mediaId`, `no media library item has id ${m.cover.mediaId}`);
          if (image.kind !== 'image') throw invalid(`${path}.mediaId`, 'a cover must be an image (JPEG, PNG or WebP), not a video');
        }
        if (m.cover.atMs !== null && item?.duration_ms != null && m.cover.atMs > item.duration_ms) {
          throw invalid(`${path}.atMs`, `the frame is at ${(m.cover.atMs / 1000).toFixed(1)} s but the video is ${(item.duration_ms / 1000).toFixed(1)} s long`);
        }
      }),
    );
  }

  /** Looks up the targets' accounts; an unknown or repeated account is a validation error. */
  function targetAccounts(targets: TargetInput[]): AccountRow[] {
    const seen = new Map<string, number>();
    targets.forEach((t, j) => {
      if (seen.has(t.accountId)) throw invalid(`targets.${j}.accountId`, `this account is already target ${seen.get(t.accountId)! + 1}`);
      seen.set(t.accountId, j);
    });
    const accounts = new Map(deps.accounts.many(targets.map((t) => t.accountId)).map((a) => [a.id, a]));
    return targets.map((t, j) => {
      const account = accounts.get(t.accountId);
      if (!account) throw invalid(`targets.${j}.accountId`, `no connected account has id ${t.accountId}`);
      return account;
    });
  }

  function checkLabels(labelIds: string[]): string[] {
    const unique = [...new Set(labelIds)];
    const existing = deps.labels.existing(unique);
    const k = labelIds.findIndex((id) => !existing.has(id));
    if (k >= 0) throw invalid(`labelIds.${k}`, `no label has id ${labelIds[k]}`);
    return unique;
  }

  function plan(target: TargetInput, account: AccountRow, j: number, existing?: EntryRecord): PlannedEntry {
    const settings = target.settings ?? existing?.settings ?? {};
    return {
      accountId: account.id,
      platform: account.platform,
      contentType: target.contentType ?? contentTypeFromPostType(account.platform, settings) ?? existing?.contentType ?? resolveContentType(account.platform, undefined, settings),
      settings,
      textOverride: target.textOverride !== undefined ? target.textOverride : (existing?.textOverride ?? null),
      enabled: target.enabled ?? existing?.enabled ?? true,
      handOff: target.handOff ?? existing?.handOff ?? 'auto',
      threadMode: target.threadMode !== undefined ? target.threadMode : (existing?.threadMode ?? null),
      accountMeta: account.meta,
      mediaHosting: deps.mediaHosting?.(),
      existing,
      locked: false,
      path: `targets.${j}`,
    };
  }

  /** An existing entry kept exactly as it is (sent, or its account is gone). */
  function keep(e: EntryRecord, path: string, locked: boolean): PlannedEntry {
    return { accountId: e.accountId ?? '', platform: e.platform, contentType: e.contentType, settings: e.settings, textOverride: e.textOverride, threadMode: e.threadMode, enabled: e.enabled, handOff: e.handOff, accountMeta: {}, mediaHosting: deps.mediaHosting?.(), existing: e, locked, path };
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

  /** The next `count` free queue slots after `now` (UTC ms): the creator's weekly times, in their zone. */
  function freeSlots(now: number, count: number): number[] {
    const { queueSlots, timeZone } = deps.settings.get();
    const taken = store.takenTimes(now, now + QUEUE_HORIZON_MS);
    const out: number[] = [];
    let from = now;
    while (out.length < count) {
      const at = firstFreeSlot(from, queueSlots, timeZone, (ms) => taken.has(ms));
      if (at === null) break;
      out.push(at);
      from = at;
    }
    return out;
  }

  function queueSlot(now: number, path: string): number {
    const at = freeSlots(now, 1)[0];
    if (at === undefined) {
      throw invalid(path, deps.settings.get().queueSlots.length === 0 ? 'no queue slots are set: add posting times to the queue in Settings, or pick a time' : 'every queue slot of the next year is taken');
    }
    return at;
  }

  function repeatOf(input: { count: number; every: number; unit: Repeat['unit'] } | null | undefined): Repeat | null {
    return input ? { count: input.count, every: input.every, unit: input.unit, remaining: input.count - 1 } : null;
  }

  function writeEntries(postId: string, entries: PlannedEntry[], reset: boolean) {
    const kept = new Set(entries.flatMap((e) => (e.existing ? [e.existing.id] : [])));
    for (const e of store.entries(postId)) if (!kept.has(e.id)) store.deleteEntry(e.id);
    entries.forEach((e, position) => {
      if (e.existing) {
        if (!e.locked) {
          store.updateEntry({ id: e.existing.id, contentType: e.contentType, enabled: e.enabled, settings: e.settings, textOverride: e.textOverride, position, handOff: e.handOff, threadMode: e.threadMode });
          if (reset) store.resetFailedEntry(e.existing.id);
        }
        return;
      }
      store.insertEntry({ postId, accountId: e.accountId, platform: e.platform, contentType: e.contentType, enabled: e.enabled, settings: e.settings, textOverride: e.textOverride, position, handOff: e.handOff, threadMode: e.threadMode });
    });
  }

  function mustGet(id: string): Post {
    const post = store.get(id);
    if (!post) throw notFound('Post', id);
    return post;
  }

  function create(input: CreateInput): PostWithWarnings {
    const now = clock.now();
    const targets: TargetInput[] = input.targets ?? deps.accounts.active().map((a) => ({ accountId: a.id }));
    const accounts = targetAccounts(targets);
    const entries = targets.map((t, j) => plan(t, accounts[j]!, j));
    const labelIds = checkLabels(input.labelIds);
    const parts = input.parts;
    checkCovers(parts);
    const problems = problemsOf(parts, entries);

    let status: PostStatus = 'draft';
    let scheduledAt: number | null = null;
    const mode = input.schedule.mode;
    if (mode !== 'draft') requireSendable(entries, problems);
    if (mode === 'at') [status, scheduledAt] = ['scheduled', futureTime(input.schedule.at, 'schedule.at', now)];
    if (mode === 'queue') [status, scheduledAt] = ['scheduled', queueSlot(now, 'schedule')];
    // Sent now: its moment on the calendar is now (the engine sets it publishing below).
    if (mode === 'now') scheduledAt = now;

    const id = randomUUID();
    store.transaction(() => {
      store.insertPost({ id, status, scheduledAt, parts, repeat: repeatOf(input.repeat), now });
      writeEntries(id, entries, false);
      store.setLabels(id, labelIds);
      // "Publish now" goes through the engine's one entry point, in the same transaction.
      if (mode === 'now') deps.publisher.publishNow(id);
    });
    changed([id]);
    return { post: mustGet(id), warnings: mode === 'draft' ? problems : quotaWarnings(entries, scheduledAt, id) };
  }

  function update(input: UpdateInput): PostWithWarnings {
    const now = clock.now();
    if (input.queue && input.scheduledAt !== undefined) throw invalid('queue', 'give either scheduledAt or queue, not both');
    const row = store.post(input.id);
    if (!row) throw notFound('Post', input.id);
    if (!CHANGEABLE.includes(row.status)) {
      throw new AppError('conflict', row.status === 'publishing' ? 'This post is being published right now and cannot be changed' : 'This post is published and can no longer be changed');
    }
    const current = store.entries(row.id);
    // A handed-off entry is not locked: the engine moves or replaces it on the platform (issue 17).
    const isLocked = (e: EntryRecord) => e.status === 'published' || e.status === 'publishing';
    // A post that went out (or failed trying) keeps its content; only the entries still to send change.
    const contentLocked = row.status === 'failed' || row.status === 'partially_published' || current.some(isLocked);

    if (input.parts && contentLocked && !sameJson(input.parts, row.parts)) {
      throw new AppError('conflict', 'This post was already sent (in part or with errors), so its text and media are locked; give the accounts still to send a text override instead, or duplicate the post', [
        { path: 'parts', message: 'locked after sending: use a text override per account, or duplicate the post' },
      ]);
    }
    const parts = input.parts ?? row.parts;
    if (input.parts) checkCovers(input.parts);

    let entries: PlannedEntry[];
    const byAccount = new Map(current.filter((e) => e.accountId !== null).map((e) => [e.accountId!, e]));
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
          const unchanged =
            planned.contentType === existing.contentType && planned.enabled === existing.enabled && sameJson(planned.settings, existing.settings) && planned.textOverride === existing.textOverride && planned.threadMode === existing.threadMode;
          if (!unchanged) {
            throw new AppError('conflict', `The ${platformSpec(existing.platform).name} entry is already ${existing.status}; it can no longer change`, [{ path: `targets.${j}`, message: `already ${existing.status}: locked` }]);
          }
          return keep(existing, `targets.${j}`, true);
        }
        return plan(t, accounts[j]!, j, existing);
      });
      const listed = new Set(targets.map((t) => t.accountId));
      const dropped = current.filter((e) => isLocked(e) && (e.accountId === null || !listed.has(e.accountId)));
      const droppedWithAccount = dropped.find((d) => d.accountId !== null);
      if (droppedWithAccount) {
        throw new AppError('conflict', `The ${platformSpec(droppedWithAccount.platform).name} entry is already ${droppedWithAccount.status} and cannot be removed from the post`, [{ path: 'targets', message: `must keep account ${droppedWithAccount.accountId}` }]);
      }
      // Entries of disconnected accounts that were sent stay on record.
      entries.push(...dropped.map((e, k) => keep(e, `entries.${k}`, true)));
      if (contentLocked) {
        const removed = current.filter((e) => !isLocked(e) && e.accountId !== null && !listed.has(e.accountId));
        if (removed.length > 0) {
          throw new AppError('conflict', 'Accounts cannot be removed from a post that was already sent; turn the entry off instead', [{ path: 'targets', message: `must keep account ${removed[0]!.accountId}` }]);
        }
      }
    } else {
      const accounts = new Map(deps.accounts.many(current.flatMap((e) => (e.accountId ? [e.accountId] : []))).map((a) => [a.id, a]));
      entries = current.map((e, j) => {
        const account = e.accountId ? accounts.get(e.accountId) : undefined;
        if (isLocked(e) || !account) return keep(e, `entries.${j}`, isLocked(e));
        return plan({ accountId: account.id }, account, j, e);
      });
    }

    const labelIds = input.labelIds ? checkLabels(input.labelIds) : undefined;

    let status: PostStatus = row.status;
    let scheduledAt = row.scheduledAt;
    let overdue = row.overdue;
    let reset = false;
    if (input.scheduledAt === null) {
      [status, scheduledAt, overdue] = ['draft', null, false];
    } else if (input.scheduledAt !== undefined || input.queue) {
      scheduledAt = input.queue ? queueSlot(now, 'queue') : futureTime(input.scheduledAt!, 'scheduledAt', now);
      [status, overdue, reset] = ['scheduled', false, true];
    }

    const problems = problemsOf(parts, entries);
    if (status === 'scheduled') requireSendable(entries, problems);

    const repeat = input.repeat === undefined ? row.repeat : repeatOf(input.repeat);
    store.transaction(() => {
      store.updatePost({ id: row.id, status, scheduledAt, parts, repeat, overdue, now });
      writeEntries(row.id, entries, reset);
      if (labelIds) store.setLabels(row.id, labelIds);
      // Hand-offs follow the change (moved, replaced or cancelled on the platform) on the engine's next turn.
      store.touchRemote(row.id, now);
    });
    changed([row.id]);
    return { post: mustGet(row.id), warnings: status === 'scheduled' ? quotaWarnings(entries, scheduledAt, row.id) : problems };
  }

  function remove(id: string): { id: string; message: string } {
    const row = store.post(id);
    if (!row) throw notFound('Post', id);
    if (row.status === 'publishing') throw new AppError('conflict', 'This post is being published right now; wait for it to finish before deleting it');
    const sent = store.entries(id).filter((e) => e.status === 'published');
    store.deletePost(id, clock.now());
    changed([id]);
    if (sent.length === 0) return { id, message: 'Post deleted' };
    const names = [...new Set(sent.map((e) => platformSpec(e.platform).name))].join(', ');
    return { id, message: `Removed from Outbox only: the post stays on ${names}. Delete it there if you want it gone.` };
  }

  function duplicate(id: string): Post {
    const row = store.post(id);
    if (!row) throw notFound('Post', id);
    const repeat = row.repeat ? { ...row.repeat, remaining: row.repeat.count - 1 } : null;
    const copyId = store.transaction(() => store.copyPost(id, { status: 'draft', scheduledAt: null, repeat, now: clock.now(), withoutAccountlessEntries: true }));
    changed([copyId]);
    return mustGet(copyId);
  }

  /**
   * `posts:publish`: publishes a draft or scheduled post now, or re-runs a failed post's failed
   * entries. The entries still to send pass the same platform validation as scheduling first, so
   * a post that cannot go out is a `validation` error now, not a failure on every platform later.
   */
  function publish(id: string): Post {
    const row = store.post(id);
    if (!row) throw notFound('Post', id);
    if (row.status === 'publishing') throw new AppError('conflict', 'This post is already publishing');
    if (row.status === 'published') throw new AppError('conflict', 'This post is already published on every account');
    const enabled = store.entries(id).filter((e) => e.enabled);
    if (enabled.length === 0) throw invalid('entries', 'this post has no enabled account to publish to');
    const toSend = enabled.filter((e) => e.status === 'pending' || e.status === 'failed');
    if (toSend.length === 0) throw new AppError('conflict', 'Nothing left to publish on this post');
    const withAccount = toSend.filter((e) => e.accountId !== null);
    if (withAccount.length > 0) {
      const problems = validate({
        parts: row.parts,
        targets: withAccount.map((e) => ({ accountId: e.accountId!, contentType: e.contentType, settings: e.settings, textOverride: e.textOverride, threadMode: e.threadMode })),
      }).entries.flatMap((e) => e.problems);
      if (problems.length > 0) throw new AppError('validation', describeIssues(problems), problems);
    }
    store.transaction(() => deps.publisher.publishNow(id));
    changed([id]);
    return mustGet(id);
  }

  function list(input: ListInput): ListPage {
    let match: string | undefined;
    if (input.query !== undefined && input.query.trim() !== '') {
      const q = ftsQuery(input.query);
      // Only punctuation: nothing can match it.
      if (q === null) return { posts: [], total: input.after === undefined ? 0 : null, next: null };
      match = q;
    }
    const page = store.list({
      status: input.status,
      labelId: input.labelId,
      accountId: input.accountId,
      from: input.from !== undefined ? Date.parse(input.from) : undefined,
      to: input.to !== undefined ? Date.parse(input.to) : undefined,
      match,
      overdue: input.overdue,
      view: input.view,
      limit: input.limit,
      offset: input.offset,
      after: input.after,
    });
    if (!page) throw invalid('after', 'is not a cursor of this list: start again from the first page');
    return page;
  }

  /** `posts:calendar`: the chips of [from, to), or of those of `ids` still in it. */
  function calendar(input: CalendarInput): { posts: CalendarPost[] } {
    return { posts: store.calendar(Date.parse(input.from), Date.parse(input.to), input.ids) };
  }

  function validate(input: ValidateInput): { entries: EntryValidation[] } {
    const accounts = targetAccounts(input.targets);
    checkCovers(input.parts);
    const media = mediaFacts(input.parts);
    const cache: CountCache = new Map();
    const planned = input.targets.map((t, j) => plan(t, accounts[j]!, j));
    const at = input.scheduledAt ? Date.parse(input.scheduledAt) : null;
    const warnings = quotaWarnings(planned, at, input.postId ?? null);
    return {
      entries: planned.map((e) => ({ ...validateEntry(e, input.parts, media, e.path, cache), warnings: warnings.filter((w) => w.path === e.path) })),
    };
  }

  /**
   * `posts:changeTimeZone`: the creator's time zone changes, and every scheduled post either keeps
   * its local time (09:30 stays 09:30, so its moment moves) or its moment (09:30 Berlin shows as
   * 08:30 London), in one transaction with the setting. A post whose local time has already passed
   * in the new zone keeps its moment (it is not sent late). Hand-offs follow on the engine's next
   * turn, as after any reschedule.
   */
  function changeTimeZone(input: { timeZone: string; keep: 'local_time' | 'moment' }): { timeZone: string; moved: string[]; keptMoment: string[] } {
    const now = clock.now();
    const from = deps.settings.get().timeZone;
    const moved: string[] = [];
    const keptMoment: string[] = [];
    store.transaction(() => {
      if (input.keep === 'local_time' && from !== input.timeZone) {
        for (const post of store.futureScheduled(now)) {
          const at = sameWallTime(post.scheduledAt, from, input.timeZone);
          if (at === post.scheduledAt) continue;
          if (at <= now) {
            keptMoment.push(post.id);
            continue;
          }
          store.moveScheduled(post.id, at, now);
          store.touchRemote(post.id, now);
          moved.push(post.id);
        }
      }
      deps.settings.update({ timeZone: input.timeZone });
    });
    if (moved.length > 0) changed(moved);
    return { timeZone: input.timeZone, moved, keptMoment };
  }

  return {
    create,
    update,
    changeTimeZone,
    delete: remove,
    duplicate,
    publish,
    get: mustGet,
    list,
    calendar,
    validate,
    /** `posts:nextSlots`: the next free queue slots, as ISO times. */
    nextSlots: (count: number): string[] => freeSlots(clock.now(), count).map((ms) => new Date(ms).toISOString()),
  };
}

/** The posts service. */
export type PostsService = ReturnType<typeof createPostsService>;
