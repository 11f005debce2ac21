-- Users page audit fields (docs/users.md "Users page"): the last failed sign-in, and when and by
-- whom an account was deactivated (deactivated_by: a user id, no foreign key so a deleted admin
-- does not take the record with them).
ALTER TABLE users ADD COLUMN last_failed_login_at TEXT;
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
ALTER TABLE users ADD COLUMN deactivated_by INTEGER;
