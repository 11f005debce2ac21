-- Alerts: what the dashboard toasts, kept for the alerts page. One row per
-- deduplicated group: the same kind for the same client within 5 minutes bumps `count` and
-- `last_at` instead of adding a row (lib/alerts.ts). Client rows may be deleted; alerts stay.
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,                 -- random UUID (assigned in memory: no read-back needed)
  kind TEXT NOT NULL,                  -- client-offline, client-online, service-failed, outage-suspected, command-completed, …
  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  message TEXT NOT NULL,               -- English text of the latest occurrence (the page translates known kinds)
  client_uuid TEXT,
  command_id TEXT,
  params TEXT,                         -- JSON object of message parameters (command action, status)
  count INTEGER NOT NULL DEFAULT 1,
  first_at TEXT NOT NULL,
  last_at TEXT NOT NULL,
  acknowledged_at TEXT,
  acknowledged_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX idx_alerts_last ON alerts(last_at DESC);
CREATE INDEX idx_alerts_open ON alerts(acknowledged_at, last_at DESC);
