-- Which engine owns this data folder. The lock file stops a second engine at start; this row
-- also holds when the lock file is deleted while Outbox runs: every claim checks, in its own
-- transaction, that the row still names its engine, and a start refuses while the named
-- process is alive on this machine.
CREATE TABLE engine_owner (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
