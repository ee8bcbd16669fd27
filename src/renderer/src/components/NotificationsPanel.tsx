import { useMemo } from 'react';
import { useAccountsStore } from '../stores/accounts.store';
import { useComposerStore } from '../stores/composer.store';
import { usePostsStore } from '../stores/posts.store';
import { useSettingsStore } from '../stores/settings.store';
import { useUiStore } from '../stores/ui.store';
import { CONNECTION_STATUS, POST_STATUS } from '../lib/status';
import { firstWords } from '../lib/text';
import { dateTimeLabel, systemZone } from '../lib/time';
import { Avatar, StatusBadge } from './Badges';
import { Dialog } from './Dialog';

/** How many things want the creator's attention (failures and broken connections). */
export function useAttentionCount(): number {
  const failures = usePostsStore((s) => s.failures.length);
  const accounts = useAccountsStore((s) => s.accounts.filter((a) => a.connection !== 'connected').length);
  return failures + accounts;
}

/** Recent failures and disconnections, derived from posts and accounts. */
export function NotificationsPanel() {
  const open = useUiStore((s) => s.notificationsOpen);
  const setOpen = useUiStore((s) => s.setNotificationsOpen);
  const setView = useUiStore((s) => s.setView);
  const failures = usePostsStore((s) => s.failures);
  const allAccounts = useAccountsStore((s) => s.accounts);
  const accounts = useMemo(() => allAccounts.filter((a) => a.connection !== 'connected'), [allAccounts]);
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const openPost = useComposerStore((s) => s.openPost);
  const empty = failures.length === 0 && accounts.length === 0;

  return (
    <Dialog open={open} title="Notifications" onClose={() => setOpen(false)} className="dialog-side">
      {empty ? (
        <p className="muted empty-note">
          <span aria-hidden="true">✓ </span>All clear: nothing failed and every account is connected.
        </p>
      ) : (
        <ul className="notice-list" aria-label="Recent problems">
          {accounts.map((a) => (
            <li key={a.id} className="notice">
              <Avatar account={a} size={28} />
              <div className="notice-body">
                <div>
                  <strong>{a.displayName || a.handle}</strong> <StatusBadge look={CONNECTION_STATUS[a.connection]} />
                </div>
                <p className="hint">Posts to this account wait until you reconnect it.</p>
              </div>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setOpen(false);
                  setView('accounts');
                }}
              >
                Open accounts
              </button>
            </li>
          ))}
          {failures.map((p) => (
            <li key={p.id} className="notice">
              <StatusBadge look={POST_STATUS[p.status]} compact />
              <div className="notice-body">
                <div className="notice-title">{firstWords(p.parts[0]?.text ?? '', 70) || 'Untitled post'}</div>
                <p className="hint">
                  {p.scheduledAt ? `${dateTimeLabel(p.scheduledAt, zone)} · ` : ''}
                  {POST_STATUS[p.status].text}
                  {p.entries.find((e) => e.errorMessage)?.errorMessage ? `: ${p.entries.find((e) => e.errorMessage)!.errorMessage}` : ''}
                </p>
              </div>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setOpen(false);
                  void openPost(p.id);
                }}
              >
                Open post
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
