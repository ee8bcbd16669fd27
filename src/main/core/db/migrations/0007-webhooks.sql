-- Webhooks: URLs the creator adds that receive events as signed JSON, delivered from a durable
-- queue. Events are written by TRIGGERS in the same transaction as the change they describe, so
-- an event can never be lost (a committed change always has its event) nor invented (a rolled
-- back change takes its event with it). Secrets live in the keychain, never here.

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  -- JSON array of the event types it receives.
  events TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  -- The post or account it is about.
  subject_id TEXT NOT NULL,
  -- JSON snapshot taken in the same transaction as the change: the payload's `data`.
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  -- pending: to send at next_attempt_at; delivered: answered 2xx (never sent again); failed: gave up.
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_attempt_at INTEGER,
  response_status INTEGER,
  error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (event_id, webhook_id)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);

-- A post reaching a final status: post.published, post.partially_published, post.failed.
-- The entries are settled in the same transaction before the post is, so their outcomes are in.
CREATE TRIGGER webhook_post_final AFTER UPDATE OF status ON posts
WHEN NEW.status IN ('published', 'partially_published', 'failed') AND OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO webhook_events (type, subject_id, data, created_at)
  VALUES (
    'post.' || NEW.status,
    NEW.id,
    json_object(
      'post_id', NEW.id,
      'status', NEW.status,
      'content', json_extract(NEW.parts, '$[0].text'),
      'scheduled_at', NEW.scheduled_at,
      'published_at', NEW.published_at,
      'results', (
        SELECT json_group_array(json_object('account_id', e.account_id, 'platform', e.platform, 'status', e.status, 'post_id', e.platform_post_id, 'post_url', e.platform_url, 'error', e.error_message))
        FROM (SELECT * FROM entries WHERE post_id = NEW.id AND enabled = 1 ORDER BY position) e
      )
    ),
    NEW.updated_at
  );
  INSERT INTO webhook_deliveries (event_id, webhook_id, status, attempts, next_attempt_at, created_at)
  SELECT (SELECT max(id) FROM webhook_events), w.id, 'pending', 0, NEW.updated_at, NEW.updated_at
  FROM webhooks w
  WHERE w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = 'post.' || NEW.status);
END;

-- An account whose token expired and cannot be refreshed: account.needs_reconnect.
CREATE TRIGGER webhook_account_needs_reconnect AFTER UPDATE OF connection ON accounts
WHEN NEW.connection = 'token_expired' AND OLD.connection IS NOT 'token_expired'
BEGIN
  INSERT INTO webhook_events (type, subject_id, data, created_at)
  VALUES (
    'account.needs_reconnect',
    NEW.id,
    json_object('account_id', NEW.id, 'platform', NEW.platform, 'handle', NEW.handle, 'display_name', NEW.display_name, 'connection', NEW.connection),
    NEW.updated_at
  );
  INSERT INTO webhook_deliveries (event_id, webhook_id, status, attempts, next_attempt_at, created_at)
  SELECT (SELECT max(id) FROM webhook_events), w.id, 'pending', 0, NEW.updated_at, NEW.updated_at
  FROM webhooks w
  WHERE w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = 'account.needs_reconnect');
END;
