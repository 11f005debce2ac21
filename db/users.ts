/**
 * Named queries for dashboard users (docs/http.md "Roles and sessions"). Reads run on `db`; writes are
 * returned as statements for the one writer (docs/architecture.md "One writer"), so callers `write` them.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso } from '../lib/time.ts';
import type { LoginLockout } from '../domain/policies.ts';
import type { Role, User } from '../domain/users.ts';

/** The JSON of a user for the API (admin+): never the hash; the audit figures of the users page. */
export function userJson(u: User) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    isActive: u.isActive,
    language: u.language,
    lastLoginAt: iso(u.lastLoginAt),
    lockedUntil: iso(u.lockedUntil),
    failedLoginCount: u.failedLoginCount,
    failedLoginAttempts: u.failedLoginAttempts, // the original's name and counter (docs/users.md)
    lastFailedLoginAt: iso(u.lastFailedLoginAt),
    deactivatedAt: iso(u.deactivatedAt),
    deactivatedBy: u.deactivatedBy,
    passwordChangedAt: iso(u.passwordChangedAt),
    lastPasswordChangeAt: iso(u.passwordChangedAt), // the original's name for the same time
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

export function toUser(r: Row): User {
  return {
    id: Number(r.id),
    username: String(r.username),
    passwordHash: String(r.password_hash),
    role: String(r.role) as Role,
    isActive: Number(r.is_active) === 1,
    language: r.language === null ? null : String(r.language),
    lastLoginAt: fromIso(r.last_login_at),
    failedLoginCount: Number(r.failed_login_count ?? 0),
    failedLoginAttempts: Number(r.failed_login_attempts ?? 0),
    failedLoginWindowStart: fromIso(r.failed_login_window_start),
    lockedUntil: fromIso(r.locked_until),
    lastFailedLoginAt: fromIso(r.last_failed_login_at),
    deactivatedAt: fromIso(r.deactivated_at),
    deactivatedBy: r.deactivated_by === null || r.deactivated_by === undefined ? null : Number(r.deactivated_by),
    passwordChangedAt: fromIso(r.password_changed_at),
    createdAt: fromIso(r.created_at) ?? 0,
    updatedAt: fromIso(r.updated_at) ?? 0,
  };
}

export async function getUserById(db: Db, id: number): Promise<User | undefined> {
  const rs = await db.execute({ sql: 'SELECT * FROM users WHERE id = ?', args: [id] });
  return rs.rows[0] ? toUser(rs.rows[0]) : undefined;
}

/** Usernames compare case-insensitively (the column is COLLATE NOCASE). */
export async function getUserByUsername(db: Db, username: string): Promise<User | undefined> {
  const rs = await db.execute({ sql: 'SELECT * FROM users WHERE username = ?', args: [username] });
  return rs.rows[0] ? toUser(rs.rows[0]) : undefined;
}

export async function listUsers(db: Db): Promise<User[]> {
  const rs = await db.execute('SELECT * FROM users ORDER BY username');
  return rs.rows.map(toUser);
}

export async function countUsers(db: Db): Promise<number> {
  const rs = await db.execute('SELECT COUNT(*) AS n FROM users');
  return Number(rs.rows[0].n);
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  language?: string | null;
}

export function insertUserStatement(u: NewUser, now: number): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: `INSERT INTO users (username, password_hash, role, is_active, language, password_changed_at, created_at, updated_at)
          VALUES (?, ?, ?, 1, ?, ?, ?, ?)`,
    args: [u.username, u.passwordHash, u.role, u.language ?? null, at, at, at],
  };
}

export interface UserChange {
  username?: string;
  role?: Role;
  isActive?: boolean;
  language?: string | null;
}

/**
 * One UPDATE of the given fields (null when nothing changes). A deactivation records when and by
 * whom (`by`), only the first time (a repeat keeps the original); a reactivation clears both.
 */
export function updateUserStatement(id: number, change: UserChange, now: number, by: number | null = null): InStatement | null {
  const sets: string[] = [];
  const args: (string | number | null)[] = [];
  if (change.username !== undefined) sets.push('username = ?'), args.push(change.username);
  if (change.role !== undefined) sets.push('role = ?'), args.push(change.role);
  if (change.isActive === false) {
    sets.push('deactivated_at = CASE WHEN is_active = 1 THEN ? ELSE deactivated_at END', 'deactivated_by = CASE WHEN is_active = 1 THEN ? ELSE deactivated_by END');
    args.push(new Date(now).toISOString(), by);
  }
  if (change.isActive === true) sets.push('deactivated_at = NULL', 'deactivated_by = NULL');
  if (change.isActive !== undefined) sets.push('is_active = ?'), args.push(change.isActive ? 1 : 0);
  if (change.language !== undefined) sets.push('language = ?'), args.push(change.language);
  if (sets.length === 0) return null;
  sets.push('updated_at = ?');
  args.push(new Date(now).toISOString(), id);
  return { sql: `UPDATE users SET ${sets.join(', ')} WHERE id = ?`, args };
}

/** New password; also lifts a lockout (an admin reset is how a locked user gets back in early). */
export function setPasswordStatement(id: number, passwordHash: string, now: number): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: `UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?,
          failed_login_count = 0, failed_login_window_start = NULL, locked_until = NULL WHERE id = ?`,
    args: [passwordHash, at, at, id],
  };
}

export function loginSucceededStatement(id: number, now: number, opts: { keepLock?: boolean } = {}): InStatement {
  const at = new Date(now).toISOString();
  // A known browser signing in during an account-wide lock (services/accounts/login.ts): the lock and its count stay.
  if (opts.keepLock) return { sql: 'UPDATE users SET last_login_at = ? WHERE id = ?', args: [at, id] };
  return {
    sql: `UPDATE users SET last_login_at = ?, failed_login_count = 0, failed_login_attempts = 0, failed_login_window_start = NULL,
          locked_until = NULL WHERE id = ?`,
    args: [at, id],
  };
}

/** Opens a locked account: no lock, no counted failures. */
export function unlockUserStatement(id: number, now: number): InStatement {
  return {
    sql: 'UPDATE users SET locked_until = NULL, failed_login_count = 0, failed_login_window_start = NULL, updated_at = ? WHERE id = ?',
    args: [new Date(now).toISOString(), id],
  };
}

/**
 * Count one failed login against `policy` (domain/policies.ts ACCOUNT_LOCKOUT). Computed in SQL
 * (every SET reads the old row) so two concurrent failures cannot both read the same count; the
 * second statement locks once the count reaches the limit.
 */
export function loginFailedStatements(id: number, now: number, policy: LoginLockout): InStatement[] {
  const at = new Date(now).toISOString();
  const windowStart = new Date(now - policy.windowMs).toISOString();
  const fresh = 'failed_login_window_start IS NULL OR failed_login_window_start < :windowStart';
  return [
    {
      sql: `UPDATE users SET
              failed_login_count = CASE WHEN ${fresh} THEN 1 ELSE failed_login_count + 1 END,
              failed_login_window_start = CASE WHEN ${fresh} THEN :at ELSE failed_login_window_start END,
              failed_login_attempts = failed_login_attempts + 1,
              last_failed_login_at = :at
            WHERE id = :id`,
      args: { id, at, windowStart },
    },
    {
      sql: `UPDATE users SET locked_until = :until, failed_login_count = 0, failed_login_window_start = NULL
            WHERE id = :id AND failed_login_count >= :max`,
      args: { id, until: new Date(now + policy.lockMs).toISOString(), max: policy.maxFailures },
    },
  ];
}

/** Hard delete (superadmin only); sessions go too, even on a connection without foreign_keys. */
export function deleteUserStatements(id: number): InStatement[] {
  return [
    { sql: 'DELETE FROM sessions WHERE user_id = ?', args: [id] },
    { sql: 'DELETE FROM users WHERE id = ?', args: [id] },
  ];
}
