-- Hand-off to the platforms' own schedulers (issue 17): an entry can be `handed_off` (the
-- platform holds it and publishes it at its time), with the platform's schedule id committed in
-- the same transaction that records the hand-off's answer. entries and attempts are rebuilt to
-- widen their CHECK constraints (SQLite cannot alter one in place); the migration runner turns
-- foreign keys off around migrations and checks them all before committing.

-- Per account: "Let <platform> publish my scheduled posts" (used where the platform has a scheduler).
ALTER TABLE accounts ADD COLUMN hand_off INTEGER NOT NULL DEFAULT 1 CHECK (hand_off IN (0, 1));

-- A trigger on posts reads entries: it goes while entries is rebuilt and comes back after.
DROP TRIGGER posts_search_update;

CREATE TABLE entries_new (
  id TEXT PRIMARY KEY,
  post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
  platform TEXT NOT NULL,
  content_type TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'publishing', 'handed_off', 'published', 'failed')),
  platform_post_id TEXT,
  platform_url TEXT,
  error_message TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  text_override TEXT,
  attempt_key TEXT,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  progress TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  -- The creator's choice for this entry: 'auto' follows the account's setting, 'off' keeps it with Outbox.
  hand_off TEXT NOT NULL DEFAULT 'auto' CHECK (hand_off IN ('auto', 'off')),
  -- While handed off (or being handed off): the platform's id of the schedule and its time.
  remote_id TEXT,
  remote_at INTEGER,
  -- What was handed over (a hash of its content and settings), to notice edits that must follow.
  remote_hash TEXT,
  -- Why the entry stays with Outbox (the platform cannot hold it), shown in the composer.
  remote_note TEXT,
  -- When the engine next asks the platform about the hand-off (retry, check, or its result).
  remote_check_at INTEGER,
  UNIQUE (post_id, account_id)
) STRICT;
INSERT INTO entries_new (id, post_id, account_id, platform, content_type, enabled, status, platform_post_id, platform_url, error_message, settings, text_override, attempt_key, attempt_count, next_attempt_at, progress, position)
  SELECT id, post_id, account_id, platform, content_type, enabled, status, platform_post_id, platform_url, error_message, settings, text_override, attempt_key, attempt_count, next_attempt_at, progress, position FROM entries;
DROP TABLE entries;
ALTER TABLE entries_new RENAME TO entries;
CREATE INDEX entries_by_post ON entries (post_id, position);
CREATE INDEX entries_by_account ON entries (account_id);
CREATE INDEX entries_by_due ON entries (status, next_attempt_at);
CREATE INDEX entries_by_remote_check ON entries (remote_check_at) WHERE remote_check_at IS NOT NULL;

CREATE TRIGGER posts_search_update AFTER UPDATE OF parts ON posts BEGIN
  UPDATE posts_fts SET body =
    coalesce((SELECT group_concat(json_extract(value, '$.text'), char(10)) FROM json_each(NEW.parts)), '')
    || coalesce(char(10) || (SELECT group_concat(text_override, char(10)) FROM entries WHERE post_id = NEW.id AND text_override IS NOT NULL), '')
  WHERE rowid = (SELECT id FROM post_search WHERE post_id = NEW.id);
END;

-- The search triggers of 0003 went with the old table.
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

CREATE TABLE attempts_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  attempt_key TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT NOT NULL CHECK (outcome IN ('in_flight', 'published', 'transient', 'rate_limited', 'auth', 'permanent', 'unknown', 'reconciled', 'handed_off')),
  http_status INTEGER,
  message TEXT
) STRICT;
INSERT INTO attempts_new (id, entry_id, attempt_key, started_at, ended_at, outcome, http_status, message)
  SELECT id, entry_id, attempt_key, started_at, ended_at, outcome, http_status, message FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
CREATE INDEX attempts_by_entry ON attempts (entry_id, started_at);

-- Schedules to cancel on the platform whose entries are gone (the post was deleted while handed
-- off): written in the same transaction as the delete, worked off by the engine.
CREATE TABLE remote_cancels (
  entry_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  progress TEXT,
  created_at INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  next_try_at INTEGER NOT NULL,
  last_error TEXT
) STRICT;
