/**
 * `/api/auth/*` (http.md "Roles and sessions"): login with lockout (5 failures in 15 min lock the
 * account for 15 min, 429), logout, me, change-password. An unknown username costs one scrypt run
 * and answers exactly like a wrong password, so the API cannot be used to enumerate users.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { dummyHash, hashPassword, MAX_PASSWORD, MIN_PASSWORD, verifyPassword } from '../lib/password.ts';
import {
  getUserById,
  getUserByUsername,
  loginFailedStatements,
  loginSucceededStatement,
  setPasswordStatement,
  type User,
} from '../db/users.ts';
import { deleteSessionStatement, deleteUserSessionsStatement, insertSessionStatement, newSessionToken } from '../db/sessions.ts';
import { clearSessionCookie, setSessionCookie, type AppEnv } from './middleware/session.ts';
import { requireRole } from './middleware/roles.ts';
import { validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';

const BAD_LOGIN = 'invalid username or password';

const loginBody = z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(1).max(1000) });
const changeBody = z.object({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().min(MIN_PASSWORD).max(MAX_PASSWORD) });

export const meJson = (u: User) => ({ id: u.id, username: u.username, role: u.role, language: u.language });

function locked(c: { header(k: string, v: string): void }, until: number, now: number): never {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  c.header('Retry-After', String(seconds));
  throw new HTTPException(429, { message: `too many failed logins; try again in ${Math.ceil(seconds / 60)} min` });
}

export function authRoutes(deps: RouteDeps) {
  const { db, writer, now } = deps;
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3_600_000;
  const app = new Hono<AppEnv>();

  app.post('/login', validate('json', loginBody), async (c) => {
    const { username, password } = c.req.valid('json');
    const t = now();
    const user = await getUserByUsername(db, username);
    if (!user) {
      await verifyPassword(password, await dummyHash()); // same cost as a real check
      throw new HTTPException(401, { message: BAD_LOGIN });
    }
    if (user.lockedUntil !== null && user.lockedUntil > t) locked(c, user.lockedUntil, t);
    if (!(await verifyPassword(password, user.passwordHash))) {
      writer.enqueue(...loginFailedStatements(user.id, t));
      await writer.drain();
      const after = await getUserById(db, user.id);
      if (after?.lockedUntil && after.lockedUntil > t) locked(c, after.lockedUntil, t);
      throw new HTTPException(401, { message: BAD_LOGIN });
    }
    // Only someone who knows the password learns that the account is deactivated.
    if (!user.isActive) throw new HTTPException(403, { message: 'account is deactivated' });
    const { token, id } = newSessionToken();
    const previous = c.var.sessionId; // a new login never reuses an old session id (fixation)
    writer.enqueue(loginSucceededStatement(user.id, t), insertSessionStatement(id, user.id, t, ttlMs));
    if (previous) writer.enqueue(deleteSessionStatement(previous));
    await writer.drain();
    setSessionCookie(c, token, deps);
    return c.json(meJson(user));
  });

  app.post('/logout', async (c) => {
    const sid = c.var.sessionId;
    if (sid) {
      writer.enqueue(deleteSessionStatement(sid));
      await writer.drain();
    }
    clearSessionCookie(c, deps);
    return c.json({ success: true });
  });

  app.get('/me', requireRole('user'), (c) => c.json(meJson(c.var.user!)));

  app.put('/change-password', requireRole('user'), validate('json', changeBody), async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    const user = c.var.user!;
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      return c.json({ error: 'invalid currentPassword', issues: [{ path: 'currentPassword', message: 'incorrect password' }] }, 400);
    }
    const hash = await hashPassword(newPassword);
    // Other sessions are revoked: a password change must lock out whoever else was signed in.
    writer.enqueue(setPasswordStatement(user.id, hash, now()), deleteUserSessionsStatement(user.id, c.var.sessionId ?? undefined));
    await writer.drain();
    return c.json({ success: true });
  });

  return app;
}
