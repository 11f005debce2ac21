-- The last power intent per group (docs/scheduler.md "TV power intent"): kept so that a restart with
-- unchanged semantics republishes the same intent_id instead of minting a new one (a new id tells
-- the TVs something changed). Deleted with the group's retained topics.
CREATE TABLE power_intents (
  group_id INTEGER PRIMARY KEY,
  state TEXT NOT NULL,          -- JSON of the IntentState (lib/schedule/power-intent.ts)
  updated_at TEXT NOT NULL
);
