/**
 * `GET /api/monitoring/export?format=csv|json&hours=24` (role admin, like the monitoring API it
 * mirrors): the monitoring overview as a download. One row per client:
 * live status and reasons from the actors, ERROR/WARN counts and the latest error from the
 * database within `hours`. CSV is RFC 4180 (quoted, CRLF, UTF-8 BOM so spreadsheets detect the
 * encoding); device-reported text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
 * tab, CR at the start) is prefixed with `'` (CSV injection: hostnames and log messages are
 * hostile input).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ClientRecord } from '../../domain/client.types.ts';
import { logOverview, type ClientLogOverview } from '../../db/logs.ts';
import { iso } from '../../lib/time.ts';
import { clientName } from '../client-json.ts';
import { requireRole } from '../middleware/roles.ts';
import type { AppEnv } from '../middleware/session.ts';
import { intQuery, validate } from '../validate.ts';
import type { PageDeps } from './kit.ts';
import { apiDoc } from '../openapi/describe.ts';

const doc = apiDoc('Monitoring');

const HOUR = 3_600_000;

export type ExportRow = ReturnType<typeof exportRows>[number];

export function exportRows(records: ClientRecord[], logs: Map<string, ClientLogOverview>, groups: Map<number, string>) {
  return records.map((r) => {
    const l = logs.get(r.uuid);
    return {
      uuid: r.uuid,
      name: clientName(r),
      description: r.description,
      hostname: r.hostname,
      ip: r.ip,
      groupId: r.groupId,
      groupName: r.groupId === null ? null : (groups.get(r.groupId) ?? null),
      status: r.status,
      statusReasons: r.statusReasons,
      lastAlive: iso(r.lastAlive),
      processStatus: r.processStatus,
      currentProcess: r.currentProcess,
      currentEventId: r.currentEventId,
      expectedEventId: r.expectedEventId,
      screenHealthStatus: r.screenHealthStatus,
      mqttReconnectCount: r.mqttReconnectCount,
      mqttLastDisconnectAt: iso(r.mqttLastDisconnectAt),
      serviceFailedAt: iso(r.serviceFailedAt),
      errorCount: l?.errorCount ?? 0,
      warnCount: l?.warnCount ?? 0,
      latestError: l?.latestError?.message ?? null,
      latestErrorAt: l?.latestError?.timestamp ?? null,
    };
  });
}

const COLUMNS: (keyof ExportRow)[] = [
  'uuid', 'name', 'description', 'hostname', 'ip', 'groupId', 'groupName', 'status', 'statusReasons', 'lastAlive',
  'processStatus', 'currentProcess', 'currentEventId', 'expectedEventId', 'screenHealthStatus', 'mqttReconnectCount',
  'mqttLastDisconnectAt', 'serviceFailedAt', 'errorCount', 'warnCount', 'latestError', 'latestErrorAt',
];

/** One CSV field: quoted when needed, formula triggers defused. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = Array.isArray(v) ? v.join(' ') : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ExportRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push(COLUMNS.map((k) => csvField(r[k])).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function exportRoutes(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const maxHours = deps.config.LOG_RETENTION_DAYS * 24;
  const query = z.object({
    format: z.enum(['csv', 'json']).default('csv'),
    hours: intQuery(24, 1, maxHours, { clamp: false }),
  });

  app.get('/api/monitoring/export', doc('The monitoring overview as CSV or JSON', 'The export'), requireRole('admin'), validate('query', query), async (c) => {
    const { format, hours } = c.req.valid('query');
    const t = deps.now();
    const [logs, groups] = await Promise.all([logOverview(deps.db, t - hours * HOUR), deps.groups.list()]);
    const rows = exportRows(deps.fleet.list(), logs, new Map(groups.map((g) => [g.id, g.name])));
    const stamp = iso(t)!.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    c.header('Cache-Control', 'no-store');
    c.header('Content-Disposition', `attachment; filename="monitoring-${stamp}.${format}"`);
    if (format === 'json') {
      const counts = deps.fleet.counts();
      return c.json({ generatedAt: iso(t), hours, summary: counts, clients: rows });
    }
    c.header('Content-Type', 'text/csv; charset=utf-8');
    return c.body(toCsv(rows));
  });
  return app;
}
