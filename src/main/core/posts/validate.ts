import type { PlatformId, PostPart } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import {
  MASTODON_DEFAULTS,
  contentTypeSpec,
  formatBytes,
  formatSeconds,
  platformSpec,
  type MediaRules,
  type PlatformSpec,
} from '../../../shared/platforms/catalog';
import { videoFormatProblem } from '../../../shared/platforms/media-plan';
import { PLATFORM_SETTINGS, contentTypeFromPostType } from '../../../shared/platforms/settings';
import type { Issue } from '../../../shared/result';
import { countText } from './count';

/** What validation needs to know about a media item. */
export interface MediaFacts {
  id: string;
  kind: 'image' | 'video';
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
  /** The account's `meta` (Mastodon keeps its instance limits in `meta.limits`). */
  accountMeta: Record<string, unknown>;
}

/**
 * Facts about the creator's setup that some platforms' rules depend on, the same for every entry
 * of a call. `mediaHosting`: a bucket is set up in Settings -> Media hosting, so platforms that
 * fetch media from a public URL (Instagram, Threads, TikTok photos) can publish.
 */
export interface ValidationContext {
  mediaHosting: boolean;
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

function partName(index: number, total: number): string {
  return total > 1 ? `part ${index + 1}` : 'the post';
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
  /** Read by the rules of the platforms that fetch media from a URL (Instagram, Threads, TikTok photos). */
  context: ValidationContext = { mediaHosting: false },
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

  // Text.
  const mastodon = entry.platform === 'mastodon' ? mastodonLimits(entry.accountMeta) : null;
  const limitFor = (hasMedia: boolean) => (mastodon ? mastodon.maxCharacters : hasMedia && spec.text.captionLimit ? spec.text.captionLimit : spec.text.limit);
  const countOpts = mastodon ? { urlLength: mastodon.charactersReservedPerUrl } : {};
  const count = (text: string) => {
    const key = `${spec.text.counting}:${countOpts.urlLength ?? ''}:${text}`;
    let n = cache.get(key);
    if (n === undefined) {
      n = countText(text, spec.text.counting, countOpts);
      cache.set(key, n);
    }
    return n;
  };
  // Mastodon counts the content warning toward the limit of every status of the thread.
  const spoiler = mastodon && typeof entry.settings.spoilerText === 'string' ? count(entry.settings.spoilerText) : 0;

  const sent = spec.threads ? parts : parts.slice(0, 1);
  if (!spec.threads && parts.length > 1) {
    problem('parts.1', `threads are not supported; only part 1 can be posted (remove parts 2–${parts.length} or turn this account off)`);
  }
  let shownLength = 0;
  let shownLimit = limitFor(false);
  let worst = -Infinity;
  sent.forEach((part, i) => {
    const text = i === 0 && entry.textOverride !== null ? entry.textOverride : part.text;
    const textPath = i === 0 && entry.textOverride !== null ? `${prefix}.textOverride` : `parts.${i}.text`;
    const hasMedia = part.media.length > 0;
    const length = count(text) + spoiler;
    const limit = limitFor(hasMedia);
    if (length - limit > worst) {
      worst = length - limit;
      shownLength = length;
      shownLimit = limit;
    }
    if (length > limit) {
      const what = sent.length > 1 ? `part ${i + 1} is ` : spec.text.noun === 'text' ? '' : `${spec.text.noun} is `;
      const why = mastodon && spoiler > 0 ? ' (with the content warning)' : hasMedia && spec.text.captionLimit ? ' (a caption with media)' : '';
      problem(textPath, `${what}${fmt(length)}/${fmt(limit)} characters${why}`);
    }
    if (text.trim() === '' && !hasMedia && !(rules.required && i === 0)) {
      problem(textPath, `${partName(i, sent.length)} is empty`);
    }
    checkMedia(part, i);
  });

  function checkMedia(part: PostPart, i: number) {
    const items = part.media.map((m, k) => ({ ref: m, k, facts: media.get(m.mediaId) }));
    const base = `parts.${i}.media`;
    for (const { ref, k, facts } of items) {
      if (!facts) problem(`${base}.${k}.mediaId`, `${partName(i, sent.length)} has media that is not in the library (${ref.mediaId})`);
      if (spec.altTextLimit !== null && ref.altText) {
        const altLength = countText(ref.altText, 'code-points');
        if (altLength > spec.altTextLimit) problem(`${base}.${k}.altText`, `alt text of item ${k + 1} is ${fmt(altLength)}/${fmt(spec.altTextLimit)} characters`);
      }
    }
    const known = items.filter((x) => x.facts);
    const images = known.filter((x) => x.facts!.kind === 'image');
    const videos = known.filter((x) => x.facts!.kind === 'video');
    const label = (typeSpec ?? { label: 'post' }).label.toLowerCase();
    if (i === 0 && rules.required && part.media.length < rules.minItems) {
      problem(base, `a ${label} needs ${mediaNoun(rules)}`);
    }
    const maxImages = mastodon ? Math.min(rules.maxImages, mastodon.maxMediaAttachments) : rules.maxImages;
    const maxItems = mastodon ? mastodon.maxMediaAttachments : rules.maxItems;
    if (images.length > 0 && maxImages === 0) problem(base, `a ${label} cannot include images`);
    else if (images.length > maxImages) problem(base, `at most ${maxImages} images per post (${partName(i, sent.length)} has ${images.length})`);
    if (videos.length > 0 && rules.maxVideos === 0) problem(base, `a ${label} cannot include video`);
    else if (videos.length > rules.maxVideos) problem(base, `at most ${rules.maxVideos === 1 ? 'one video' : `${rules.maxVideos} videos`} per post (${partName(i, sent.length)} has ${videos.length})`);
    if (!rules.mix && images.length > 0 && videos.length > 0) problem(base, `images and video cannot be combined in one post`);
    if (part.media.length > maxItems && images.length <= maxImages && videos.length <= rules.maxVideos) {
      problem(base, `at most ${maxItems} media items per post (${partName(i, sent.length)} has ${part.media.length})`);
    }
    for (const { k, facts } of known) {
      const f = facts!;
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

  return {
    accountId: entry.accountId,
    platform: entry.platform,
    contentType: entry.contentType,
    length: shownLength,
    limit: shownLimit,
    problems,
  };
}
