import type { ConnectionState, EntryStatus, PostStatus } from '../../../shared/domain';

/** Status as icon + words + a tone (the tone colours it; the icon and words carry the meaning). */
export interface StatusLook {
  icon: string;
  text: string;
  tone: 'neutral' | 'accent' | 'success' | 'warning' | 'danger';
}

export const POST_STATUS: Record<PostStatus, StatusLook> = {
  draft: { icon: '✎', text: 'Draft', tone: 'neutral' },
  scheduled: { icon: '◷', text: 'Scheduled', tone: 'accent' },
  publishing: { icon: '↻', text: 'Publishing', tone: 'warning' },
  published: { icon: '✓', text: 'Published', tone: 'success' },
  partially_published: { icon: '◐', text: 'Partly published', tone: 'warning' },
  failed: { icon: '⚠', text: 'Failed', tone: 'danger' },
};

export const ENTRY_STATUS: Record<EntryStatus, StatusLook> = {
  pending: { icon: '◷', text: 'Waiting', tone: 'neutral' },
  publishing: { icon: '↻', text: 'Sending', tone: 'warning' },
  handed_off: { icon: '⇥', text: 'Handed to the platform', tone: 'accent' },
  published: { icon: '✓', text: 'Published', tone: 'success' },
  failed: { icon: '⚠', text: 'Failed', tone: 'danger' },
};

export const CONNECTION_STATUS: Record<ConnectionState, StatusLook> = {
  connected: { icon: '●', text: 'Connected', tone: 'success' },
  disconnected: { icon: '⚠', text: 'Disconnected', tone: 'danger' },
  token_expired: { icon: '⟳', text: 'Needs reconnecting', tone: 'warning' },
};
