import { useState } from 'react';
import type { Account, PostPart } from '../../../shared/domain';
import { Avatar, PlatformMark } from '../components/Badges';
import { DEFAULT_THREAD_MODE, needsThreadMode, sentParts } from '../../../shared/platforms/thread-mode';
import { platformName } from '../lib/platforms';
import { linkify } from '../lib/text';
import { useMediaStore } from '../stores/media.store';
import type { ComposerTarget } from '../stores/composer.store';

function Text({ text }: { text: string }) {
  return (
    <p className="preview-text">
      {linkify(text).map((run, i) =>
        run.href ? (
          <span key={i} className="preview-link">
            {run.text}
          </span>
        ) : (
          <span key={i}>{run.text}</span>
        ),
      )}
    </p>
  );
}

/** Roughly how the post will look on each platform: name, handle, text with links, media grid. */
export function Preview({ parts, targets, accounts }: { parts: PostPart[]; targets: ComposerTarget[]; accounts: Account[] }) {
  const chosen = targets.map((t) => ({ target: t, account: accounts.find((a) => a.id === t.accountId) })).filter((x): x is { target: ComposerTarget; account: Account } => !!x.account);
  const [selected, setSelected] = useState<string | null>(null);
  const thumbs = useMediaStore((s) => s.thumbs);
  const items = useMediaStore((s) => s.items);
  const current = chosen.find((c) => c.account.id === selected) ?? chosen[0];
  if (!current) return <p className="muted preview-empty">Choose an account to see a preview.</p>;
  const { account, target } = current;
  // Exactly what this platform receives (the engine sends the same: see sentParts).
  const threads = sentParts(account.platform, parts, target.textOverride, target.threadMode ?? null);
  const mode = needsThreadMode(account.platform, parts.length) ? (target.threadMode ?? DEFAULT_THREAD_MODE) : null;
  return (
    <div className="preview">
      <div className="preview-tabs" role="group" aria-label="Preview for">
        {chosen.map(({ account: a }) => (
          <button key={a.id} type="button" aria-pressed={a.id === account.id} onClick={() => setSelected(a.id)} title={`${platformName(a.platform)} ${a.handle}`}>
            <PlatformMark platform={a.platform} labelled={false} />
            <span className="sr-only">
              Preview on {platformName(a.platform)} {a.handle}
            </span>
          </button>
        ))}
      </div>
      {mode ? (
        <p className="hint preview-note">
          {platformName(account.platform)} cannot show a thread: {mode === 'joined' ? `the ${parts.length} parts go as one message` : 'only the first part goes'} (change it under Per platform).
        </p>
      ) : null}
      <div className={`preview-card preview-${account.platform}`} aria-label={`Preview on ${platformName(account.platform)}`} role="figure">
        {threads.map((part, i) => (
          <div key={i} className="preview-post">
            <Avatar account={account} size={36} />
            <div className="preview-main">
              <div className="preview-head">
                <strong>{account.displayName || account.handle}</strong> <span className="muted">{account.handle}</span>
              </div>
              {part.text ? <Text text={part.text} /> : <p className="muted preview-text">Nothing written yet</p>}
              {part.media.length > 0 ? (
                <div className={`preview-media n${Math.min(part.media.length, 4)}`}>
                  {part.media.slice(0, 4).map((m) => {
                    // A video shows its cover, as the platforms do before it plays.
                    const src = (m.cover?.mediaId ? thumbs[m.cover.mediaId] : undefined) ?? thumbs[m.mediaId];
                    const video = items[m.mediaId]?.kind === 'video';
                    return (
                      <span key={m.mediaId} className={`preview-media-item${video ? ' is-video' : ''}`}>
                        {src ? <img src={src} alt={m.altText || (video ? (m.cover ? 'Video, shown by its cover' : 'Video') : '')} /> : <span className="preview-media-empty" />}
                        {video ? (
                          <span className="preview-play" aria-hidden="true">
                            ▶
                          </span>
                        ) : null}
                      </span>
                    );
                  })}
                </div>
              ) : null}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
