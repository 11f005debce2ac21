/**
 * `/users` (http.md "Roles and sessions" + "Dashboard pages"; admin+). The rules are those of
 * routes/users.ts, stated once here as `permissions()` so the page offers only what the server
 * then allows: admins manage user/editor/admin but never superadmins (nor grant that role);
 * nobody changes their own role, deactivates or deletes themselves; delete is a hard delete for a
 * superadmin and a deactivation for an admin; a password reset (or deactivation) ends the user's
 * sessions. Forms are plain POSTs (work without JavaScript); htmx swaps `#users` with the outcome.
 *   POST /users  ·  POST /users/{id}  ·  POST /users/{id}/password  ·  POST /users/{id}/delete
 */
import { Hono, type Context } from 'hono';
import { generatePassword, hashPassword } from '../../lib/password.ts';
import {
  deleteUserStatements,
  getUserById,
  getUserByUsername,
  insertUserStatement,
  listUsers,
  ROLES,
  setPasswordStatement,
  updateUserStatement,
  type Role,
  type User,
  type UserChange,
} from '../../db/users.ts';
import { deleteUserSessionsStatement } from '../../db/sessions.ts';
import type { AppEnv } from '../middleware/session.ts';
import { MIN_PASSWORD } from '../auth.ts';
import { render } from '../../views/render.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';

const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u; // as routes/users.ts

export interface Permissions {
  /** Roles the actor may set on the target ([] = the role is fixed). */
  roles: Role[];
  edit: boolean;
  deactivate: boolean;
  /** 'hard' (superadmin), 'deactivate' (admin), or null. */
  delete: 'hard' | 'deactivate' | null;
  resetPassword: boolean;
}

/** What `actor` may do to `target` (routes/users.ts checkManage / checkGrant and the self rules). */
export function permissions(actor: Pick<User, 'id' | 'role'>, target: Pick<User, 'id' | 'role'>): Permissions {
  const self = actor.id === target.id;
  const manage = target.role !== 'superadmin' || actor.role === 'superadmin';
  const grantable = ROLES.filter((r) => r !== 'superadmin' || actor.role === 'superadmin');
  return {
    roles: manage && !self ? grantable : [],
    edit: manage,
    deactivate: manage && !self,
    delete: manage && !self ? (actor.role === 'superadmin' ? 'hard' : 'deactivate') : null,
    resetPassword: manage && !self,
  };
}

type Status = 200 | 400 | 403 | 404 | 409;
interface Outcome {
  notice?: string;
  error?: string;
  status?: Status;
}

const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
const langOf = (v: unknown): string | null | undefined => (v === 'en' || v === 'de' ? v : v === '' ? null : undefined);

export function userPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const { db, writer, now } = deps;

  const page = async (c: Context<AppEnv>, o: Outcome = {}) => {
    const it = pageContext(c, deps);
    const actor = c.var.user!;
    const users = (await listUsers(db)).map((u) => ({ u, can: permissions(actor, u) }));
    const grantable = ROLES.filter((r) => r !== 'superadmin' || actor.role === 'superadmin');
    const data = { ...it, title: it.t('users.title'), users, grantable, roles: ROLES, notice: o.notice ?? null, error: o.error ?? null, now: now() };
    return render(c, { page: 'users', fragment: 'users-list', data, status: o.status ?? 200 });
  };

  /** The target of a path, or a 404 answer. */
  const target = async (c: Context<AppEnv>): Promise<User | Response> => {
    const raw = c.req.param('id') ?? '';
    const user = /^[1-9]\d{0,15}$/.test(raw) ? await getUserById(db, Number(raw)) : undefined;
    return user ?? errorPage(c, deps, 404);
  };

  app.get('/users', admin, (c) => page(c));

  app.post('/users', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const body = await c.req.parseBody();
    const username = field(body.username, 200).trim();
    const role = field(body.role, 20) as Role;
    const password = field(body.password, 1001);
    const language = langOf(body.language) ?? null;
    if (!USERNAME.test(username)) return page(c, { error: t('users.error.username'), status: 400 });
    if (!ROLES.includes(role)) return errorPage(c, deps, 400);
    if (!permissions(c.var.user!, { id: -1, role: 'user' }).roles.includes(role)) return page(c, { error: t('users.error.forbidden'), status: 403 });
    if (password && (password.length < MIN_PASSWORD || password.length > 1000)) return page(c, { error: t('users.error.password'), status: 400 });
    if (await getUserByUsername(db, username)) return page(c, { error: t('users.error.taken'), status: 409 });
    const generated = password ? null : generatePassword(16);
    writer.enqueue(insertUserStatement({ username, passwordHash: await hashPassword(password || generated!), role, language }, now()));
    await writer.drain();
    const notice = generated ? t('users.generated', { username, password: generated }) : t('users.created', { username });
    return page(c, { notice });
  });

  app.post('/users/:id', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const user = await target(c);
    if (user instanceof Response) return user;
    const can = permissions(c.var.user!, user);
    if (!can.edit) return page(c, { error: t('users.error.forbidden'), status: 403 });
    const body = await c.req.parseBody();
    const change: UserChange = {};
    const username = field(body.username, 200).trim();
    if (username && username !== user.username) {
      if (!USERNAME.test(username)) return page(c, { error: t('users.error.username'), status: 400 });
      const other = await getUserByUsername(db, username);
      if (other && other.id !== user.id) return page(c, { error: t('users.error.taken'), status: 409 });
      change.username = username;
    }
    if (body.role !== undefined && body.role !== user.role) {
      if (!can.roles.includes(body.role as Role)) return page(c, { error: t('users.error.forbidden'), status: 403 });
      change.role = body.role as Role;
    }
    const language = langOf(body.language);
    if (language !== undefined) change.language = language;
    if (body.active !== undefined) {
      const active = body.active === '1';
      if (active !== user.isActive) {
        if (!can.deactivate) return page(c, { error: t('users.error.forbidden'), status: 403 });
        change.isActive = active;
      }
    }
    const stmt = updateUserStatement(user.id, change, now());
    if (stmt) writer.enqueue(stmt);
    if (change.isActive === false) writer.enqueue(deleteUserSessionsStatement(user.id));
    await writer.drain();
    return page(c, { notice: t('users.saved', { username: change.username ?? user.username }) });
  });

  app.post('/users/:id/password', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const user = await target(c);
    if (user instanceof Response) return user;
    if (!permissions(c.var.user!, user).resetPassword) return page(c, { error: t('users.error.forbidden'), status: 403 });
    const password = field((await c.req.parseBody()).password, 1001);
    if (password && (password.length < MIN_PASSWORD || password.length > 1000)) return page(c, { error: t('users.error.password'), status: 400 });
    const generated = password ? null : generatePassword(16);
    writer.enqueue(setPasswordStatement(user.id, await hashPassword(password || generated!), now()), deleteUserSessionsStatement(user.id));
    await writer.drain();
    const done = t('users.reset.done', { username: user.username });
    return page(c, { notice: generated ? `${done} ${t('users.generated', { username: user.username, password: generated })}` : done });
  });

  app.post('/users/:id/delete', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const user = await target(c);
    if (user instanceof Response) return user;
    const mode = permissions(c.var.user!, user).delete;
    if (!mode) return page(c, { error: t('users.error.forbidden'), status: 403 });
    if ((await c.req.parseBody()).confirm !== '1') return errorPage(c, deps, 400); // the required checkbox
    if (mode === 'hard') writer.enqueue(...deleteUserStatements(user.id));
    else writer.enqueue(updateUserStatement(user.id, { isActive: false }, now())!, deleteUserSessionsStatement(user.id));
    await writer.drain();
    return page(c, { notice: t(mode === 'hard' ? 'users.deleted' : 'users.deactivated', { username: user.username }) });
  });

  return app;
}
