/**
 * The one home of the safety policies whose numbers the docs promise: the reboot lockout of remote
 * commands (docs/commands.md "Safety lockout") and the login lockouts (docs/users.md "Login
 * protection"). Code, config defaults and messages read them from here.
 */

/**
 * At most `max` reboot-kind commands (reboot_host, restart_app) per client in any rolling window;
 * the window is configurable (config.ts CRASH_RECOVERY_LOCKOUT_MINUTES, default `windowMinutes`).
 */
export const REBOOT_LOCKOUT = Object.freeze({ max: 3, windowMinutes: 15 });

/** `maxFailures` failed logins within `windowMs` lock for `lockMs`. */
export interface LoginLockout {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** Failures of one account from one address that lock it for that address (services/accounts/login.ts, in memory). */
export const ADDRESS_LOCKOUT: LoginLockout = Object.freeze({ maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 });

/**
 * Failures of one account from all addresses together that lock it everywhere (guessing spread over
 * many addresses), stored in the database; an admin or `npm run unlock-user` opens it again.
 */
export const ACCOUNT_LOCKOUT: LoginLockout = Object.freeze({ maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 });

/** Login attempts per client address: a burst of this many, refilled at this many per minute. */
export const ADDRESS_ATTEMPTS_PER_MINUTE = 20;
