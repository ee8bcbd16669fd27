-- What was sent, kept apart from the posts it belongs to. Restoring a backup from before a post
-- went out must not send it again, even when the creator deleted that post from Outbox since:
-- the restore marks every entry listed here as published (see applyPublishHistory in the post
-- store). Rows are written by triggers, so every way an entry becomes published records it.
CREATE TABLE sent_log (
  entry_id TEXT PRIMARY KEY,
  post_id TEXT NOT NULL,
  account_id TEXT,
  platform TEXT NOT NULL,
  platform_post_id TEXT,
  platform_url TEXT,
  sent_at INTEGER NOT NULL
) STRICT;

CREATE TRIGGER entries_sent_log_update AFTER UPDATE OF status ON entries WHEN NEW.status = 'published' BEGIN
  INSERT OR IGNORE INTO sent_log (entry_id, post_id, account_id, platform, platform_post_id, platform_url, sent_at)
  VALUES (NEW.id, NEW.post_id, NEW.account_id, NEW.platform, NEW.platform_post_id, NEW.platform_url, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER entries_sent_log_insert AFTER INSERT ON entries WHEN NEW.status = 'published' BEGIN
  INSERT OR IGNORE INTO sent_log (entry_id, post_id, account_id, platform, platform_post_id, platform_url, sent_at)
  VALUES (NEW.id, NEW.post_id, NEW.account_id, NEW.platform, NEW.platform_post_id, NEW.platform_url, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

-- Entries published before this migration.
INSERT OR IGNORE INTO sent_log (entry_id, post_id, account_id, platform, platform_post_id, platform_url, sent_at)
  SELECT e.id, e.post_id, e.account_id, e.platform, e.platform_post_id, e.platform_url, COALESCE(p.published_at, p.updated_at)
  FROM entries e JOIN posts p ON p.id = e.post_id WHERE e.status = 'published';
