import { useComposerStore } from '../stores/composer.store';
import { useUiStore, type View } from '../stores/ui.store';
import { Icon } from './Icon';
import { useAttentionCount } from './NotificationsPanel';

const ITEMS: Array<{ view: View; label: string; icon: string }> = [
  { view: 'calendar', label: 'Calendar', icon: '▦' },
  { view: 'posts', label: 'Posts', icon: '☰' },
  { view: 'accounts', label: 'Accounts', icon: '◎' },
  { view: 'settings', label: 'Settings', icon: '⚙' },
];

export function Sidebar({ current, onSelect }: { current: View; onSelect: (view: View) => void }) {
  const openNew = useComposerStore((s) => s.openNew);
  const attention = useAttentionCount();
  const setNotificationsOpen = useUiStore((s) => s.setNotificationsOpen);
  const scheduler = useUiStore((s) => s.scheduler);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">◆</span> Outbox
      </div>
      <button type="button" className="button button-primary new-post" onClick={() => openNew()} aria-keyshortcuts="N">
        <Icon name="plus" /> New post
      </button>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.view}>
            <button
              type="button"
              className="nav-item"
              aria-current={current === item.view ? 'page' : undefined}
              onClick={() => onSelect(item.view)}
            >
              <span className="nav-icon" aria-hidden="true">
                {item.icon}
              </span>
              {item.label}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        <button type="button" className="nav-item" onClick={() => setNotificationsOpen(true)}>
          <span className="nav-icon" aria-hidden="true">
            ◔
          </span>
          Notifications
          {attention > 0 ? (
            <span className="count-badge">
              <span className="sr-only">, </span>
              {attention}
              <span className="sr-only"> need attention</span>
            </span>
          ) : null}
        </button>
        {scheduler ? (
          <p className="scheduler-line">
            <span aria-hidden="true">{scheduler.paused ? '⏸' : scheduler.online ? '●' : '○'} </span>
            {scheduler.paused ? 'Publishing paused' : scheduler.online ? (scheduler.publishing > 0 ? `Sending ${scheduler.publishing}…` : 'Publishing on') : 'Offline'}
          </p>
        ) : null}
      </div>
    </nav>
  );
}
