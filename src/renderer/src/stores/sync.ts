import { outbox, shell } from '../api';
import { useAccountsStore } from './accounts.store';
import { useAppStore } from './app.store';
import { useComposerStore } from './composer.store';
import { useLabelsStore } from './labels.store';
import { usePostsStore } from './posts.store';
import { useProgressStore } from './progress.store';
import { useSettingsStore } from './settings.store';
import { useShellStore } from './shell.store';
import { useUiStore } from './ui.store';

/** Runs `fn` at most once per `ms` burst (events come in bursts when the engine publishes). */
function debounce(fn: () => void, ms: number) {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}

/**
 * Loads what the app shows and keeps the stores in step with the engine (the database is the
 * truth: stores refetch on its events) and with the desktop shell. Returns the unsubscribe.
 */
export function startSync(): () => void {
  const ui = useUiStore.getState();
  void useSettingsStore.getState().load();
  void useAccountsStore.getState().load();
  void useAppStore.getState().load();
  void useLabelsStore.getState().load();
  const posts = usePostsStore.getState();
  void posts.loadFailures();
  void posts.loadTotal();
  posts.resumePendingDeletes();
  useComposerStore.getState().restore();

  // The calendar re-reads only the posts the events of a burst named (all of them after an
  // event without ids: a restore).
  let changedIds: Set<string> | null = new Set();
  const refreshPostsSoon = debounce(() => {
    const ids = changedIds;
    changedIds = new Set();
    const p = usePostsStore.getState();
    void p.refreshRange(ids ? [...ids] : undefined);
    if (useUiStore.getState().view === 'posts') {
      void p.loadList();
      void p.loadOverdue();
    }
    void p.loadFailures();
    void p.loadTotal();
  }, 120);
  const api = outbox();
  const offs = [
    api.on('settings:changed', ({ keys }) => {
      void useSettingsStore.getState().load();
      // Whether a bucket is set up changes what some platforms' checks say.
      if (keys.includes('mediaHosting')) useComposerStore.getState().revalidate();
    }),
    api.on('publish:progress', (event) => useProgressStore.getState().report(event)),
    api.on('posts:changed', ({ ids }) => {
      if (ids.length === 0) changedIds = null;
      else if (changedIds) for (const id of ids) changedIds.add(id);
      refreshPostsSoon();
      void useComposerStore.getState().refreshLoaded(ids);
    }),
    api.on('accounts:changed', () => void useAccountsStore.getState().load()),
    api.on('scheduler:state', (state) => ui.setScheduler(state)),
  ];
  const online = () => {
    ui.setOnline(true);
    // Whatever was typed while offline goes to the engine now.
    void useComposerStore.getState().flush();
  };
  const offline = () => ui.setOnline(false);
  // Deletes still inside their Undo window are carried out when the page goes away.
  const leaving = () => usePostsStore.getState().flushPendingDeletes();
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  window.addEventListener('pagehide', leaving);

  const desktop = shell();
  if (desktop) {
    void useShellStore.getState().load();
    offs.push(
      desktop.onOpen((target) => {
        if ('postId' in target) void useComposerStore.getState().openPost(target.postId);
        else if ('accountId' in target) ui.setView('accounts');
        else if (target.view === 'composer') useComposerStore.getState().openNew();
        else ui.setView(target.view);
      }),
    );
  }

  // No save on unload: its answer could never arrive, and the text is already in local storage
  // (restore() saves it on the next start).
  return () => {
    offs.forEach((off) => off());
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    window.removeEventListener('pagehide', leaving);
  };
}
