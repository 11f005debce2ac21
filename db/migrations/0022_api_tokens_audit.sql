-- API tokens (docs/http.md "API tokens") and the general audit trail (docs/http.md "Audit trail").
-- A token is `ist_` + 43 base64url characters (32 random bytes); only its SHA-256 is stored, so a
-- leaked database cannot be replayed. `prefix` (the first characters) lets a person tell tokens
-- apart on the settings page. `scopes` is a comma list of read, commands, schedule, admin, metrics.
-- `user_id` has no foreign key: a deleted owner's tokens simply stop matching a user.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by INTEGER,                  -- users.id of who revoked it
  last_used_at TEXT,                   -- written at most once a minute per token
  last_used_from TEXT                  -- the address of that use
);
CREATE INDEX idx_api_tokens_user ON api_tokens(user_id, created_at DESC);
CREATE INDEX idx_api_tokens_prefix ON api_tokens(prefix);

-- The audit log grows from device credentials to every admin action: from which address, and
-- filters by actor and action (the /audit page, GET /api/audit).
ALTER TABLE audit_log ADD COLUMN address TEXT;
CREATE INDEX idx_audit_log_actor ON audit_log(actor, id DESC);
CREATE INDEX idx_audit_log_action ON audit_log(action, id DESC);
