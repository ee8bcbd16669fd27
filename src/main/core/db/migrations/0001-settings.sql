-- Engine settings: one row per key, the value as JSON. Defaults live in code, so adding a
-- setting needs no migration.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
