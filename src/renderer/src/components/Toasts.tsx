import { useUiStore } from '../stores/ui.store';
import { Icon } from './Icon';

/** Transient messages with their actions (Undo, Open, Retry); a polite live region so screen readers hear them. */
export function Toasts() {
  const { toasts, dismissToast, holdToast } = useUiStore();
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Messages">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast toast-${t.tone}`}
          // The countdown waits while the pointer or the keyboard is on the toast.
          onMouseEnter={() => holdToast(t.id, true)}
          onMouseLeave={() => holdToast(t.id, false)}
          onFocus={() => holdToast(t.id, true)}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) holdToast(t.id, false);
          }}
        >
          <span aria-hidden="true">{t.tone === 'error' ? '⚠' : '✓'}</span>
          <span className="toast-text">{t.text}</span>
          {t.actions.map((a) => (
            <button
              key={a.label}
              type="button"
              className="toast-action"
              onClick={() => {
                dismissToast(t.id);
                a.run();
              }}
            >
              {a.label}
            </button>
          ))}
          <button type="button" className="icon-button" aria-label="Dismiss message" onClick={() => dismissToast(t.id, true)}>
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
