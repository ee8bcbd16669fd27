import { create } from 'zustand';
import type { Account, Post, PostPart, PostStatus, RepeatUnit } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import type { Issue, ResultError } from '../../../shared/result';
import { outbox } from '../api';
import { plainError } from '../lib/errors';
import { dateTimeLabel, isoToZoned, systemZone, zonedToIso } from '../lib/time';
import { useAccountsStore } from './accounts.store';
import { useSettingsStore } from './settings.store';
import { useUiStore } from './ui.store';

/** One account the post goes to, with its per-platform options. */
export interface ComposerTarget {
  accountId: string;
  contentType?: string;
  settings: Record<string, unknown>;
  /** A different text for this platform, or null to use the parts. */
  textOverride: string | null;
  /** A thread to a platform without threads: part 1 only, or every part joined (absent/null: joined). */
  threadMode?: 'first' | 'joined' | null;
  /** 'off' keeps this post with Outbox although the account lets its platform publish scheduled posts. */
  handOff?: 'auto' | 'off';
}

/** What the creator is writing, as it survives a reload (localStorage) before the engine has it. */
export interface ComposerDraft {
  postId: string | null;
  status: PostStatus | null;
  parts: PostPart[];
  targets: ComposerTarget[];
  labelIds: string[];
  repeat: { count: number; every: number; unit: RepeatUnit } | null;
  /** The chosen moment as wall-clock date and time in the creator's zone. */
  when: { date: string; time: string } | null;
  /** Started in this composer (stays "New post" after its first autosave). */
  fresh: boolean;
}

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

interface ComposerState {
  open: boolean;
  draft: ComposerDraft;
  /** Changes the engine has not stored yet. */
  dirty: boolean;
  saveState: SaveState;
  saveError: string | null;
  validation: EntryValidation[];
  /** The parts `validation` was computed for (a problem about an empty part is stale once it has words). */
  validatedParts: PostPart[] | null;
  validationError: string | null;
  submitting: boolean;
  submitError: string | null;
  submitIssues: Issue[];
  /** The creator changed something since the composer opened (problems show only then for a new post). */
  touched: boolean;
  /** The post as it was opened (null for a new one): what "Discard" goes back to. */
  original: ComposerDraft | null;
  /** The engine's copy of the opened post (per-platform outcomes and links), or null for a new one. */
  loaded: Post | null;
  /** Closing asked while there are changes: the composer asks what to do with them. */
  confirmingClose: boolean;
  /** The next free queue slot (ISO), for the quick pick and the prefilled time; null when the queue has none. */
  nextSlot: string | null;
  /** Asks the engine for the next free queue slot; a post without a time gets it as its time. */
  loadNextSlot(prefill: boolean): Promise<void>;
  openNew(options?: { at?: string; accountIds?: string[] }): void;
  openPost(id: string): Promise<void>;
  close(): Promise<void>;
  /** Escape, ✕ or a click outside: closes, or asks first when there are changes. */
  requestClose(): void;
  /** Answers the question: keep (save) the changes, or discard them, or go back to editing. */
  resolveClose(choice: 'keep' | 'discard' | 'cancel'): Promise<void>;
  /** Ctrl/⌘+Enter: schedules (or reschedules) when it can, else saves the draft; answers what it did. */
  primary(): Promise<'scheduled' | 'saved' | 'blocked'>;
  /** A published post is read-only: copies it as a new draft and opens that. */
  duplicateToEdit(): Promise<void>;
  change(recipe: (draft: ComposerDraft) => ComposerDraft): void;
  toggleAccount(account: Account): void;
  flush(): Promise<boolean>;
  schedule(): Promise<boolean>;
  publishNow(): Promise<boolean>;
  queue(): Promise<boolean>;
  unschedule(): Promise<boolean>;
  saveChanges(): Promise<boolean>;
  restore(): void;
  /** Checks the post again (something the checks depend on changed, e.g. media hosting). */
  revalidate(): void;
  /** A post being published is shown read-only: its outcome replaces it as it comes (posts:changed). */
  refreshLoaded(ids: string[]): Promise<void>;
}

const STORAGE_KEY = 'outbox.composer.v1';
const SAVE_DELAY = 400;
const VALIDATE_DELAY = 250;

const emptyDraft = (): ComposerDraft => ({ postId: null, status: null, parts: [{ text: '', media: [] }], targets: [], labelIds: [], repeat: null, when: null, fresh: true });

const zone = () => useSettingsStore.getState().settings?.timeZone ?? systemZone();

/** Drafts (new or saved as draft) save themselves; a scheduled post's edits wait for "Save changes". */
const autosaves = (d: ComposerDraft) => d.status === null || d.status === 'draft';
const hasContent = (d: ComposerDraft) => d.parts.some((p) => p.text.trim() !== '' || p.media.length > 0);

function targetsPayload(d: ComposerDraft) {
  return d.targets.map((t) => ({
    accountId: t.accountId,
    enabled: true,
    ...(t.contentType ? { contentType: t.contentType } : {}),
    settings: t.settings,
    textOverride: t.textOverride,
    ...(t.threadMode !== undefined ? { threadMode: t.threadMode } : {}),
    ...(t.handOff !== undefined ? { handOff: t.handOff } : {}),
  }));
}

function draftFromPost(post: Post): ComposerDraft {
  return {
    postId: post.id,
    status: post.status,
    parts: post.parts.map((p) => ({ text: p.text, media: p.media.map((m) => ({ ...m })) })),
    targets: post.entries
      .filter((e) => e.accountId !== null)
      .map((e) => ({ accountId: e.accountId!, contentType: e.contentType, settings: e.settings, textOverride: e.textOverride, threadMode: e.threadMode, handOff: e.handOff })),
    labelIds: [...post.labelIds],
    repeat: post.repeat ? { count: post.repeat.count, every: post.repeat.every, unit: post.repeat.unit } : null,
    when: post.scheduledAt ? isoToZoned(post.scheduledAt, zone()) : null,
    fresh: false,
  };
}

/** The fields a creator edits, to tell whether anything changed since opening. */
const editable = (d: ComposerDraft) => JSON.stringify([d.parts, d.targets, d.labelIds, d.repeat, d.when]);

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let validateTimer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<boolean> | null = null;
let validateToken = 0;
/** The creator set or cleared the time since the composer opened: the queue slot no longer fills it in. */
let whenEdited = false;

/** Set while a discard runs: what is being thrown away must not come back if the window closes meanwhile. */
let discarding = false;

function persist(state: Pick<ComposerState, 'open' | 'draft' | 'dirty' | 'touched' | 'original'>) {
  try {
    if (discarding || (!state.open && !state.dirty)) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, JSON.stringify({ open: state.open, draft: state.draft, dirty: state.dirty, touched: state.touched, original: state.original }));
  } catch {
    // Storage full or unavailable: the engine copy still saves within a second.
  }
}

function describe(error: ResultError): { message: string; issues: Issue[] } {
  return { message: plainError(error), issues: error.issues ?? [] };
}

/** The composer: what is being written, its autosave, its checks, and how it leaves. */
export const useComposerStore = create<ComposerState>((set, get) => {
  const update = (patch: Partial<ComposerState>) => {
    set(patch);
    const s = get();
    persist(s);
  };

  function scheduleSave() {
    clearTimeout(saveTimer);
    if (!autosaves(get().draft)) return;
    saveTimer = setTimeout(() => void get().flush(), SAVE_DELAY);
  }

  function scheduleValidate() {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => void validate(), VALIDATE_DELAY);
  }

  async function validate() {
    const { draft } = get();
    if (draft.targets.length === 0) {
      set({ validation: [], validationError: null });
      return;
    }
    const token = ++validateToken;
    // The chosen time matters to checks of that day (YouTube's daily upload quota).
    let scheduledAt: string | null = null;
    try {
      scheduledAt = draft.when ? zonedToIso(draft.when.date, draft.when.time, zone()) : null;
    } catch {
      // A half-typed date: checked without a day.
    }
    const result = await outbox().posts.validate({ parts: draft.parts, targets: targetsPayload(draft), scheduledAt, ...(draft.postId ? { postId: draft.postId } : {}) });
    if (token !== validateToken) return;
    if (result.ok) set({ validation: result.value.entries, validatedParts: draft.parts, validationError: null });
    else set({ validationError: plainError(result.error) });
  }

  async function saveOnce(): Promise<boolean> {
    const { draft } = get();
    if (!get().dirty) return true;
    if (!draft.postId && !hasContent(draft)) {
      // Nothing worth a draft yet (no words, no media): nothing to keep either.
      update({ dirty: false });
      return true;
    }
    update({ saveState: 'saving' });
    const snapshot = draft;
    const result = draft.postId
      ? await outbox().posts.update({ id: draft.postId, parts: draft.parts, targets: targetsPayload(draft), labelIds: draft.labelIds, repeat: draft.repeat })
      : await outbox().posts.create({ parts: draft.parts, targets: targetsPayload(draft), labelIds: draft.labelIds, repeat: draft.repeat, schedule: { mode: 'draft' } });
    if (!result.ok) {
      update({ saveState: 'error', saveError: plainError(result.error) });
      return false;
    }
    const post = result.value.post;
    const current = get().draft;
    // Keep what was typed meanwhile; only the saved post's identity comes back.
    update({
      draft: { ...current, postId: post.id, status: post.status },
      dirty: current !== snapshot,
      saveState: 'saved',
      saveError: null,
    });
    if (current !== snapshot) scheduleSave();
    return true;
  }

  // A page closed while its first save was on the way may have left that draft in the engine
  // without learning its id; taking it over avoids a twin.
  async function adoptOrphan(draft: ComposerDraft) {
    const text = draft.parts[0]?.text ?? '';
    if (!text.trim()) return;
    const result = await outbox().posts.list({ status: 'draft', query: text.slice(0, 80), limit: 10 });
    if (!result.ok) return;
    const since = Date.now() - 10 * 60_000;
    const twin = result.value.posts.find((p) => Date.parse(p.createdAt) > since && p.parts.length === draft.parts.length && p.parts.every((part, i) => part.text === draft.parts[i]!.text));
    if (twin && get().draft.postId === null) update({ draft: { ...get().draft, postId: twin.id, status: twin.status } });
  }

  /** Whether the open composer can make way for another post: yes, after saving its draft, or not at all. */
  function switchBlocked(): 'free' | 'flush' | 'refuse' {
    const { open, dirty, draft } = get();
    if (!open || !dirty) return 'free';
    if (autosaves(draft)) return 'flush';
    useUiStore.getState().toast('Save or discard your changes to the open post first.', 'error');
    return 'refuse';
  }

  function finish(message: string) {
    clearTimeout(saveTimer);
    update({ open: false, dirty: false, draft: emptyDraft(), submitting: false, submitError: null, submitIssues: [], saveState: 'idle', validation: [], touched: false, original: null, loaded: null, confirmingClose: false });
    useUiStore.getState().toast(message);
  }

  function fail(error: ResultError) {
    const { message, issues } = describe(error);
    update({ submitting: false, submitError: message, submitIssues: issues });
    return false;
  }

  return {
    open: false,
    draft: emptyDraft(),
    dirty: false,
    saveState: 'idle',
    saveError: null,
    validation: [],
    validatedParts: null,
    validationError: null,
    submitting: false,
    submitError: null,
    submitIssues: [],
    touched: false,
    original: null,
    loaded: null,
    confirmingClose: false,
    nextSlot: null,

    async loadNextSlot(prefill) {
      const result = await outbox().posts.nextSlots({ count: 1 });
      const slot = result.ok ? (result.value.slots[0] ?? null) : null;
      set({ nextSlot: slot });
      const { open, draft, original } = get();
      // Only a post still without a time, whose time the creator has not touched, takes it.
      if (!prefill || !slot || !open || draft.when || !autosaves(draft) || whenEdited) return;
      const when = isoToZoned(slot, zone());
      update({ draft: { ...draft, when }, original: original ? { ...original, when } : original });
    },

    openNew(options = {}) {
      // Asked while another post is open (the tray): its changes are saved first, or it stays.
      const busy = switchBlocked();
      if (busy === 'refuse') return;
      if (busy === 'flush') {
        void get().flush().then((ok) => ok && get().openNew(options));
        return;
      }
      performance.mark('composer:open:start');
      const accounts = useAccountsStore.getState().accounts;
      const draft = emptyDraft();
      const chosen = options.accountIds ? accounts.filter((a) => options.accountIds!.includes(a.id)) : accounts.filter((a) => a.active && a.connection === 'connected');
      draft.targets = chosen.map((a) => ({ accountId: a.id, settings: {}, textOverride: null }));
      if (options.at) draft.when = isoToZoned(options.at, zone());
      update({ open: true, draft, dirty: false, saveState: 'idle', saveError: null, submitError: null, submitIssues: [], validation: [], touched: false, original: null, loaded: null, confirmingClose: false });
      scheduleValidate();
      // A new post starts at the next free queue slot (the creator can pick another).
      whenEdited = false;
      void get().loadNextSlot(!options.at);
    },
    async openPost(id) {
      const busy = switchBlocked();
      if (busy === 'refuse' || (busy === 'flush' && !(await get().flush()))) return;
      const result = await outbox().posts.get({ id });
      if (!result.ok) {
        useUiStore.getState().toast(plainError(result.error), 'error');
        return;
      }
      const draft = draftFromPost(result.value);
      update({ open: true, draft, dirty: false, saveState: 'idle', saveError: null, submitError: null, submitIssues: [], validation: [], touched: false, original: draft, loaded: result.value, confirmingClose: false });
      scheduleValidate();
      whenEdited = false;
      void get().loadNextSlot(true);
    },
    requestClose() {
      const { draft, touched, original } = get();
      const changed = touched && (original === null ? hasContent(draft) : editable(draft) !== editable(original));
      if (changed) set({ confirmingClose: true });
      else void get().close();
    },
    async resolveClose(choice) {
      set({ confirmingClose: false });
      if (choice === 'cancel') return;
      const { draft, original } = get();
      if (choice === 'keep') {
        if (autosaves(draft)) {
          await get().close();
          return;
        }
        if (await get().saveChanges()) await get().close();
        return;
      }
      clearTimeout(saveTimer);
      // From here the device forgets it at once; the engine's copy follows below.
      discarding = true;
      persist(get());
      try {
        while (inFlight) await inFlight;
        const postId = get().draft.postId;
        if (original === null) {
          // A new post: its autosaved copy goes too.
          if (postId) await outbox().posts.delete({ id: postId });
        } else if (autosaves(original) && postId) {
          // A draft's edits were autosaved: it goes back to how it was opened.
          await outbox().posts.update({ id: postId, parts: original.parts, targets: targetsPayload(original), labelIds: original.labelIds, repeat: original.repeat });
        }
      } finally {
        discarding = false;
      }
      clearTimeout(saveTimer);
      update({ open: false, dirty: false, draft: emptyDraft(), touched: false, original: null, loaded: null, saveState: 'idle', submitError: null, submitIssues: [], validation: [] });
      useUiStore.getState().toast(original === null ? 'Discarded' : 'Changes discarded');
    },
    async primary() {
      const s = get();
      const d = s.draft;
      const sendable = d.targets.length > 0 && hasContent(d) && !hasBlockingProblems(s.validation);
      if (d.when && sendable) return (await get().schedule()) ? 'scheduled' : 'blocked';
      if (!d.when && autosaves(d)) {
        if (!hasContent(d)) return 'blocked';
        if (!(await get().flush())) return 'blocked';
        await get().close();
        useUiStore.getState().toast('Saved as a draft');
        return 'saved';
      }
      if (!d.when && s.dirty) return (await get().saveChanges()) ? 'saved' : 'blocked';
      return 'blocked';
    },
    async duplicateToEdit() {
      const id = get().draft.postId;
      if (!id) return;
      const result = await outbox().posts.duplicate({ id });
      if (!result.ok) {
        useUiStore.getState().toast(plainError(result.error), 'error');
        return;
      }
      await get().openPost(result.value.id);
      // The copy is new work: closing it untouched still asks whether to keep it.
      set({ draft: { ...get().draft, fresh: true }, original: null, touched: true });
      useUiStore.getState().toast('Copied as a new draft');
    },
    async close() {
      const { draft, dirty } = get();
      if (dirty && autosaves(draft)) await get().flush();
      const stillDirty = get().dirty;
      // A scheduled post's unsaved edits stay in local storage until saved or discarded.
      update({ open: false, touched: false, original: null, loaded: null, confirmingClose: false, ...(stillDirty && !autosaves(draft) ? {} : { dirty: false, draft: emptyDraft() }) });
      if (stillDirty && !autosaves(draft)) useUiStore.getState().toast('Your changes were not saved: open the post again to keep them.');
      else if (stillDirty) useUiStore.getState().toast('Kept on this device: the draft will be saved when Outbox can store it.');
    },
    change(recipe) {
      const before = get().draft;
      const draft = recipe(before);
      if (JSON.stringify(draft.when) !== JSON.stringify(before.when)) whenEdited = true;
      update({ draft, dirty: true, touched: true, submitError: null, submitIssues: [] });
      scheduleSave();
      scheduleValidate();
    },
    toggleAccount(account) {
      get().change((d) =>
        d.targets.some((t) => t.accountId === account.id)
          ? { ...d, targets: d.targets.filter((t) => t.accountId !== account.id) }
          : { ...d, targets: [...d.targets, { accountId: account.id, settings: {}, textOverride: null }] },
      );
    },
    async flush() {
      clearTimeout(saveTimer);
      while (inFlight) await inFlight;
      if (!get().dirty) return true;
      inFlight = saveOnce().finally(() => (inFlight = null));
      return inFlight;
    },
    async schedule() {
      const { draft } = get();
      if (!draft.when) return fail({ code: 'validation', message: 'Pick a date and time first.' });
      const at = zonedToIso(draft.when.date, draft.when.time, zone());
      if (Date.parse(at) <= Date.now()) return fail({ code: 'validation', message: 'That time has already passed: pick a later one.', issues: [{ path: 'schedule.at', message: 'That time has already passed: pick a later one.' }] });
      update({ submitting: true, submitError: null, submitIssues: [] });
      if (autosaves(draft) && !(await get().flush())) return fail({ code: 'internal', message: get().saveError ?? 'Could not save the draft.' });
      const d = get().draft;
      const result = d.postId
        ? await outbox().posts.update({ id: d.postId, parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat, scheduledAt: at })
        : await outbox().posts.create({ parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat, schedule: { mode: 'at', at } });
      if (!result.ok) return fail(result.error);
      finish(`Scheduled for ${dateTimeLabel(at, zone())}`);
      return true;
    },
    async publishNow() {
      update({ submitting: true, submitError: null, submitIssues: [] });
      const d0 = get().draft;
      if (autosaves(d0)) {
        if (!(await get().flush())) return fail({ code: 'internal', message: get().saveError ?? 'Could not save the draft.' });
      } else if (get().dirty && !(await get().saveChanges())) return false;
      const d = get().draft;
      const result = d.postId
        ? await outbox().posts.publish({ id: d.postId })
        : await outbox().posts.create({ parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat, schedule: { mode: 'now' } }).then((r) => (r.ok ? { ok: true as const, value: r.value.post } : r));
      if (!result.ok) return fail(result.error);
      finish('Publishing now');
      return true;
    },
    async queue() {
      update({ submitting: true, submitError: null, submitIssues: [] });
      const d0 = get().draft;
      if (autosaves(d0) && !(await get().flush())) return fail({ code: 'internal', message: get().saveError ?? 'Could not save the draft.' });
      const d = get().draft;
      // A saved post takes the slot itself (posts:update { queue: true }): its id, labels and history stay.
      const result = d.postId
        ? await outbox().posts.update({ id: d.postId, parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat, queue: true })
        : await outbox().posts.create({ parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat, schedule: { mode: 'queue' } });
      if (!result.ok) return fail(result.error);
      const at = result.value.post.scheduledAt;
      finish(at ? `Added to the queue: ${dateTimeLabel(at, zone())}` : 'Added to the queue');
      return true;
    },
    async unschedule() {
      const d = get().draft;
      if (!d.postId) return false;
      update({ submitting: true });
      const result = await outbox().posts.update({ id: d.postId, parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat, scheduledAt: null });
      if (!result.ok) return fail(result.error);
      update({ submitting: false, dirty: false, draft: { ...get().draft, status: result.value.post.status }, saveState: 'saved' });
      useUiStore.getState().toast('Moved back to drafts');
      return true;
    },
    async saveChanges() {
      const d = get().draft;
      if (!d.postId) return get().flush();
      update({ submitting: true, submitError: null, submitIssues: [] });
      const result = await outbox().posts.update({ id: d.postId, parts: d.parts, targets: targetsPayload(d), labelIds: d.labelIds, repeat: d.repeat });
      if (!result.ok) return fail(result.error);
      // What is saved is the new starting point: closing now asks nothing.
      const saved = { ...get().draft, status: result.value.post.status };
      update({ submitting: false, dirty: false, saveState: 'saved', draft: saved, original: get().original ? saved : null, loaded: result.value.post });
      return true;
    },
    revalidate() {
      if (get().open) scheduleValidate();
    },
    async refreshLoaded(ids) {
      const loaded = get().loaded;
      if (!get().open || !loaded || loaded.status !== 'publishing' || !ids.includes(loaded.id)) return;
      const result = await outbox().posts.get({ id: loaded.id });
      if (!result.ok || get().loaded?.id !== loaded.id) return;
      update({ loaded: result.value, draft: { ...get().draft, status: result.value.status } });
    },
    restore() {
      try {
        const raw = localStorage.getItem(STORAGE_KEY);
        if (!raw) return;
        const saved = JSON.parse(raw) as { open: boolean; draft: ComposerDraft; dirty: boolean; touched?: boolean; original?: ComposerDraft | null };
        if (!saved.draft || !Array.isArray(saved.draft.parts)) return;
        set({ open: saved.open, draft: { ...saved.draft, fresh: saved.draft.fresh ?? false }, dirty: saved.dirty, touched: saved.touched ?? saved.dirty, original: saved.original ?? null });
        if (saved.dirty && saved.draft.postId === null) void adoptOrphan(saved.draft).then(scheduleSave);
        else if (saved.dirty) scheduleSave();
        if (saved.open) scheduleValidate();
      } catch {
        localStorage.removeItem(STORAGE_KEY);
      }
    },
  };
});

/** The check for one account, if any. */
export const validationFor = (entries: EntryValidation[], accountId: string) => entries.find((e) => e.accountId === accountId) ?? null;

/** True when some problem stops the post leaving (over a limit, missing media, ...). */
export const hasBlockingProblems = (entries: EntryValidation[]) => entries.some((e) => e.problems.length > 0 || e.length > e.limit);

/** The zone's wall clock an hour from now, rounded to the hour (the default "when"). */
export function nextHour(): { date: string; time: string } {
  const at = new Date(Math.ceil((Date.now() + 30 * 60_000) / 3_600_000) * 3_600_000);
  return isoToZoned(at.toISOString(), zone());
}
export { zonedToIso };
