/**
 * `/api/client-logs/*` (docs/http.md endpoint table, admin): one client's logs, the 24 h summary,
 * recent errors across the fleet, and the monitoring overview, whose status and reasons come from
 * the live records while the ERROR/WARN counts come from the database within `hours` (default 24).
 * Bad query values answer 400 naming the field.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { listLogs, logOverview, logSummary, recentErrors } from '../db/logs.ts';
import { priorityActive } from '../db/screenshots.ts';
import type { ClientStatus } from '../domain/client.types.ts';
import { iso } from '../lib/time.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { intQuery, timeQuery, validate } from './validate.ts';
import { clientName, findClient } from './client-json.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Client logs');

const HOUR = 3_600_000;


const logsQuery = z.object({
  level: z
    .string()
    .optional()
    .transform((v) => v?.toUpperCase())
    .pipe(z.enum(['ERROR', 'WARN', 'INFO', 'DEBUG']).optional()),
  limit: intQuery(50, 1, 500),
  since: timeQuery(),
});

export function clientLogsRoutes(deps: RouteDeps) {
  const { db, fleet, now, config } = deps;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');
  const maxHours = config.LOG_RETENTION_DAYS * 24;

  app.get('/summary', doc('Log counts per screen and level', 'The summary'), admin, async (c) => {
    const summary = await logSummary(db, now() - 24 * HOUR);
    return c.json({ summary, period_hours: 24 });
  });

  app.get('/recent-errors', doc('The latest errors of all screens', 'The errors'), admin, validate('query', z.object({ limit: intQuery(20, 1, 500) })), async (c) => {
    const errors = await recentErrors(db, c.req.valid('query').limit);
    return c.json({ errors, count: errors.length });
  });

  app.get('/monitoring-overview', doc('Every screen with its health, logs and screenshots (the monitoring page)', 'The overview'), admin, validate('query', z.object({ hours: intQuery(24, 1, maxHours, { clamp: false }) })), async (c) => {
    const t = now();
    const logs = await logOverview(db, t - c.req.valid('query').hours * HOUR);
    const ttlMs = config.PRIORITY_SCREENSHOT_TTL_SECONDS * 1000;
    const byStatus: Record<ClientStatus, number> = { healthy: 0, warning: 0, critical: 0, offline: 0 };
    const summary = { totalClients: 0, ...byStatus, errorLogs: 0, warnLogs: 0, activePriorityScreenshots: 0 };
    const clients = fleet.list().map((r) => {
      const l = logs.get(r.uuid);
      const activePriority = priorityActive(r.priorityScreenshotAt, t, ttlMs);
      summary.totalClients++;
      summary[r.status]++;
      summary.errorLogs += l?.errorCount ?? 0;
      summary.warnLogs += l?.warnCount ?? 0;
      if (activePriority) summary.activePriorityScreenshots++;
      return {
        uuid: r.uuid,
        name: clientName(r),
        groupId: r.groupId,
        status: r.status,
        statusReasons: r.statusReasons,
        lastAlive: iso(r.lastAlive),
        processStatus: r.processStatus,
        currentProcess: r.currentProcess,
        currentEventId: r.currentEventId,
        screenHealthStatus: r.screenHealthStatus,
        mqttReconnectCount: r.mqttReconnectCount,
        mqttLastDisconnectAt: iso(r.mqttLastDisconnectAt),
        serviceFailedAt: iso(r.serviceFailedAt),
        latestScreenshotType: r.latestScreenshotType,
        // The original's names (docs/http.md): the last event_start/event_stop shot, active or not.
        priorityScreenshotType: r.priorityScreenshotType,
        priorityScreenshotReceivedAt: iso(r.priorityScreenshotAt),
        hasActivePriorityScreenshot: activePriority,
        errorCount: l?.errorCount ?? 0,
        warnCount: l?.warnCount ?? 0,
        latestLog: l?.latestLog ?? null,
        latestError: l?.latestError ?? null,
      };
    });
    return c.json({ summary, clients });
  });

  app.get('/:uuid/logs', doc("A screen's logs, newest first", 'The logs'), admin, validate('query', logsQuery), async (c) => {
    const uuid = findClient(fleet, c.req.param('uuid'))?.uuid;
    if (!uuid) throw new HTTPException(404, { message: 'client not found' });
    const q = c.req.valid('query');
    const logs = await listLogs(db, uuid, { level: q.level, limit: q.limit, since: q.since });
    return c.json({ logs, count: logs.length });
  });

  return app;
}
