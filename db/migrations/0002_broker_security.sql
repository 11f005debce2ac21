-- Broker security (docs/mqtt.md "Who may publish and subscribe"): one MQTT account per device,
-- and an audit log of every provisioning action. Times are ISO 8601 UTC strings with Z.

CREATE TABLE device_credentials (
  uuid TEXT PRIMARY KEY,               -- the client's uuid (lower-case); no FK, like client_logs
  username TEXT NOT NULL UNIQUE,       -- infoscreen-client-<first 8 chars of uuid>
  password_hash TEXT,                  -- Mosquitto $7$ (PBKDF2-SHA512); NULL once revoked
  created_at TEXT NOT NULL,
  rotated_at TEXT,                     -- last time a new password replaced an earlier one
  revoked_at TEXT                      -- set while revoked; a new provisioning clears it
);

-- Who did what, when (never a password). `actor` is 'user:<id>:<name>', 'cli:<os user>' or 'system'.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,                -- credentials.create / credentials.rotate / credentials.revoke / credentials.delete
  target TEXT,                         -- the client uuid
  detail TEXT                          -- JSON, e.g. {"username": "..."}
);
CREATE INDEX idx_audit_log_at ON audit_log(at DESC);
CREATE INDEX idx_audit_log_target ON audit_log(target, at DESC);
