-- The domain: accounts, labels, media, posts with one entry per targeted account, and the
-- attempt log. Times are UTC milliseconds. JSON columns hold values the engine validates with zod.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  -- The platform's own id for the user, page, channel or chat (with instance_url: unique).
  platform_user_id TEXT NOT NULL,
  handle TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  avatar_url TEXT,
  -- Mastodon instance, Bluesky PDS, Telegram Bot API base; '' where the platform has one home.
  instance_url TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  connection TEXT NOT NULL DEFAULT 'connected' CHECK (connection IN ('connected', 'disconnected', 'token_expired')),
  token_expires_at INTEGER,
  last_checked_at INTEGER,
  -- Non-secret platform facts (chat id, instance limits, page ids). Secrets live in the keychain.
  meta TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (platform, instance_url, platform_user_id)
) STRICT;

CREATE TABLE labels (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX labels_name_nocase ON labels (name COLLATE NOCASE);

CREATE TABLE media (
  id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
  mime TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  duration_ms INTEGER,
  -- Path of the stored copy, relative to the data folder (media/<sha256>.<ext>).
  file TEXT NOT NULL,
  original_name TEXT NOT NULL DEFAULT '',
  alt_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE posts (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'publishing', 'published', 'partially_published', 'failed')),
  scheduled_at INTEGER,
  -- JSON: [{ "text": "...", "media": [{ "mediaId": "...", "altText": "..." }] }]
  parts TEXT NOT NULL,
  -- JSON { count, every, unit, remaining } or NULL.
  repeat TEXT,
  -- Set when the post's time passed beyond the catch-up grace while Outbox was closed.
  overdue INTEGER NOT NULL DEFAULT 0 CHECK (overdue IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  published_at INTEGER
) STRICT;
CREATE INDEX posts_by_schedule ON posts (scheduled_at, created_at);
CREATE INDEX posts_by_status ON posts (status, scheduled_at);

CREATE TABLE post_labels (
  post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, label_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_labels_by_label ON post_labels (label_id);

-- One row per targeted account: the transactional outbox.
CREATE TABLE entries (
  id TEXT PRIMARY KEY,
  post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  -- NULL once the account is disconnected: the entry then fails with "account disconnected".
  account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
  platform TEXT NOT NULL,
  content_type TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'publishing', 'published', 'failed')),
  platform_post_id TEXT,
  platform_url TEXT,
  error_message TEXT,
  -- JSON per-platform settings, validated by the platform's zod schema.
  settings TEXT NOT NULL DEFAULT '{}',
  text_override TEXT,
  -- Fresh for every claim; adapters derive idempotency keys and record keys from it.
  attempt_key TEXT,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  -- When a retry is due (transient failure, rate limit), or NULL.
  next_attempt_at INTEGER,
  -- JSON the adapter saves between requests (thread parts sent, chosen record keys, container ids).
  progress TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  UNIQUE (post_id, account_id)
) STRICT;
CREATE INDEX entries_by_post ON entries (post_id, position);
CREATE INDEX entries_by_account ON entries (account_id);
CREATE INDEX entries_by_due ON entries (status, next_attempt_at);

-- Every publish attempt of an entry, for "why did this fail?".
CREATE TABLE attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  attempt_key TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT NOT NULL CHECK (outcome IN ('in_flight', 'published', 'transient', 'rate_limited', 'auth', 'permanent', 'unknown', 'reconciled')),
  http_status INTEGER,
  message TEXT
) STRICT;
CREATE INDEX attempts_by_entry ON attempts (entry_id, started_at);
