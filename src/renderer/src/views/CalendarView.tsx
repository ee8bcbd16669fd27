import { DndContext, DragOverlay, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { Icon } from '../components/Icon';
import { addDays, addMonths, addWeeks, format, startOfDay } from 'date-fns';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CalendarPost } from '../../../shared/ipc/posts';
import { PlatformMark, StatusBadge } from '../components/Badges';
import { handOffLine } from '../../../shared/platforms/hand-off-text';
import { PostUploadProgress } from '../components/UploadProgress';
import { platformName } from '../lib/platforms';
import { POST_STATUS } from '../lib/status';
import { firstWords } from '../lib/text';
import { WEEKDAYS, type QueueSlot } from '../../../shared/ipc/settings';
import { fastDayKey, fastTime, inZone, longDayLabel, monthGridDays, systemZone, weekDays, zonedToIso, zoneAbbreviation } from '../lib/time';
import { useAccountsStore } from '../stores/accounts.store';
import { useCalendarStore, type CalendarMode } from '../stores/calendar.store';
import { nextHour, useComposerStore } from '../stores/composer.store';
import { usePostsStore } from '../stores/posts.store';
import { useSettingsStore } from '../stores/settings.store';
import { useUiStore } from '../stores/ui.store';

const MONTH_CHIPS = 3;

/** A post as the calendar has it: a chip's facts (posts:calendar); opening it reads the whole post. */
type Post = CalendarPost;

/** What to do first on an empty calendar: connect an account, then write a first post. */
function FirstSteps() {
  const accounts = useAccountsStore((s) => s.accounts);
  const accountsLoaded = useAccountsStore((s) => s.loaded);
  const totalAll = usePostsStore((s) => s.totalAll);
  // A post on the calendar counts at once (the total follows a moment later): the panel must not
  // sit above a first chip and then vanish, moving the whole grid under the pointer.
  const anyShown = usePostsStore((s) => s.calendarPosts.length > 0);
  const setView = useUiStore((s) => s.setView);
  const openNew = useComposerStore((s) => s.openNew);
  if (!accountsLoaded || totalAll === null) return null;
  const connected = accounts.length > 0;
  if (connected && (totalAll > 0 || anyShown)) return null;
  return (
    <section className="first-steps" aria-labelledby="first-steps-title">
      <h2 id="first-steps-title">Get started</h2>
      <ol>
        <li className={connected ? 'done' : 'current'}>
          <span className="step-mark" aria-hidden="true">
            {connected ? '✓' : '1'}
          </span>
          <span className="step-text">
            <strong>Connect an account</strong>
            <span className="hint">{connected ? `Done: ${accounts.length === 1 ? accounts[0]!.handle : `${accounts.length} accounts`}.` : 'Bluesky, Mastodon, Telegram and more. Outbox posts to them from this computer.'}</span>
          </span>
          {connected ? <span className="sr-only">(done)</span> : (
            <button type="button" className="button button-primary" onClick={() => setView('accounts')}>
              Connect an account
            </button>
          )}
        </li>
        <li className={connected ? 'current' : 'later'}>
          <span className="step-mark" aria-hidden="true">
            2
          </span>
          <span className="step-text">
            <strong>Write your first post</strong>
            <span className="hint">Schedule it on a day here, or publish it right away.</span>
          </span>
          <button type="button" className={`button${connected ? ' button-primary' : ''}`} onClick={() => openNew()}>
            Write a post
          </button>
        </li>
      </ol>
    </section>
  );
}
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const pad = (n: number) => String(n).padStart(2, '0');

/** Where a post sits on the calendar: the engine's moment (published by hand, else planned, else settled). */
const postTime = (p: Post) => p.at;
const canMove = (p: Post) => p.status === 'scheduled';

/** One post on the calendar: time, first words, platforms, status; draggable when it can move. */
const PostChip = memo(function PostChip({
  post,
  zone,
  onOpen,
  onKeyMove,
}: {
  post: Post;
  zone: string;
  onOpen?: (post: Post) => void;
  onKeyMove?: (post: Post, event: KeyboardEvent) => void;
}) {
  const movable = canMove(post);
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: post.id, disabled: !movable, data: { post } });
  const at = postTime(post);
  const look = POST_STATUS[post.status];
  const platforms = [...new Set(post.entries.map((e) => e.platform))];
  // One link is enough on a chip; the posts list has every platform's.
  const links = post.status === 'published' || post.status === 'partially_published' ? post.entries.filter((e) => e.url).slice(0, 1) : [];
  // Held by a platform's own scheduler: it goes out even with this computer off.
  const handedOff = post.status === 'scheduled' ? handOffLine(post.entries) : null;
  return (
    <div className={`chip-wrap tone-${look.tone}${post.status === 'failed' ? ' chip-failed' : ''}${isDragging ? ' dragging' : ''}`} title={handedOff ?? undefined}>
      <button
        ref={setNodeRef}
        type="button"
        className="chip"
        data-post-id={post.id}
        {...(movable ? attributes : {})}
        {...(movable ? listeners : {})}
        aria-roledescription={movable ? 'movable post' : undefined}
        aria-keyshortcuts={movable ? 'Alt+ArrowLeft Alt+ArrowRight Alt+ArrowUp Alt+ArrowDown' : undefined}
        onClick={() => onOpen?.(post)}
        onKeyDown={(e) => {
          if (movable && e.altKey && e.key.startsWith('Arrow')) onKeyMove?.(post, e);
        }}
      >
        <span className="chip-time">{at ? fastTime(at, zone) : ''}</span>
        <span className="chip-text">{firstWords(post.text, 48) || 'Untitled post'}</span>
        <span className="sr-only">,</span>
        <StatusBadge look={look} compact />
        {handedOff ? (
          <span className="chip-held">
            <span aria-hidden="true">⇥</span>
            <span className="sr-only">, {handedOff}</span>
          </span>
        ) : null}
        <span className="chip-marks">
          {platforms.slice(0, 2).map((p) => (
            <PlatformMark key={p} platform={p} />
          ))}
          {platforms.length > 2 ? (
            <span className="chip-more" title={platforms.slice(2).map(platformName).join(', ')}>
              +{platforms.length - 2}
              <span className="sr-only"> {platforms.slice(2).map(platformName).join(', ')}</span>
            </span>
          ) : null}
        </span>
      </button>
      <PostUploadProgress post={post} />
      {links.map((e) => (
        <a key={e.platform} className="chip-link" href={e.url!} target="_blank" rel="noreferrer" aria-label={`Open on ${platformName(e.platform)}`}>
          ↗
        </a>
      ))}
    </div>
  );
});

/** What a month cell shows of its day, computed once per grid (date-fns in a zone is not free). */
interface DayInfo {
  key: string;
  label: string;
  number: string;
  month: number;
  at: number;
}

const DayCell = memo(function DayCell({
  index,
  day,
  zone,
  posts,
  outside,
  today,
  onOpen,
  onCompose,
  onKeyMove,
  onShowDay,
}: {
  index: number;
  day: DayInfo;
  zone: string;
  posts: Post[];
  outside: boolean;
  today: boolean;
  onOpen: (p: Post) => void;
  onCompose: (date: string) => void;
  onKeyMove: (p: Post, e: KeyboardEvent) => void;
  onShowDay: (at: number) => void;
}) {
  const { key, label } = day;
  // Drop targets are named by grid position (stable across months, so none re-registers); the date rides in data.
  const { setNodeRef, isOver } = useDroppable({ id: `cell:${index}`, data: { date: key } });
  const shown = posts.slice(0, MONTH_CHIPS);
  return (
    <li
      ref={setNodeRef}
      className={`day${outside ? ' outside' : ''}${today ? ' today' : ''}${isOver ? ' over' : ''}`}
      aria-label={`${label}${posts.length ? `, ${posts.length} post${posts.length > 1 ? 's' : ''}` : ''}`}
      data-day={key}
      onClick={(e) => {
        if (e.target === e.currentTarget) onCompose(key);
      }}
    >
      <div className="day-head">
        <button type="button" className="day-number" aria-label={`New post on ${label}`} onClick={() => onCompose(key)}>
          {today ? <span className="sr-only">Today, </span> : null}
          {day.number}
        </button>
      </div>
      {shown.length > 0 ? (
        <ul className="chips">
          {shown.map((p) => (
            <li key={p.id}>
              <PostChip post={p} zone={zone} onOpen={onOpen} onKeyMove={onKeyMove} />
            </li>
          ))}
        </ul>
      ) : null}
      {posts.length > MONTH_CHIPS ? (
        <button type="button" className="more-link" onClick={() => onShowDay(day.at)}>
          +{posts.length - MONTH_CHIPS} more
        </button>
      ) : null}
    </li>
  );
});

function Slot({
  column,
  day,
  hour,
  posts,
  ghosts,
  zone,
  past,
  onOpen,
  onCompose,
  onKeyMove,
}: {
  column: number;
  day: string;
  hour: number;
  posts: Post[];
  /** Free queue slots in this hour (local HH:mm), drawn as ghosts to compose for. */
  ghosts: string[];
  zone: string;
  past: boolean;
  onOpen: (p: Post) => void;
  onCompose: (day: string, time: string) => void;
  onKeyMove: (p: Post, e: KeyboardEvent) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: `slot:${column}:${hour}`, data: { date: day, hour } });
  return (
    <div
      ref={setNodeRef}
      className={`slot${past ? ' past' : ''}${isOver ? ' over' : ''}`}
      data-slot={`${day}T${pad(hour)}`}
      onClick={(e) => {
        if (e.target === e.currentTarget) onCompose(day, `${pad(hour)}:00`);
      }}
    >
      {posts.map((p) => (
        <PostChip key={p.id} post={p} zone={zone} onOpen={onOpen} onKeyMove={onKeyMove} />
      ))}
      {ghosts.map((time) => (
        <button key={time} type="button" className="ghost-slot" aria-label={`${time} Queue slot, ${longDayLabel(`${day}T12:00:00Z`, 'UTC')}: write a post for it`} onClick={() => onCompose(day, time)}>
          <span className="ghost-time">{time}</span> <span className="ghost-text">Queue slot</span>
        </button>
      ))}
    </div>
  );
}

/** Free queue slots of the shown days (local `yyyy-MM-ddTHH`-hour -> times): future ones no post takes. */
function freeQueueSlots(keys: string[], slots: QueueSlot[], zone: string, posts: Post[], now: number): Map<string, string[]> {
  const taken = new Set(posts.filter((p) => p.status !== 'draft' && p.scheduledAt).map((p) => Date.parse(p.scheduledAt!)));
  const out = new Map<string, string[]>();
  for (const key of keys) {
    // The weekday of a yyyy-MM-dd date does not depend on the zone.
    const weekday = WEEKDAYS[(new Date(`${key}T12:00:00Z`).getUTCDay() + 6) % 7];
    for (const slot of slots) {
      if (slot.day !== weekday) continue;
      const at = Date.parse(zonedToIso(key, slot.time, zone));
      if (at <= now || taken.has(at)) continue;
      const hour = `${key}T${slot.time.slice(0, 2)}`;
      out.set(hour, [...(out.get(hour) ?? []), slot.time].sort());
    }
  }
  return out;
}

function TimeGrid({
  days,
  zone,
  byDay,
  showGhosts,
  todayKey,
  onOpen,
  onCompose,
  onKeyMove,
}: {
  days: Date[];
  zone: string;
  byDay: Map<string, Post[]>;
  /** False while the period's posts are still loading: a slot a post takes must never show as free. */
  showGhosts: boolean;
  todayKey: string;
  onOpen: (p: Post) => void;
  onCompose: (day: string, time: string) => void;
  onKeyMove: (p: Post, e: KeyboardEvent) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    // Open on the working day rather than at midnight.
    if (scroller.current) scroller.current.scrollTop = 7 * 52;
  }, []);
  const now = Date.now();
  const keys = days.map((d) => format(d, 'yyyy-MM-dd'));
  const queueSlots = useSettingsStore((s) => s.settings?.queueSlots);
  const allPosts = useMemo(() => [...byDay.values()].flat(), [byDay]);
  const ghosts = useMemo(() => (showGhosts ? freeQueueSlots(keys, queueSlots ?? [], zone, allPosts, now) : new Map<string, string[]>()), [keys.join(), queueSlots, zone, allPosts, showGhosts]); // eslint-disable-line react-hooks/exhaustive-deps
  // Posts of each day by hour.
  const byHour = useMemo(() => {
    const out = new Map<string, Post[]>();
    for (const key of keys) {
      for (const p of byDay.get(key) ?? []) {
        const hour = Number(fastTime(postTime(p)!, zone).slice(0, 2));
        const slot = `${key}T${pad(hour)}`;
        out.set(slot, [...(out.get(slot) ?? []), p]);
      }
    }
    return out;
  }, [byDay, keys.join(), zone]);
  return (
    <div className="timegrid" style={{ ['--cols' as string]: days.length }}>
      <div className="timegrid-head" aria-hidden="true">
        <div />
        {days.map((d, i) => (
          <div key={keys[i]} className={`timegrid-day${keys[i] === todayKey ? ' today' : ''}`}>
            <span className="weekday">{format(d, 'EEE')}</span> <span className="daynum">{format(d, 'd')}</span>
          </div>
        ))}
      </div>
      <div className="timegrid-body" ref={scroller} role="group" aria-label="Time slots" tabIndex={0}>
        {HOURS.map((h) => (
          <div className="timegrid-row" key={h}>
            <div className="hour-label" aria-hidden="true">
              {pad(h)}:00
            </div>
            {keys.map((key, column) => (
              <Slot
                key={column}
                column={column}
                day={key}
                hour={h}
                zone={zone}
                posts={byHour.get(`${key}T${pad(h)}`) ?? []}
                ghosts={ghosts.get(`${key}T${pad(h)}`) ?? EMPTY_TIMES}
                past={Date.parse(zonedToIso(key, `${pad(h)}:59`, zone)) < now}
                onOpen={onOpen}
                onCompose={onCompose}
                onKeyMove={onKeyMove}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function rangeOf(mode: CalendarMode, anchor: number, zone: string): { days: Date[]; from: string; to: string } {
  const days = mode === 'month' ? monthGridDays(new Date(anchor), zone) : mode === 'week' ? weekDays(new Date(anchor), zone) : [startOfDay(inZone(anchor, zone))];
  const first = format(days[0]!, 'yyyy-MM-dd');
  const after = format(addDays(days[days.length - 1]!, 1), 'yyyy-MM-dd');
  return { days, from: zonedToIso(first, '00:00', zone), to: zonedToIso(after, '00:00', zone) };
}

/** The home view: month, week and day, in the creator's zone, with drag (and Alt+arrows) to reschedule. */
export function CalendarView() {
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const mode = useCalendarStore((s) => s.mode);
  const anchor = useCalendarStore((s) => s.anchor);
  const setMode = useCalendarStore((s) => s.setMode);
  const setAnchor = useCalendarStore((s) => s.setAnchor);
  const calendarPosts = usePostsStore((s) => s.calendarPosts);
  const calendarError = usePostsStore((s) => s.calendarError);
  const shownRange = usePostsStore((s) => s.shownRange);
  const loadRange = usePostsStore((s) => s.loadRange);
  const reschedule = usePostsStore((s) => s.reschedule);
  const openPost = useComposerStore((s) => s.openPost);
  const openNew = useComposerStore((s) => s.openNew);
  const toast = useUiStore((s) => s.toast);
  const [dragging, setDragging] = useState<Post | null>(null);
  const [announcement, setAnnouncement] = useState('');
  // Render timing for the bench (and the Performance panel): from this render to the frame after it is painted.
  const renderStart = performance.now();

  const { days, from, to } = useMemo(() => rangeOf(mode, anchor, zone), [mode, anchor, zone]);
  useEffect(() => {
    void loadRange(from, to);
  }, [from, to, loadRange]);

  const byDay = useMemo(() => {
    const map = new Map<string, Post[]>();
    for (const p of calendarPosts) {
      const at = postTime(p);
      if (!at) continue;
      const key = fastDayKey(at, zone);
      const list = map.get(key);
      if (list) list.push(p);
      else map.set(key, [p]);
    }
    // ISO UTC strings sort as times; a plain comparison is far cheaper than localeCompare.
    for (const list of map.values()) list.sort((a, b) => (postTime(a)! < postTime(b)! ? -1 : postTime(a)! > postTime(b)! ? 1 : 0));
    return map;
  }, [calendarPosts, zone]);

  useLayoutEffect(() => {
    const start = renderStart;
    const posts = calendarPosts.length;
    const committed = performance.now() - start;
    requestAnimationFrame(() => {
      const frame = performance.now() - start;
      setTimeout(() => performance.measure(`calendar:${mode}`, { start, end: performance.now(), detail: { posts, committed, frame } }), 0);
    });
    // Only renders that draw new data or a new period are measured.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [calendarPosts, mode, from]);

  const todayKey = fastDayKey(new Date().toISOString(), zone);
  const anchorDate = inZone(anchor, zone);
  const title =
    mode === 'month'
      ? format(anchorDate, 'MMMM yyyy')
      : mode === 'week'
        ? `${format(days[0]!, 'd MMM')} – ${format(days[6]!, 'd MMM yyyy')}`
        : format(anchorDate, 'EEEE d MMMM yyyy');

  const step = (dir: 1 | -1) => {
    const a = inZone(anchor, zone);
    setAnchor(+(mode === 'month' ? addMonths(a, dir) : mode === 'week' ? addWeeks(a, dir) : addDays(a, dir)));
  };

  const onOpen = useCallback((p: Post) => void openPost(p.id), [openPost]);
  // A drop ends with a click on whatever is under the pointer (dispatched right after the pointerup); it must not open the composer.
  const lastDrop = useRef(0);
  const composeAt = useCallback(
    (date: string, time = '09:00') => {
      if (performance.now() - lastDrop.current < 80) return;
      const at = zonedToIso(date, time, zone);
      if (Date.parse(at) > Date.now()) return openNew({ at });
      // An earlier moment today becomes the next hour; a past day gets no time.
      const next = nextHour();
      openNew(next.date === date ? { at: zonedToIso(next.date, next.time, zone) } : {});
    },
    [openNew, zone],
  );

  const move = useCallback(
    async (post: Post, at: string, focus: boolean) => {
      const error = await reschedule(post, at);
      if (error) {
        toast(error, 'error');
        setAnnouncement(error);
        return;
      }
      const message = `Moved to ${format(inZone(at, zone), 'EEEE d MMMM, HH:mm')}`;
      setAnnouncement(message);
      toast(message);
      if (focus) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-post-id="${post.id}"]`)?.focus());
    },
    [reschedule, toast, zone],
  );

  const onKeyMove = useCallback(
    (post: Post, e: KeyboardEvent) => {
      e.preventDefault();
      const at = inZone(post.scheduledAt!, zone);
      const byHour = mode !== 'month' && (e.key === 'ArrowUp' || e.key === 'ArrowDown');
      const sign = e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 1;
      const next = byHour ? new Date(+at + sign * 3_600_000) : addDays(at, sign * (mode === 'month' && (e.key === 'ArrowUp' || e.key === 'ArrowDown') ? 7 : 1));
      void move(post, new Date(+next).toISOString(), true);
    },
    [mode, move, zone],
  );

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));
  const onDragStart = (e: DragStartEvent) => setDragging((e.active.data.current as { post: Post }).post);
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    lastDrop.current = performance.now();
    const post = (e.active.data.current as { post: Post } | undefined)?.post;
    const target = e.over?.data.current as { date: string; hour?: number } | undefined;
    if (!post || !target || !post.scheduledAt) return;
    const time = format(inZone(post.scheduledAt, zone), 'HH:mm');
    const at = target.hour === undefined ? zonedToIso(target.date, time, zone) : zonedToIso(target.date, `${pad(target.hour)}:${time.slice(3)}`, zone);
    if (at === post.scheduledAt || Date.parse(at) === Date.parse(post.scheduledAt)) return;
    void move(post, at, false);
  };

  const monthIndex = anchorDate.getMonth();
  const dayInfos = useMemo<DayInfo[]>(
    () => days.map((d) => ({ key: format(d, 'yyyy-MM-dd'), label: format(d, 'EEEE d MMMM yyyy'), number: String(d.getDate()), month: d.getMonth(), at: +d })),
    [days],
  );
  const showDay = useCallback(
    (at: number) => {
      setAnchor(at);
      setMode('day');
    },
    [setAnchor, setMode],
  );
  const zoneLabel = zoneAbbreviation(zone) === zone ? zone : `${zone.replace(/_/g, ' ')} (${zoneAbbreviation(zone)})`;

  return (
    <section className="view view-wide calendar-view" aria-labelledby="view-title">
      <header className="view-header calendar-header">
        <div className="calendar-title">
          <h1 id="view-title">{title}</h1>
          <span className="zone-pill" title="Times are shown in this time zone (Settings)">
            <Icon name="globe" size={12} /> 
            <span className="sr-only">Time zone: </span>
            {zoneLabel}
          </span>
        </div>
        <div className="toolbar" role="toolbar" aria-label="Calendar">
          <button type="button" className="button" onClick={() => setAnchor(Date.now())}>
            Today
          </button>
          <div className="button-group">
            <button type="button" className="button icon-only" aria-label={`Previous ${mode}`} onClick={() => step(-1)}>
              ‹
            </button>
            <button type="button" className="button icon-only" aria-label={`Next ${mode}`} onClick={() => step(1)}>
              ›
            </button>
          </div>
          <div className="segmented" role="group" aria-label="Period">
            {(['month', 'week', 'day'] as const).map((m) => (
              <button key={m} type="button" aria-pressed={mode === m} onClick={() => setMode(m)}>
                {m[0]!.toUpperCase() + m.slice(1)}
              </button>
            ))}
          </div>
        </div>
      </header>
      {calendarError ? (
        <p className="error-banner" role="alert">
          <span aria-hidden="true">⚠ </span>Could not load posts: {calendarError}
        </p>
      ) : null}
      <FirstSteps />
      <DndContext
        sensors={sensors}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
        accessibility={{
          screenReaderInstructions: { draggable: 'To move this post, hold Alt and press the arrow keys, or drag it with the mouse. Press Enter to open it.' },
          announcements: {
            onDragStart: () => 'Picked up the post.',
            onDragOver: ({ over }) => (over ? `Over ${dropLabel(over.data.current)}.` : 'Not over a day.'),
            onDragEnd: ({ over }) => (over ? `Dropped on ${dropLabel(over.data.current)}.` : 'Dropped outside the calendar.'),
            onDragCancel: () => 'Move cancelled.',
          },
        }}
      >
        {mode === 'month' ? (
          <div className="month" role="group" aria-label={title}>
            <div className="weekday-row" aria-hidden="true">
              {days.slice(0, 7).map((d) => (
                <div key={+d}>{format(d, 'EEE')}</div>
              ))}
            </div>
            <ol className="month-grid">
              {dayInfos.map((d, i) => (
                // Cells are keyed by position so a new month updates them instead of remounting 42 drop targets.
                <DayCell
                  key={i}
                  index={i}
                  day={d}
                  zone={zone}
                  posts={byDay.get(d.key) ?? EMPTY}
                  outside={d.month !== monthIndex}
                  today={d.key === todayKey}
                  onOpen={onOpen}
                  onCompose={composeAt}
                  onKeyMove={onKeyMove}
                  onShowDay={showDay}
                />
              ))}
            </ol>
          </div>
        ) : (
          <TimeGrid days={days} zone={zone} byDay={byDay} showGhosts={shownRange?.from === from && shownRange.to === to} todayKey={todayKey} onOpen={onOpen} onCompose={composeAt} onKeyMove={onKeyMove} />
        )}
        <DragOverlay dropAnimation={null}>
          {dragging ? (
            <div className="chip-wrap chip-overlay" aria-hidden="true">
              <div className="chip">
                <span className="chip-time">{fastTime(dragging.scheduledAt!, zone)}</span>
                <span className="chip-text">{firstWords(dragging.text, 48) || 'Untitled post'}</span>
              </div>
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}

const EMPTY: Post[] = [];
const EMPTY_TIMES: string[] = [];

function dropLabel(data: unknown): string {
  const d = data as { date?: string; hour?: number } | undefined;
  return d?.date ? `${d.date}${d.hour !== undefined ? ` ${pad(d.hour)}:00` : ''}` : 'the calendar';
}
