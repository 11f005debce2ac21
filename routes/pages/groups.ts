/**
 * `/groups` (docs/http.md "Dashboard pages"): every signed-in user reads the groups in
 * display order with their clients (unassigned clients last, docs/scheduler.md "The contract in short"); admins create,
 * rename, reorder and delete groups and assign clients. Each write is a plain form POST answered
 * with 303 back to the page, or for htmx with the page body (`#groups-body`). Assignment goes
 * through the Fleet, which republishes the client's retained group_id (docs/mqtt.md).
 */
import { Hono, type Context } from 'hono';
import { clientName } from '../../domain/client.types.ts';
import { getGroup, listGroups } from '../../db/groups.ts';
import { scheduleEdits } from '../../services/schedule/edits.ts';
import type { Group } from '../../lib/schedule/types.ts';
import type { MessageKey } from '../../views/i18n/index.ts';
import { isHtmx, render } from './hx.ts';
import type { AppEnv } from '../middleware/session.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { groupMuteNotices } from './mute-notices.ts';
import { audit } from '../audit-record.ts';
import { groupJson } from '../event-json.ts';

const DONE: Record<string, MessageKey> = {
  created: 'groups.created', saved: 'groups.saved', moved: 'groups.saved', deleted: 'groups.deleted', assigned: 'groups.assigned', unassigned: 'groups.unassigned',
};

type Draft = { name: string; description: string };

/** Name 1–100 characters, description at most 1000 (as `POST /api/groups`). */
function readGroupForm(body: Record<string, unknown>): { draft: Draft; errors: Record<string, MessageKey> } {
  const draft = { name: typeof body.name === 'string' ? body.name.trim() : '', description: typeof body.description === 'string' ? body.description.trim() : '' };
  const errors: Record<string, MessageKey> = {};
  if (!draft.name) errors.name = 'schedule.err.required';
  else if (draft.name.length > 100) errors.name = 'schedule.err.tooLong';
  if (draft.description.length > 1000) errors.description = 'schedule.err.tooLong';
  return { draft, errors };
}

export function groupPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const user = pageRole('user', deps);
  const admin = pageRole('admin', deps);
  const edits = scheduleEdits(deps); // the same edits as /api/groups

  const page = async (c: Context<AppEnv>, extra: { notice?: string | null; formError?: string; errors?: Record<string, MessageKey>; draft?: Draft; status?: 200 | 400 | 409 } = {}) => {
    const it = pageContext(c, deps);
    const groups = await listGroups(deps.db);
    const names = new Map(groups.map((g) => [g.id, g.name]));
    const clients = deps.fleet.list().map((r) => ({
      uuid: r.uuid, groupId: r.groupId, name: clientName(r), groupName: r.groupId !== null ? names.get(r.groupId) ?? null : null,
    }));
    clients.sort((a, b) => a.name.localeCompare(b.name, it.lang));
    const data = {
      ...it, title: it.t('groups.title'), clients, notice: extra.notice ?? null, formError: extra.formError ?? null, errors: extra.errors ?? null, draft: extra.draft ?? null,
      groups: groups.map((g) => ({ ...g, clients: clients.filter((x) => x.groupId === g.id), mutes: groupMuteNotices(deps.notifications, it, g.id) })),
      unassigned: clients.filter((x) => x.groupId === null || !names.has(x.groupId)),
    };
    return render(c, { page: 'groups', fragment: 'schedule-groups', data, status: extra.status });
  };

  /** After a write: the body again for htmx, else 303 back to the page (post/redirect/get). */
  const done = async (c: Context<AppEnv>, what: keyof typeof DONE, anchor = '') => {
    deps.groups.invalidate(); // the overview's cached group names
    if (isHtmx(c)) return page(c, { notice: pageContext(c, deps).t(DONE[what]) });
    return c.redirect(`/groups?done=${what}${anchor}`, 303);
  };

  const findGroup = async (raw: string | undefined): Promise<Group | null> => (raw && /^\d{1,9}$/.test(raw) ? getGroup(deps.db, Number(raw)) : null);

  app.get('/groups', user, async (c) => {
    const what = c.req.query('done');
    return page(c, { notice: what && DONE[what] ? pageContext(c, deps).t(DONE[what]) : null });
  });

  app.post('/groups', admin, async (c) => {
    const { draft, errors } = readGroupForm(await c.req.parseBody());
    if (Object.keys(errors).length) return page(c, { errors, draft, status: 400 });
    const created = await edits.createGroup(draft);
    if (!created.ok) return page(c, { errors: { name: 'groups.err.nameTaken' }, draft, status: 409 }); // its only failure: the name is taken
    await audit(c, deps, 'groups.create', created.value.id, { after: groupJson(created.value) });
    return done(c, 'created', `#g-${created.value.id}`);
  });

  app.post('/groups/:id', admin, async (c) => {
    const g = await findGroup(c.req.param('id'));
    if (!g) return errorPage(c, deps, 404);
    const { draft, errors } = readGroupForm(await c.req.parseBody());
    const t = pageContext(c, deps).t;
    if (Object.keys(errors).length) return page(c, { formError: `${g.name}: ${t(errors.name ?? errors.description)}`, status: 400 });
    const saved = await edits.updateGroup(g.id, draft);
    if (!saved.ok) return saved.reason === 'not_found' ? errorPage(c, deps, 404) : page(c, { formError: t('groups.err.nameTaken'), status: 409 });
    await audit(c, deps, 'groups.update', g.id, { before: groupJson(g), after: groupJson(saved.value) });
    return done(c, 'saved', `#g-${g.id}`);
  });

  app.post('/groups/:id/move', admin, async (c) => {
    const g = await findGroup(c.req.param('id'));
    if (!g) return errorPage(c, deps, 404);
    const dir = (await c.req.parseBody()).dir;
    if (dir !== 'up' && dir !== 'down') return errorPage(c, deps, 400);
    const before = (await listGroups(deps.db)).map((x) => x.id);
    const moved = await edits.moveGroup(g.id, dir === 'up' ? -1 : 1); // at either end nothing moves
    if (moved.ok && moved.value.join() !== before.join()) await audit(c, deps, 'groups.order', null, { before, after: moved.value });
    return done(c, 'moved', `#g-${g.id}`);
  });

  app.post('/groups/:id/delete', admin, async (c) => {
    const g = await findGroup(c.req.param('id'));
    if (!g) return errorPage(c, deps, 404);
    const r = await edits.deleteGroup(g.id);
    if (r.ok) await audit(c, deps, 'groups.delete', g.id, { before: groupJson(g), unassigned: r.value.unassigned });
    return done(c, 'deleted');
  });

  app.post('/groups/:id/clients', admin, async (c) => {
    const g = await findGroup(c.req.param('id'));
    if (!g) return errorPage(c, deps, 404);
    const uuid = (await c.req.parseBody()).uuid;
    if (typeof uuid !== 'string' || !deps.fleet.get(uuid)) return errorPage(c, deps, 400);
    const updated = await deps.fleet.assignGroup([uuid], g.id);
    await audit(c, deps, 'clients.assign-group', null, { groupId: g.id, clients: [uuid], updated });
    return done(c, 'assigned', `#g-${g.id}`);
  });

  app.post('/groups/:id/clients/remove', admin, async (c) => {
    const g = await findGroup(c.req.param('id'));
    if (!g) return errorPage(c, deps, 404);
    const uuid = (await c.req.parseBody()).uuid;
    if (typeof uuid !== 'string' || deps.fleet.get(uuid)?.groupId !== g.id) return errorPage(c, deps, 400);
    const updated = await deps.fleet.assignGroup([uuid], null);
    await audit(c, deps, 'clients.assign-group', null, { groupId: null, clients: [uuid], updated });
    return done(c, 'unassigned', `#g-${g.id}`);
  });

  return app;
}
