import type { BackupInfo, BackupKind } from '../../../shared/ipc/backups';
import { dateTimeLabel } from '../lib/time';
import { format } from 'date-fns';
import { inZone } from '../lib/time';

/** How a backup's reason reads. */
export const KIND_LABEL: Record<BackupKind, string> = {
  daily: 'Daily',
  manual: 'Manual',
  'pre-restore': 'Before a restore',
  'pre-migration': 'Before an update',
};

/** `Tue 24 Nov 2026, 09:30` in the creator's zone. */
export function backupDate(iso: string, zone: string): string {
  return format(inZone(iso, zone), 'EEE d MMM yyyy, HH:mm');
}

/** A short date-time for status lines. */
export const shortDate = (iso: string, zone: string) => dateTimeLabel(iso, zone);

/** `1.4 MB`. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `75 posts, 12 scheduled`, or why it is not known. */
export function contents(b: BackupInfo): string {
  if (b.posts === null) return 'cannot be read';
  return `${b.posts} post${b.posts === 1 ? '' : 's'}${b.scheduled ? `, ${b.scheduled} scheduled` : ''}`;
}
