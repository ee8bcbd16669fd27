import { create } from 'zustand';
import type { Post, PostStatus } from '../../../shared/domain';
import { calendarChip, type CalendarPost, type PostListView } from '../../../shared/ipc/posts';
import { outbox } from '../api';
import { plainError } from '../lib/errors';
import { platformName } from '../lib/platforms';
import { firstWords } from '../lib/text';
import { useAppStore } from './app.store';
import { useComposerStore } from './composer.store';
import { useUiStore } from './ui.store';

/** The list view's filters (all optional). */
export interface PostFilters {
  /** The tab: which posts, in the engine's order for it (upcoming soonest first, published newest first...). */
  view?: PostListView;
  status?: PostStatus;
  labelId?: string;
  accountId?: string;
  /** ISO UTC. */
  from?: string;
  to?: string;
  query?: string;
}

/** More posts named by one posts:changed than this: the calendar reloads its range instead. */
const CHANGED_MAX = 500;
/** How long a deleted post can be brought back from its toast. */
export const UNDO_MS = 6000;
const PENDING_KEY = 'outbox.pendingDeletes.v1';

interface PendingDelete {
  id: string;
  /** The post as it was (to bring back its time when it had to be moved to drafts). */
  post: Post;
  /** True when the post was moved to drafts first because its time fell inside the window. */
  unscheduled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

interface PostsState {
  /** The calendar's visible range and its posts as chips (posts:calendar), in calendar order. */
  range: { from: string; to: string } | null;
  calendarPosts: CalendarPost[];
  /** The range `calendarPosts` belong to (the previous one while a new range loads). */
  shownRange: { from: string; to: string } | null;
  calendarLoading: boolean;
  calendarError: string | null;
  /** The posts list. */
  filters: PostFilters;
  page: number;
  pageSize: number;
  /** The `after` cursor of each page reached so far (keyset paging; page 0 has none). */
  cursors: Array<string | undefined>;
  /** Whether a page follows this one. */
  hasNext: boolean;
  list: Post[];
  /** Counted when the filters change (with the first page), not for every page. */
  total: number;
  listError: string | null;
  listLoading: boolean;
  overdue: Post[];
  /** Recent failures for the notification list, newest first. */
  failures: Post[];
  /** How many posts exist at all (null until known): the calendar's first-steps card uses it. */
  totalAll: number | null;
  /** Why a listed draft or scheduled post cannot be published now (by post id); absent = it can. */
  blockers: Record<string, string>;
  /** Posts deleted but still inside their Undo window: hidden everywhere. */
  hidden: Record<string, true>;
  /** Shows [from, to): fetched unless it is already the range shown (events keep that one current). */
  loadRange(from: string, to: string): Promise<void>;
  /** After posts:changed: only the posts it named (every post of the range when `ids` is empty). */
  refreshRange(ids?: string[]): Promise<void>;
  setFilters(filters: PostFilters): void;
  setPage(page: number): void;
  loadList(): Promise<void>;
  loadOverdue(): Promise<void>;
  loadFailures(): Promise<void>;
  loadTotal(): Promise<void>;
  /** Moves a scheduled post; refuses the past. Returns an error message or null. */
  reschedule(post: CalendarPost, at: string): Promise<string | null>;
  duplicate(id: string): Promise<Post | null>;
  /** Deletes after an Undo window (see UNDO_MS); the post disappears at once. */
  remove(post: Post): Promise<boolean>;
  undoDelete(id: string): Promise<void>;
  /** Carries out every delete still waiting (the page is going away). */
  flushPendingDeletes(): void;
  /** Finishes deletes a closed page left waiting (their window ended with the page). */
  resumePendingDeletes(): void;
  publishNow(id: string): Promise<boolean>;
}

/** Bumped by every full load of the range: an older answer, or a partial refresh started before it, is dropped. */
let rangeToken = 0;
let listToken = 0;
const pending = new Map<string, PendingDelete>();
/** Failures already announced (post and its failed attempts): each is toasted once. */
let seenFailures: Set<string> | null = null;

function savePending() {
  try {
    const ids = [...pending.keys()];
    if (ids.length === 0) localStorage.removeItem(PENDING_KEY);
    else localStorage.setItem(PENDING_KEY, JSON.stringify(ids));
  } catch {
    // Not kept across a restart: the delete still happens when the window ends or the page goes.
  }
}

const visible = <T extends { id: string }>(posts: T[], hidden: Record<string, true>) => (Object.keys(hidden).length === 0 ? posts : posts.filter((p) => !hidden[p.id]));
/** Calendar order: by moment (ISO UTC strings sort as times), as posts:calendar answers. */
const byMoment = (a: CalendarPost, b: CalendarPost) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

/** Why a post cannot be published now, from the engine's own check; null when it can. */
async function blockerOf(post: Post): Promise<string | null> {
  if (post.entries.length === 0) return 'Choose an account first: open it to pick one.';
  if (post.entries.some((e) => e.accountId === null)) return 'One of its accounts was disconnected: open it to choose again.';
  const info = useAppStore.getState().info;
  if (info && post.entries.every((e) => !info.publishingPlatforms.includes(e.platform))) {
    return `Outbox cannot publish to ${[...new Set(post.entries.map((e) => platformName(e.platform)))].join(' or ')} yet.`;
  }
  const result = await outbox().posts.validate({
    parts: post.parts,
    targets: post.entries.map((e) => ({ accountId: e.accountId!, contentType: e.contentType, enabled: e.enabled, settings: e.settings, textOverride: e.textOverride, threadMode: e.threadMode })),
  });
  if (!result.ok) return null;
  for (const entry of result.value.entries) {
    const name = platformName(entry.platform);
    if (entry.length > entry.limit) return `Too long for ${name} (${entry.length}/${entry.limit}): open it to shorten it.`;
    const problem = entry.problems[0];
    if (problem) return problem.message.startsWith(name) ? problem.message : `${name}: ${problem.message}`;
  }
  return null;
}

/** Posts as the calendar and the list show them; the database is the truth, refetched on posts:changed. */
export const usePostsStore = create<PostsState>((set, get) => {
  async function checkBlockers(posts: Post[]) {
    const candidates = posts.filter((p) => p.status === 'draft' || p.status === 'scheduled');
    const answers = await Promise.all(candidates.map(async (p) => [p.id, await blockerOf(p)] as const));
    const blockers = { ...get().blockers };
    for (const [id, why] of answers) {
      if (why) blockers[id] = why;
      else delete blockers[id];
    }
    set({ blockers });
  }

  function announce(post: Post) {
    const text = firstWords(post.parts[0]?.text ?? '', 50) || 'Untitled post';
    const failed = post.entries.filter((e) => e.status === 'failed').map((e) => platformName(e.platform));
    const where = failed.length > 0 ? ` on ${[...new Set(failed)].join(', ')}` : '';
    const message = post.status === 'failed' ? `“${text}” failed to publish${where}.` : `“${text}” was only partly published: it failed${where}.`;
    useUiStore.getState().toast(message, 'error', {
      actions: [
        { label: 'Open', run: () => void useComposerStore.getState().openPost(post.id) },
        { label: 'Retry failed', run: () => void get().publishNow(post.id) },
      ],
    });
  }

  /** Every chip of [from, to) in one posts:calendar answer. */
  async function loadCalendar(from: string, to: string) {
    const token = ++rangeToken;
    // The previous period's posts stay until the new ones arrive: one render instead of an empty flash.
    set({ range: { from, to }, calendarLoading: true });
    const result = await outbox().posts.calendar({ from, to });
    if (token !== rangeToken) return;
    if (!result.ok) {
      set({ calendarLoading: false, calendarError: plainError(result.error), calendarPosts: [], shownRange: null });
      return;
    }
    set({ calendarPosts: visible(result.value.posts, get().hidden), shownRange: { from, to }, calendarLoading: false, calendarError: null });
  }

  async function commitDelete(id: string) {
    const entry = pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(id);
    savePending();
    const result = await outbox().posts.delete({ id });
    const hidden = { ...get().hidden };
    delete hidden[id];
    set({ hidden });
    if (!result.ok && result.error.code !== 'not_found') {
      useUiStore.getState().toast(`Not deleted: ${plainError(result.error)}`, 'error');
      return;
    }
  }

  return {
    range: null,
    calendarPosts: [],
    shownRange: null,
    calendarLoading: false,
    calendarError: null,
    filters: { view: 'upcoming' },
    page: 0,
    pageSize: 20,
    cursors: [undefined],
    hasNext: false,
    list: [],
    total: 0,
    listError: null,
    listLoading: false,
    overdue: [],
    failures: [],
    totalAll: null,
    blockers: {},
    hidden: {},

    async loadRange(from, to) {
      // Back to the range already shown (another view and back): posts:changed kept it current.
      const range = get().range;
      if (range?.from === from && range.to === to && !get().calendarError) return;
      await loadCalendar(from, to);
    },
    async refreshRange(ids) {
      const range = get().range;
      if (!range) return;
      if (!ids || ids.length === 0 || ids.length > CHANGED_MAX) return void (await loadCalendar(range.from, range.to));
      const token = rangeToken;
      const result = await outbox().posts.calendar({ from: range.from, to: range.to, ids });
      // A newer full load (or another range) answers for these posts already.
      if (token !== rangeToken || get().range !== range || !result.ok) return;
      const named = new Set(ids);
      const kept = get().calendarPosts.filter((p) => !named.has(p.id));
      set({ calendarPosts: visible(kept.concat(result.value.posts), get().hidden).sort(byMoment) });
    },

    setFilters(filters) {
      set({ filters, page: 0, cursors: [undefined] });
      void get().loadList();
    },
    setPage(page) {
      // Keyset paging goes one page at a time, to pages whose cursor is known.
      if (page !== 0 && get().cursors[page] === undefined) return;
      set({ page });
      void get().loadList();
    },
    async loadList() {
      const token = ++listToken;
      const { filters, page, pageSize, cursors } = get();
      const after = page > 0 ? cursors[page] : undefined;
      set({ listLoading: true });
      // The engine picks each tab's posts and order (Failed: failed and partly published, the latest failure first).
      const payload = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '')) as PostFilters;
      const result = await outbox().posts.list({ ...payload, limit: pageSize, ...(after ? { after } : {}) });
      if (token !== listToken) return;
      if (!result.ok) {
        // A cursor the engine no longer takes (a newer version, another order): from the top.
        if (after && result.error.code === 'validation') return void get().setFilters(filters);
        set({ listError: plainError(result.error), listLoading: false });
        return;
      }
      const list = visible(result.value.posts, get().hidden);
      const next = result.value.next ?? undefined;
      const known = get().cursors.slice(0, page + 1);
      known[page + 1] = next;
      // The first page carries the total; later pages keep the one counted with it.
      const total = result.value.total === null ? get().total : result.value.total - (result.value.posts.length - list.length);
      set({ list, total, cursors: known, hasNext: next !== undefined, listError: null, listLoading: false });
      void checkBlockers(list);
    },
    async loadOverdue() {
      const result = await outbox().posts.list({ overdue: true, limit: 100 });
      if (!result.ok) return;
      const overdue = visible(result.value.posts, get().hidden);
      set({ overdue });
      void checkBlockers(overdue);
    },
    async loadFailures() {
      const failed = await outbox().posts.list({ view: 'failed', limit: 40 });
      if (!failed.ok) return;
      const posts = visible(failed.value.posts, get().hidden);
      // A failure is known by its failed attempts: a new attempt that fails is news, an edit is not.
      const keys = posts.map((p) => `${p.id}:${p.entries.filter((e) => e.status === 'failed').map((e) => `${e.id}#${e.attempts.length}@${e.attempts.at(-1)?.startedAt ?? ''}`).join(',')}`);
      // The first load only learns what failed before this window opened; later ones announce what is new.
      if (seenFailures !== null) for (const [i, p] of posts.entries()) if (!seenFailures.has(keys[i]!)) announce(p);
      seenFailures = new Set([...(seenFailures ?? []), ...keys]);
      set({ failures: posts });
    },
    async loadTotal() {
      const result = await outbox().posts.list({ limit: 1 });
      if (result.ok && result.value.total !== null) set({ totalAll: result.value.total });
    },

    async reschedule(post, at) {
      if (Date.parse(at) <= Date.now()) return 'That time has already passed: pick a later one.';
      if (post.status !== 'scheduled') return 'Only scheduled posts can be moved.';
      const before = get().calendarPosts;
      // Optimistic: the chip moves at once; the engine's answer (or posts:changed) settles it.
      set({ calendarPosts: before.map((p) => (p.id === post.id ? { ...p, at, scheduledAt: at } : p)).sort(byMoment) });
      const result = await outbox().posts.update({ id: post.id, scheduledAt: at });
      if (!result.ok) {
        set({ calendarPosts: before });
        return plainError(result.error);
      }
      const chip = calendarChip(result.value.post);
      set({ calendarPosts: get().calendarPosts.flatMap((p) => (p.id !== post.id ? [p] : chip ? [chip] : [])).sort(byMoment) });
      return null;
    },
    async duplicate(id) {
      const result = await outbox().posts.duplicate({ id });
      if (!result.ok) {
        useUiStore.getState().toast(plainError(result.error), 'error');
        return null;
      }
      useUiStore.getState().toast('Duplicated as a draft');
      return result.value;
    },
    async remove(post) {
      if (post.status === 'publishing') {
        useUiStore.getState().toast('This post is being published right now: wait for it to finish before deleting it.', 'error');
        return false;
      }
      // A post due inside the Undo window would go out meanwhile: it waits as a draft until then.
      const imminent = post.status === 'scheduled' && post.scheduledAt !== null && Date.parse(post.scheduledAt) - Date.now() < UNDO_MS + 30_000;
      if (imminent) {
        const result = await outbox().posts.update({ id: post.id, scheduledAt: null });
        if (!result.ok) {
          useUiStore.getState().toast(plainError(result.error), 'error');
          return false;
        }
      }
      const entry: PendingDelete = { id: post.id, post, unscheduled: imminent };
      pending.set(post.id, entry);
      savePending();
      const hidden = { ...get().hidden, [post.id]: true as const };
      set({
        hidden,
        list: get().list.filter((p) => p.id !== post.id),
        total: Math.max(0, get().total - (get().list.some((p) => p.id === post.id) ? 1 : 0)),
        overdue: get().overdue.filter((p) => p.id !== post.id),
        calendarPosts: get().calendarPosts.filter((p) => p.id !== post.id),
        failures: get().failures.filter((p) => p.id !== post.id),
      });
      const text = firstWords(post.parts[0]?.text ?? '', 40) || 'Untitled post';
      const live = [...new Set(post.entries.filter((e) => e.status === 'published').map((e) => platformName(e.platform)))];
      const message = live.length > 0 ? `Deleted “${text}” from Outbox: it stays on ${live.join(', ')}.` : `Deleted “${text}”`;
      useUiStore.getState().toast(message, 'info', {
        duration: UNDO_MS,
        actions: [{ label: 'Undo', run: () => void get().undoDelete(post.id) }],
        onExpire: () => void commitDelete(post.id),
      });
      return true;
    },
    async undoDelete(id) {
      const entry = pending.get(id);
      if (!entry) return;
      clearTimeout(entry.timer);
      pending.delete(id);
      savePending();
      const hidden = { ...get().hidden };
      delete hidden[id];
      set({ hidden });
      if (entry.unscheduled && entry.post.scheduledAt) {
        if (Date.parse(entry.post.scheduledAt) > Date.now() + 5000) {
          const result = await outbox().posts.update({ id, scheduledAt: entry.post.scheduledAt });
          if (!result.ok) useUiStore.getState().toast(`Brought back as a draft: ${plainError(result.error)}`, 'error');
          else useUiStore.getState().toast('Brought back, still scheduled');
        } else {
          useUiStore.getState().toast('Brought back as a draft: its time passed meanwhile, so pick a new one.');
        }
      } else {
        useUiStore.getState().toast('Brought back');
      }
      void get().refreshRange();
      void get().loadList();
      void get().loadOverdue();
      void get().loadFailures();
    },
    flushPendingDeletes() {
      // The answers may never arrive (the page is going); the ids stay saved so the next start confirms them.
      for (const id of pending.keys()) void outbox().posts.delete({ id });
    },
    resumePendingDeletes() {
      let ids: string[] = [];
      try {
        ids = JSON.parse(localStorage.getItem(PENDING_KEY) ?? '[]') as string[];
      } catch {
        ids = [];
      }
      if (!Array.isArray(ids) || ids.length === 0) return;
      localStorage.removeItem(PENDING_KEY);
      void Promise.all(ids.filter((id) => typeof id === 'string').map((id) => outbox().posts.delete({ id }))).then((answers) => {
        const done = answers.filter((a) => a.ok || a.error.code === 'not_found').length;
        if (answers.some((a) => !a.ok && a.error.code !== 'not_found')) useUiStore.getState().toast('A post deleted just before Outbox closed could not be deleted: it is still in your posts.', 'error');
        else if (done > 0 && answers.some((a) => a.ok)) useUiStore.getState().toast(done === 1 ? 'Finished deleting the post you deleted before Outbox closed.' : `Finished deleting ${done} posts you deleted before Outbox closed.`);
      });
    },
    async publishNow(id) {
      const result = await outbox().posts.publish({ id });
      if (!result.ok) {
        useUiStore.getState().toast(plainError(result.error), 'error');
        return false;
      }
      useUiStore.getState().toast('Publishing now');
      return true;
    },
  };
});
