/**
 * `GET /api/broker` (admin): broker mode (embedded/external), connected devices,
 * per-device connected / last connect / last auth failure, dropped-message counters.
 * Query: `uuid` (one device), `limit` (devices per page, default 500, max 10,000), `offset`.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import { isUuid } from './client-json.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Broker');

const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max}`)
    .optional();

const query = z.object({
  uuid: z.string().refine(isUuid, 'must be a lower-case UUID').optional(),
  limit: count(10_000).refine((n) => n === undefined || n >= 1, 'must be at least 1'),
  offset: count(1_000_000_000),
});

export function brokerRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  app.get('/', doc('The MQTT broker: connection, sessions, counters', 'Broker state'), requireRole('admin'), validate('query', query), async (c) => {
    if (!deps.brokerOverview) throw new HTTPException(503, { message: 'broker overview is not available' });
    c.header('Cache-Control', 'no-store');
    return c.json(await deps.brokerOverview(c.req.valid('query')));
  });
  return app;
}
