import type { Account, PlatformId } from '../../../shared/domain';
import { PLATFORM_INFO, platformName } from '../lib/platforms';
import type { StatusLook } from '../lib/status';

/** Status with icon and words (and colour): never colour alone. */
export function StatusBadge({ look, compact = false }: { look: StatusLook; compact?: boolean }) {
  return (
    <span className={`status status-${look.tone}`} title={compact ? look.text : undefined}>
      <span aria-hidden="true" className="status-icon">
        {look.icon}
      </span>
      {compact ? <span className="sr-only">{look.text}</span> : <span>{look.text}</span>}
    </span>
  );
}

/** A small platform mark; its name is read out. */
export function PlatformMark({ platform, size = 'small' }: { platform: PlatformId; size?: 'small' | 'medium' }) {
  const info = PLATFORM_INFO[platform];
  return (
    <span className={`platform-mark platform-mark-${size}`} style={{ background: info?.color ?? '#666' }} title={platformName(platform)}>
      <span aria-hidden="true">{info?.mark ?? '?'}</span>
      <span className="sr-only">{platformName(platform)}</span>
    </span>
  );
}

/** An account's avatar (or its initial), with its platform's mark in the corner. */
export function Avatar({ account, size = 28 }: { account: Pick<Account, 'platform' | 'handle' | 'displayName' | 'avatarUrl'>; size?: number }) {
  const initial = (account.displayName || account.handle || '?').replace(/^@/, '').slice(0, 1).toUpperCase();
  return (
    <span className="avatar" style={{ width: size, height: size }} aria-hidden="true">
      {account.avatarUrl && /^(https:|data:)/.test(account.avatarUrl) ? (
        <img src={account.avatarUrl} alt="" width={size} height={size} />
      ) : (
        <span className="avatar-initial" style={{ background: PLATFORM_INFO[account.platform]?.color }}>
          {initial}
        </span>
      )}
    </span>
  );
}
