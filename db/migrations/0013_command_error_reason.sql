-- Why a command failed, as a stable code (actors/command.reasons.ts): pages translate it into the
-- user's language; `error_message` keeps the English text for the JSON API. Older rows stay NULL
-- and are read back from their code and text (db/commands.ts rowToCommand).
ALTER TABLE client_commands ADD COLUMN error_reason TEXT;
