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
  /** Since when no post names it (migration 0015); null when one does; -1 while that is being checked. */
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
    files: db.prepare('SELECT id, sha256, file FROM media ORDER BY id'),
    // Library hygiene (migration 0015): `@inUse` is the JSON list of ids some post names.
    unnamedCandidates: db.prepare('SELECT count(*) AS n FROM media WHERE unreferenced_since = -1'),
    resolveCandidates: db.prepare(
      'UPDATE media SET unreferenced_since = CASE WHEN id IN (SELECT value FROM json_each(@inUse)) THEN NULL ELSE @now END WHERE unreferenced_since = -1',
    ),
    earliestUnnamed: db.prepare('SELECT min(unreferenced_since) AS at FROM media WHERE unreferenced_since > 0'),
    unnamedSince: db.prepare('SELECT * FROM media WHERE unreferenced_since > 0 AND unreferenced_since <= @cutoff ORDER BY unreferenced_since'),
    restartCount: db.prepare('UPDATE media SET unreferenced_since = @now WHERE id = @id AND unreferenced_since > 0'),
    insert: db.prepare(
      `INSERT INTO media (id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, alt_text, created_at,
                          video_codec, audio_codec, frame_rate, rotation, container, frames, has_alpha, color_space, unreferenced_since)
       VALUES (@id, @sha256, @kind, @mime, @bytes, @width, @height, @duration_ms, @file, @original_name, @alt_text, @created_at,
               @video_codec, @audio_codec, @frame_rate, @rotation, @container, @frames, @has_alpha, @color_space, @created_at)
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
    /** How many items a post stopped naming wait to be checked (migration 0015's -1). */
    unnamedCandidates: () => (s.unnamedCandidates.get() as { n: number }).n,
    /** Settles the checked ones: named by a post in `inUse` (null), else unnamed since `now`. */
    resolveCandidates: (inUse: string[], now: number) => void s.resolveCandidates.run({ inUse: JSON.stringify(inUse), now }),
    /** The earliest moment an item became unnamed, or null. */
    earliestUnnamed: () => (s.earliestUnnamed.get() as { at: number | null }).at,
    /** Items unnamed since `cutoff` or before. */
    unnamedSince: (cutoff: number) => s.unnamedSince.all({ cutoff }) as MediaRow[],
    /** Imported again while unnamed: its count starts over. */
    restartCount: (id: string, now: number) => void s.restartCount.run({ id, now }),
    /** Inserts unless the same content is already stored; returns the row that holds it. */
    insert(row: MediaRow): MediaRow {
      s.insert.run(row);
      return s.bySha.get({ sha256: row.sha256 }) as MediaRow;
    },
  };
}

/** The media repo. */
export type MediaRepo = ReturnType<typeof createMediaRepo>;
