import { create } from 'zustand';
import type { Post, PostStatus } from '../../../shared/domain';
import { outbox } from '../api';
import { plainError } from '../lib/errors';
import { useUiStore } from './ui.store';

/** The list view's filters (all optional). */
export interface PostFilters {
  status?: PostStatus;
  labelId?: string;
  accountId?: string;
  /** ISO UTC. */
  from?: string;
  to?: string;
  query?: string;
}

const PAGE = 100;

interface PostsState {
  /** Posts of the calendar's visible range, by id. */
  range: { from: string; to: string } | null;
  calendarPosts: Post[];
  calendarLoading: boolean;
  calendarError: string | null;
  /** The posts list. */
  filters: PostFilters;
  page: number;
  pageSize: number;
  list: Post[];
  total: number;
  listError: string | null;
  listLoading: boolean;
  overdue: Post[];
  /** Recent failures for the notification list. */
  failures: Post[];
  loadRange(from: string, to: string): Promise<void>;
  refreshRange(): Promise<void>;
  setFilters(filters: PostFilters): void;
  setPage(page: number): void;
  loadList(): Promise<void>;
  loadOverdue(): Promise<void>;
  loadFailures(): Promise<void>;
  /** Moves a scheduled post; refuses the past. Returns an error message or null. */
  reschedule(post: Post, at: string): Promise<string | null>;
  duplicate(id: string): Promise<Post | null>;
  remove(id: string): Promise<boolean>;
  publishNow(id: string): Promise<boolean>;
}

let rangeToken = 0;

/** Posts as the calendar and the list show them; the database is the truth, refetched on posts:changed. */
export const usePostsStore = create<PostsState>((set, get) => ({
  range: null,
  calendarPosts: [],
  calendarLoading: false,
  calendarError: null,
  filters: {},
  page: 0,
  pageSize: 20,
  list: [],
  total: 0,
  listError: null,
  listLoading: false,
  overdue: [],
  failures: [],

  async loadRange(from, to) {
    const token = ++rangeToken;
    // The previous period's posts stay until the new ones arrive: one render instead of an empty flash.
    set({ range: { from, to }, calendarLoading: true });
    const first = await outbox().posts.list({ from, to, limit: PAGE, offset: 0 });
    if (token !== rangeToken) return;
    if (!first.ok) {
      set({ calendarLoading: false, calendarError: plainError(first.error), calendarPosts: [] });
      return;
    }
    let posts = first.value.posts;
    const total = first.value.total;
    if (total > PAGE) {
      // The contract caps a page at 100; the rest of a busy month comes in parallel.
      const offsets = Array.from({ length: Math.ceil(total / PAGE) - 1 }, (_, i) => (i + 1) * PAGE);
      const pages = await Promise.all(offsets.map((offset) => outbox().posts.list({ from, to, limit: PAGE, offset })));
      if (token !== rangeToken) return;
      for (const page of pages) if (page.ok) posts = posts.concat(page.value.posts);
    }
    set({ calendarPosts: posts, calendarLoading: false, calendarError: null });
  },
  async refreshRange() {
    const range = get().range;
    if (range) await get().loadRange(range.from, range.to);
  },

  setFilters(filters) {
    set({ filters, page: 0 });
    void get().loadList();
  },
  setPage(page) {
    set({ page });
    void get().loadList();
  },
  async loadList() {
    const { filters, page, pageSize } = get();
    set({ listLoading: true });
    const payload = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '')) as PostFilters;
    const result = await outbox().posts.list({ ...payload, limit: pageSize, offset: page * pageSize });
    if (result.ok) set({ list: result.value.posts, total: result.value.total, listError: null, listLoading: false });
    else set({ listError: plainError(result.error), listLoading: false });
  },
  async loadOverdue() {
    const result = await outbox().posts.list({ overdue: true, limit: 100 });
    if (result.ok) set({ overdue: result.value.posts });
  },
  async loadFailures() {
    const [failed, partial] = await Promise.all([
      outbox().posts.list({ status: 'failed', limit: 20 }),
      outbox().posts.list({ status: 'partially_published', limit: 20 }),
    ]);
    const posts = [...(failed.ok ? failed.value.posts : []), ...(partial.ok ? partial.value.posts : [])];
    posts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    set({ failures: posts });
  },

  async reschedule(post, at) {
    if (Date.parse(at) <= Date.now()) return 'That time has already passed: pick a later one.';
    if (post.status !== 'scheduled') return 'Only scheduled posts can be moved.';
    const before = get().calendarPosts;
    // Optimistic: the chip moves at once; the engine's answer (or posts:changed) settles it.
    set({ calendarPosts: before.map((p) => (p.id === post.id ? { ...p, scheduledAt: at } : p)) });
    const result = await outbox().posts.update({ id: post.id, scheduledAt: at });
    if (!result.ok) {
      set({ calendarPosts: before });
      return plainError(result.error);
    }
    set({ calendarPosts: get().calendarPosts.map((p) => (p.id === post.id ? result.value.post : p)) });
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
  async remove(id) {
    const result = await outbox().posts.delete({ id });
    if (!result.ok) {
      useUiStore.getState().toast(plainError(result.error), 'error');
      return false;
    }
    useUiStore.getState().toast(result.value.message || 'Post deleted');
    return true;
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
}));
