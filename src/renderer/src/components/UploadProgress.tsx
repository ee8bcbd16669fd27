import type { CalendarPost } from '../../../shared/ipc/posts';
import { progressText, useProgressStore } from '../stores/progress.store';

/**
 * How far one entry's media upload has gone while it publishes: a bar and the words (never the
 * bar alone). Nothing shows before the first report, or once the entry is no longer publishing.
 */
export function EntryUploadProgress({ entryId, label, publishing }: { entryId: string; label: string; publishing: boolean }) {
  const progress = useProgressStore((s) => s.byEntry[entryId]);
  if (!publishing || !progress || progress.total <= 0) return null;
  const { fraction, percent, text } = progressText(progress);
  return (
    <span className="upload-progress">
      <progress max={1} value={fraction} aria-label={`${label}: ${percent}%`} />
      <span className="upload-progress-text">Uploading {text}</span>
    </span>
  );
}

/** The post's uploads together, as a thin bar under a calendar chip (a chip carries its entries' ids and statuses). */
export function PostUploadProgress({ post }: { post: Pick<CalendarPost, 'id' | 'status' | 'entries'> }) {
  const byEntry = useProgressStore((s) => s.byEntry);
  if (post.status !== 'publishing') return null;
  const mine = post.entries.filter((e) => e.status === 'publishing').flatMap((e) => (byEntry[e.id] ? [byEntry[e.id]!] : []));
  const total = mine.reduce((n, p) => n + p.total, 0);
  if (mine.length === 0 || total <= 0) return null;
  const { fraction, percent } = progressText({ postId: post.id, sent: mine.reduce((n, p) => n + p.sent, 0), total });
  return <progress className="chip-progress" max={1} value={fraction} aria-label={`Uploading: ${percent}%`} title={`Uploading: ${percent}%`} />;
}
