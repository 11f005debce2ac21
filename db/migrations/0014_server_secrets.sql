-- Secrets the server generates for itself (lib/known-device.ts: the key that signs known-browser
-- cookies). A table of their own, not `settings`: the settings page shows every stored setting.
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
