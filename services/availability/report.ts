/**
 * The availability report (docs/availability.md): per screen and per group, availability over all
 * hours and over scheduled hours only, incidents, the longest outage and one value per bucket,
 * worst first. Pure: the route loads the inputs (db/connectivity.ts, groups, events, holidays).
 */
import { bucketsIn, sumPerBucket } from './buckets.ts';
import { groupZone, scheduledIntervals } from './scheduled.ts';
import { availabilityPct, clipSpans, connectivitySpans, totals, upIntervals, type Totals } from './spans.ts';
import type { ScheduleEvent } from '../../lib/schedule/types.ts';
import type { BucketUnit, History, Interval, ServerRun, Span } from './types.ts';

export interface ReportInput {
  from: number;
  to: number;
  now: number;
  unit: BucketUnit;
  /** true: availability, incidents, outage and buckets count scheduled hours only. */
  scheduledOnly: boolean;
  clients: ReadonlyArray<{ uuid: string; name: string; groupId: number | null }>;
  groups: ReadonlyArray<{ id: number; name: string; events: ScheduleEvent[] }>;
  holidays: ReadonlySet<string>;
  defaultZone: string; // SCHEDULE_TIMEZONE: buckets of unassigned screens and of groups without events
  runs: readonly ServerRun[];
  histories: ReadonlyMap<string, History>;
  /** Include each screen's spans (asked for one screen: the list would be long for a fleet). */
  withSpans?: boolean;
}

export interface Figures extends Totals {
  availabilityPct: number | null;
}

export interface Bucket extends Interval {
  availabilityPct: number | null;
  onlineMs: number;
  offlineMs: number;
  unknownMs: number;
}

export interface ClientAvailability extends Figures {
  uuid: string;
  name: string;
  groupId: number | null;
  allHours: Figures;
  scheduledHours: Figures & { scheduledMs: number };
  buckets: Bucket[];
  spans?: Span[];
}

export interface GroupAvailability extends Figures {
  id: number | null; // null: screens without a group
  name: string | null;
  timezone: string;
  clients: number;
  allHours: Figures;
  scheduledHours: Figures & { scheduledMs: number };
}

export interface Report {
  clients: ClientAvailability[];
  groups: GroupAvailability[];
}

interface GroupFrame {
  id: number | null;
  name: string | null;
  zone: string;
  scheduled: Interval[];
  scheduledMs: number;
  buckets: Interval[];
}

export function availabilityReport(input: ReportInput): Report {
  const { from, to } = input;
  const up = upIntervals(input.runs, from, to, input.now);
  const groups = new Map(input.groups.map((g) => [g.id, g]));
  const frames = new Map<number | null, GroupFrame>();
  const zoneBuckets = new Map<string, Interval[]>(); // most groups share a zone
  const bucketsOf = (zone: string) => zoneBuckets.get(zone) ?? zoneBuckets.set(zone, bucketsIn(from, to, input.unit, zone)).get(zone)!;
  const frameOf = (id: number | null): GroupFrame => {
    let f = frames.get(id);
    if (!f) {
      const g = id === null ? undefined : groups.get(id);
      const events = g?.events ?? [];
      const scheduled = scheduledIntervals(events, input.holidays, from, to);
      const zone = groupZone(events, input.defaultZone);
      const scheduledMs = scheduled.reduce((n, i) => n + i.end - i.start, 0);
      f = { id: g ? g.id : null, name: g?.name ?? null, zone, scheduled, scheduledMs, buckets: bucketsOf(zone) };
      frames.set(id, f);
    }
    return f;
  };
  const clients = input.clients.map((c) => {
    // A screen whose group is gone counts with the unassigned ones.
    const frame = frameOf(c.groupId !== null && groups.has(c.groupId) ? c.groupId : null);
    const h = input.histories.get(c.uuid) ?? { before: null, changes: [] };
    const spans = connectivitySpans(h.before, h.changes, up, from, to);
    return clientFigures(c, frame, spans, input);
  });
  return { clients: clients.sort(worstFirst), groups: groupFigures(clients, frames, input.scheduledOnly).sort(worstFirst) };
}

function clientFigures(c: ReportInput['clients'][number], frame: GroupFrame, spans: Span[], input: ReportInput): ClientAvailability {
  const all = figures(totals(spans, null));
  const sched = { ...figures(totals(spans, frame.scheduled)), scheduledMs: frame.scheduledMs };
  const chosen = input.scheduledOnly ? sched : all;
  const counted = input.scheduledOnly ? clipSpans(spans, frame.scheduled) : spans;
  const sums = sumPerBucket(counted, frame.buckets);
  const buckets: Bucket[] = new Array(sums.length);
  for (let i = 0; i < sums.length; i++) {
    const b = sums[i];
    buckets[i] = { start: frame.buckets[i].start, end: frame.buckets[i].end, availabilityPct: availabilityPct(b.onlineMs, b.offlineMs), onlineMs: b.onlineMs, offlineMs: b.offlineMs, unknownMs: b.unknownMs };
  }
  return {
    uuid: c.uuid,
    name: c.name,
    groupId: frame.id,
    availabilityPct: chosen.availabilityPct,
    onlineMs: chosen.onlineMs,
    offlineMs: chosen.offlineMs,
    unknownMs: chosen.unknownMs,
    incidents: chosen.incidents,
    longestOutageMs: chosen.longestOutageMs,
    allHours: all,
    scheduledHours: sched,
    buckets,
    ...(input.withSpans ? { spans } : {}),
  };
}

const figures = (t: Totals): Figures => ({ ...t, availabilityPct: availabilityPct(t.onlineMs, t.offlineMs) });

/** Group figures: time-weighted over its screens (summed online and offline time), worst outage. */
function groupFigures(clients: ClientAvailability[], frames: Map<number | null, GroupFrame>, scheduledOnly: boolean): GroupAvailability[] {
  const byGroup = new Map<number | null, ClientAvailability[]>();
  for (const c of clients) (byGroup.get(c.groupId) ?? byGroup.set(c.groupId, []).get(c.groupId)!).push(c);
  const out: GroupAvailability[] = [];
  for (const f of frames.values()) {
    const mine = byGroup.get(f.id) ?? [];
    const all = figures(sum(mine.map((c) => c.allHours)));
    const sched = { ...figures(sum(mine.map((c) => c.scheduledHours))), scheduledMs: f.scheduledMs };
    const chosen = scheduledOnly ? sched : all;
    out.push({
      id: f.id, name: f.name, timezone: f.zone, clients: mine.length,
      availabilityPct: chosen.availabilityPct, onlineMs: chosen.onlineMs, offlineMs: chosen.offlineMs, unknownMs: chosen.unknownMs,
      incidents: chosen.incidents, longestOutageMs: chosen.longestOutageMs, allHours: all, scheduledHours: sched,
    });
  }
  return out;
}

function sum(list: Totals[]): Totals {
  const t: Totals = { onlineMs: 0, offlineMs: 0, unknownMs: 0, incidents: 0, longestOutageMs: 0 };
  for (const x of list) {
    t.onlineMs += x.onlineMs;
    t.offlineMs += x.offlineMs;
    t.unknownMs += x.unknownMs;
    t.incidents += x.incidents;
    t.longestOutageMs = Math.max(t.longestOutageMs, x.longestOutageMs);
  }
  return t;
}

/** Lowest availability first, then the longest outage; no known time at all goes last. */
function worstFirst(a: Figures & { name: string | null }, b: Figures & { name: string | null }): number {
  const pa = a.availabilityPct ?? Infinity;
  const pb = b.availabilityPct ?? Infinity;
  return pa - pb || b.longestOutageMs - a.longestOutageMs || (a.name ?? '').localeCompare(b.name ?? '');
}
