-- Commands remember when they last heard from their client (silence detection for shutdown and
-- reboot survives a restart).
ALTER TABLE client_commands ADD COLUMN last_seen_at TEXT;
