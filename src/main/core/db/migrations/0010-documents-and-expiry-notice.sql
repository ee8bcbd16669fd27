-- X and LinkedIn publishing (issue 14).
--
-- The media library takes documents (a PDF, which LinkedIn posts as a carousel): `media.kind`
-- gains 'document'. SQLite cannot widen a CHECK in place, so the table is rebuilt with every
-- column it has after 0006; nothing references media by foreign key (posts keep media ids in
-- their parts' JSON), and the rows keep their ids.
CREATE TABLE media_new (
  id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'document')),
  mime TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  duration_ms INTEGER,
  -- Path of the stored copy, relative to the data folder (media/<sha256>.<ext>).
  file TEXT NOT NULL,
  original_name TEXT NOT NULL DEFAULT '',
  alt_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  video_codec TEXT,
  audio_codec TEXT,
  frame_rate REAL,
  rotation INTEGER,
  container TEXT,
  frames INTEGER,
  has_alpha INTEGER CHECK (has_alpha IN (0, 1)),
  color_space TEXT
) STRICT;
INSERT INTO media_new (id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, alt_text, created_at,
                       video_codec, audio_codec, frame_rate, rotation, container, frames, has_alpha, color_space)
  SELECT id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, alt_text, created_at,
         video_codec, audio_codec, frame_rate, rotation, container, frames, has_alpha, color_space FROM media;
DROP TABLE media;
ALTER TABLE media_new RENAME TO media;

-- LinkedIn access tokens last 60 days and most apps get no refresh token: the daily check tells
-- the creator 7 days ahead to reconnect. This keeps which expiry was announced, so the notice
-- comes once per token (a reconnect brings a new expiry, and a new notice before it).
ALTER TABLE accounts ADD COLUMN expiry_notice_for INTEGER;
