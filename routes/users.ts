/**
 * `/api/users` (http.md "Roles and sessions", admin+). Rules: admins manage user/editor/admin but
 * never superadmins (neither touch one nor grant the role); nobody changes their own role,
 * deactivates or deletes themselves; DELETE is a hard delete for superadmins and a soft
 * deactivation for admins. Deactivating or resetting a password revokes the user's sessions.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { generatePassword, hashPassword } from '../lib/password.ts';
import {
  deleteUserStatements,
  getUserById,
  getUserByUsername,
  insertUserStatement,
  listUsers,
  ROLES,
  setPasswordStatement,
  updateUserStatement,
  userJson,
  type Role,
  type User,
} from '../db/users.ts';
import { deleteUserSessionsStatement } from '../db/sessions.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import { MIN_PASSWORD } from './auth.ts';
import type { RouteDeps } from './deps.ts';

const username = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
const password = z.string().min(MIN_PASSWORD).max(1000);
const language = z.enum(['en', 'de']).nullable();
const createBody = z.object({ username, password: password.optional(), role: z.enum(ROLES), language: language.optional() });
const updateBody = z.object({ username: username.optional(), role: z.enum(ROLES).optional(), isActive: z.boolean().optional(), language: language.optional() });
const passwordBody = z.object({ password });

const forbid = (message: string): never => {
  throw new HTTPException(403, { message });
};

/** Admins may act on anyone but a superadmin; superadmins on anyone. */
function checkManage(actor: User, target: User): void {
  if (target.role === 'superadmin' && actor.role !== 'superadmin') forbid('only a superadmin can manage a superadmin');
}

function checkGrant(actor: User, role: Role): void {
  if (role === 'superadmin' && actor.role !== 'superadmin') forbid('only a superadmin can grant the superadmin role');
}

export function usersRoutes(deps: RouteDeps) {
  const { db, writer, now } = deps;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');

  const target = async (raw: string): Promise<User> => {
    const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
    const user = Number.isSafeInteger(id) ? await getUserById(db, id) : undefined;
    if (!user) throw new HTTPException(404, { message: 'user not found' });
    return user;
  };
  const taken = async (name: string, exceptId?: number) => {
    const other = await getUserByUsername(db, name);
    if (other && other.id !== exceptId) throw new HTTPException(409, { message: 'username already exists' });
  };

  app.get('/', admin, async (c) => c.json((await listUsers(db)).map(userJson)));

  app.post('/', admin, validate('json', createBody), async (c) => {
    const body = c.req.valid('json');
    checkGrant(c.var.user!, body.role);
    await taken(body.username);
    const generated = body.password === undefined ? generatePassword(16) : undefined;
    const passwordHash = await hashPassword(body.password ?? generated!);
    writer.enqueue(insertUserStatement({ username: body.username, passwordHash, role: body.role, language: body.language }, now()));
    await writer.drain();
    const created = await getUserByUsername(db, body.username);
    if (!created) throw new Error('user insert was not written');
    // A generated password is shown to the admin once, in this answer only.
    return c.json({ ...userJson(created), ...(generated ? { generatedPassword: generated } : {}) }, 201);
  });

  app.get('/:id', admin, async (c) => c.json(userJson(await target(c.req.param('id')))));

  app.put('/:id', admin, validate('json', updateBody), async (c) => {
    const actor = c.var.user!;
    const user = await target(c.req.param('id'));
    const change = c.req.valid('json');
    checkManage(actor, user);
    const self = actor.id === user.id;
    if (change.role !== undefined && change.role !== user.role) {
      if (self) forbid('you cannot change your own role');
      checkGrant(actor, change.role);
    }
    if (change.isActive === false && self) forbid('you cannot deactivate yourself');
    if (change.username !== undefined) await taken(change.username, user.id);
    const stmt = updateUserStatement(user.id, change, now());
    if (stmt) writer.enqueue(stmt);
    if (change.isActive === false) writer.enqueue(deleteUserSessionsStatement(user.id));
    await writer.drain();
    return c.json(userJson((await getUserById(db, user.id))!));
  });

  app.delete('/:id', admin, async (c) => {
    const actor = c.var.user!;
    const user = await target(c.req.param('id'));
    if (actor.id === user.id) forbid('you cannot delete yourself');
    checkManage(actor, user);
    if (actor.role === 'superadmin') {
      writer.enqueue(...deleteUserStatements(user.id));
      await writer.drain();
      return c.json({ success: true, mode: 'deleted' });
    }
    writer.enqueue(updateUserStatement(user.id, { isActive: false }, now())!, deleteUserSessionsStatement(user.id));
    await writer.drain();
    return c.json({ success: true, mode: 'deactivated' });
  });

  app.put('/:id/password', admin, validate('json', passwordBody), async (c) => {
    const actor = c.var.user!;
    const user = await target(c.req.param('id'));
    if (actor.id === user.id) forbid('use /api/auth/change-password for your own password');
    checkManage(actor, user);
    const hash = await hashPassword(c.req.valid('json').password);
    writer.enqueue(setPasswordStatement(user.id, hash, now()), deleteUserSessionsStatement(user.id));
    await writer.drain();
    return c.json({ success: true });
  });

  return app;
}
