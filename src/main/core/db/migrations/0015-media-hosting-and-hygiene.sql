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
-- cover). NULL: named by a post, or not yet seen unnamed by the daily sweep, which stamps it;
-- an item stamped 30 days ago and still unnamed is removed.
ALTER TABLE media ADD COLUMN unreferenced_since INTEGER;

-- Any post that names an item (before or after a change) clears its stamp, so the 30 days
-- always count from after the last time a post named it, however rarely the sweep runs.
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
  UPDATE media SET unreferenced_since = NULL
  WHERE unreferenced_since IS NOT NULL AND id IN (
    SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
  );
END;

CREATE TRIGGER media_named_on_delete AFTER DELETE ON posts
BEGIN
  UPDATE media SET unreferenced_since = NULL
  WHERE unreferenced_since IS NOT NULL AND id IN (
    SELECT json_extract(m.value, '$.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
    UNION SELECT json_extract(m.value, '$.cover.mediaId') FROM json_each(CASE WHEN json_valid(OLD.parts) THEN OLD.parts ELSE '[]' END) part, json_each(part.value, '$.media') m
  );
END;
