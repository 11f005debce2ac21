-- Notifications (docs/notifications.md): where alerts go (channels), which alerts go there and
-- when (rules), what was sent or is still to be sent (the outbox: delivery survives a restart and
-- is idempotent by outbox id), maintenance windows (mutes) and the alerts a rule has announced
-- and not yet resolved (so a "back online" still follows a restart).
CREATE TABLE notification_channels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('webhook', 'slack', 'mattermost', 'discord', 'teams', 'ntfy', 'email')),
  target TEXT NOT NULL,                -- what may be shown: origin of the URL, or the e-mail recipients
  secret TEXT NOT NULL,                -- JSON {url} or {to, smtpUrl}: never returned, never logged
  language TEXT NOT NULL DEFAULT 'en', -- en | de: the text of messages and mails
  rate_cap INTEGER NOT NULL DEFAULT 20,-- messages per 10 min; more are folded into one digest
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE notification_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel_id INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
  kinds TEXT,                          -- JSON array of alert kinds; NULL = every kind
  min_severity TEXT NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('info', 'warning', 'critical')),
  group_ids TEXT,                      -- JSON array of group ids; NULL = every group
  delay_seconds INTEGER,               -- NULL = per-kind default (600 for a screen offline, else 0)
  notify_resolved INTEGER NOT NULL DEFAULT 1,
  repeat_seconds INTEGER,              -- NULL = no reminders for alerts still open
  respect_schedule INTEGER NOT NULL DEFAULT 1,
  quiet_hours TEXT,                    -- JSON {start: "22:00", end: "07:00", timeZone}; NULL = none
  created_at TEXT NOT NULL
);

CREATE TABLE notification_outbox (
  id TEXT PRIMARY KEY,                 -- random UUID: also the Idempotency-Key the receiver sees
  channel_id INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
  rule_id INTEGER,
  kind TEXT NOT NULL,                  -- firing | resolved | flapping | digest | test
  notice TEXT NOT NULL,                -- JSON: the channel-neutral message (rendered at sending)
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,
  last_error TEXT,
  last_status INTEGER,                 -- the receiver's HTTP status (SMTP: 250 when accepted)
  latency_ms INTEGER,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX idx_notification_outbox_due ON notification_outbox(status, next_at);
CREATE INDEX idx_notification_outbox_channel ON notification_outbox(channel_id, created_at DESC);

CREATE TABLE notification_mutes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target_type TEXT NOT NULL CHECK (target_type IN ('group', 'client')),
  target_id TEXT NOT NULL,             -- group id or client uuid
  until TEXT NOT NULL,
  reason TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_notification_mutes_target ON notification_mutes(target_type, target_id, until);

CREATE TABLE notification_open (
  rule_id INTEGER NOT NULL REFERENCES notification_rules(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,           -- kind|subject: firing and resolved share it
  alert TEXT NOT NULL,                 -- JSON of the announced alert
  fired_at TEXT NOT NULL,
  PRIMARY KEY (rule_id, fingerprint)
);
