-- Scheduling (docs/scheduler.md "The contract in short"): events with their exceptions, holidays. The groups
-- table exists since 0001. No foreign keys, like clients.group_id: a stale id must never fail a
-- whole write batch of the one writer; db/groups.ts and db/events.ts delete dependants explicitly.
-- Times are ISO 8601 UTC strings with Z; holiday dates are local calendar dates YYYY-MM-DD.

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  event_type TEXT NOT NULL,            -- presentation / website / webuntis / video / message / other
  start_at TEXT NOT NULL,              -- first occurrence (UTC)
  end_at TEXT NOT NULL,
  timezone TEXT NOT NULL,              -- IANA zone the recurrence is expanded in
  recurrence_rule TEXT,                -- RFC 5545 RRULE body, NULL for a one-off event
  skip_holidays INTEGER NOT NULL DEFAULT 0,
  is_active INTEGER NOT NULL DEFAULT 1,
  fields TEXT NOT NULL DEFAULT '{}',   -- JSON: {presentation|website|video|message: {...}} as given (camelCase)
  detached_from INTEGER,               -- the series this event was detached from
  detached_occurrence TEXT,            -- …and which occurrence (its original start, UTC)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX idx_events_group ON events(group_id);

CREATE TABLE event_exceptions (
  event_id INTEGER NOT NULL,
  occurrence_start TEXT NOT NULL,      -- the occurrence's original start (UTC)
  kind TEXT NOT NULL CHECK (kind IN ('skipped', 'detached')),
  detached_event_id INTEGER,
  created_at TEXT NOT NULL,
  PRIMARY KEY (event_id, occurrence_start)
);

CREATE TABLE holidays (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  start_date TEXT NOT NULL,            -- YYYY-MM-DD, inclusive
  end_date TEXT NOT NULL,              -- YYYY-MM-DD, inclusive
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX idx_holidays_dates ON holidays(start_date, end_date);
