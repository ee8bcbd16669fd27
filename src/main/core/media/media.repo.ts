import type { Media } from '../../../shared/domain';
import type { Db } from '../db/database';

/** A `media` row. */
export interface MediaRow {
  id: string;
  sha256: string;
  kind: 'image' | 'video';
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  file: string;
  original_name: string;
  alt_text: string;
  created_at: number;
}

/** The contract's view of a row. */
export function toMedia(row: MediaRow): Media {
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    sha256: row.sha256,
    altText: row.alt_text,
  };
}

/** SQL for the media library. */
export function createMediaRepo(db: Db) {
  const s = {
    get: db.prepare('SELECT * FROM media WHERE id = @id'),
    bySha: db.prepare('SELECT * FROM media WHERE sha256 = @sha256'),
    many: db.prepare('SELECT * FROM media WHERE id IN (SELECT value FROM json_each(@ids))'),
    remove: db.prepare('DELETE FROM media WHERE id = @id'),
    sharingFile: db.prepare('SELECT count(*) AS n FROM media WHERE file = @file AND id != @id'),
    // A read of the post aggregate's parts, only to refuse deleting media a post still names
    // (posts keep media ids in their parts JSON; there is no foreign key to follow).
    postsUsing: db.prepare(
      `SELECT p.id FROM posts p
       WHERE EXISTS (SELECT 1 FROM json_each(p.parts) part, json_each(part.value, '$.media') m WHERE json_extract(m.value, '$.mediaId') = @id)
       ORDER BY p.created_at LIMIT 20`,
    ),
    insert: db.prepare(
      `INSERT INTO media (id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, alt_text, created_at)
       VALUES (@id, @sha256, @kind, @mime, @bytes, @width, @height, @duration_ms, @file, @original_name, @alt_text, @created_at)
       ON CONFLICT (sha256) DO NOTHING`,
    ),
  };
  return {
    get: (id: string) => s.get.get({ id }) as MediaRow | undefined,
    bySha: (sha256: string) => s.bySha.get({ sha256 }) as MediaRow | undefined,
    many: (ids: string[]) => (ids.length === 0 ? [] : (s.many.all({ ids: JSON.stringify(ids) }) as MediaRow[])),
    /** Ids of posts (at most 20) whose parts name this media item. */
    postsUsing: (id: string) => (s.postsUsing.all({ id }) as Array<{ id: string }>).map((r) => r.id),
    /** True when another row stores its bytes in the same file. */
    fileShared: (row: MediaRow) => (s.sharingFile.get({ file: row.file, id: row.id }) as { n: number }).n > 0,
    remove: (id: string) => s.remove.run({ id }).changes > 0,
    /** Inserts unless the same content is already stored; returns the row that holds it. */
    insert(row: MediaRow): MediaRow {
      s.insert.run(row);
      return s.bySha.get({ sha256: row.sha256 }) as MediaRow;
    },
  };
}

/** The media repo. */
export type MediaRepo = ReturnType<typeof createMediaRepo>;
