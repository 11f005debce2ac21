/**
 * `/api/clients` (docs/http.md endpoint table; docs/clients.md "Fleet view"). Reads come from the live
 * actors through the FleetApi, writes go to them. Static paths are registered before `/:uuid`.
 * A path segment names a client by its UUID in any case (client-json.ts pathUuid); anything else answers 404.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { ClientRecord } from '../domain/client.types.ts';
import { iso } from '../lib/time.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import { clientJson, findClient, isAlive, isUuid } from './client-json.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { acknowledgeServiceFailed } from './service-failed.ts';
import { apiDoc } from './openapi/describe.ts';
import { ClientJson, ClientList } from './schemas/clients.ts';

const doc = apiDoc('Clients');

const uuid = z.string().refine(isUuid, 'must be a lower-case UUID');
const groupId = z.number().int().positive().nullable();
const updateBody = z.object({ description: z.string().trim().max(500).nullable().optional(), groupId: groupId.optional() });
// The table in docs/http.md names the field `group_id`; camelCase `groupId` (the body convention) also works.
const groupBody = z
  .object({ uuids: z.array(uuid).min(1).max(10_000), group_id: groupId.optional(), groupId: groupId.optional() })
  .refine((b) => b.group_id !== undefined || b.groupId !== undefined, { message: 'required', path: ['group_id'] });

export function clientsRoutes(deps: RouteDeps) {
  const { fleet, now } = deps;
  const app = new Hono<AppEnv>();
  const user = requireRole('user');
  const admin = requireRole('admin');

  const find = (raw: string): ClientRecord => {
    const r = findClient(fleet, raw);
    if (!r) throw new HTTPException(404, { message: 'client not found' });
    return r;
  };

  app.get('/', doc('List the screens', ClientList), user, (c) => c.json(fleet.list().map(clientJson)));

  app.get('/with_alive_status', doc('The screens with their alive flag (the original system\'s view)', 'The screens'), user, (c) => {
    const t = now();
    return c.json(
      fleet.list().map((r) => ({
        uuid: r.uuid,
        description: r.description,
        hostname: r.hostname,
        ip: r.ip,
        group_id: r.groupId,
        last_alive: iso(r.lastAlive),
        is_active: r.isActive,
        is_alive: isAlive(r, fleet.graceSeconds, t),
      })),
    );
  });

  // Active clients whose process crashed or whose heartbeat is stale (docs/clients.md "Fleet view").
  app.get('/crashed', doc('Active screens whose process crashed or whose heartbeat is stale', 'The crashed screens'), admin, (c) => {
    const t = now();
    const clients = fleet
      .list()
      .filter((r) => r.isActive)
      .map((r) => ({ r, alive: isAlive(r, fleet.graceSeconds, t), crashed: r.processStatus === 'crashed' }))
      .filter(({ alive, crashed }) => crashed || !alive)
      .map(({ r, alive, crashed }) => ({
        uuid: r.uuid,
        description: r.description,
        hostname: r.hostname,
        ip: r.ip,
        group_id: r.groupId,
        is_alive: alive,
        process_status: r.processStatus,
        screen_health_status: r.screenHealthStatus,
        last_alive: iso(r.lastAlive),
        crash_reason: crashed ? 'process_crashed' : 'heartbeat_stale',
      }));
    return c.json({ crashed_count: clients.length, grace_period_seconds: fleet.graceSeconds, clients });
  });

  app.get('/service_failed', doc('Screens whose systemd service failed', 'The screens with a failed service'), admin, (c) => {
    const t = now();
    const clients = fleet
      .list()
      .filter((r) => r.serviceFailedAt !== null)
      .sort((a, b) => b.serviceFailedAt! - a.serviceFailedAt!)
      .map((r) => ({
        uuid: r.uuid,
        description: r.description,
        hostname: r.hostname,
        ip: r.ip,
        group_id: r.groupId,
        is_alive: isAlive(r, fleet.graceSeconds, t),
        last_alive: iso(r.lastAlive),
        service_failed_at: iso(r.serviceFailedAt),
        service_failed_unit: r.serviceFailedUnit,
      }));
    return c.json({ service_failed_count: clients.length, clients });
  });

  app.put('/group', doc('Assign screens to a group (or none)', 'How many screens changed'), admin, validate('json', groupBody), async (c) => {
    const body = c.req.valid('json');
    const gid = body.group_id !== undefined ? body.group_id : body.groupId!;
    const updated = await fleet.assignGroup(body.uuids, gid);
    await audit(c, deps, 'clients.assign-group', null, { groupId: gid, clients: body.uuids, updated });
    return c.json({ success: true, updated });
  });

  app.get('/:uuid', doc('One screen', ClientJson), user, (c) => c.json(clientJson(find(c.req.param('uuid')))));

  app.put('/:uuid', doc("Change a screen's description or group", ClientJson), admin, validate('json', updateBody), async (c) => {
    const r = find(c.req.param('uuid'));
    const before = { description: r.description, groupId: r.groupId }; // copied: the fleet updates its record in place
    const updated = await fleet.updateClient(r.uuid, c.req.valid('json'));
    if (!updated) throw new HTTPException(404, { message: 'client not found' });
    await audit(c, deps, 'clients.update', r.uuid, { before, after: { description: updated.description, groupId: updated.groupId } });
    return c.json(clientJson(updated));
  });

  app.delete('/:uuid', doc('Forget a screen'), admin, async (c) => {
    const r = find(c.req.param('uuid'));
    const before = { description: r.description, hostname: r.hostname, groupId: r.groupId };
    if (!(await fleet.deleteClient(r.uuid))) throw new HTTPException(404, { message: 'client not found' });
    await audit(c, deps, 'clients.delete', r.uuid, { before });
    return c.json({ success: true });
  });

  app.post('/:uuid/clear_service_failed', doc("Clear a screen's service-failed flag (and acknowledge its alerts)"), admin, async (c) => {
    const r = find(c.req.param('uuid'));
    // Its open service-failed alerts are acknowledged too, as on the monitoring page.
    const wasSet = await acknowledgeServiceFailed(deps, r.uuid, c.var.user!.id);
    if (wasSet) await audit(c, deps, 'clients.clear-service-failed', r.uuid);
    return c.json({ success: true, message: wasSet ? 'service_failed flag cleared' : 'no service_failed flag set' });
  });

  return app;
}
