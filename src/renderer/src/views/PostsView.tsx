import { useEffect, useState } from 'react';
import { Icon } from '../components/Icon';
import type { Post } from '../../../shared/domain';
import type { PostListView } from '../../../shared/ipc/posts';
import { handOffLine } from '../../../shared/platforms/hand-off-text';
import { PlatformMark, StatusBadge } from '../components/Badges';
import { EntryLine } from '../components/EntryLine';
import { platformName } from '../lib/platforms';
import { POST_STATUS } from '../lib/status';
import { firstWords } from '../lib/text';
import { dateTimeLabel, systemZone, zonedToIso } from '../lib/time';
import { accountById, useAccountsStore } from '../stores/accounts.store';
import { useComposerStore } from '../stores/composer.store';
import { useLabelsStore } from '../stores/labels.store';
import { usePostsStore, type PostFilters } from '../stores/posts.store';
import { useSettingsStore } from '../stores/settings.store';

function PostRow({ post, zone, onDelete }: { post: Post; zone: string; onDelete: (post: Post) => void }) {
  const accounts = useAccountsStore((s) => s.accounts);
  const labels = useLabelsStore((s) => s.labels);
  const { duplicate, publishNow } = usePostsStore();
  const blocker = usePostsStore((s) => s.blockers[post.id]);
  const openPost = useComposerStore((s) => s.openPost);
  const text = firstWords(post.parts[0]?.text ?? '', 140) || 'Untitled post';
  const when = post.calendarAt ?? post.publishedAt ?? post.scheduledAt;
  const handedOff = post.status === 'scheduled' ? handOffLine(post.entries) : null;
  const failed = post.entries.some((e) => e.status === 'failed');
  return (
    <li className="post-row" aria-label={text}>
      <div className="post-row-main">
        <div className="post-row-top">
          <StatusBadge look={POST_STATUS[post.status]} />
          <span className="muted">{when ? dateTimeLabel(when, zone) : 'No date'}</span>
          {post.parts.length > 1 ? <span className="pill">Thread · {post.parts.length}</span> : null}
          {post.repeat ? <span className="pill">Repeats ×{post.repeat.count}</span> : null}
          {post.overdue ? (
            <span className="pill pill-warning">
              <Icon name="clock" size={11} /> Missed
            </span>
          ) : null}
          {post.labelIds.map((id) => {
            const l = labels.find((x) => x.id === id);
            return l ? (
              <span key={id} className="pill">
                <span className="label-dot" style={{ background: l.color }} aria-hidden="true" />
                {l.name}
              </span>
            ) : null;
          })}
        </div>
        <p className="post-row-text">{text}</p>
        {handedOff ? (
          <p className="hint held-note">
            <span aria-hidden="true">⇥</span> {handedOff}
          </p>
        ) : null}
        {post.entries.length > 0 && (post.status === 'draft' || post.status === 'scheduled') && !failed ? (
          <p className="entries-inline">
            <span className="muted">To</span>
            {post.entries.map((e) => (
              <span key={e.id} className="entry-inline">
                <PlatformMark platform={e.platform} />
                {accountById(accounts, e.accountId)?.handle ?? platformName(e.platform)}
              </span>
            ))}
          </p>
        ) : post.entries.length > 0 ? (
          <ul className="entries" aria-label="Per platform">
            {post.entries.map((e) => (
              <EntryLine key={e.id} entry={e} accounts={accounts} />
            ))}
          </ul>
        ) : (
          <p className="hint">No accounts chosen yet.</p>
        )}
        {blocker && (post.status === 'draft' || post.status === 'scheduled') ? (
          <p className="row-blocker">
            <span aria-hidden="true">⚠ </span>
            <span className="sr-only">Cannot be published yet: </span>
            {blocker}
          </p>
        ) : null}
      </div>
      <div className="post-row-actions" role="group" aria-label={`Actions for ${firstWords(text, 40)}`}>
        <button type="button" className="button button-small" onClick={() => void openPost(post.id)}>
          {post.status === 'published' || post.status === 'publishing' ? 'Open' : 'Edit'}
        </button>
        <button type="button" className="button button-small" onClick={() => void duplicate(post.id)}>
          Duplicate
        </button>
        {(post.status === 'draft' || post.status === 'scheduled') && !blocker && post.entries.length > 0 ? (
          <button type="button" className="button button-small" onClick={() => void publishNow(post.id)}>
            Publish now
          </button>
        ) : null}
        {failed || post.status === 'failed' || post.status === 'partially_published' ? (
          <button type="button" className="button button-small" onClick={() => void publishNow(post.id)}>
            Retry failed
          </button>
        ) : null}
        <button type="button" className="button button-small button-danger-quiet" onClick={() => onDelete(post)} disabled={post.status === 'publishing'}>
          Delete
        </button>
      </div>
    </li>
  );
}

/** The tabs: the engine's views (posts:list { view }), each in its own order. */
const TABS: Array<{ id: PostListView; label: string; hint: string; empty: string }> = [
  { id: 'upcoming', label: 'Upcoming', hint: 'Scheduled posts, the soonest first', empty: 'Nothing scheduled. Write a post and pick a time, or add it to the queue.' },
  { id: 'drafts', label: 'Drafts', hint: 'The last edited first', empty: 'No drafts.' },
  { id: 'published', label: 'Published', hint: 'The newest first', empty: 'Nothing published yet.' },
  { id: 'failed', label: 'Failed', hint: 'Failed or partly published, the latest failure first', empty: 'Nothing failed.' },
  { id: 'all', label: 'All', hint: 'Every post, the newest first', empty: 'No posts yet. Press “New post” to write your first.' },
];

/** Every post, filtered and paged, with what happened per platform and what to do next. */
/** The calendar day after `yyyy-MM-dd`. */
function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

export function PostsView() {
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const { list, total, filters, page, pageSize, hasNext, listError, listLoading, overdue, setFilters, setPage, loadList, loadOverdue, remove } = usePostsStore();
  const accounts = useAccountsStore((s) => s.accounts);
  const labels = useLabelsStore((s) => s.labels);
  const [query, setQuery] = useState(filters.query ?? '');
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');

  useEffect(() => {
    void loadList();
    void loadOverdue();
  }, [loadList, loadOverdue]);

  // Search as the creator types, without a request per keystroke.
  useEffect(() => {
    if ((filters.query ?? '') === query) return;
    const t = setTimeout(() => setFilters({ ...filters, query: query || undefined }), 250);
    return () => clearTimeout(t);
  }, [query]); // eslint-disable-line react-hooks/exhaustive-deps

  const set = (patch: Partial<PostFilters>) => setFilters({ ...filters, ...patch });
  // The total is counted with the first page; a list that grew since has at least this page.
  const pages = Math.max(1, Math.ceil(total / pageSize), page + (hasNext ? 2 : 1));

  return (
    <section className="view" aria-labelledby="view-title">
      <header className="view-header">
        <h1 id="view-title">Posts</h1>
        <span className="muted">{total === 1 ? '1 post' : `${total} posts`}</span>
      </header>

      {overdue.length > 0 ? (
        <section className="overdue" aria-labelledby="overdue-title">
          <h2 id="overdue-title">
            <Icon name="clock" /> Missed while Outbox was closed
          </h2>
          <p className="hint">These were due while your computer was off or asleep for too long. Publish them now, pick a new time, or delete them.</p>
          <ul className="post-list">
            {overdue.map((p) => (
              <PostRow key={p.id} post={p} zone={zone} onDelete={(post) => void remove(post)} />
            ))}
          </ul>
        </section>
      ) : null}

      <div className="view-tabs" role="tablist" aria-label="Which posts">
        {TABS.map((tab, i) => {
          const selected = (filters.view ?? 'upcoming') === tab.id;
          return (
            <button
              key={tab.id}
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-selected={selected}
              aria-controls="posts-panel"
              tabIndex={selected ? 0 : -1}
              title={tab.hint}
              onClick={() => set({ view: tab.id })}
              onKeyDown={(e) => {
                // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
                const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
                if (!step) return;
                e.preventDefault();
                const next = TABS[(i + step + TABS.length) % TABS.length]!;
                set({ view: next.id });
                requestAnimationFrame(() => document.getElementById(`tab-${next.id}`)?.focus());
              }}
            >
              {tab.label}
            </button>
          );
        })}
      </div>

      <form className="filters" role="search" aria-label="Filter posts" onSubmit={(e) => e.preventDefault()}>
        <div className="field compact grow">
          <label htmlFor="filter-query">Search</label>
          <input id="filter-query" type="search" placeholder="Words in the post" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="field compact">
          <label htmlFor="filter-account">Account</label>
          <select id="filter-account" value={filters.accountId ?? ''} onChange={(e) => set({ accountId: e.target.value || undefined })}>
            <option value="">Any account</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {platformName(a.platform)} · {a.handle}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact">
          <label htmlFor="filter-label">Label</label>
          <select id="filter-label" value={filters.labelId ?? ''} onChange={(e) => set({ labelId: e.target.value || undefined })}>
            <option value="">Any label</option>
            {labels.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact">
          <label htmlFor="filter-from">From</label>
          <input
            id="filter-from"
            type="date"
            value={fromDate}
            onChange={(e) => {
              setFromDate(e.target.value);
              set({ from: e.target.value ? zonedToIso(e.target.value, '00:00', zone) : undefined });
            }}
          />
        </div>
        <div className="field compact">
          <label htmlFor="filter-to">To</label>
          <input
            id="filter-to"
            type="date"
            value={toDate}
            onChange={(e) => {
              setToDate(e.target.value);
              // `to` is exclusive: midnight starting the next day keeps posts at 23:59:xx.
              set({ to: e.target.value ? zonedToIso(nextDay(e.target.value), '00:00', zone) : undefined });
            }}
          />
        </div>
      </form>

      {listError ? (
        <p className="error-banner" role="alert">
          <span aria-hidden="true">⚠ </span>Could not load posts: {listError}
        </p>
      ) : null}

      <div id="posts-panel" role="tabpanel" aria-labelledby={`tab-${filters.view ?? 'upcoming'}`}>
        {list.length === 0 && !listLoading && !listError ? (
          <div className="empty-state">
            <p>
              {Object.entries(filters).some(([k, v]) => k !== 'view' && Boolean(v))
                ? 'No post matches these filters.'
                : (TABS.find((t) => t.id === (filters.view ?? 'upcoming'))?.empty ?? 'No posts yet. Press “New post” to write your first.')}
            </p>
          </div>
        ) : (
          <ul className="post-list" aria-label="Posts" aria-busy={listLoading}>
            {list.map((p) => (
              <PostRow key={p.id} post={p} zone={zone} onDelete={(post) => void remove(post)} />
            ))}
          </ul>
        )}
      </div>

      {total > pageSize || page > 0 || hasNext ? (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="button button-small" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous page
          </button>
          <span className="muted">
            Page {page + 1} of {pages}
          </span>
          <button type="button" className="button button-small" disabled={!hasNext} onClick={() => setPage(page + 1)}>
            Next page
          </button>
        </nav>
      ) : null}

    </section>
  );
}
