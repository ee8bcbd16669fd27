-- Media facts read once at import, so validation and the composer's "what will be sent" line
-- know them without reading the file again: for videos what ffprobe says (codecs, frame rate,
-- rotation, container), for images what the fitter plans with (frames of an animation,
-- transparency actually used, colour space). NULL where unknown, as for rows imported before.
ALTER TABLE media ADD COLUMN video_codec TEXT;
ALTER TABLE media ADD COLUMN audio_codec TEXT;
ALTER TABLE media ADD COLUMN frame_rate REAL;
ALTER TABLE media ADD COLUMN rotation INTEGER;
ALTER TABLE media ADD COLUMN container TEXT;
ALTER TABLE media ADD COLUMN frames INTEGER;
ALTER TABLE media ADD COLUMN has_alpha INTEGER CHECK (has_alpha IN (0, 1));
ALTER TABLE media ADD COLUMN color_space TEXT;
