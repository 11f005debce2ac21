/**
 * `/api/auth/*` (docs/http.md "Roles and sessions"): login (services/accounts/login.ts: lockout, per-address
 * limit, one attempt per account at a time; 429 with Retry-After), logout, me, change-password
 * (services/accounts/own-account.ts, shared with the dashboard).
 * An unknown username costs one scrypt run and answers exactly like a wrong password, so the API
 * cannot be used to enumerate users.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { MAX_PASSWORD, MIN_PASSWORD } from '../lib/password.ts';
import type { User } from '../domain/users.ts';
import { attemptLogin } from '../services/accounts/login.ts';
import { changePassword, endSession } from '../services/accounts/own-account.ts';
import { clientAddress } from './middleware/client-address.ts';
import { clearSessionCookie, setSessionCookie, type AppEnv } from './middleware/session.ts';
import { knownDeviceTokens, setKnownDeviceCookie } from './middleware/known-device-cookie.ts';
import { requireRole } from './middleware/roles.ts';
import { validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Auth');

const BAD_LOGIN = 'invalid username or password';

const loginBody = z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(1).max(1000) });
const changeBody = z.object({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().min(MIN_PASSWORD).max(MAX_PASSWORD) });

export const meJson = (u: User) => ({ id: u.id, username: u.username, role: u.role, language: u.language });

function tooMany(c: { header(k: string, v: string): void }, seconds: number, message: string): never {
  c.header('Retry-After', String(seconds));
  throw new HTTPException(429, { message });
}

export function authRoutes(deps: RouteDeps) {
  const { db, writer, now } = deps;
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3_600_000;
  const app = new Hono<AppEnv>();

  app.post('/login', doc('Sign in: sets the session cookie', 'The signed-in user', { public: true, also: { 429: 'Too many failed logins: locked for a while (Retry-After)' } }), validate('json', loginBody), async (c) => {
    const { username, password } = c.req.valid('json');
    // A new login never reuses an old session id (fixation): the previous one is deleted.
    const address = clientAddress(c, deps.config.TRUST_PROXY);
    const r = await attemptLogin({ db, writer, sessionTtlMs: ttlMs, guard: deps.loginGuard }, username, password, now(), c.var.sessionId, address, knownDeviceTokens(c));
    if (r.ok) {
      setSessionCookie(c, r.token, deps);
      setKnownDeviceCookie(c, r.user.id, r.device, deps);
      return c.json(meJson(r.user));
    }
    if (r.reason === 'locked') tooMany(c, r.retryAfterSeconds, `too many failed logins; try again in ${Math.ceil(r.retryAfterSeconds / 60)} min`);
    if (r.reason === 'throttled') tooMany(c, r.retryAfterSeconds, `too many login attempts; try again in ${r.retryAfterSeconds} s`);
    if (r.reason === 'inactive') throw new HTTPException(403, { message: 'account is deactivated' });
    throw new HTTPException(401, { message: BAD_LOGIN });
  });

  app.post('/logout', doc('Sign out: ends the session and clears its cookie', 'Signed out', { public: true }), async (c) => {
    await endSession(deps, c.var.sessionId);
    clearSessionCookie(c, deps);
    return c.json({ success: true });
  });

  app.get('/me', doc('The signed-in user', 'The signed-in user'), requireRole('user'), (c) => c.json(meJson(c.var.user!)));

  app.put('/change-password', doc('Change your own password'), requireRole('user'), validate('json', changeBody), async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    // Other sessions are revoked (services/accounts/own-account.ts), this one stays.
    if ((await changePassword(deps, c.var.user!, c.var.sessionId, currentPassword, newPassword)) === 'wrong_password') {
      return c.json({ error: 'invalid currentPassword', issues: [{ path: 'currentPassword', message: 'incorrect password' }] }, 400);
    }
    return c.json({ success: true });
  });

  return app;
}
