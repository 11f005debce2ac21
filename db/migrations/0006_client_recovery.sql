-- The crash-recovery ladder of each client (docs/commands.md "Crash auto-recovery"): its current
-- command, why it started and when its current step gives up, so a restart resumes it mid-way.
ALTER TABLE clients ADD COLUMN recovery_command_id TEXT;
ALTER TABLE clients ADD COLUMN recovery_reason TEXT;
ALTER TABLE clients ADD COLUMN recovery_deadline TEXT;
