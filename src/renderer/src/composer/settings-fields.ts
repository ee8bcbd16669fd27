import type { z } from 'zod';
import type { PlatformId } from '../../../shared/domain';
import { PLATFORM_SETTINGS } from '../../../shared/platforms';

/** One control the composer draws for a platform setting. */
export type SettingField =
  | { key: string; label: string; kind: 'select'; options: string[]; required: boolean; fallback?: string }
  | { key: string; label: string; kind: 'toggle'; fallback: boolean }
  /** A yes/no the creator must answer (no default: YouTube's "made for kids"). */
  | { key: string; label: string; kind: 'yesno'; required: true }
  | { key: string; label: string; kind: 'text'; required: boolean }
  | { key: string; label: string; kind: 'list'; required: boolean };

/** `replySettings` -> `Reply settings`; `PUBLIC_TO_EVERYONE` -> `Public to everyone`. */
export function humanize(key: string): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// zod keeps a schema's kind in `_zod.def`; reading it lets the form follow the shared schemas
// instead of a second hand-written description that would drift.
type Def = { type: string; innerType?: z.ZodType; defaultValue?: unknown; entries?: Record<string, string>; element?: z.ZodType; shape?: Record<string, z.ZodType> };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function fieldOf(key: string, schema: z.ZodType): SettingField | null {
  let s = schema;
  let required = true;
  let fallback: unknown;
  for (;;) {
    const def = defOf(s);
    if (def.type === 'optional') required = false;
    else if (def.type === 'default') {
      required = false;
      const raw = def.defaultValue;
      fallback = typeof raw === 'function' ? (raw as () => unknown)() : raw;
    } else break;
    s = def.innerType!;
  }
  const def = defOf(s);
  const label = LABELS[key] ?? humanize(key);
  if (def.type === 'enum') return { key, label, kind: 'select', options: Object.values(def.entries ?? {}), required, ...(typeof fallback === 'string' ? { fallback } : {}) };
  if (def.type === 'boolean') return required ? { key, label, kind: 'yesno', required: true } : { key, label, kind: 'toggle', fallback: fallback === true };
  if (def.type === 'string') return { key, label, kind: 'text', required };
  if (def.type === 'array' && def.element && defOf(def.element).type === 'string') return { key, label, kind: 'list', required };
  return null;
}

const LABELS: Record<string, string> = {
  spoilerText: 'Content warning',
  aiGenerated: 'AI-generated content',
  boardId: 'Board',
  categoryId: 'Category number',
  linkPreview: 'Show link preview',
  silent: 'Send silently',
  protected: 'Protect from forwarding',
  replySettings: 'Who can reply',
  replyControl: 'Who can reply',
  linkAttachment: 'Link preview (text-only first post)',
  topicTag: 'Topic tag',
  privacyLevel: 'Who can see it',
  shareReelToFeed: 'Also share the reel to the feed',
  languages: 'Languages',
  link: 'Link',
  note: 'Private note',
  collaborators: 'Collaborators (Instagram usernames)',
  locationId: 'Location (Facebook place id)',
  privacy: 'Visibility',
  madeForKids: 'Made for kids',
  notifySubscribers: 'Notify subscribers',
  embeddable: 'Allow embedding on other sites',
  license: 'Licence',
  quotePost: 'Quote a post (link or number)',
  replyTo: 'Reply to a post (link or number)',
  community: 'Post in a Community (link or number)',
  shareWithFollowers: 'Also show it to all followers',
  forSuperFollowersOnly: 'Super Followers only',
  visibility: 'Who can see it',
  feedDistribution: 'Show in feeds',
  disableReshares: 'Turn off resharing',
  articleUrl: 'Article link',
  articleTitle: 'Article title',
  articleDescription: 'Article description',
  documentTitle: 'Document (PDF) title',
};

/** Choices whose value does not read well humanized. */
const OPTION_LABELS: Record<string, string> = {
  youtube: 'Standard YouTube licence',
  creativeCommon: 'Creative Commons (attribution)',
};

/** How a select's option reads: `PUBLIC_TO_EVERYONE` -> `Public to everyone`. */
export function optionLabel(value: string): string {
  return OPTION_LABELS[value] ?? humanize(value);
}

const cache = new Map<PlatformId, SettingField[]>();

/** The fields of a platform's entry settings (postType is the content type picker's job). */
export function settingFields(platform: PlatformId): SettingField[] {
  const hit = cache.get(platform);
  if (hit) return hit;
  const shape = defOf(PLATFORM_SETTINGS[platform] as unknown as z.ZodType).shape ?? {};
  const fields = Object.entries(shape)
    .filter(([key]) => key !== 'postType')
    .map(([key, schema]) => fieldOf(key, schema))
    .filter((f): f is SettingField => f !== null);
  cache.set(platform, fields);
  return fields;
}
