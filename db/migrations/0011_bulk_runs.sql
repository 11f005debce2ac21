-- Bulk runs survive a restart as they were (docs/commands.md "Bulk actions"): a finished or stopped run
-- keeps its state, counts (skipped included) and stop reason; only a run still issuing when the
-- server stopped becomes interrupted. The stop reason is a code plus JSON parameters, rendered in the
-- reader's language by the dashboard.
CREATE TABLE bulk_runs (
  id TEXT PRIMARY KEY,
  group_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by INTEGER,
  targets INTEGER NOT NULL,
  status TEXT NOT NULL,              -- running | done
  issuing INTEGER NOT NULL,          -- 1 while more commands were still to be issued
  counts TEXT NOT NULL,              -- JSON: the run's counts when last saved
  stop_code TEXT,                    -- failure_ratio | operator (server_restart is derived on read)
  stop_params TEXT,                  -- JSON: the stop reason's parameters
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX bulk_runs_started ON bulk_runs (started_at);
