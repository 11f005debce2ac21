/**
 * `GET /api/alerts` (admin, like the /alerts page; docs/users.md "GET /api/alerts"): the persisted,
 * deduplicated alerts (services/alerts/center.ts), newest occurrence first, with the filters the page and
 * monitoring need: `status=all|open|acknowledged`, `client=<uuid>`, `kind`, `severity`,
 * `since=<ISO time>`, `limit` (default 20, the original's "last 20"; at most 500), `offset`.
 * Answer `{alerts, total, open, limit, offset}`; `total` counts the filtered set, `open` every
 * unacknowledged alert.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { listAlerts, type AlertRow } from '../db/alerts.ts';
import { canonicalUuid } from '../broker/topics.ts';
import { iso } from '../lib/time.ts';
import { clientName } from './client-json.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { intQuery, timeQuery, validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';
import { AlertPage } from './schemas/status.ts';

const doc = apiDoc('Alerts');

export const ALERTS_DEFAULT_LIMIT = 20;

const query = z.object({
  status: z.enum(['all', 'open', 'acknowledged']).default('all'),
  client: z
    .string()
    .transform((v, ctx) => canonicalUuid(v) ?? (ctx.addIssue({ code: 'custom', message: 'must be a client UUID' }), z.NEVER))
    .optional(),
  kind: z.string().trim().min(1).max(64).optional(),
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  since: timeQuery(),
  limit: intQuery(ALERTS_DEFAULT_LIMIT, 1, 500),
  offset: intQuery(0, 0, 1_000_000, { clamp: false }),
});

/** One alert as JSON (camelCase, UTC ISO times); `clientName` from the live fleet when known. */
export function alertJson(a: AlertRow, name: string | null) {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    message: a.message,
    clientUuid: a.clientUuid,
    clientName: name,
    commandId: a.commandId,
    params: a.params,
    count: a.count,
    firstAt: iso(a.firstAt),
    lastAt: iso(a.lastAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
  };
}

/** The JSON of stored alerts, named by the live fleet. */
export function alertsJson(deps: Pick<RouteDeps, 'fleet'>, alerts: AlertRow[]) {
  return alerts.map((a) => {
    const r = a.clientUuid ? deps.fleet.get(a.clientUuid) : undefined;
    return alertJson(a, r ? clientName(r) : null);
  });
}

export function alertsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  app.get('/', doc('The alerts, newest first, filtered', AlertPage), requireRole('admin'), validate('query', query), async (c) => {
    const q = c.req.valid('query');
    await deps.writer.settled(); // alerts raised a moment ago are still queued in the writer
    const page = await listAlerts(deps.db, {
      open: q.status === 'open',
      acknowledged: q.status === 'acknowledged',
      clientUuid: q.client,
      kind: q.kind,
      severity: q.severity,
      since: q.since,
      limit: q.limit,
      offset: q.offset,
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ alerts: alertsJson(deps, page.alerts), total: page.total, open: page.open, limit: q.limit, offset: q.offset });
  });
  return app;
}
