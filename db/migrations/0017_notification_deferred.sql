-- Deferred notifications (docs/notifications.md "Rules": quiet hours, rate cap): what waits for a
-- digest, one row per alert, so a restart before the digest is due loses nothing. The digest's
-- outbox row and the deletion of its bucket are written in the same batch.
CREATE TABLE notification_deferred (
  bucket TEXT NOT NULL,                -- quiet:<rule id> (quiet hours) | rate:<channel id> (rate cap)
  item TEXT NOT NULL,                  -- quiet: the alert's fingerprint (its latest state wins); rate: a sequence number; '#resolved': the count row
  channel_id INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
  rule_id INTEGER,
  due_at TEXT NOT NULL,                -- when the digest goes out (the end of the quiet hours or of the rate window)
  alert TEXT,                          -- JSON of the deferred alert (NULL on the count row)
  resolved INTEGER NOT NULL DEFAULT 0, -- count row: alerts opened and closed again while deferred
  PRIMARY KEY (bucket, item)
);
