import type { View } from '../components/Sidebar';

const TITLES: Record<View, string> = { calendar: 'Calendar', posts: 'Posts', accounts: 'Accounts', settings: 'Settings' };

/** A view that a later piece of work fills. */
export function Placeholder({ view }: { view: View }) {
  return (
    <section className="view" aria-labelledby="view-title">
      <header className="view-header">
        <h1 id="view-title">{TITLES[view]}</h1>
      </header>
      <p className="muted">Nothing here yet.</p>
    </section>
  );
}
