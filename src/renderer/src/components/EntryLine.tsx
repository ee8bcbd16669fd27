import type { ReactNode } from 'react';
import type { Account, PlatformEntry } from '../../../shared/domain';
import { platformName } from '../lib/platforms';
import { ENTRY_STATUS } from '../lib/status';
import { accountById } from '../stores/accounts.store';
import { PlatformMark, StatusBadge } from './Badges';
import { EntryUploadProgress } from './UploadProgress';

/**
 * One platform of a post: the account, its status in words, the upload while it publishes, the
 * live link and the platform's error; `children` adds what the place needs (the attempt log).
 */
export function EntryLine({ entry: e, accounts, children }: { entry: PlatformEntry; accounts: Account[]; children?: ReactNode }) {
  const account = accountById(accounts, e.accountId);
  return (
    <li className="entry">
      <PlatformMark platform={e.platform} />
      <span className="entry-handle">{account?.handle ?? (e.accountId ? platformName(e.platform) : 'Disconnected account')}</span>
      <StatusBadge look={ENTRY_STATUS[e.status]} />
      <EntryUploadProgress entryId={e.id} publishing={e.status === 'publishing'} label={`Uploading to ${platformName(e.platform)} ${account?.handle ?? ''}`.trim()} />
      {e.platformUrl ? (
        <a href={e.platformUrl} target="_blank" rel="noreferrer">
          View on {platformName(e.platform)}
          <span className="sr-only"> (opens in your browser)</span>
        </a>
      ) : null}
      {e.errorMessage ? <span className="entry-error">{e.errorMessage}</span> : null}
      {children}
    </li>
  );
}
