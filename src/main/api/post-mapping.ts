import type { Account, Label, Media, PartMedia, PlatformEntry, PlatformId, Post } from '../../shared/domain';
import type { Issue } from '../../shared/result';
import type { z } from 'zod';
import { apiPlatform, type accountObject, type mediaObject, type PostObject } from './schemas';

// Pure translations between the engine's camelCase domain and the API's snake_case shapes.
// No rules live here: what is allowed is decided by the engine behind `invoke`.

/** The URL this API describes a stored media file at. */
export function mediaUrlOf(baseUrl: string, mediaId: string): string {
  return `${baseUrl}/v1/media/${encodeURIComponent(mediaId)}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function accountResult(entry: PlatformEntry) {
  return {
    account_id: entry.accountId,
    status: entry.status,
    success: entry.status === 'published',
    post_id: entry.platformPostId,
    post_url: entry.platformUrl,
    error: entry.status === 'failed' ? (entry.errorMessage ?? 'Publishing failed') : null,
    handed_off: entry.status === 'handed_off',
    schedule_id: entry.status === 'handed_off' ? (entry.remote?.id ?? null) : null,
    publishes_at: entry.status === 'handed_off' ? (entry.remote?.at ?? null) : null,
  };
}

/**
 * Per platform: the combined outcome of its accounts, once one of them has finished, in
 * Octopost's shape (`post_id`/`post_url` present once something published, `error` once
 * something failed); null while no platform has a result.
 */
export function platformResults(entries: PlatformEntry[]): PostObject['platform_results'] {
  const out: NonNullable<PostObject['platform_results']> = {};
  const enabled = entries.filter((e) => e.enabled);
  for (const platform of unique(enabled.map((e) => e.platform))) {
    const mine = enabled.filter((e) => e.platform === platform);
    const finished = mine.filter((e) => e.status === 'published' || e.status === 'failed');
    // A post the platform's own scheduler holds has a result to show too: it goes out with this computer off.
    const handedOff = mine.some((e) => e.status === 'handed_off');
    if (finished.length === 0 && !handedOff) continue;
    const published = mine.find((e) => e.status === 'published');
    const failed = mine.find((e) => e.status === 'failed');
    out[apiPlatform(platform)] = {
      success: finished.length > 0 && finished.every((e) => e.status === 'published'),
      ...(handedOff ? { handed_off: true as const } : {}),
      ...(published ? { post_id: published.platformPostId ?? '', post_url: published.platformUrl ?? '' } : {}),
      ...(failed ? { error: failed.errorMessage ?? 'Publishing failed' } : {}),
      accounts: mine.map(accountResult),
    };
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** What the mapping needs beside the post: media kinds (posts keep ids only) and labels. */
export interface PostContext {
  kinds: Map<string, Media['kind']>;
  labels: Map<string, Label>;
  baseUrl: string;
}

/** A part's media in Octopost's shape; null when it has none. */
export function mediaOf(media: PartMedia[], ctx: PostContext): PostObject['media'] {
  if (media.length === 0) return null;
  // Octopost's media has images and a video only: a document (a LinkedIn PDF) is left out of it.
  const images = media.filter((m) => ctx.kinds.get(m.mediaId) !== 'video' && ctx.kinds.get(m.mediaId) !== 'document').map((m) => ({ url: mediaUrlOf(ctx.baseUrl, m.mediaId), alt_text: m.altText, media_id: m.mediaId }));
  const video = media.find((m) => ctx.kinds.get(m.mediaId) === 'video');
  const cover = video?.cover?.mediaId ?? null;
  return { images, video: video ? { url: mediaUrlOf(ctx.baseUrl, video.mediaId), thumbnail_url: cover ? mediaUrlOf(ctx.baseUrl, cover) : null, media_id: video.mediaId } : null };
}

/**
 * The API's post object. Faithful to Octopost where it has a field: `status` has its five
 * values (a partly published post is `published`, flagged by `partially_published`), empty
 * `media` / `segments` / `platform_results` are null, `published_at` is null unless something
 * went out, and X is `twitter`.
 */
export function toPostObject(post: Post, ctx: PostContext, warnings?: Issue[]): PostObject {
  const [first, ...rest] = post.parts;
  const enabled = post.entries.filter((e) => e.enabled);
  const anyPublished = post.entries.some((e) => e.status === 'published');
  const status = post.status === 'partially_published' ? 'published' : post.status;
  const accountSettings: PostObject['account_settings'] = {};
  for (const e of post.entries) {
    if (e.accountId === null) continue;
    accountSettings[e.accountId] = { platform: apiPlatform(e.platform), content: e.textOverride, content_type: e.contentType, enabled: e.enabled, settings: e.settings };
  }
  return {
    id: post.id,
    content: first?.text ?? '',
    platforms: unique(enabled.map((e) => apiPlatform(e.platform))),
    status,
    scheduled_for: post.scheduledAt,
    media: mediaOf(first?.media ?? [], ctx),
    segments: rest.length > 0 ? rest.map((part) => ({ content: part.text, media: mediaOf(part.media, ctx) })) : null,
    platform_results: platformResults(post.entries),
    created_at: post.createdAt,
    updated_at: post.updatedAt,
    published_at: anyPublished ? post.publishedAt : null,
    partially_published: post.status === 'partially_published',
    accounts: unique(enabled.flatMap((e) => (e.accountId ? [e.accountId] : []))),
    labels: post.labelIds.flatMap((id) => {
      const label = ctx.labels.get(id);
      return label ? [{ id: label.id, name: label.name, color: label.color }] : [];
    }),
    account_settings: accountSettings,
    repeatable: post.repeat ? { count: post.repeat.count, every: post.repeat.every, unit: post.repeat.unit, remaining: post.repeat.remaining } : null,
    ...(warnings ? { warnings: warnings.map((issue) => renameIssue(issue)) } : {}),
  };
}

/** The API's account object. */
export function toAccountObject(account: Account): z.infer<typeof accountObject> {
  return {
    id: account.id,
    platform: apiPlatform(account.platform),
    handle: account.handle,
    display_name: account.displayName,
    avatar_url: account.avatarUrl,
    active: account.active,
    connection: account.connection,
    created_at: account.createdAt,
  };
}

/** The API's media object. */
export function toMediaObject(media: Media): z.infer<typeof mediaObject> {
  return {
    id: media.id,
    kind: media.kind,
    mime: media.mime,
    bytes: media.bytes,
    width: media.width,
    height: media.height,
    duration_ms: media.durationMs,
    sha256: media.sha256,
    alt_text: media.altText,
  };
}

/** Where a request put each engine target, so engine issue paths name the request's fields. */
export interface TargetOrigins {
  /** For `targets.N`: the request field the target came from (`platforms.1`, `accounts.0`, `account_settings.<id>`). */
  fields: string[];
  /** The field to blame when the engine names the targets as a whole. */
  whole: 'platforms' | 'accounts';
}

/**
 * Renames an engine field path to the request field it came from, so a 422 names what the
 * caller sent: `parts.0.text` -> `content`, `parts.2.text` -> `segments.1.content`,
 * `schedule.at` -> `scheduled_for`, `targets.2...` -> the `platforms`/`accounts` entry it came from,
 * `labelIds.1` -> `labels.1`, `repeat` -> `repeatable`.
 */
export function renamePath(path: string, origins: TargetOrigins | 'platforms' | 'accounts' = 'accounts'): string {
  const o: TargetOrigins = typeof origins === 'string' ? { fields: [], whole: origins } : origins;
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/^parts\.0\.text(\..*)?$/, () => 'content'],
    [/^parts\.0\.media(\.\d+)?(\..*)?$/, (m) => `media${m[1] ?? ''}`],
    [/^parts\.(\d+)\.text(\..*)?$/, (m) => `segments.${Number(m[1]) - 1}.content`],
    [/^parts\.(\d+)\.media(\.\d+)?(\..*)?$/, (m) => `segments.${Number(m[1]) - 1}.media${m[2] ?? ''}`],
    [/^parts(\..*)?$/, () => 'content'],
    [/^(schedule(\.at|\.mode)?|scheduledAt)(\..*)?$/, () => 'scheduled_for'],
    [/^targets\.(\d+)\.settings(\..*)?$/, (m) => `${settingsFieldOf(o, Number(m[1]))}${m[2] ? `.settings${m[2]}` : '.settings'}`],
    [/^targets\.(\d+)\.textOverride(\..*)?$/, (m) => `${settingsFieldOf(o, Number(m[1]))}.content`],
    [/^targets\.(\d+)\.contentType(\..*)?$/, (m) => `${settingsFieldOf(o, Number(m[1]))}.content_type`],
    [/^targets\.(\d+)(\..*)?$/, (m) => o.fields[Number(m[1])] ?? o.whole],
    [/^targets(\..*)?$/, () => o.whole],
    [/^entries(\..*)?$/, () => o.whole],
    [/^labelIds(\..*)?$/, (m) => `labels${m[1] ?? ''}`],
    [/^repeat(\..*)?$/, (m) => `repeatable${m[1] ?? ''}`],
  ];
  for (const [pattern, to] of rules) {
    const m = pattern.exec(path);
    if (m) return to(m);
  }
  return path;
}

function settingsFieldOf(o: TargetOrigins, index: number): string {
  const field = o.fields[index];
  return field?.startsWith('account_settings.') || field?.startsWith('platform_settings.') ? field : (field ?? o.whole);
}

function renameIssue(issue: Issue, origins?: TargetOrigins): Issue {
  return { ...issue, path: renamePath(issue.path, origins) };
}

/** Turns an ISO 8601 time with any offset into the engine's UTC form ending in `Z`. */
export function toUtc(iso: string): string {
  return new Date(iso).toISOString();
}

/** Which platform ids have at least one active account, for resolving `platforms`. */
export function activeAccountsOf(accounts: Account[], platform: PlatformId): Account[] {
  return accounts.filter((a) => a.platform === platform && a.active);
}
