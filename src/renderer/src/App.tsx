import { useEffect } from 'react';
import { Composer } from './composer/Composer';
import { NotificationsPanel } from './components/NotificationsPanel';
import { Sidebar } from './components/Sidebar';
import { OfflineBanner, Toasts } from './components/Toasts';
import { useCalendarStore } from './stores/calendar.store';
import { useComposerStore } from './stores/composer.store';
import { startSync } from './stores/sync';
import { applyTheme, useThemeStore } from './stores/theme.store';
import { useUiStore } from './stores/ui.store';
import { AccountsView } from './views/AccountsView';
import { CalendarView } from './views/CalendarView';
import { PostsView } from './views/PostsView';
import { SettingsView } from './views/SettingsView';

function typingIn(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export default function App() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  const composerOpen = useComposerStore((s) => s.open);

  useEffect(() => {
    applyTheme(useThemeStore.getState().theme);
    return startSync();
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
