import { useEffect, useState } from 'react';
import { Sidebar, type View } from './components/Sidebar';
import { useSettingsStore } from './stores/settings.store';
import { Placeholder } from './views/Placeholder';
import { SettingsView } from './views/SettingsView';

export default function App() {
  const [view, setView] = useState<View>('calendar');
  const load = useSettingsStore((s) => s.load);

  useEffect(() => {
    void load();
    return window.outbox.on('settings:changed', () => void load());
  }, [load]);

  return (
    <div className="app">
      <Sidebar current={view} onSelect={setView} />
      <main className="main" id="main" tabIndex={-1}>
        {view === 'settings' ? <SettingsView /> : <Placeholder view={view} />}
      </main>
    </div>
  );
}
