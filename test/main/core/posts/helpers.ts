import { randomUUID } from 'node:crypto';
import type { CoreOptions } from '../../../../src/main/core/create-core';
import type { EventMap } from '../../../../src/shared/ipc/events';
import type { Result } from '../../../../src/shared/result';
import { insertAccounts, withDb, type FixtureAccount } from '../../../support/accounts-fixture';
import { makeTestCore, type TestCore } from '../../../support/core';

/** A test core with accounts, and the posts:changed events it emitted. */
export async function postsCore(accounts: FixtureAccount[] = [{ platform: 'x' }, { platform: 'bluesky' }, { platform: 'mastodon' }], overrides: Partial<CoreOptions> = {}) {
  const t: TestCore = await makeTestCore(overrides);
  const ids = insertAccounts(t.dataDir, accounts);
  const events: Array<EventMap['posts:changed']> = [];
  t.core.on('posts:changed', (e) => events.push(e));
  return { t, ids, events, core: t.core };
}

/** Unwraps a successful Result, failing the test with the error otherwise. */
export function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message} ${JSON.stringify(result.error.issues ?? [])}`);
  return result.value;
}

/** Inserts a media row without a file (validation reads only the row). */
export function insertMedia(
  dataDir: string,
  media: { kind: 'image' | 'video' | 'document'; bytes: number; mime?: string; name?: string; durationMs?: number; container?: string; videoCodec?: string; audioCodec?: string; frameRate?: number },
): string {
  const id = randomUUID();
  withDb(dataDir, (db) =>
    db
      .prepare(
        `INSERT INTO media (id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, created_at, container, video_codec, audio_codec, frame_rate)
         VALUES (@id, @sha, @kind, @mime, @bytes, 100, 100, @durationMs, @file, @name, 0, @container, @videoCodec, @audioCodec, @frameRate)`,
      )
      .run({
        id,
        sha: randomUUID(),
        kind: media.kind,
        mime: media.mime ?? (media.kind === 'image' ? 'image/jpeg' : media.kind === 'document' ? 'application/pdf' : 'video/mp4'),
        bytes: media.bytes,
        durationMs: media.durationMs ?? null,
        file: `media/${id}`,
        name: media.name ?? `${media.kind}.bin`,
        container: media.container ?? null,
        videoCodec: media.videoCodec ?? null,
        audioCodec: media.audioCodec ?? null,
        frameRate: media.frameRate ?? null,
      }),
  );
  return id;
}

/** Sets an entry's status as the engine would (published, failed...). */
export function setEntry(dataDir: string, entryId: string, fields: { status: string; platform_post_id?: string | null; error_message?: string | null }) {
  withDb(dataDir, (db) =>
    db
      .prepare('UPDATE entries SET status = @status, platform_post_id = @platform_post_id, error_message = @error_message WHERE id = @id')
      .run({ id: entryId, status: fields.status, platform_post_id: fields.platform_post_id ?? null, error_message: fields.error_message ?? null }),
  );
}

/** Sets a post's status as the engine would. */
export function setPostStatus(dataDir: string, postId: string, status: string, extra: { overdue?: number } = {}) {
  withDb(dataDir, (db) => db.prepare('UPDATE posts SET status = @status, overdue = coalesce(@overdue, overdue) WHERE id = @id').run({ id: postId, status, overdue: extra.overdue ?? null }));
}

export const MB = 1024 * 1024;
export { withDb };
