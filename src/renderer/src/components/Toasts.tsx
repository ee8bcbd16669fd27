import { useUiStore } from '../stores/ui.store';
import { Icon } from './Icon';

/** Transient messages; a polite live region so screen readers hear them. */
export function Toasts() {
  const { toasts, dismissToast } = useUiStore();
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Messages">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`}>
          <span aria-hidden="true">{t.tone === 'error' ? '⚠' : '✓'}</span>
          <span className="toast-text">{t.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss message" onClick={() => dismissToast(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

/** Shown while the network is down: drafting keeps working, publishing waits. */
export function OfflineBanner() {
  const online = useUiStore((s) => s.online);
  const engineOnline = useUiStore((s) => s.scheduler?.online ?? true);
  if (online && engineOnline) return null;
  return (
    <div className="offline-banner" role="alert">
      <Icon name="wifiOff" /> You are offline. Drafts keep saving on this computer; scheduled posts go out once you are back online.
    </div>
  );
}
