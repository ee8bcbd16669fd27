import { useEffect, useRef, useState } from 'react';
import { Icon } from '../components/Icon';
import type { PartMedia } from '../../../shared/domain';
import { plainError } from '../lib/errors';
import { formatBytes } from '../lib/text';
import { useMediaStore } from '../stores/media.store';
import { CoverPicker } from './CoverPicker';

/**
 * A part's media: thumbnails, alt text, reorder, remove, a video's cover, and picking, dropping or
 * pasting files (picked and dropped files go to the engine by path; nothing crosses IPC whole).
 */
export function MediaStrip({
  media,
  partLabel,
  onChange,
  dropTarget,
}: {
  media: PartMedia[];
  partLabel: string;
  onChange: (media: PartMedia[]) => void;
  /** The element files may be dropped on (the part's box). */
  dropTarget: React.RefObject<HTMLElement | null>;
}) {
  const { items, thumbs, ensure, importFile } = useMediaStore();
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [coverFor, setCoverFor] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const latest = useRef(media);
  latest.current = media;

  useEffect(() => ensure(media.flatMap((m) => [m.mediaId, ...(m.cover?.mediaId ? [m.cover.mediaId] : [])])), [media, ensure]);

  async function importFiles(files: File[]) {
    setError(null);
    for (const file of files) {
      setBusy((n) => n + 1);
      try {
        const result = await importFile(file);
        if (!result.ok) {
          setError(`${file.name}: ${plainError(result.error)}`);
          continue;
        }
        latest.current = [...latest.current, { mediaId: result.value.id, altText: result.value.altText ?? '' }];
        onChange(latest.current);
      } catch (e) {
        setError(`${file.name}: ${(e as Error).message}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
  }

  useEffect(() => {
    const el = dropTarget.current;
    if (!el) return;
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        el.classList.add('drop-over');
      }
    };
    const leave = () => el.classList.remove('drop-over');
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      el.classList.remove('drop-over');
      void importFiles([...e.dataTransfer.files]);
    };
    // A pasted image (a screenshot) has no file on disk: its bytes are all there is.
    const paste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/') || f.type.startsWith('video/'));
      if (files.length === 0) return;
      e.preventDefault();
      void importFiles(files);
    };
    el.addEventListener('dragover', over);
    el.addEventListener('dragleave', leave);
    el.addEventListener('drop', drop);
    el.addEventListener('paste', paste);
    return () => {
      el.removeEventListener('dragover', over);
      el.removeEventListener('dragleave', leave);
      el.removeEventListener('drop', drop);
      el.removeEventListener('paste', paste);
    };
  });

  const move = (from: number, to: number) => {
    const next = [...media];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
  };

  return (
    <div className="media-strip">
      {media.length > 0 ? (
        <ul className="media-list" aria-label={`Media of ${partLabel}`}>
          {media.map((m, i) => {
            const info = items[m.mediaId];
            const name = `${info?.kind === 'video' ? 'Video' : info?.kind === 'document' ? 'Document' : 'Image'} ${i + 1}`;
            const coverThumb = m.cover?.mediaId ? thumbs[m.cover.mediaId] : undefined;
            const shown = coverThumb ?? thumbs[m.mediaId];
            return (
              <li key={m.mediaId} className="media-item">
                <div className="media-thumb">
                  {shown ? <img src={shown} alt="" /> : <span className="muted">{info?.kind === 'video' ? '▶' : info?.kind === 'document' ? 'PDF' : '…'}</span>}
                  {info?.kind === 'video' && coverThumb ? <span className="media-badge">Cover{m.cover?.atMs != null ? ` · ${(m.cover.atMs / 1000).toFixed(1)} s` : ''}</span> : null}
                  {info ? <span className="media-size">{info.kind === 'video' ? `Video · ${info.durationMs ? `${(info.durationMs / 1000).toFixed(0)} s · ` : ''}` : info.kind === 'document' ? 'PDF · ' : ''}{formatBytes(info.bytes)}</span> : null}
                </div>
                {info?.kind === 'document' ? (
                  // A PDF has no alt text: LinkedIn shows it as a carousel under the title set in its options.
                  <p className="hint alt-input">PDF carousel for LinkedIn only: give it a title in the LinkedIn options below.</p>
                ) : (
                  <>
                    <label className="sr-only" htmlFor={`alt-${m.mediaId}-${partLabel}`}>
                      Alt text for {name}
                    </label>
                    <textarea
                      id={`alt-${m.mediaId}-${partLabel}`}
                      className="alt-input"
                      rows={3}
                      placeholder="Describe it for people who cannot see it"
                      value={m.altText}
                      onChange={(e) => onChange(media.map((x, j) => (j === i ? { ...x, altText: e.target.value } : x)))}
                    />
                  </>
                )}
                <div className="media-actions">
                  {info?.kind === 'video' ? (
                    <button type="button" className="button button-small button-quiet media-cover-button" onClick={() => setCoverFor(m.mediaId)}>
                      {m.cover ? 'Change cover' : 'Choose cover'}
                      <span className="sr-only"> of {name}</span>
                    </button>
                  ) : null}
                  <button type="button" className="icon-button" aria-label={`Move ${name} earlier`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                    ‹
                  </button>
                  <button type="button" className="icon-button" aria-label={`Move ${name} later`} disabled={i === media.length - 1} onClick={() => move(i, i + 1)}>
                    ›
                  </button>
                  <button type="button" className="icon-button" aria-label={`Remove ${name}`} onClick={() => onChange(media.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="media-add">
        <button type="button" className="button button-small button-quiet" onClick={() => input.current?.click()}>
          <Icon name="image" /> Add media{partLabel !== 'the post' ? <span className="sr-only"> to {partLabel}</span> : null}
        </button>
        <span className="hint">or drop or paste images, videos or a PDF (LinkedIn) here</span>
        <input
          ref={input}
          type="file"
          accept="image/*,video/*,application/pdf"
          multiple
          hidden
          aria-label={`Choose media files for ${partLabel}`}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void importFiles(files);
          }}
        />
        {busy > 0 ? (
          <span className="hint" role="status">
            Importing {busy} file{busy > 1 ? 's' : ''}…
          </span>
        ) : null}
      </div>
      {coverFor && items[coverFor] ? (
        <CoverPicker
          video={items[coverFor]!}
          cover={media.find((m) => m.mediaId === coverFor)?.cover ?? null}
          name={`video ${media.findIndex((m) => m.mediaId === coverFor) + 1}${partLabel !== 'the post' ? ` of ${partLabel}` : ''}`}
          onChange={(cover) => onChange(latest.current.map((m) => (m.mediaId === coverFor ? { ...m, cover } : m)))}
          onClose={() => setCoverFor(null)}
        />
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}
