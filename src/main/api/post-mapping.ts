import type { Account, Media, PlatformEntry, PlatformId, Post } from '../../shared/domain';
import type { Issue } from '../../shared/result';
import type { z } from 'zod';
import type { accountObject, mediaObject, PostObject } from './schemas';

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
  };
}

/** Per platform: the combined outcome of its accounts, once one of them has finished. */
export function platformResults(entries: PlatformEntry[]): PostObject['platform_results'] {
  const out: PostObject['platform_results'] = {};
  const enabled = entries.filter((e) => e.enabled);
  for (const platform of unique(enabled.map((e) => e.platform))) {
    const mine = enabled.filter((e) => e.platform === platform);
    const finished = mine.filter((e) => e.status === 'published' || e.status === 'failed');
    if (finished.length === 0) continue;
    const published = mine.find((e) => e.status === 'published');
    const failed = mine.find((e) => e.status === 'failed');
    out[platform] = {
      success: finished.every((e) => e.status === 'published'),
      post_id: published?.platformPostId ?? null,
      post_url: published?.platformUrl ?? null,
      error: failed ? (failed.errorMessage ?? 'Publishing failed') : null,
      accounts: mine.map(accountResult),
    };
  }
  return out;
}

/**
 * The API's post object. `kinds` says which media ids are videos (the post only keeps ids);
 * media of the first part are the post's media, later parts' texts are `thread`.
 */
export function toPostObject(post: Post, kinds: Map<string, Media['kind']>, baseUrl: string, warnings?: Issue[]): PostObject {
  const [first, ...rest] = post.parts;
  const media = first?.media ?? [];
  const images = media.filter((m) => kinds.get(m.mediaId) !== 'video').map((m) => ({ media_id: m.mediaId, url: mediaUrlOf(baseUrl, m.mediaId), alt_text: m.altText }));
  const video = media.find((m) => kinds.get(m.mediaId) === 'video');
  const enabled = post.entries.filter((e) => e.enabled);
  return {
    id: post.id,
    content: first?.text ?? '',
    thread: rest.map((part) => part.text),
    platforms: unique(enabled.map((e) => e.platform)),
    accounts: unique(enabled.flatMap((e) => (e.accountId ? [e.accountId] : []))),
    status: post.status,
    scheduled_for: post.scheduledAt,
    media: { images, video: video ? { media_id: video.mediaId, url: mediaUrlOf(baseUrl, video.mediaId), thumbnail_url: null } : null },
    platform_results: platformResults(post.entries),
    created_at: post.createdAt,
    updated_at: post.updatedAt,
    published_at: post.publishedAt,
    ...(warnings ? { warnings: warnings.map(renameIssue) } : {}),
  };
}

/** The API's account object. */
export function toAccountObject(account: Account): z.infer<typeof accountObject> {
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    display_name: account.displayName,
    active: account.active,
    connection: account.connection,
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

/**
 * Renames an engine field path to the request field it came from, so a 422 names what the
 * caller sent: `parts.0.text` -> `content`, `schedule.at` -> `scheduled_for`, `targets.2` ->
 * `accounts` (the targets are built from `platforms` and `accounts`).
 */
export function renamePath(path: string, targetsField: 'platforms' | 'accounts' = 'accounts'): string {
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/^parts\.0\.text(\..*)?$/, () => 'content'],
    [/^parts\.0\.media(\.\d+)?(\..*)?$/, (m) => `media${m[1] ?? ''}`],
    [/^parts\.(\d+)\.text(\..*)?$/, (m) => `thread.${Number(m[1]) - 1}`],
    [/^parts(\..*)?$/, () => 'content'],
    [/^(schedule(\.at|\.mode)?|scheduledAt)(\..*)?$/, () => 'scheduled_for'],
    [/^targets(\..*)?$/, () => targetsField],
    [/^entries(\..*)?$/, () => targetsField],
  ];
  for (const [pattern, to] of rules) {
    const m = pattern.exec(path);
    if (m) return to(m);
  }
  return path;
}

function renameIssue(issue: Issue): Issue {
  return { ...issue, path: renamePath(issue.path) };
}

/** Turns an ISO 8601 time with any offset into the engine's UTC form ending in `Z`. */
export function toUtc(iso: string): string {
  return new Date(iso).toISOString();
}

/** Which platform ids have at least one active account, for resolving `platforms`. */
export function activeAccountsOf(accounts: Account[], platform: PlatformId): Account[] {
  return accounts.filter((a) => a.platform === platform && a.active);
}
