import { useEffect } from 'react';
import type { Account, Post } from '../../../shared/domain';
import { PlatformMark, StatusBadge } from '../components/Badges';
import { EntryUploadProgress } from '../components/UploadProgress';
import { platformName } from '../lib/platforms';
import { ENTRY_STATUS, POST_STATUS } from '../lib/status';
import { linkify } from '../lib/text';
import { dateTimeLabel, longDayLabel, timeLabel } from '../lib/time';
import { accountById } from '../stores/accounts.store';
import { useMediaStore } from '../stores/media.store';
import { AttemptLog } from './AttemptLog';

/**
 * A post that went out (or is going out) is read-only: what was sent, when, and where to see it
 * live. Changing it means a copy ("Duplicate to edit"); the platforms keep what they received.
 */
export function PublishedPost({ post, accounts, zone, onDuplicate, onClose }: { post: Post; accounts: Account[]; zone: string; onDuplicate: () => void; onClose: () => void }) {
  const { thumbs, ensure } = useMediaStore();
  useEffect(() => ensure(post.parts.flatMap((p) => p.media.flatMap((m) => [m.mediaId, ...(m.cover?.mediaId ? [m.cover.mediaId] : [])]))), [post, ensure]);
  const when = post.publishedAt;
  return (
    <div className="published">
      <div className="published-main">
        <div className="composer-meta">
          <StatusBadge look={POST_STATUS[post.status]} />
          <span className="muted">
            {post.status === 'publishing'
              ? 'Sending now: this post can no longer be changed.'
              : when
                ? `Went out ${longDayLabel(when, zone)} at ${timeLabel(when, zone)}`
                : 'Published'}
          </span>
        </div>
        <section aria-label="What was sent" className="published-parts">
          {post.parts.map((part, i) => (
            <article key={i} className="published-part" aria-label={post.parts.length > 1 ? `Part ${i + 1} of ${post.parts.length}` : 'Post text'}>
              <p className="preview-text">
                {linkify(part.text).map((run, j) =>
                  run.href ? (
                    <span key={j} className="preview-link">
                      {run.text}
                    </span>
                  ) : (
                    <span key={j}>{run.text}</span>
                  ),
                )}
              </p>
              {part.media.length > 0 ? (
                <div className={`preview-media n${Math.min(part.media.length, 4)}`}>
                  {part.media.map((m) => {
                    const src = (m.cover?.mediaId ? thumbs[m.cover.mediaId] : undefined) ?? thumbs[m.mediaId];
                    return src ? <img key={m.mediaId} src={src} alt={m.altText} /> : <span key={m.mediaId} className="preview-media-empty" />;
                  })}
                </div>
              ) : null}
            </article>
          ))}
        </section>
        <section aria-labelledby="published-where" className="published-where">
          <h3 id="published-where">Where it went</h3>
          <ul className="entries">
            {post.entries.map((e) => {
              const account = accountById(accounts, e.accountId);
              return (
                <li key={e.id} className="entry">
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
                  <AttemptLog entry={e} zone={zone} label={`${platformName(e.platform)} ${account?.handle ?? ''}`.trim()} />
                </li>
              );
            })}
          </ul>
          {when ? <p className="hint">Sent {dateTimeLabel(when, zone)} ({zone.replace(/_/g, ' ')}).</p> : null}
        </section>
      </div>
      <footer className="composer-footer">
        <div className="composer-errors">
          <p className="hint">Published posts cannot be changed here. A copy can be edited and scheduled again.</p>
        </div>
        <div className="composer-actions">
          <button type="button" className="button" onClick={onClose}>
            Done
          </button>
          <button type="button" className="button button-primary" onClick={onDuplicate} data-autofocus>
            Duplicate to edit
          </button>
        </div>
      </footer>
    </div>
  );
}
