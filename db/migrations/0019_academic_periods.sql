-- Academic periods (docs/periods.md): school years, semesters, trimesters. Events and holidays get
-- an optional period (no foreign key, like events.group_id: a stale id must never fail a write
-- batch of the one writer; services/periods checks ids before it writes and unlinks on delete).
-- Dates are local calendar dates YYYY-MM-DD, both inclusive.
CREATE TABLE academic_periods (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  display_name TEXT,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  period_type TEXT NOT NULL CHECK (period_type IN ('schuljahr', 'semester', 'trimester')),
  is_active INTEGER NOT NULL DEFAULT 0,
  is_archived INTEGER NOT NULL DEFAULT 0,
  archived_at TEXT,
  archived_by INTEGER,                 -- users.id of who archived it
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (start_date <= end_date),
  CHECK (NOT (is_active = 1 AND is_archived = 1))
);
-- The database's own guard of "exactly one active": activation deactivates first, in one transaction.
CREATE UNIQUE INDEX idx_academic_periods_active ON academic_periods(is_active) WHERE is_active = 1;
-- Names are unique among non-archived periods (the service also ignores case and spaces).
CREATE UNIQUE INDEX idx_academic_periods_name ON academic_periods(name) WHERE is_archived = 0;
CREATE INDEX idx_academic_periods_dates ON academic_periods(start_date, end_date);

ALTER TABLE events ADD COLUMN academic_period_id INTEGER;
CREATE INDEX idx_events_period ON events(academic_period_id);
ALTER TABLE holidays ADD COLUMN academic_period_id INTEGER;
CREATE INDEX idx_holidays_period ON holidays(academic_period_id);
