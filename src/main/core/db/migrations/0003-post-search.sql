-- Full-text search over a post's text (every part, plus the entries' text overrides) for
-- posts:list { query }. FTS5 rows are keyed by post_search.id, an explicit INTEGER PRIMARY KEY,
-- because a VACUUM may renumber the implicit rowids of posts (its key is TEXT).
-- Triggers keep the index in step whoever writes posts or entries (the engine writes too).

-- post_search also mirrors the columns a search filters and sorts on, so a search sorts its
-- matches on this small table and reads only one page of posts rows.
CREATE TABLE post_search (
  id INTEGER PRIMARY KEY,
  post_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  scheduled_at INTEGER,
  created_at INTEGER NOT NULL,
  overdue INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE VIRTUAL TABLE posts_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
  INSERT INTO post_search (post_id, status, scheduled_at, created_at, overdue) VALUES (NEW.id, NEW.status, NEW.scheduled_at, NEW.created_at, NEW.overdue);
  INSERT INTO posts_fts (rowid, body) VALUES (
    (SELECT id FROM post_search WHERE post_id = NEW.id),
    (SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM json_each(NEW.parts))
  );
END;

CREATE TRIGGER posts_search_update AFTER UPDATE OF parts ON posts BEGIN
  UPDATE posts_fts SET body =
    coalesce((SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM json_each(NEW.parts)), '')
    || coalesce(char(10) || (SELECT group_concat(text_override, char(10)) FROM entries WHERE post_id = NEW.id AND text_override IS NOT NULL), '')
  WHERE rowid = (SELECT id FROM post_search WHERE post_id = NEW.id);
END;

CREATE TRIGGER posts_search_columns AFTER UPDATE OF status, scheduled_at, overdue ON posts BEGIN
  UPDATE post_search SET status = NEW.status, scheduled_at = NEW.scheduled_at, overdue = NEW.overdue WHERE post_id = NEW.id;
END;

CREATE TRIGGER posts_search_delete BEFORE DELETE ON posts BEGIN
  DELETE FROM posts_fts WHERE rowid = (SELECT id FROM post_search WHERE post_id = OLD.id);
  DELETE FROM post_search WHERE post_id = OLD.id;
END;

-- A text override changed: rebuild the post's body.
CREATE TRIGGER entries_search_insert AFTER INSERT ON entries WHEN NEW.text_override IS NOT NULL BEGIN
  UPDATE posts_fts SET body =
    coalesce((SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM posts, json_each(posts.parts) WHERE posts.id = NEW.post_id), '')
    || coalesce(char(10) || (SELECT group_concat(text_override, char(10)) FROM entries WHERE post_id = NEW.post_id AND text_override IS NOT NULL), '')
  WHERE rowid = (SELECT id FROM post_search WHERE post_id = NEW.post_id);
END;

CREATE TRIGGER entries_search_update AFTER UPDATE OF text_override ON entries BEGIN
  UPDATE posts_fts SET body =
    coalesce((SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM posts, json_each(posts.parts) WHERE posts.id = NEW.post_id), '')
    || coalesce(char(10) || (SELECT group_concat(text_override, char(10)) FROM entries WHERE post_id = NEW.post_id AND text_override IS NOT NULL), '')
  WHERE rowid = (SELECT id FROM post_search WHERE post_id = NEW.post_id);
END;

CREATE TRIGGER entries_search_delete AFTER DELETE ON entries WHEN OLD.text_override IS NOT NULL BEGIN
  UPDATE posts_fts SET body =
    coalesce((SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM posts, json_each(posts.parts) WHERE posts.id = OLD.post_id), '')
    || coalesce(char(10) || (SELECT group_concat(text_override, char(10)) FROM entries WHERE post_id = OLD.post_id AND text_override IS NOT NULL), '')
  WHERE rowid = (SELECT id FROM post_search WHERE post_id = OLD.post_id);
END;

-- Posts written before this migration.
INSERT INTO post_search (post_id, status, scheduled_at, created_at, overdue) SELECT id, status, scheduled_at, created_at, overdue FROM posts ORDER BY created_at;
INSERT INTO posts_fts (rowid, body)
  SELECT s.id,
    coalesce((SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM json_each(p.parts)), '')
    || coalesce(char(10) || (SELECT group_concat(text_override, char(10)) FROM entries WHERE post_id = p.id AND text_override IS NOT NULL), '')
  FROM post_search s JOIN posts p ON p.id = s.post_id;

-- The overdue filter and the calendar both read by time; overdue posts are few.
CREATE INDEX posts_overdue ON posts (scheduled_at) WHERE overdue = 1;
