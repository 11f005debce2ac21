/**
 * `/api/users` (docs/http.md "Roles and sessions", admin+). The rules and the writes live in
 * services/accounts/user-admin.ts (shared with the dashboard's /users page); this file validates the body and
 * maps the typed outcome to HTTP: forbidden 403, not found 404, conflict 409, invalid 400.
 * An admin never sees superadmin accounts: they are missing from the list and the statistics
 * (`GET /stats`, the users page's cards), and their ids answer 404.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { userJson } from '../db/users.ts';
import { ROLES, type User } from '../domain/users.ts';
import { userStats } from '../services/accounts/user-stats.ts';
import { MAX_PASSWORD, MIN_PASSWORD } from '../lib/password.ts';
import { USERNAME_CHARS, userAdmin, type UserAdminFailure, type UserAdminResult } from '../services/accounts/user-admin.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';
import { CreatedUser, UserJson, UserList } from './schemas/users.ts';

const doc = apiDoc('Users');

const username = z.string().trim().min(1).max(64).regex(USERNAME_CHARS, 'letters, digits and . _ @ - only');
const password = z.string().min(MIN_PASSWORD).max(MAX_PASSWORD);
const language = z.enum(['en', 'de']).nullable();
const createBody = z.object({ username, password: password.optional(), role: z.enum(ROLES), language: language.optional() });
const updateBody = z.object({ username: username.optional(), role: z.enum(ROLES).optional(), isActive: z.boolean().optional(), language: language.optional() });
const passwordBody = z.object({ password });

const STATUS = { forbidden: 403, not_found: 404, conflict: 409, invalid: 400 } as const;

/** The value of a result, or the HTTP error the app's onError answers as `{error: message}`. */
function unwrap<T>(r: UserAdminResult<T>): T {
  if (r.ok) return r.value;
  const f: UserAdminFailure = r;
  throw new HTTPException(STATUS[f.reason], { message: f.message });
}

export function usersRoutes(deps: RouteDeps) {
  const users = userAdmin(deps);
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');
  const target = async (actor: User, raw: string) => unwrap(await users.find(actor, raw));

  app.get('/', doc('List the users', UserList), admin, async (c) => c.json((await users.list(c.var.user!)).map(userJson)));

  app.get('/stats', doc('Counts of users by role and state', 'User statistics'), admin, async (c) => c.json(userStats(await users.list(c.var.user!), deps.now())));

  app.post('/', doc('Create a user', CreatedUser, { status: 201 }), admin, validate('json', createBody), async (c) => {
    const { user, generatedPassword } = unwrap(await users.create(c.var.user!, c.req.valid('json')));
    await audit(c, deps, 'users.create', user.username, { after: userJson(user) });
    // A generated password is shown to the admin once, in this answer only.
    return c.json({ ...userJson(user), ...(generatedPassword ? { generatedPassword } : {}) }, 201);
  });

  app.get('/:id', doc('One user', UserJson), admin, async (c) => c.json(userJson(await target(c.var.user!, c.req.param('id')))));

  app.put('/:id', doc('Change a user (role, state, language)', UserJson), admin, validate('json', updateBody), async (c) => {
    const user = await target(c.var.user!, c.req.param('id'));
    const after = unwrap(await users.update(c.var.user!, user, c.req.valid('json')));
    await audit(c, deps, 'users.update', user.username, { before: userJson(user), after: userJson(after) });
    return c.json(userJson(after));
  });

  app.delete('/:id', doc('Delete a user (superadmin) or deactivate them (admin)'), admin, async (c) => {
    const user = await target(c.var.user!, c.req.param('id'));
    const { mode } = unwrap(await users.remove(c.var.user!, user));
    await audit(c, deps, 'users.delete', user.username, { before: userJson(user), mode });
    return c.json({ success: true, mode });
  });

  app.post('/:id/unlock', doc('Unlock a user locked by failed logins', UserJson), admin, async (c) => {
    const user = await target(c.var.user!, c.req.param('id'));
    const after = unwrap(await users.unlock(c.var.user!, user));
    await audit(c, deps, 'users.unlock', user.username, { before: { lockedUntil: userJson(user).lockedUntil } });
    return c.json(userJson(after));
  });

  app.put('/:id/password', doc("Set a user's password"), admin, validate('json', passwordBody), async (c) => {
    const user = await target(c.var.user!, c.req.param('id'));
    unwrap(await users.resetPassword(c.var.user!, user, c.req.valid('json').password));
    await audit(c, deps, 'users.reset-password', user.username);
    return c.json({ success: true });
  });

  return app;
}
