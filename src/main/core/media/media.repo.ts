import type { Media, MediaKind } from '../../../shared/domain';
import type { Db } from '../db/database';

/** A `media` row. */
export interface MediaRow {
  id: string;
  sha256: string;
  kind: MediaKind;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  file: string;
  original_name: string;
  alt_text: string;
  created_at: number;
  // Facts read at import (migration 0006); null when unknown.
  video_codec: string | null;
  audio_codec: string | null;
  frame_rate: number | null;
  rotation: number | null;
  container: string | null;
  frames: number | null;
  has_alpha: number | null;
  color_space: string | null;
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
    videoCodec: row.video_codec ?? null,
    audioCodec: row.audio_codec ?? null,
    frameRate: row.frame_rate ?? null,
    rotation: row.rotation ?? null,
    container: row.container ?? null,
    frames: row.frames ?? null,
    hasAlpha: row.has_alpha === null || row.has_alpha === undefined ? null : row.has_alpha === 1,
    colorSpace: row.color_space ?? null,
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
    files: db.prepare('SELECT id, sha256, file FROM media ORDER BY id'),
    insert: db.prepare(
      `INSERT INTO media (id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, alt_text, created_at,
                          video_codec, audio_codec, frame_rate, rotation, container, frames, has_alpha, color_space)
       VALUES (@id, @sha256, @kind, @mime, @bytes, @width, @height, @duration_ms, @file, @original_name, @alt_text, @created_at,
               @video_codec, @audio_codec, @frame_rate, @rotation, @container, @frames, @has_alpha, @color_space)
       ON CONFLICT (sha256) DO NOTHING`,
    ),
  };
  return {
    get: (id: string) => s.get.get({ id }) as MediaRow | undefined,
    bySha: (sha256: string) => s.bySha.get({ sha256 }) as MediaRow | undefined,
    many: (ids: string[]) => (ids.length === 0 ? [] : (s.many.all({ ids: JSON.stringify(ids) }) as MediaRow[])),
    /** True when another row stores its bytes in the same file. */
    fileShared: (row: MediaRow) => (s.sharingFile.get({ file: row.file, id: row.id }) as { n: number }).n > 0,
    remove: (id: string) => s.remove.run({ id }).changes > 0,
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
