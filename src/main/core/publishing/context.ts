import { isAbsolute, join } from 'node:path';
import { PublishError, type PublicLinks, type PublishContext, type PublishMedia } from '../../platforms/types';
import { sentParts } from '../../../shared/platforms/thread-mode';
import { toPublishAccount, type AccountRow } from '../accounts/accounts.repo';
import type { EntryRecord, PostRecord } from '../posts/post-store.repo';
import type { EngineShared } from './shared';

/**
 * The publish context of one claimed entry: the parts its platform receives (see sentParts),
 * media resolved to their stored files, the account, its secrets, and a progress store whose
 * saves commit before the adapter goes on.
 */
export function buildContext(
  shared: EngineShared,
  loaded: { entry: EntryRecord; post: PostRecord; account: AccountRow },
  credentials: Record<string, unknown>,
  signal: AbortSignal,
  onProgress: (sent: number, total: number) => void,
  publicLinks: PublicLinks | null = null,
): PublishContext {
  const { deps } = shared;
  const { entry, post, account } = loaded;
  const pathOf = (file: string) => (isAbsolute(file) ? file : join(deps.dataDir, file));
  const coverOf = (cover: { atMs: number | null; mediaId: string | null } | null): PublishMedia['cover'] => {
    if (!cover) return null;
    const image = cover.mediaId ? deps.media.get(cover.mediaId) : undefined;
    if (cover.mediaId && !image) throw new PublishError('permanent', `The cover image of a video in this post (${cover.mediaId}) is no longer in the library`);
    return { atMs: cover.atMs, image: image ? { path: pathOf(image.file), mime: image.mime, width: image.width, height: image.height, bytes: image.bytes } : null };
  };
  // Exactly what validation checked and the composer's preview showed: the entry's own text on
  // the first part, and a thread to a platform without threads as the creator chose (part 1 only,
  // or every part joined into one message).
  const parts = sentParts(entry.platform, post.parts, entry.textOverride, entry.threadMode).map((part) => ({
    text: part.text,
    media: part.media.map((m): PublishMedia => {
      const row = deps.media.get(m.mediaId);
      if (!row) throw new PublishError('permanent', `A media file of this post (${m.mediaId}) is no longer in the library`);
      return {
        mediaId: row.id,
        path: pathOf(row.file),
        kind: row.kind,
        mime: row.mime,
        bytes: row.bytes,
        width: row.width,
        height: row.height,
        durationMs: row.duration_ms,
        altText: m.altText || row.alt_text,
        videoCodec: row.video_codec ?? null,
        audioCodec: row.audio_codec ?? null,
        frameRate: row.frame_rate ?? null,
        cover: coverOf(m.cover ?? null),
        aspect: m.aspect ?? 'crop',
      };
    }),
  }));
  let progress = entry.progress;
  return {
    entry: { id: entry.id, postId: entry.postId, attemptKey: entry.attemptKey!, contentType: entry.contentType, settings: entry.settings },
    parts,
    account: toPublishAccount(account),
    credentials,
    progress: {
      get: () => progress,
      save: async (state) => {
        if (shared.life.detached) throw new Error('Outbox is closing');
        // Not through persist(): an adapter must not go on as if its state were saved.
        deps.store.saveProgress(entry.id, state);
        progress = state;
      },
    },
    endpoints: deps.platforms[entry.platform] ?? {},
    signal,
    now: () => deps.clock.now(),
    reportProgress: onProgress,
    publicLinks,
  };
}
