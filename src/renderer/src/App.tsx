import { useEffect } from 'react';
import { Composer } from './composer/Composer';
import { NotificationsPanel } from './components/NotificationsPanel';
import { Sidebar } from './components/Sidebar';
import { OfflineBanner, Toasts } from './components/Toasts';
import { useAccountsStore } from './stores/accounts.store';
import { useCalendarStore } from './stores/calendar.store';
import { useComposerStore } from './stores/composer.store';
import { useLabelsStore } from './stores/labels.store';
import { usePostsStore } from './stores/posts.store';
import { useSettingsStore } from './stores/settings.store';
import { applyTheme, useThemeStore } from './stores/theme.store';
import { useUiStore } from './stores/ui.store';
import { AccountsView } from './views/AccountsView';
import { CalendarView } from './views/CalendarView';
import { PostsView } from './views/PostsView';
import { SettingsView } from './views/SettingsView';

/** Runs `fn` at most once per `ms` burst (events come in bursts when the engine publishes). */
function debounce(fn: () => void, ms: number) {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}

function typingIn(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export default function App() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  const composerOpen = useComposerStore((s) => s.open);

  useEffect(() => {
    const outbox = window.outbox;
    const settings = useSettingsStore.getState();
    const accounts = useAccountsStore.getState();
    const posts = usePostsStore.getState();
    const ui = useUiStore.getState();
    applyTheme(useThemeStore.getState().theme);
    void settings.load();
    void accounts.load();
    void useLabelsStore.getState().load();
    void posts.loadFailures();
    useComposerStore.getState().restore();

    const refreshPosts = debounce(() => {
      const p = usePostsStore.getState();
      void p.refreshRange();
      if (useUiStore.getState().view === 'posts') {
        void p.loadList();
        void p.loadOverdue();
      }
      void p.loadFailures();
    }, 120);
    const offs = [
      outbox.on('settings:changed', () => void useSettingsStore.getState().load()),
      outbox.on('posts:changed', refreshPosts),
      outbox.on('accounts:changed', () => void useAccountsStore.getState().load()),
      outbox.on('scheduler:state', (state) => ui.setScheduler(state)),
    ];
    const online = () => {
      ui.setOnline(true);
      // Whatever was typed while offline goes to the engine now.
      void useComposerStore.getState().flush();
    };
    const offline = () => ui.setOnline(false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);

    const shell = window.outboxShell;
    if (shell) {
      void shell.getPrefs().then((prefs) => useThemeStore.getState().setTheme(prefs.theme));
      offs.push(
        shell.onOpen((target) => {
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
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target) || useComposerStore.getState().open) return;
      if (document.querySelector('dialog[open]')) return;
      if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        useComposerStore.getState().openNew();
      } else if (e.key === 't' && useUiStore.getState().view === 'calendar') {
        useCalendarStore.getState().setAnchor(Date.now());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar current={view} onSelect={setView} />
      <main className="main" id="main" tabIndex={-1}>
        <OfflineBanner />
        {view === 'calendar' ? <CalendarView /> : view === 'posts' ? <PostsView /> : view === 'accounts' ? <AccountsView /> : <SettingsView />}
      </main>
      {composerOpen ? <Composer /> : null}
      <NotificationsPanel />
      <Toasts />
    </div>
  );
}
