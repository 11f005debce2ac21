/**
 * One sign-in attempt (http.md "Roles and sessions"): lockout after 5 failures in 15 min, the same
 * cost and answer for an unknown user as for a wrong password, a fresh session id on every login
 * (fixation), the previous session deleted. Shared by the dashboard's login form; routes/auth.ts
 * implements the same rules for the JSON API (candidate to call this too).
 */
import { dummyHash, verifyPassword } from './password.ts';
import { getUserById, getUserByUsername, loginFailedStatements, loginSucceededStatement, type User } from '../db/users.ts';
import { deleteSessionStatement, insertSessionStatement, newSessionToken } from '../db/sessions.ts';
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';

export type LoginResult =
  | { ok: true; user: User; token: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'inactive' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

export interface LoginDeps {
  db: Db;
  writer: Writes;
  sessionTtlMs: number;
}

export async function attemptLogin(
  deps: LoginDeps,
  username: string,
  password: string,
  now: number,
  previousSessionId: string | null,
): Promise<LoginResult> {
  const { db, writer } = deps;
  const locked = (until: number): LoginResult => ({ ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) });
  const user = await getUserByUsername(db, username);
  if (!user) {
    await verifyPassword(password, await dummyHash()); // same cost as a real check
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil !== null && user.lockedUntil > now) return locked(user.lockedUntil);
  if (!(await verifyPassword(password, user.passwordHash))) {
    writer.enqueue(...loginFailedStatements(user.id, now));
    await writer.drain();
    const after = await getUserById(db, user.id);
    if (after?.lockedUntil && after.lockedUntil > now) return locked(after.lockedUntil);
    return { ok: false, reason: 'invalid' };
  }
  // Only someone who knows the password learns that the account is deactivated.
  if (!user.isActive) return { ok: false, reason: 'inactive' };
  const { token, id } = newSessionToken();
  writer.enqueue(loginSucceededStatement(user.id, now), insertSessionStatement(id, user.id, now, deps.sessionTtlMs));
  if (previousSessionId) writer.enqueue(deleteSessionStatement(previousSessionId));
  await writer.drain();
  return { ok: true, user, token };
}
