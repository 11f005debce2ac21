/**
 * `GET /api/status` (admin; docs/users.md "GET /api/status"): one snapshot for a monitoring
 * script, in the shape of the original system's status endpoint (timestamp, metrics, system state,
 * recent alerts, uptime) with our names and fleet figures:
 *   {timestamp, status, uptimeSeconds, uptime, clients: {total, online, healthy, warning, critical,
 *    offline}, system: {database: {ok}, broker: {connected}, actors: {clients, commands}},
 *   metrics: {windowMinutes, messages, commands, errors} | null, alerts: {open}, recentAlerts: [5]}
 * `status` follows /health (error: database down, degraded: broker down or store refusing writes, else ok) but the answer
 * is always 200: the snapshot itself is the finding.
 */
import { drainForRead } from '../db/writer.ts';
import { Hono } from 'hono';
import { listAlerts } from '../db/alerts.ts';
import { iso } from '../lib/time.ts';
import { alertsJson } from './alerts.ts';
import { dbHealth, healthStatus, type HealthProbes } from './health.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import type { RouteDeps } from './deps.ts';

const RECENT_ALERTS = 5;

/** `1h 0m`, `2d 3h 15m`: the original's human uptime. */
export function humanUptime(seconds: number): string {
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600) % 24;
  const d = Math.floor(seconds / 86_400);
  return d > 0 ? `${d}d ${h}h ${m}m` : `${h}h ${m}m`;
}

export function statusRoutes(deps: RouteDeps, probes: HealthProbes) {
  const app = new Hono<AppEnv>();
  app.get('/', requireRole('admin'), async (c) => {
    const { status, dbOk, connected, store } = await healthStatus(probes);
    let alerts: Awaited<ReturnType<typeof listAlerts>> | null = null;
    if (dbOk) {
      await drainForRead(deps.writer);
      alerts = await listAlerts(deps.db, { limit: RECENT_ALERTS, offset: 0 }).catch(() => null);
    }
    const snapshot = deps.metrics?.snapshot();
    const uptimeSeconds = Math.round(probes.uptimeSeconds());
    c.header('Cache-Control', 'no-store');
    return c.json({
      timestamp: iso(deps.now()),
      status,
      uptimeSeconds,
      uptime: humanUptime(uptimeSeconds),
      clients: deps.fleet.counts(),
      system: { database: dbHealth(dbOk, store, false), broker: { connected }, actors: { clients: probes.clients(), commands: probes.commands() } },
      metrics: snapshot ? { windowMinutes: snapshot.minutes.length, ...snapshot.totals } : null,
      alerts: { open: alerts?.open ?? null },
      recentAlerts: alerts ? alertsJson(deps, alerts.alerts) : [],
    });
  });
  return app;
}
