-- The original system's failed-login counter (docs/users.md "Users page"): wrong passwords since the
-- last successful sign-in. Unlike failed_login_count (the lockout's window), neither the 15-minute
-- window, a lock nor an unlock resets it. Existing accounts start from the count they have.
ALTER TABLE users ADD COLUMN failed_login_attempts INTEGER NOT NULL DEFAULT 0;
UPDATE users SET failed_login_attempts = failed_login_count;
