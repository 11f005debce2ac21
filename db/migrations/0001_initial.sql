-- Initial schema: clients (live model of docs/clients.md), logs, commands (docs/commands.md), groups,
-- users, sessions, settings. Times are ISO 8601 UTC strings with Z (sortable as text).

CREATE TABLE groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  display_order INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE clients (
  uuid TEXT PRIMARY KEY,
  description TEXT,
  hostname TEXT,
  ip TEXT,
  hardware TEXT,                      -- JSON of hardware fields from discovery
  software_version TEXT,
  group_id INTEGER,                   -- no FK: a stale id must never fail a whole write batch; the domain unassigns
  is_active INTEGER NOT NULL DEFAULT 1,
  discovered INTEGER NOT NULL DEFAULT 0, -- 0: known only from telemetry, never sent discovery
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  discovered_at TEXT,
  last_alive TEXT,
  connectivity TEXT NOT NULL DEFAULT 'unknown',
  process_status TEXT NOT NULL DEFAULT 'unknown',
  current_process TEXT,
  process_pid INTEGER,
  current_event_id TEXT,
  expected_event_id TEXT,
  screen_health_status TEXT NOT NULL DEFAULT 'UNKNOWN',
  last_frame_update TEXT,
  service_status TEXT NOT NULL DEFAULT 'ok',
  service_failed_at TEXT,
  service_failed_unit TEXT,
  mqtt_reconnect_count INTEGER,
  mqtt_last_disconnect_at TEXT,
  mqtt_reconnect_rose_at TEXT,         -- last time the reported reconnect count increased
  recovery_state TEXT NOT NULL DEFAULT 'idle',
  latest_screenshot_type TEXT,
  latest_screenshot_at TEXT,
  priority_screenshot_type TEXT,
  priority_screenshot_at TEXT,
  status TEXT NOT NULL DEFAULT 'warning', -- derived: healthy / warning / critical / offline
  status_reasons TEXT NOT NULL DEFAULT '[]' -- JSON array
);
CREATE INDEX idx_clients_group ON clients(group_id);

CREATE TABLE client_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  client_uuid TEXT NOT NULL,
  level TEXT NOT NULL,                 -- ERROR / WARN / INFO / DEBUG
  timestamp TEXT NOT NULL,             -- the client's timestamp (normalised to UTC)
  received_at TEXT NOT NULL,           -- server clock at ingestion
  message TEXT NOT NULL,
  context TEXT                         -- JSON
);
CREATE INDEX idx_client_logs_client_time ON client_logs(client_uuid, timestamp DESC);
CREATE INDEX idx_client_logs_level_time ON client_logs(level, timestamp DESC);
CREATE INDEX idx_client_logs_received ON client_logs(received_at);

CREATE TABLE client_commands (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command_id TEXT NOT NULL UNIQUE,
  client_uuid TEXT NOT NULL,
  action TEXT NOT NULL,                -- reboot_host / shutdown_host / restart_app
  status TEXT NOT NULL,
  reason TEXT,
  requested_by INTEGER,                -- user id, NULL for automatic recovery
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  published_at TEXT,
  acked_at TEXT,
  execution_started_at TEXT,
  completed_at TEXT,
  failed_at TEXT,
  error_code TEXT,
  error_message TEXT,
  stage_deadline TEXT,                 -- absolute deadline of the current stage timer
  bulk_run_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX idx_client_commands_client_time ON client_commands(client_uuid, created_at DESC);
CREATE INDEX idx_client_commands_status ON client_commands(status);
CREATE INDEX idx_client_commands_created ON client_commands(created_at DESC);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'editor', 'admin', 'superadmin')),
  is_active INTEGER NOT NULL DEFAULT 1,
  language TEXT,                       -- 'en' / 'de'; NULL: from the browser
  last_login_at TEXT,
  failed_login_count INTEGER NOT NULL DEFAULT 0,
  failed_login_window_start TEXT,
  locked_until TEXT,
  password_changed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,                 -- SHA-256 of the cookie token (the token itself is never stored)
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);
CREATE INDEX idx_sessions_user ON sessions(user_id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT,
  updated_at TEXT NOT NULL
);
