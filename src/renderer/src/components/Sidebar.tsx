/** The app's main views. */
export type View = 'calendar' | 'posts' | 'accounts' | 'settings';

const ITEMS: Array<{ view: View; label: string; icon: string }> = [
  { view: 'calendar', label: 'Calendar', icon: '▦' },
  { view: 'posts', label: 'Posts', icon: '☰' },
  { view: 'accounts', label: 'Accounts', icon: '◎' },
  { view: 'settings', label: 'Settings', icon: '⚙' },
];

export function Sidebar({ current, onSelect }: { current: View; onSelect: (view: View) => void }) {
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">◆</span> Outbox
      </div>
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
    </nav>
  );
}
