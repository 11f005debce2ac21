-- Connectivity history for the availability report (docs/availability.md): one row per change of a
-- client's connectivity (plus each client's state at every server start), and one row per server
-- run, so time the server itself was down reads as unknown, not offline.
CREATE TABLE connectivity_changes (
  id INTEGER PRIMARY KEY,
  client_uuid TEXT NOT NULL,
  at INTEGER NOT NULL, -- epoch ms: the report reads hundreds of thousands of rows, no date text to parse
  state TEXT NOT NULL CHECK (state IN ('online', 'offline', 'unknown'))
);
CREATE INDEX connectivity_changes_client_at ON connectivity_changes (client_uuid, at);

CREATE TABLE server_runs (
  id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,  -- epoch ms
  alive_until INTEGER NOT NULL, -- epoch ms, moved on with every instance-lease renewal
  ended_at INTEGER              -- epoch ms of a clean shutdown; NULL while running or after a crash
);
