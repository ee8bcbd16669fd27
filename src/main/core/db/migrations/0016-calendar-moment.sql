-- Issue 18: every post sits on the calendar at the moment it was or will be published, and a
-- thread sent to a platform that cannot thread goes out as the creator chose.

-- When the creator last asked for the post to go out now ("Publish now", "Retry"): such a post
-- was published then, whatever time it had been planned for. Cleared when it is planned again.
ALTER TABLE posts ADD COLUMN publish_now_at INTEGER;

-- The post's moment on the calendar: published by hand, else its planned time, else when it
-- settled. Drafts without a time have none. The calendar, `from`/`to` and the Posts view's tabs
-- read it.
ALTER TABLE posts ADD COLUMN calendar_at INTEGER GENERATED ALWAYS AS (COALESCE(publish_now_at, scheduled_at, published_at)) VIRTUAL;
CREATE INDEX posts_by_calendar ON posts (calendar_at, created_at);
CREATE INDEX posts_by_status_calendar ON posts (status, calendar_at);

-- A search filters on post_search (0003): it mirrors the moment too.
ALTER TABLE post_search ADD COLUMN calendar_at INTEGER;
UPDATE post_search SET calendar_at = (SELECT p.calendar_at FROM posts p WHERE p.id = post_search.post_id);

DROP TRIGGER posts_search_insert;
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
  INSERT INTO post_search (post_id, status, scheduled_at, created_at, overdue, calendar_at) VALUES (NEW.id, NEW.status, NEW.scheduled_at, NEW.created_at, NEW.overdue, NEW.calendar_at);
  INSERT INTO posts_fts (rowid, body) VALUES (
    (SELECT id FROM post_search WHERE post_id = NEW.id),
    (SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM json_each(NEW.parts))
  );
END;

DROP TRIGGER posts_search_columns;
CREATE TRIGGER posts_search_columns AFTER UPDATE OF status, scheduled_at, overdue, published_at, publish_now_at ON posts BEGIN
  UPDATE post_search SET status = NEW.status, scheduled_at = NEW.scheduled_at, overdue = NEW.overdue, calendar_at = NEW.calendar_at WHERE post_id = NEW.id;
END;

-- A thread sent to a platform without threads: 'first' sends part 1 only, 'joined' (the default,
-- NULL) sends every part joined into one message. See src/shared/platforms/thread-mode.ts.
ALTER TABLE entries ADD COLUMN thread_mode TEXT CHECK (thread_mode IN ('first', 'joined'));
