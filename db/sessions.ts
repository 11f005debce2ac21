/**
 * Named queries for login sessions. The cookie carries a random 32-byte token; the table stores
 * only its SHA-256 (`id`), so a leaked database cannot be replayed as cookies. Expiry slides:
 * each touch (at most once a minute, see routes/middleware/session.ts) moves `expires_at` to
 * last_seen + SESSION_TTL_HOURS. Writes are statements for the one writer (docs/architecture.md "One writer").
 */
import { createHash, randomBytes } from 'node:crypto';
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso } from '../lib/time.ts';
import { toUser } from './users.ts';
import type { User } from '../domain/users.ts';

export interface Session {
  id: string; // SHA-256 hex of the token
  userId: number;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh cookie token (base64url, 43 chars) and the id under which it is stored. */
export function newSessionToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: hashToken(token) };
}

export function insertSessionStatement(id: string, userId: number, now: number, ttlMs: number): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: 'INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    args: [id, userId, at, new Date(now + ttlMs).toISOString(), at],
  };
}

/** The session and its user, or undefined when unknown or expired. */
export async function getSessionWithUser(db: Db, id: string, now: number): Promise<{ session: Session; user: User } | undefined> {
  const rs = await db.execute({
    sql: `SELECT s.id AS s_id, s.user_id AS s_user_id, s.created_at AS s_created_at, s.expires_at AS s_expires_at,
                 s.last_seen_at AS s_last_seen_at, u.*
          FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = ? AND s.expires_at > ?`,
    args: [id, new Date(now).toISOString()],
  });
  const r = rs.rows[0];
  if (!r) return undefined;
  return {
    session: {
      id: String(r.s_id),
      userId: Number(r.s_user_id),
      createdAt: fromIso(r.s_created_at) ?? 0,
      expiresAt: fromIso(r.s_expires_at) ?? 0,
      lastSeenAt: fromIso(r.s_last_seen_at) ?? 0,
    },
    user: toUser(r),
  };
}

export function touchSessionStatement(id: string, now: number, ttlMs: number): InStatement {
  return {
    sql: 'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?',
    args: [new Date(now).toISOString(), new Date(now + ttlMs).toISOString(), id],
  };
}

export function deleteSessionStatement(id: string): InStatement {
  return { sql: 'DELETE FROM sessions WHERE id = ?', args: [id] };
}

/** Revoke every session of a user, optionally keeping one (the caller's own). */
export function deleteUserSessionsStatement(userId: number, exceptId?: string): InStatement {
  return exceptId === undefined
    ? { sql: 'DELETE FROM sessions WHERE user_id = ?', args: [userId] }
    : { sql: 'DELETE FROM sessions WHERE user_id = ? AND id <> ?', args: [userId, exceptId] };
}

export function deleteExpiredSessionsStatement(now: number): InStatement {
  return { sql: 'DELETE FROM sessions WHERE expires_at <= ?', args: [new Date(now).toISOString()] };
}

export async function countUserSessions(db: Db, userId: number): Promise<number> {
  const rs = await db.execute({ sql: 'SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', args: [userId] });
  return Number(rs.rows[0].n);
}
