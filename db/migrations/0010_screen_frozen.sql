-- Server-detected FROZEN (identical screenshots while a video should play) survives a restart:
-- it wins over the client's health reports until a different screenshot arrives
-- (docs/clients-screens.md), so it must not turn into a plain reported FROZEN after a restart.
ALTER TABLE clients ADD COLUMN screen_frozen_detected INTEGER NOT NULL DEFAULT 0;
