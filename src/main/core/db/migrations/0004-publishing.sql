-- Publishing engine: a finished repeating post remembers the occurrence it created, so
-- re-publishing it (posts:publish on a failed post) never creates a second next occurrence.
ALTER TABLE posts ADD COLUMN repeat_next_id TEXT;
