import type { ReactNode } from 'react';
import type { Account, PlatformId } from '../../../shared/domain';
import { PLATFORM_LOOK, platformName } from '../lib/platforms';
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

const stroke = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;
const linkedin = (
  <>
    <path d="M4.6 7v5M7.6 12V7M7.6 9.3c0-1.4.9-2.3 2-2.3s2 .8 2 2.2V12" {...stroke} />
    <circle cx="4.6" cy="4.4" r="1" fill="currentColor" />
  </>
);
const instagram = (
  <>
    <rect x="3" y="3" width="10" height="10" rx="3" {...stroke} />
    <circle cx="8" cy="8" r="2.3" {...stroke} />
    <circle cx="11" cy="5" r=".7" fill="currentColor" />
  </>
);

/** Simple drawings of each platform's mark (white on the platform's colour), 16x16. */
const GLYPHS: Record<PlatformId, ReactNode> = {
  x: <path d="M4 3.5l8 9M12 3.5l-8 9" {...stroke} strokeWidth={1.8} />,
  bluesky: (
    <path
      fill="currentColor"
      d="M8 7.3C7 5.3 4.6 3 3.3 3c-1 0-1.2 1.2-1 2.2.2 1.6 1 2.9 3 3.1-1.9.3-2.7 1.4-1.7 2.6 1.7 2 3.2.6 4.4-1.6 1.2 2.2 2.7 3.6 4.4 1.6 1-1.2.2-2.3-1.7-2.6 2-.2 2.8-1.5 3-3.1.2-1-.1-2.2-1-2.2-1.3 0-3.7 2.3-4.7 4.3z"
    />
  ),
  mastodon: <path d="M4.5 11.5V7.2a1.7 1.7 0 0 1 3.5 0v2.6-2.6a1.7 1.7 0 0 1 3.5 0v4.3" {...stroke} />,
  threads: <path d="M10.2 8a2.2 2.2 0 1 1-2.2-2.2c1.8 0 2.2 1.3 2.2 2.7 0 1.1.6 1.7 1.4 1.7s1.4-.8 1.4-2.2A5 5 0 1 0 10.6 12.3" {...stroke} />,
  linkedin,
  'linkedin-page': linkedin,
  instagram,
  'instagram-facebook': instagram,
  facebook: <path fill="currentColor" d="M9.3 13.5V8.6h1.6l.3-1.9H9.3V5.5c0-.6.2-.9.9-.9h1.1V2.9c-.2 0-.9-.1-1.5-.1-1.6 0-2.6.9-2.6 2.6v1.3H5.6v1.9h1.6v4.9z" />,
  tiktok: <path d="M9.2 3v6.9a2.1 2.1 0 1 1-2.1-2.1M9.2 3c.3 1.6 1.4 2.6 3 2.8" {...stroke} />,
  youtube: <path fill="currentColor" d="M6.3 5.2v5.6L11 8z" />,
  pinterest: <path d="M7.2 13.3l1.1-5M6.2 9.6C5.5 9 5.1 8.3 5.1 7.4c0-1.9 1.4-3.5 3.4-3.5 1.9 0 3.1 1.3 3.1 3 0 2-1.1 3.5-2.5 3.5-.8 0-1.3-.6-1.1-1.3" {...stroke} />,
  telegram: <path fill="currentColor" d="M2.6 7.6l9.8-3.8c.5-.2.9.1.8.7l-1.7 7.8c-.1.5-.6.7-1 .4L7.9 11l-1.2 1.2c-.2.2-.5.1-.5-.2V9.7l4.6-4.3-5.8 3.6-2.3-.7c-.5-.2-.5-.5-.1-.7z" />,
};

/** A platform's mark: its drawing on its colour; its name is read out. */
export function PlatformMark({ platform, size = 'small', labelled = true }: { platform: PlatformId; size?: 'small' | 'medium' | 'large'; labelled?: boolean }) {
  return (
    <span className={`platform-mark platform-mark-${size}`} style={{ background: PLATFORM_LOOK[platform]?.color ?? '#666' }} title={labelled ? platformName(platform) : undefined} data-platform={platform}>
      <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        {GLYPHS[platform]}
      </svg>
      {labelled ? <span className="sr-only">{platformName(platform)}</span> : null}
    </span>
  );
}

/** An account's avatar (or its platform's mark when it has no picture), with the platform's mark in the corner. */
export function Avatar({ account, size = 28 }: { account: Pick<Account, 'platform' | 'handle' | 'displayName' | 'avatarUrl'>; size?: number }) {
  const picture = account.avatarUrl && /^(https:|data:)/.test(account.avatarUrl) ? account.avatarUrl : null;
  return (
    <span className="avatar" style={{ width: size, height: size }} aria-hidden="true">
      {picture ? (
        <>
          <img src={picture} alt="" width={size} height={size} />
          <span className="avatar-badge">
            <PlatformMark platform={account.platform} labelled={false} />
          </span>
        </>
      ) : (
        <span className="avatar-mark" style={{ background: PLATFORM_LOOK[account.platform]?.color }}>
          <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            {GLYPHS[account.platform]}
          </svg>
        </span>
      )}
    </span>
  );
}
