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
  // Facts read at import (migration 0006); null when unknown.
  video_codec: string | null;
  audio_codec: string | null;
  frame_rate: number | null;
  rotation: number | null;
  container: string | null;
  frames: number | null;
  has_alpha: number | null;
  color_space: string | null;
  /** Since when no post names it (migration 0015); null when named, or not yet seen unnamed. */
  unreferenced_since?: number | null;
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
    // Library hygiene (migration 0015): `@inUse` is the JSON list of ids some post names.
    unstamp: db.prepare('UPDATE media SET unreferenced_since = NULL WHERE unreferenced_since IS NOT NULL AND id IN (SELECT value FROM json_each(@inUse))'),
    stamp: db.prepare('UPDATE media SET unreferenced_since = @now WHERE unreferenced_since IS NULL AND id NOT IN (SELECT value FROM json_each(@inUse))'),
    unusedSince: db.prepare('SELECT * FROM media WHERE unreferenced_since <= @cutoff AND id NOT IN (SELECT value FROM json_each(@inUse)) ORDER BY unreferenced_since'),
    touch: db.prepare('UPDATE media SET unreferenced_since = NULL WHERE id = @id'),
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
    /**
     * One step of the library sweep, in one transaction: items named by a post lose their stamp,
     * unnamed ones without a stamp get `now`, and the rows unnamed since `cutoff` or before are returned.
     */
    stampUnused: (inUse: string[], now: number, cutoff: number): MediaRow[] =>
      db.transaction(() => {
        const ids = JSON.stringify(inUse);
        s.unstamp.run({ inUse: ids });
        s.stamp.run({ inUse: ids, now });
        return s.unusedSince.all({ inUse: ids, cutoff }) as MediaRow[];
      })(),
    /** Imported again: its 30 days start over once no post names it. */
    touch: (id: string) => void s.touch.run({ id }),
    /** Inserts unless the same content is already stored; returns the row that holds it. */
    insert(row: MediaRow): MediaRow {
      s.insert.run(row);
      return s.bySha.get({ sha256: row.sha256 }) as MediaRow;
    },
  };
}

/** The media repo. */
export type MediaRepo = ReturnType<typeof createMediaRepo>;
