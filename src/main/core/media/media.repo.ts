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
    files: db.prepare('SELECT id, sha256, file FROM media ORDER BY id'),
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
    /** Every stored file (backups record which media they reference). */
    files: () => s.files.all() as Array<{ id: string; sha256: string; file: string }>,
    /** Inserts unless the same content is already stored; returns the row that holds it. */
    insert(row: MediaRow): MediaRow {
      s.insert.run(row);
      return s.bySha.get({ sha256: row.sha256 }) as MediaRow;
    },
  };
}

/** The media repo. */
export type MediaRepo = ReturnType<typeof createMediaRepo>;
