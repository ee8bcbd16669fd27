import type { PlatformId, PostPart } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import {
  MASTODON_DEFAULTS,
  contentTypeSpec,
  formatBytes,
  countingUnit,
  formatSeconds,
  platformSpec,
  type CountingMethod,
  type MediaRules,
  type PlatformSpec,
} from '../../../shared/platforms/catalog';
import { videoFormatProblem } from '../../../shared/platforms/media-plan';
import { PLATFORM_SETTINGS, contentTypeFromPostType } from '../../../shared/platforms/settings';
import type { Issue } from '../../../shared/result';
import { DEFAULT_THREAD_MODE, needsThreadMode, sentPostParts, type ThreadMode } from '../../../shared/platforms/thread-mode';
import { countText } from './count';

/** What validation needs to know about a media item. */
export interface MediaFacts {
  id: string;
  kind: 'image' | 'video' | 'document';
  mime: string;
  bytes: number;
  /** Null when the length is not known (not read for WebM). */
  durationMs: number | null;
  /** The file name the creator imported, for messages. */
  name: string;
  /** What ffprobe read at import (null or absent when unknown: not checked). */
  container?: string | null;
  videoCodec?: string | null;
  audioCodec?: string | null;
  frameRate?: number | null;
}

/** One entry to validate: a target resolved to its account's platform. */
export interface EntryToValidate {
  accountId: string;
  platform: PlatformId;
  contentType: string;
  settings: Record<string, unknown>;
  textOverride: string | null;
  /** A thread to a platform that cannot thread: part 1 only or every part joined (null: joined). */
  threadMode?: ThreadMode | null;
  /** The account's `meta` (Mastodon keeps its instance limits in `meta.limits`). */
  accountMeta: Record<string, unknown>;
  /**
   * Whether the creator's bucket is set up (media hosting); false refuses media for platforms
   * that fetch them from a public URL. Undefined: not known here, not checked.
   */
  mediaHosting?: boolean;
}

/**
 * Whether an entry's media reach its platform only through public links from the creator's
 * bucket: the content type is fetched by URL (the catalog's `mediaByUrl`) and a part it sends
 * carries media. The one rule the composer and the adapters share.
 */
export function needsMediaHosting(platform: PlatformId, contentType: string, parts: Array<Pick<PostPart, 'media'>>): boolean {
  const spec = platformSpec(platform);
  const type = contentTypeSpec(platform, contentType);
  if (!type?.mediaByUrl) return false;
  // A type that requires media (a Reel) needs the bucket before its media are even attached.
  const sent = spec.threads ? parts : parts.slice(0, 1);
  return type.media.required || sent.some((part) => part.media.length > 0);
}

/** What the creator reads when such media cannot go out (the composer and the adapters say the same). */
export function mediaHostingMessage(platformName: string): string {
  return `${platformName} fetches images and videos from a public link: set up Media hosting (your own bucket) in Settings, or remove the media`;
}

/** Per-call cache of counted texts: ten targets often share a platform and the same text. */
export type CountCache = Map<string, number>;

const fmt = (n: number) => n.toLocaleString('en-US');

/** Limits of a Mastodon instance, from what the accounts service saved at connect (`meta.limits`). */
export function mastodonLimits(meta: Record<string, unknown>) {
  const raw = (meta.limits ?? {}) as Record<string, unknown>;
  const pick = (key: keyof typeof MASTODON_DEFAULTS) => {
    const v = raw[key];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : MASTODON_DEFAULTS[key];
  };
  return {
    maxCharacters: pick('maxCharacters'),
    maxMediaAttachments: pick('maxMediaAttachments'),
    charactersReservedPerUrl: pick('charactersReservedPerUrl'),
    imageSizeLimit: pick('imageSizeLimit'),
    videoSizeLimit: pick('videoSizeLimit'),
    maxPollOptions: pick('maxPollOptions'),
    maxPollOptionCharacters: pick('maxPollOptionCharacters'),
  };
}

/** The content type a target asks for: explicit, else its settings' post type, else the platform's default. */
export function resolveContentType(platform: PlatformId, contentType: string | undefined, settings: Record<string, unknown> | undefined): string {
  return contentType ?? contentTypeFromPostType(platform, settings) ?? platformSpec(platform).defaultContentType;
}

function mediaNoun(rules: MediaRules): string {
  if (rules.maxImages === 0) return rules.minItems > 1 ? `${rules.minItems} videos` : 'a video';
  if (rules.maxVideos === 0) return rules.minItems > 1 ? `${rules.minItems} images` : 'an image';
  return rules.minItems > 1 ? `${rules.minItems} photos or videos` : 'a photo or video';
}

function partName(index: number, total: number, joined = false): string {
  return joined ? 'the joined message' : total > 1 ? `part ${index + 1}` : 'the post';
}

function settingLabel(path: string): string {
  // camelCase -> words, e.g. replySettings -> reply settings, poll.expiresIn -> poll expires in.
  return path.replace(/\./g, ' ').replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`);
}

/** A settings problem in words: our schemas' messages read after the field name, zod's own get wrapped. */
function settingMessage(field: string, message: string): string {
  const label = settingLabel(field || 'settings');
  if (/^(must|cannot|at most|at least|is |are )/.test(message)) return `${label} ${message}`;
  if (/^(Invalid|Too |Unrecognized|Expected)/.test(message)) return `${label} is not valid (${message})`;
  return message;
}

/**
 * Validates one entry of a post against its platform's rules. Problems name the platform and
 * the field in a creator's words; paths point at the payload field to fix (`prefix` is the
 * target's path, e.g. `targets.2`).
 */
export function validateEntry(
  entry: EntryToValidate,
  parts: PostPart[],
  media: Map<string, MediaFacts>,
  prefix: string,
  cache: CountCache = new Map(),
): EntryValidation {
  const spec: PlatformSpec = platformSpec(entry.platform);
  const name = spec.name;
  const problems: Issue[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message: `${name}: ${message}`, platform: entry.platform });

  // Content type.
  const typeSpec = contentTypeSpec(entry.platform, entry.contentType);
  if (!typeSpec) {
    problem(`${prefix}.contentType`, `${entry.contentType} is not a ${name} post type; choose ${spec.contentTypes.map((c) => c.label.toLowerCase()).join(', ')}`);
  }
  const fromPostType = contentTypeFromPostType(entry.platform, entry.settings);
  if (fromPostType && typeSpec && fromPostType !== entry.contentType) {
    problem(`${prefix}.settings.postType`, `post type ${String(entry.settings.postType)} does not match the chosen ${typeSpec.label.toLowerCase()}`);
  }
  const rules = (typeSpec ?? contentTypeSpec(entry.platform, spec.defaultContentType)!).media;

  // Settings.
  const parsed = PLATFORM_SETTINGS[entry.platform].safeParse(entry.settings);
  const settings = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problem(`${prefix}.settings.${[...issue.path.map(String), key].join('.')}`, `there is no ${settingLabel(key)} setting`);
        continue;
      }
      const field = issue.path.map(String).join('.');
      problem(`${prefix}.settings${field ? `.${field}` : ''}`, settingMessage(field, issue.message));
    }
  }

  // Text: what the platform receives (a thread to a platform without threads goes as the
  // creator chose: part 1, or every part joined), counted in every unit the platform limits.
  const mastodon = entry.platform === 'mastodon' ? mastodonLimits(entry.accountMeta) : null;
  const countOpts = mastodon ? { urlLength: mastodon.charactersReservedPerUrl } : {};
  const count = (text: string, counting: CountingMethod) => {
    const key = `${counting}:${countOpts.urlLength ?? ''}:${text}`;
    let n = cache.get(key);
    if (n === undefined) {
      n = countText(text, counting, countOpts);
      cache.set(key, n);
    }
    return n;
  };
  /** Every limit on a part's text: the main one (a caption's when it carries media), then the others. */
  const limitsFor = (hasMedia: boolean): Array<{ limit: number; counting: CountingMethod }> => [
    { limit: mastodon ? mastodon.maxCharacters : hasMedia && spec.text.captionLimit ? spec.text.captionLimit : spec.text.limit, counting: spec.text.counting },
    ...(spec.text.also ?? []),
  ];
  // Mastodon counts the content warning toward the limit of every status of the thread.
  const spoiler = mastodon && typeof entry.settings.spoilerText === 'string' ? count(entry.settings.spoilerText, spec.text.counting) : 0;

  const threadMode = entry.threadMode ?? DEFAULT_THREAD_MODE;
  const joined = needsThreadMode(entry.platform, parts.length) && threadMode === 'joined';
  const sent = sentPostParts(entry.platform, parts, entry.textOverride, entry.threadMode ?? null);
  let shownLength = 0;
  let shownLimit = limitsFor(false)[0]!.limit;
  let shownUnit: 'characters' | 'bytes' = countingUnit(spec.text.counting);
  let worst = -Infinity;
  sent.forEach((part, i) => {
    const own = i === 0 && entry.textOverride !== null;
    const text = part.text;
    const textPath = own ? `${prefix}.textOverride` : joined ? `${prefix}.threadMode` : `parts.${i}.text`;
    const hasMedia = part.media.length > 0;
    let reported = false;
    for (const [k, { limit, counting }] of limitsFor(hasMedia).entries()) {
      const length = count(text, counting) + (k === 0 ? spoiler : 0);
      const unit = countingUnit(counting);
      // The limit that binds is the one closest to (or furthest past) its end.
      if (length / limit > worst) {
        worst = length / limit;
        shownLength = length;
        shownLimit = limit;
        shownUnit = unit;
      }
      if (length > limit && !reported) {
        reported = true;
        const what = joined
          ? `the ${parts.length} parts joined are `
          : sent.length > 1
            ? `part ${i + 1} is `
            : spec.text.noun === 'text'
              ? ''
              : `${spec.text.noun} is `;
        const why = k === 0 && mastodon && spoiler > 0 ? ' (with the content warning)' : k === 0 && hasMedia && spec.text.captionLimit ? ' (a caption with media)' : '';
        const fix = joined ? `: choose “First part only” for ${name}, shorten the parts, or give ${name} its own text` : '';
        problem(textPath, `${what}${fmt(length)}/${fmt(limit)} ${unit}${why}${fix}`);
      }
    }
    if (text.trim() === '' && !hasMedia && !(rules.required && i === 0)) {
      problem(textPath, `${partName(i, sent.length, joined)} is empty`);
    }
    checkMedia(part, i);
  });

  function checkMedia(part: PostPart, i: number) {
    const items = part.media.map((m, k) => ({ ref: m, k, facts: media.get(m.mediaId) }));
    // Joined media come from several parts: a problem with them is fixed in this platform's options.
    const base = joined ? `${prefix}.threadMode` : `parts.${i}.media`;
    for (const { ref, k, facts } of items) {
      if (!facts) problem(`${base}.${k}.mediaId`, `${partName(i, sent.length, joined)} has media that is not in the library (${ref.mediaId})`);
      if (spec.altTextLimit !== null && ref.altText) {
        const altLength = countText(ref.altText, 'code-points');
        if (altLength > spec.altTextLimit) problem(`${base}.${k}.altText`, `alt text of item ${k + 1} is ${fmt(altLength)}/${fmt(spec.altTextLimit)} characters`);
      }
    }
    const known = items.filter((x) => x.facts);
    const images = known.filter((x) => x.facts!.kind === 'image');
    const videos = known.filter((x) => x.facts!.kind === 'video');
    const documents = known.filter((x) => x.facts!.kind === 'document');
    const label = (typeSpec ?? { label: 'post' }).label.toLowerCase();
    // Documents (PDF carousels): only where the catalog takes them (LinkedIn), one, alone.
    const maxDocuments = rules.maxDocuments ?? 0;
    if (documents.length > 0 && maxDocuments === 0) problem(base, `a ${label} here cannot include a document (PDF); only LinkedIn takes PDFs`);
    else if (documents.length > maxDocuments) problem(base, `at most ${maxDocuments === 1 ? 'one document' : `${maxDocuments} documents`} per post (${partName(i, sent.length)} has ${documents.length})`);
    else if (documents.length > 0 && part.media.length > documents.length) problem(base, 'a document (PDF) goes alone, without images or video');
    if (i === 0 && rules.required && part.media.length < rules.minItems) {
      problem(base, `a ${label} needs ${mediaNoun(rules)}`);
    }
    const maxImages = mastodon ? Math.min(rules.maxImages, mastodon.maxMediaAttachments) : rules.maxImages;
    const maxItems = mastodon ? mastodon.maxMediaAttachments : rules.maxItems;
    if (images.length > 0 && maxImages === 0) problem(base, `a ${label} cannot include images`);
    else if (images.length > maxImages) problem(base, `at most ${maxImages} images per post (${partName(i, sent.length, joined)} has ${images.length})`);
    if (videos.length > 0 && rules.maxVideos === 0) problem(base, `a ${label} cannot include video`);
    else if (videos.length > rules.maxVideos) problem(base, `at most ${rules.maxVideos === 1 ? 'one video' : `${rules.maxVideos} videos`} per post (${partName(i, sent.length, joined)} has ${videos.length})`);
    if (!rules.mix && images.length > 0 && videos.length > 0) problem(base, `images and video cannot be combined in one post`);
    if (part.media.length > maxItems && images.length <= maxImages && videos.length <= rules.maxVideos) {
      problem(base, `at most ${maxItems} media items per post (${partName(i, sent.length, joined)} has ${part.media.length})`);
    }
    for (const { k, facts } of known) {
      const f = facts!;
      if (f.kind === 'document') {
        const docMax = rules.documentMaxBytes ?? 0;
        if (maxDocuments > 0 && docMax > 0 && f.bytes > docMax) problem(`${base}.${k}`, `${f.name || 'a document'} is ${formatBytes(f.bytes)}; the limit is ${formatBytes(docMax)} for documents`);
        continue;
      }
      const max =
        f.kind === 'video'
          ? (mastodon?.videoSizeLimit ?? rules.videoMaxBytes)
          : (mastodon?.imageSizeLimit ?? (f.mime === 'image/gif' && rules.gifMaxBytes ? rules.gifMaxBytes : rules.imageMaxBytes));
      if (f.kind === 'video' && f.durationMs !== null) {
        const seconds = f.durationMs / 1000;
        if (rules.videoMaxSeconds !== undefined && seconds > rules.videoMaxSeconds) problem(`${base}.${k}`, `${f.name || 'a video'} is ${formatSeconds(seconds)} long; a ${label} can be at most ${formatSeconds(rules.videoMaxSeconds)}`);
        if (rules.videoMinSeconds !== undefined && seconds < rules.videoMinSeconds) problem(`${base}.${k}`, `${f.name || 'a video'} is ${formatSeconds(seconds)} long; a ${label} must be at least ${formatSeconds(rules.videoMinSeconds)}`);
      }
      const format = f.kind === 'video' ? videoFormatProblem(f, rules, label) : null;
      if (format) problem(`${base}.${k}`, `${f.name || 'a video'} ${format.fact}; ${format.rule}`);
      if (max > 0 && f.bytes > max) problem(`${base}.${k}`, `${f.name || 'a file'} is ${formatBytes(f.bytes)}; the limit is ${formatBytes(max)} for ${f.mime === 'image/gif' ? 'GIFs' : f.kind === 'video' ? 'videos' : 'images'}`);
    }
  }

  // Platforms that fetch media from a URL need the creator's bucket.
  if (entry.mediaHosting === false && needsMediaHosting(entry.platform, entry.contentType, sent)) {
    const first = sent.findIndex((part) => part.media.length > 0);
    problems.push({ path: first >= 0 ? `parts.${first}.media` : prefix, message: mediaHostingMessage(name), platform: entry.platform });
  }

  if (entry.platform === 'threads') checkThreads(entry, parts, settings, prefix, problem);

  // Instagram stories take neither collaborators nor a location.
  if ((entry.platform === 'instagram' || entry.platform === 'instagram-facebook') && entry.contentType === 'instagram_story' && parsed.success) {
    if ((settings.collaborators as string[]).length > 0) problem(`${prefix}.settings.collaborators`, 'a story cannot have collaborators');
    if (settings.locationId) problem(`${prefix}.settings.locationId`, 'a story cannot carry a location');
  }

  // YouTube's description (snippet.description, videos.insert) takes no < or > (its 5,000 bytes are
  // the catalog's second limit, checked with the text).
  if (entry.platform === 'youtube') {
    const text = sent[0] ? (entry.textOverride ?? sent[0].text) : '';
    if (/[<>]/.test(text)) problem(entry.textOverride !== null ? `${prefix}.textOverride` : 'parts.0.text', 'the description cannot contain < or >');
  }

  // Titles (YouTube, Pinterest) live in settings.
  if (spec.title && typeof entry.settings.title === 'string') {
    const length = countText(entry.settings.title, spec.title.counting);
    if (length > spec.title.limit) problem(`${prefix}.settings.title`, `title is ${fmt(length)}/${fmt(spec.title.limit)} characters`);
  }

  // Mastodon polls: instance limits and no media beside a poll.
  if (mastodon && parsed.success && settings.poll) {
    const poll = settings.poll as { options: string[] };
    if (parts.some((p) => p.media.length > 0)) problem(`${prefix}.settings.poll`, 'a poll cannot be combined with media');
    if (poll.options.length > mastodon.maxPollOptions) problem(`${prefix}.settings.poll.options`, `at most ${mastodon.maxPollOptions} poll choices (${poll.options.length} given)`);
    poll.options.forEach((option, k) => {
      const length = countText(option, 'graphemes');
      if (length > mastodon.maxPollOptionCharacters) problem(`${prefix}.settings.poll.options.${k}`, `poll choice ${k + 1} is ${fmt(length)}/${fmt(mastodon.maxPollOptionCharacters)} characters`);
    });
  }

  // X: a poll goes without media (the first part carries it).
  if (entry.platform === 'x' && parsed.success && settings.poll && (parts[0]?.media.length ?? 0) > 0) {
    problem(`${prefix}.settings.poll`, 'a poll cannot be combined with media in the first part');
  }

  // LinkedIn: an article card replaces media; a document needs the title LinkedIn shows on it.
  if ((entry.platform === 'linkedin' || entry.platform === 'linkedin-page') && parsed.success) {
    const first = parts[0];
    if (settings.articleUrl && first && first.media.length > 0) problem(`${prefix}.settings.articleUrl`, 'an article link cannot be combined with media: remove the media or the link');
    const hasDocument = (first?.media ?? []).some((m) => media.get(m.mediaId)?.kind === 'document');
    if (hasDocument && !settings.documentTitle) problem(`${prefix}.settings.documentTitle`, 'a document (PDF) needs a title: LinkedIn shows it on the carousel');
  }

  return {
    accountId: entry.accountId,
    platform: entry.platform,
    contentType: entry.contentType,
    length: shownLength,
    limit: shownLimit,
    unit: shownUnit,
    problems,
    warnings: [],
  };
}

// Threads counts every distinct URL of a post, its link attachment included, and refuses a post
// with more than 5 (THREADS_API__LINK_LIMIT_EXCEEDED since December 2025,
// developers.facebook.com/documentation/threads/create-posts/text-attachments).
const THREADS_MAX_LINKS = 5;
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,:;!?)\]}'"]/giu;

/** Threads' own rules beyond text and media: the link attachment and the number of links. */
function checkThreads(entry: EntryToValidate, parts: PostPart[], settings: Record<string, unknown>, prefix: string, problem: (path: string, message: string) => void) {
  const link = typeof settings.linkAttachment === 'string' ? settings.linkAttachment : null;
  // link_attachment is only available for text-only posts; Outbox puts it on the first one.
  if (link && (parts[0]?.media.length ?? 0) > 0) problem(`${prefix}.settings.linkAttachment`, 'a link preview only goes on a text-only first post: remove the media of part 1 or the link preview');
  parts.forEach((part, i) => {
    const text = i === 0 && entry.textOverride !== null ? entry.textOverride : part.text;
    const links = new Set((text.match(LINK) ?? []).map((u) => u.toLowerCase()));
    if (i === 0 && link) links.add(link.toLowerCase());
    if (links.size > THREADS_MAX_LINKS) problem(i === 0 && entry.textOverride !== null ? `${prefix}.textOverride` : `parts.${i}.text`, `${parts.length > 1 ? `part ${i + 1} has` : 'the post has'} ${links.size} links; a post can have at most ${THREADS_MAX_LINKS}`);
  });
}
