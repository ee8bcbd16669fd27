-- Media hosting: the creator's own S3-compatible bucket (Settings -> Media hosting), one row.
-- The access key id and the secret live in the keychain, never here; the row is written only
-- once both are stored, so its presence is what "media hosting is set up" means.
CREATE TABLE media_hosting (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- '' for AWS S3 itself.
  endpoint TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL,
  bucket TEXT NOT NULL,
  -- Outbox writes, links and deletes only under this prefix (ends with '/').
  prefix TEXT NOT NULL,
  path_style INTEGER NOT NULL DEFAULT 0 CHECK (path_style IN (0, 1)),
  updated_at INTEGER NOT NULL,
  -- The last sweep of leftover objects (older than a day under the prefix).
  last_sweep_at INTEGER,
  last_sweep_removed INTEGER,
  last_sweep_error TEXT
) STRICT;

-- Media library hygiene: since when no post or draft names the item (as media or as a video's
-- cover). NULL: a post names it. -1: a post stopped naming it just now, and the engine checks at
-- once whether another still does (then NULL) or not (then the time). An item unnamed for 30
-- days is removed; the engine arms one timer for the earliest such moment.
ALTER TABLE media ADD COLUMN unreferenced_since INTEGER;
-- Items imported before this version are checked at the first start.
UPDATE media SET unreferenced_since = -1;
CREATE INDEX media_by_unreferenced ON media (unreferenced_since) WHERE unreferenced_since IS NOT NULL;

-- The triggers keep the stamps exact whatever changes a post (the composer, the API, a repeat):
-- what a post names now is named; what it named before and names no more is to be checked.
-- Unreadable parts (never written by Outbox) name nothing rather than block the write.
CREATE TRIGGER media_named_on_insert AFTER INSERT ON posts
BEGIN
  UPDATE media SET unreferenced_since = NULL
  WHERE unreferenced_since IS NOT NULL AND id IN (
    SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
  );
END;

CREATE TRIGGER media_named_on_update AFTER UPDATE OF parts ON posts
BEGIN
  UPDATE media SET unreferenced_since = -1
  WHERE id IN (
    SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
  );
  UPDATE media SET unreferenced_since = NULL
  WHERE unreferenced_since IS NOT NULL AND id IN (
    SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
  );
END;

CREATE TRIGGER media_named_on_delete AFTER DELETE ON posts
BEGIN
  UPDATE media SET unreferenced_since = -1
  WHERE id IN (
    SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
  );
END;
