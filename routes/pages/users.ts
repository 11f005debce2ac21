/**
 * `/users` (docs/http.md "Roles and sessions" + "Dashboard pages"; admin+). The rules and the writes
 * live in services/accounts/user-admin.ts (shared with `/api/users`): the page offers what `permissions()` allows
 * and the operations enforce the same. This file parses the forms and renders the outcome. Forms
 * are plain POSTs (work without JavaScript); htmx swaps `#users` with the outcome.
 * Admins never see superadmin accounts (list, statistics cards, 404 on their ids).
 *   POST /users  ·  POST /users/{id}  ·  POST /users/{id}/password  ·  POST /users/{id}/unlock  ·  POST /users/{id}/delete
 */
import { Hono, type Context } from 'hono';
import { listUsers, userJson, type UserChange } from '../../db/users.ts';
import { ROLES, type Role, type User } from '../../domain/users.ts';
import { userStats } from '../../services/accounts/user-stats.ts';
import { grantableRoles, isUsername, permissions, userAdmin, type UserAdminFailure } from '../../services/accounts/user-admin.ts';
import type { AppEnv } from '../middleware/session.ts';
import { render } from './hx.ts';
import type { MessageKey } from '../../views/i18n/index.ts';
import { audit } from '../audit-record.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';

type Status = 200 | 400 | 403 | 404 | 409;
interface Outcome {
  notice?: string;
  error?: string;
  status?: Status;
}

const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
const langOf = (v: unknown): string | null | undefined => (v === 'en' || v === 'de' ? v : v === '' ? null : undefined);
const isRole = (v: unknown): v is Role => ROLES.includes(v as Role);

/** The form error of a refused operation (not_found is answered as the 404 page before). */
const FAILURE: Record<Exclude<UserAdminFailure['reason'], 'not_found'>, { key: MessageKey; status: Status }> = {
  forbidden: { key: 'users.error.forbidden', status: 403 },
  invalid: { key: 'users.error.password', status: 400 },
  conflict: { key: 'users.error.taken', status: 409 },
};

export function userPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const users = userAdmin(deps);

  const page = async (c: Context<AppEnv>, o: Outcome = {}) => {
    const it = pageContext(c, deps);
    const actor = c.var.user!;
    const all = await users.list(actor);
    const list = all.map((u) => ({ u, can: permissions(actor, u) }));
    // Who deactivated whom: by id, looked up among everyone (an admin may have been deactivated by a superadmin).
    const names = new Map((await listUsers(deps.db)).map((u) => [u.id, u.username]));
    const data = {
      ...it, title: it.t('users.title'), users: list, stats: userStats(all, deps.now()), names, grantable: grantableRoles(actor), roles: ROLES,
      notice: o.notice ?? null, error: o.error ?? null, now: deps.now(),
    };
    return render(c, { page: 'users', fragment: 'users-list', data, status: o.status ?? 200 });
  };
  const refused = (c: Context<AppEnv>, f: UserAdminFailure) =>
    f.reason === 'not_found' ? errorPage(c, deps, 404) : page(c, { error: pageContext(c, deps).t(FAILURE[f.reason].key), status: FAILURE[f.reason].status });
  const forbidden = (c: Context<AppEnv>) => page(c, { error: pageContext(c, deps).t('users.error.forbidden'), status: 403 });

  /** The target of a path, or a 404 answer. */
  const target = async (c: Context<AppEnv>): Promise<User | Response> => {
    const found = await users.find(c.var.user!, c.req.param('id') ?? '');
    return found.ok ? found.value : errorPage(c, deps, 404);
  };

  app.get('/users', admin, (c) => page(c));

  app.post('/users', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const body = await c.req.parseBody();
    const username = field(body.username, 200).trim();
    const role = field(body.role, 20);
    if (!isUsername(username)) return page(c, { error: t('users.error.username'), status: 400 });
    if (!isRole(role)) return errorPage(c, deps, 400);
    const password = field(body.password, 1001) || undefined;
    const done = await users.create(c.var.user!, { username, role, password, language: langOf(body.language) ?? null });
    if (!done.ok) return refused(c, done);
    await audit(c, deps, 'users.create', username, { after: userJson(done.value.user) });
    const generated = done.value.generatedPassword;
    return page(c, { notice: generated ? t('users.generated', { username, password: generated }) : t('users.created', { username }) });
  });

  app.post('/users/:id', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const user = await target(c);
    if (user instanceof Response) return user;
    if (!permissions(c.var.user!, user).edit) return forbidden(c);
    const body = await c.req.parseBody();
    const change: UserChange = {};
    const username = field(body.username, 200).trim();
    if (username && username !== user.username) {
      if (!isUsername(username)) return page(c, { error: t('users.error.username'), status: 400 });
      change.username = username;
    }
    if (body.role !== undefined && body.role !== user.role) {
      if (!isRole(body.role)) return forbidden(c);
      change.role = body.role;
    }
    const language = langOf(body.language);
    if (language !== undefined) change.language = language;
    if (body.active !== undefined && (body.active === '1') !== user.isActive) change.isActive = body.active === '1';
    const saved = await users.update(c.var.user!, user, change);
    if (!saved.ok) return refused(c, saved);
    await audit(c, deps, 'users.update', user.username, { before: userJson(user), after: userJson(saved.value) });
    return page(c, { notice: t('users.saved', { username: saved.value.username }) });
  });

  app.post('/users/:id/password', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const user = await target(c);
    if (user instanceof Response) return user;
    if (!permissions(c.var.user!, user).resetPassword) return forbidden(c);
    const password = field((await c.req.parseBody()).password, 1001) || undefined;
    const reset = await users.resetPassword(c.var.user!, user, password);
    if (!reset.ok) return refused(c, reset);
    await audit(c, deps, 'users.reset-password', user.username);
    const done = t('users.reset.done', { username: user.username });
    const generated = reset.value.generatedPassword;
    return page(c, { notice: generated ? `${done} ${t('users.generated', { username: user.username, password: generated })}` : done });
  });

  app.post('/users/:id/unlock', admin, async (c) => {
    const user = await target(c);
    if (user instanceof Response) return user;
    const done = await users.unlock(c.var.user!, user);
    if (!done.ok) return refused(c, done);
    await audit(c, deps, 'users.unlock', user.username, { before: { lockedUntil: userJson(user).lockedUntil } });
    return page(c, { notice: pageContext(c, deps).t('users.unlocked', { username: user.username }) });
  });

  app.post('/users/:id/delete', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const user = await target(c);
    if (user instanceof Response) return user;
    if (!permissions(c.var.user!, user).delete) return forbidden(c);
    if ((await c.req.parseBody()).confirm !== '1') return errorPage(c, deps, 400); // the required checkbox
    const removed = await users.remove(c.var.user!, user);
    if (!removed.ok) return refused(c, removed);
    await audit(c, deps, 'users.delete', user.username, { before: userJson(user), mode: removed.value.mode });
    return page(c, { notice: t(removed.value.mode === 'deleted' ? 'users.deleted' : 'users.deactivated', { username: user.username }) });
  });

  return app;
}
