/**
 * Device MQTT accounts (docs/mqtt.md "Who may publish and subscribe"), admin+:
 *   POST   /api/clients/{uuid}/credentials  create or rotate → `{username, password}` (shown once);
 *                                           creates the client record when the uuid is new
 *   DELETE /api/clients/{uuid}/credentials  revoke (the device is disconnected at once)
 *   GET    /api/clients/{uuid}/credentials  the account's state, never a password or hash
 * Every action is audited by the provisioning service with the signed-in user as actor.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CredentialConflictError } from '../broker/provisioning.ts';
import { iso } from '../lib/time.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { pathUuid } from './client-json.ts';
import type { RouteDeps } from './deps.ts';
import { auditBy } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Clients');

export function credentialsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');

  const service = () => {
    if (!deps.provisioning) throw new HTTPException(503, { message: 'device provisioning is not available' });
    return deps.provisioning;
  };
  const uuidOf = (c: Context<AppEnv>) => {
    const raw = c.req.param('uuid') ?? '';
    // Same rule as /api/clients/{uuid}: a UUID in any case, anything else is not a client.
    const uuid = pathUuid(raw);
    if (uuid === null) throw new HTTPException(404, { message: 'client not found' });
    return uuid;
  };
  const actorOf = (c: Context<AppEnv>) => auditBy(c, deps);

  app.get('/:uuid/credentials', doc("A screen's MQTT account (never its password)", 'The account'), admin, async (c) => {
    const s = await service().status(uuidOf(c));
    if (!s) throw new HTTPException(404, { message: 'no credentials for this client' });
    return c.json({
      uuid: s.uuid,
      username: s.username,
      active: s.active,
      created_at: iso(s.createdAt),
      rotated_at: iso(s.rotatedAt),
      revoked_at: iso(s.revokedAt),
    });
  });

  app.post('/:uuid/credentials', doc('Create or rotate a screen\'s MQTT account (the password is shown once)', 'The account with its password'), admin, async (c) => {
    try {
      const issued = await service().provision(uuidOf(c), actorOf(c));
      // The only time this password exists outside the device: keep it out of every cache.
      c.header('Cache-Control', 'no-store');
      return c.json({ username: issued.username, password: issued.password }, issued.change === 'create' ? 201 : 200);
    } catch (err) {
      if (err instanceof CredentialConflictError) throw new HTTPException(409, { message: err.message });
      throw err;
    }
  });

  app.delete('/:uuid/credentials', doc("Revoke a screen's MQTT account"), admin, async (c) => {
    if (!(await service().revoke(uuidOf(c), actorOf(c)))) throw new HTTPException(404, { message: 'no active credentials for this client' });
    return c.json({ success: true });
  });

  return app;
}
