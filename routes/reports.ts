/**
 * `GET /api/reports/availability` (role user, like the fleet's other read views; docs/availability.md
 * "API"): connectivity history as availability per screen and group, worst first, as JSON or CSV.
 * `loadAvailability` gathers the inputs (live fleet, groups with their events, holidays, server
 * runs, histories) for the pure report (services/availability/report.ts); the page uses it too.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { listServerRuns, loadHistories } from '../db/connectivity.ts';
import { listEvents } from '../db/events.ts';
import { listGroups } from '../db/groups.ts';
import { listHolidays } from '../db/holidays.ts';
import { holidayDates } from '../lib/schedule/holidays.ts';
import type { ScheduleEvent } from '../lib/schedule/types.ts';
import { iso } from '../lib/time.ts';
import { availabilityReport, type ClientAvailability, type Figures, type GroupAvailability, type Report } from '../services/availability/report.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import type { RouteDeps } from './deps.ts';
import { invalidBody } from './validate.ts';
import { parseAvailabilityQuery, type AvailabilityQuery } from './reports-query.ts';
import { csvField } from './pages/export.ts';
import { clientName } from './client-json.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Reports');

type ReportDeps = Pick<RouteDeps, 'db' | 'writer' | 'fleet' | 'config' | 'now'>;

/** The report for a query; null when `client` names no known screen. */
export async function loadAvailability(deps: ReportDeps, q: AvailabilityQuery): Promise<Report | null> {
  const records = deps.fleet.list().filter((r) => (q.client === undefined || r.uuid === q.client) && (q.group === undefined || r.groupId === q.group));
  if (q.client !== undefined && records.length === 0) return null;
  await deps.writer.settled(); // changes reported a moment ago are part of the answer
  // Holidays are local dates: a day of margin on both sides covers every zone.
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const [groups, events, holidays, runs, histories] = await Promise.all([
    listGroups(deps.db),
    listEvents(deps.db),
    listHolidays(deps.db, { from: day(q.from - 86_400_000), to: day(q.to + 86_400_000) }),
    listServerRuns(deps.db, q.from, q.to),
    loadHistories(deps.db, q.from, q.to, q.client),
  ]);
  const byGroup = new Map<number, ScheduleEvent[]>();
  for (const e of events) (byGroup.get(e.groupId) ?? byGroup.set(e.groupId, []).get(e.groupId)!).push(e);
  return availabilityReport({
    from: q.from, to: q.to, now: deps.now(), unit: q.unit, scheduledOnly: q.scheduledOnly,
    clients: records.map((r) => ({ uuid: r.uuid, name: clientName(r), groupId: r.groupId })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, events: byGroup.get(g.id) ?? [] })),
    holidays: holidayDates(holidays),
    defaultZone: deps.config.SCHEDULE_TIMEZONE,
    runs,
    histories,
    withSpans: q.client !== undefined,
  });
}

const figuresJson = (f: Figures) => ({
  availabilityPct: f.availabilityPct, onlineMs: f.onlineMs, offlineMs: f.offlineMs, unknownMs: f.unknownMs,
  incidents: f.incidents, longestOutageMs: f.longestOutageMs,
});

/** ISO text of the bucket bounds, made once per instant: a fleet's buckets share them. */
function isoCache(): (ms: number) => string {
  const seen = new Map<number, string>();
  return (ms) => seen.get(ms) ?? seen.set(ms, iso(ms)!).get(ms)!;
}

function clientJson(c: ClientAvailability, groupNames: Map<number | null, string | null>, text: (ms: number) => string) {
  return {
    uuid: c.uuid, name: c.name, groupId: c.groupId, groupName: groupNames.get(c.groupId) ?? null,
    ...figuresJson(c),
    allHours: figuresJson(c.allHours),
    scheduledHours: { ...figuresJson(c.scheduledHours), scheduledMs: c.scheduledHours.scheduledMs },
    // Compact (a fleet has 150,000 of them): the end is the next start (or `to`), online time the rest.
    buckets: c.buckets.map((b) => ({ start: text(b.start), availabilityPct: b.availabilityPct, offlineMs: b.offlineMs, unknownMs: b.unknownMs })),
    ...(c.spans ? { spans: c.spans.map((s) => ({ start: iso(s.start), end: iso(s.end), state: s.state })) } : {}),
  };
}

const groupJson = (g: GroupAvailability) => ({
  id: g.id, name: g.name, timezone: g.timezone, clients: g.clients,
  ...figuresJson(g),
  allHours: figuresJson(g.allHours),
  scheduledHours: { ...figuresJson(g.scheduledHours), scheduledMs: g.scheduledHours.scheduledMs },
});

export function reportJson(r: Report, q: AvailabilityQuery, now: number) {
  const names = new Map<number | null, string | null>(r.groups.map((g) => [g.id, g.name]));
  const text = isoCache();
  return {
    generatedAt: iso(now), from: iso(q.from), to: iso(q.to), bucket: q.unit, scheduled: q.scheduledOnly ? 'on' : 'all',
    clients: r.clients.map((c) => clientJson(c, names, text)),
    groups: r.groups.map(groupJson),
  };
}

const CSV_COLUMNS = [
  'uuid', 'name', 'groupId', 'groupName', 'availabilityPct', 'allHoursPct', 'scheduledHoursPct', 'onlineMinutes',
  'offlineMinutes', 'unknownMinutes', 'incidents', 'longestOutageMinutes',
];

/** One row per screen, worst first (RFC 4180, BOM, formula triggers defused as in the monitoring export). */
export function reportCsv(r: Report): string {
  const names = new Map<number | null, string | null>(r.groups.map((g) => [g.id, g.name]));
  const min = (ms: number) => Math.round(ms / 600) / 100; // minutes with two decimals
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of r.clients) {
    const row = [
      c.uuid, c.name, c.groupId, names.get(c.groupId) ?? null, c.availabilityPct, c.allHours.availabilityPct, c.scheduledHours.availabilityPct,
      min(c.onlineMs), min(c.offlineMs), min(c.unknownMs), c.incidents, min(c.longestOutageMs),
    ];
    lines.push(row.map(csvField).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function reportsRoutes(deps: ReportDeps) {
  const app = new Hono<AppEnv>();
  app.get('/availability', doc('Availability per screen over a period (CSV with format=csv)', 'The report'), requireRole('user'), async (c) => {
    const parsed = parseAvailabilityQuery((k) => c.req.query(k), deps.now(), deps.config.SCHEDULE_TIMEZONE);
    if ('issues' in parsed) return invalidBody(c, parsed.issues);
    const q = parsed.query;
    const report = await loadAvailability(deps, q);
    if (!report) throw new HTTPException(404, { message: 'client not found' });
    c.header('Cache-Control', 'no-store');
    if (q.format === 'json') return c.json(reportJson(report, q, deps.now()));
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="availability-${iso(q.from)!.slice(0, 10)}-${iso(q.to)!.slice(0, 10)}.csv"`);
    return c.body(reportCsv(report));
  });
  return app;
}
