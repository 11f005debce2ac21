/**
 * `/api/groups` (docs/http.md endpoint table; docs/scheduler.md "The contract in short"): users read, admins write. Static
 * paths come before `/:id`. Client assignment itself is `PUT /api/clients/group` (the Fleet
 * republishes the retained group_id); deleting a group unassigns its clients the same way, deletes
 * its events and clears its retained event list and power intent (through the scheduler). Writes
 * are the schedule edits (services/schedule/edits.ts), shared with the dashboard.
 * `POST /api/groups/{id}/restart` lives in routes/bulk-runs.ts.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { getGroup, listGroups } from '../db/groups.ts';
import { scheduleEdits } from '../services/schedule/edits.ts';
import type { Group } from '../lib/schedule/types.ts';
import { iso } from '../lib/time.ts';
import { isAlive } from './client-json.ts';
import { groupJson } from './event-json.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { failureAnswer, pathId } from './schedule-failure.ts';
import { audit } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';
import { GroupJson, GroupList } from './schemas/schedule.ts';

const doc = apiDoc('Groups');

const createBody = z.object({ name: z.string().trim().min(1).max(100), description: z.string().trim().max(1000).nullish() });
const updateBody = createBody.partial();
const orderIds = z.array(z.number().int().positive()).max(10_000);
/** `{order: [ids]}`, or the original system's plain array `[ids]`. */
const orderBody = z.union([z.object({ order: orderIds }), orderIds.transform((order) => ({ order }))]);

export function groupsRoutes(deps: RouteDeps) {
  const { db, fleet, now } = deps;
  const app = new Hono<AppEnv>();
  const user = requireRole('user');
  const admin = requireRole('admin');
  const edits = scheduleEdits(deps);
  const id = (raw: string) => pathId(raw, 9) ?? -1; // -1: no group, answered 404 like an unknown id

  const find = async (raw: string): Promise<Group> => {
    const g = await getGroup(db, id(raw));
    if (!g) throw new HTTPException(404, { message: 'group not found' });
    return g;
  };

  app.get('/', doc('List the groups', GroupList), user, async (c) => c.json((await listGroups(db)).map(groupJson)));

  // Groups in display order with their clients; clients without a (known) group in "Unassigned", last.
  app.get('/with_clients', doc('The groups with their screens, unassigned ones last', 'The groups with their screens'), user, async (c) => {
    const groups = await listGroups(db);
    const known = new Set(groups.map((g) => g.id));
    const t = now();
    const byGroup = new Map<number | null, ReturnType<typeof clientSummary>[]>();
    for (const r of fleet.list()) {
      const key = r.groupId !== null && known.has(r.groupId) ? r.groupId : null;
      (byGroup.get(key) ?? byGroup.set(key, []).get(key)!).push(clientSummary(r, fleet.graceSeconds, t));
    }
    return c.json([
      ...groups.map((g) => ({ ...groupJson(g), clients: byGroup.get(g.id) ?? [] })),
      { id: null, name: 'Unassigned', description: null, displayOrder: null, unassigned: true, clients: byGroup.get(null) ?? [] },
    ]);
  });

  app.get('/order', doc('The group ids in display order', 'The order'), user, async (c) => c.json({ order: (await listGroups(db)).map((g) => g.id) }));

  // Listed ids first in the given order, groups left out keep their relative order after them.
  app.post('/order', doc('Set the display order', 'The order'), admin, validate('json', orderBody), async (c) => {
    const before = (await listGroups(db)).map((g) => g.id);
    const r = await edits.orderGroups(c.req.valid('json').order);
    if (r.ok) await audit(c, deps, 'groups.order', null, { before, after: r.value });
    return r.ok ? c.json({ order: r.value }) : failureAnswer(c, r);
  });

  // A new group gets its retained `[]` and power intent at once.
  app.post('/', doc('Create a group', GroupJson, { status: 201 }), admin, validate('json', createBody), async (c) => {
    const r = await edits.createGroup(c.req.valid('json'));
    if (r.ok) await audit(c, deps, 'groups.create', r.value.id, { after: groupJson(r.value) });
    return r.ok ? c.json(groupJson(r.value), 201) : failureAnswer(c, r);
  });

  app.get('/:id', doc('One group', GroupJson), user, async (c) => c.json(groupJson(await find(c.req.param('id')))));

  app.put('/:id', doc('Change a group', GroupJson), admin, validate('json', updateBody), async (c) => {
    const before = await getGroup(db, id(c.req.param('id')));
    const r = await edits.updateGroup(id(c.req.param('id')), c.req.valid('json'));
    if (r.ok) await audit(c, deps, 'groups.update', r.value.id, { before: before && groupJson(before), after: groupJson(r.value) });
    return r.ok ? c.json(groupJson(r.value)) : failureAnswer(c, r);
  });

  // docs/mqtt.md: the clients' retained group_id is cleared (empty payload) by the Fleet; the scheduler
  // clears infoscreen/events/{id} and the intent.
  app.delete('/:id', doc('Delete a group: its screens are unassigned, its events deleted'), admin, async (c) => {
    const before = await getGroup(db, id(c.req.param('id')));
    const r = await edits.deleteGroup(id(c.req.param('id')));
    if (r.ok) await audit(c, deps, 'groups.delete', id(c.req.param('id')), { before: before && groupJson(before), unassigned: r.value.unassigned });
    return r.ok ? c.json({ success: true, unassigned: r.value.unassigned }) : failureAnswer(c, r);
  });

  return app;
}

function clientSummary(r: ReturnType<RouteDeps['fleet']['list']>[number], graceSeconds: number, now: number) {
  return {
    uuid: r.uuid,
    description: r.description,
    hostname: r.hostname,
    ip: r.ip,
    groupId: r.groupId,
    status: r.status,
    isAlive: isAlive(r, graceSeconds, now),
    lastAlive: iso(r.lastAlive),
  };
}
