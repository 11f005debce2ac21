/**
 * `GET /api/status` (admin; docs/users.md "GET /api/status"): one snapshot for a monitoring
 * script, in the shape of the original system's status endpoint (timestamp, metrics, system state,
 * recent events and alerts, uptime) with our names and fleet figures:
 *   {timestamp, status, reasons, uptimeSeconds, uptime, clients: {total, online, healthy, warning,
 *    critical, offline, outageSuspected}, system: {database, broker: {connected}, actors},
 *   metrics: {windowMinutes, messages, commands, errors} | null, alerts: {open}, recentAlerts: [5],
 *   recentEvents: [newest first]}
 * `status` is the system's (as /health) AND the fleet's (`fleetStatus`); the answer is always 200:
 * the snapshot itself is the finding.
 */
import { Hono } from 'hono';
import { listAlerts } from '../db/alerts.ts';
import { iso } from '../lib/time.ts';
import type { RecentEvent } from '../lib/recent-events.ts';
import { alertsJson } from './alerts.ts';
import { dbHealth, healthStatus, type HealthProbes } from './health.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';
import { StatusJson } from './schemas/status.ts';

const doc = apiDoc('Status');

const RECENT_ALERTS = 5;

/** `1h 0m`, `2d 3h 15m`: the original's human uptime. */
export function humanUptime(seconds: number): string {
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600) % 24;
  const d = Math.floor(seconds / 86_400);
  return d > 0 ? `${d}d ${h}h ${m}m` : `${h}h ${m}m`;
}

export interface StatusInputs {
  dbOk: boolean;
  brokerConnected: boolean;
  storeWritable: boolean;
  outageSuspected: boolean;
  activeScreens: number;
  offlineScreens: number; // of the active ones
}

/**
 * The one rule of `/api/status` (docs/users.md): `error` while the database does not answer;
 * `degraded` with every reason that holds: the broker is disconnected, the store refuses writes,
 * an outage is suspected, or more than half of the active screens are offline; else `ok`.
 */
export function fleetStatus(i: StatusInputs): { status: 'ok' | 'degraded' | 'error'; reasons: string[] } {
  const reasons: string[] = [];
  if (!i.dbOk) reasons.push('database_unavailable');
  if (!i.brokerConnected) reasons.push('broker_disconnected');
  if (!i.storeWritable) reasons.push('store_refusing_writes');
  if (i.outageSuspected) reasons.push('outage_suspected');
  if (i.activeScreens > 0 && i.offlineScreens * 2 > i.activeScreens) reasons.push('most_screens_offline');
  return { status: !i.dbOk ? 'error' : reasons.length ? 'degraded' : 'ok', reasons };
}

const eventJson = (e: RecentEvent) => ({ ...e, at: iso(e.at) });

export function statusRoutes(deps: RouteDeps, probes: HealthProbes) {
  const app = new Hono<AppEnv>();
  app.get('/', doc('The system and the fleet in one snapshot', StatusJson), requireRole('admin'), async (c) => {
    const { dbOk, connected, store } = await healthStatus(probes);
    let alerts: Awaited<ReturnType<typeof listAlerts>> | null = null;
    if (dbOk) {
      await deps.writer.settled(); // alerts are raised by the actors fire-and-forget
      alerts = await listAlerts(deps.db, { limit: RECENT_ALERTS, offset: 0 }).catch(() => null);
    }
    const active = deps.fleet.list().filter((r) => r.isActive);
    const outageSuspected = deps.fleet.outageSuspected?.() ?? false;
    const { status, reasons } = fleetStatus({
      dbOk, brokerConnected: connected, storeWritable: store?.ok ?? true, outageSuspected,
      activeScreens: active.length, offlineScreens: active.filter((r) => r.status === 'offline').length,
    });
    const snapshot = deps.metrics?.snapshot();
    const uptimeSeconds = Math.round(probes.uptimeSeconds());
    c.header('Cache-Control', 'no-store');
    return c.json({
      timestamp: iso(deps.now()),
      status,
      reasons,
      uptimeSeconds,
      uptime: humanUptime(uptimeSeconds),
      clients: { ...deps.fleet.counts(), outageSuspected },
      system: { database: dbHealth(dbOk, store, false), broker: { connected }, actors: { clients: probes.clients(), commands: probes.commands() } },
      metrics: snapshot ? { windowMinutes: snapshot.minutes.length, ...snapshot.totals } : null,
      alerts: { open: alerts?.open ?? null },
      recentAlerts: alerts ? alertsJson(deps, alerts.alerts) : [],
      recentEvents: (deps.recentEvents?.list() ?? []).map(eventJson),
    });
  });
  return app;
}
