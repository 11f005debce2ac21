/**
 * GET /metrics' registry (docs/operations.md "Metrics"): fleet-level series only, never one per
 * client. Every value is read at scrape time in `collect()` from what the runtime already keeps
 * (actors' records, drop and message counters, the writer's status, the hub's readers, scheduler
 * and delivery counters, two indexed counts in the database), so nothing is added to the ingest
 * path; command outcomes and durations are counted as commands settle (command-metrics.ts).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreStatus } from '../../db/writer.ts';
import { CLIENT_STATUSES, type MetricsSources } from './sources.ts';
import { commandMetrics } from './command-metrics.ts';

export interface FleetMetrics {
  contentType: string;
  /** The exposition text of one scrape. */
  text(): Promise<string>;
  /** Stops counting command settles (the bus subscription). */
  close(): void;
}

/** A counter whose value lives elsewhere: set from the source at every scrape. */
function mirroredCounter(reg: Registry, name: string, help: string, labelNames: string[], read: () => Iterable<[Record<string, string>, number]>) {
  return new Counter({
    name, help, labelNames, registers: [reg],
    collect() {
      this.reset();
      for (const [labels, n] of read()) this.inc(labels, n);
    },
  });
}

function gauge(reg: Registry, name: string, help: string, labelNames: string[], collect: (g: Gauge) => void | Promise<void>) {
  return new Gauge({ name, help, labelNames, registers: [reg], collect() { return collect(this); } });
}

function clientSeries(reg: Registry, src: MetricsSources): void {
  // One pass over the actors' records per scrape feeds all three gauges.
  let pass: { byStatus: Map<string, number>; byGroup: Map<string, Map<string, number>>; online: number } | null = null;
  const count = () => {
    const byStatus = new Map<string, number>(CLIENT_STATUSES.map((s) => [s, 0]));
    const byGroup = new Map<string, Map<string, number>>();
    let online = 0;
    for (const r of src.clients()) {
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      const g = r.groupId === null ? 'none' : String(r.groupId);
      let m = byGroup.get(g);
      if (!m) byGroup.set(g, (m = new Map(CLIENT_STATUSES.map((s) => [s, 0]))));
      m.set(r.status, (m.get(r.status) ?? 0) + 1);
      if (r.connectivity === 'online') online++;
    }
    return { byStatus, byGroup, online };
  };
  gauge(reg, 'infoscreen_clients', 'Screens by derived status.', ['status'], (g) => {
    pass = count(); // the first of the three in registration order: the others reuse this pass
    g.reset();
    for (const [status, n] of pass.byStatus) g.set({ status }, n);
  });
  gauge(reg, 'infoscreen_group_clients', 'Screens by group (id, "none" when unassigned) and status.', ['group', 'status'], (g) => {
    g.reset();
    for (const [group, m] of (pass ??= count()).byGroup) for (const [status, n] of m) g.set({ group, status }, n);
  });
  gauge(reg, 'infoscreen_clients_online', 'Screens whose MQTT connectivity is online.', [], (g) => {
    g.set((pass ?? count()).online);
    pass = null;
  });
}

function storeSeries(reg: Registry, store: () => StoreStatus): void {
  gauge(reg, 'infoscreen_store_writable', '1 while the database takes writes, 0 while the writer retries.', [], (g) => g.set(store().ok ? 1 : 0));
  gauge(reg, 'infoscreen_store_pending_statements', 'Statements queued in the writer.', [], (g) => g.set(store().pendingStatements));
  gauge(reg, 'infoscreen_store_pending_log_rows', 'Device log rows queued in the writer.', [], (g) => g.set(store().pendingLogRows));
  mirroredCounter(reg, 'infoscreen_store_dropped_log_rows_total', 'Device log rows dropped because the queue was full while the store failed.', [], () => [[{}, store().droppedLogRows]]);
}

function serverSeries(reg: Registry, src: MetricsSources): void {
  gauge(reg, 'infoscreen_broker_connected', '1 while the server is connected to the MQTT broker.', [], (g) => g.set(src.brokerConnected() ? 1 : 0));
  mirroredCounter(reg, 'infoscreen_mqtt_messages_received_total', 'MQTT messages handed to ingestion.', [], () => [[{}, src.messagesIn()]]);
  mirroredCounter(reg, 'infoscreen_mqtt_dropped_total', 'MQTT input dropped as invalid, by reason.', ['reason'], () =>
    Object.entries(src.drops()).map(([reason, n]) => [{ reason }, n] as [Record<string, string>, number]));
  gauge(reg, 'infoscreen_commands_in_flight', 'Remote commands not yet settled.', [], (g) => g.set(src.commandsInFlight()));
  gauge(reg, 'infoscreen_alerts_open', 'Unacknowledged alerts by severity.', ['severity'], async (g) => {
    for (const [severity, n] of Object.entries(await src.openAlerts())) g.set({ severity }, n);
  });
  gauge(reg, 'infoscreen_live_readers', 'Open live streams (dashboard pages and /api/stream).', [], (g) => g.set(src.liveReaders()));
}

function schedulerSeries(reg: Registry, scheduler: NonNullable<MetricsSources['scheduler']>): void {
  mirroredCounter(reg, 'infoscreen_scheduler_cycles_total', 'Scheduler poll cycles run.', [], () => [[{}, scheduler().cycles]]);
  mirroredCounter(reg, 'infoscreen_scheduler_cycle_seconds_total', 'Time spent in scheduler poll cycles (rate of this / rate of cycles = mean cycle).', [], () => [[{}, scheduler().totalCycleMs / 1000]]);
  gauge(reg, 'infoscreen_scheduler_last_cycle_seconds', 'Duration of the last scheduler poll cycle.', [], (g) => g.set(scheduler().lastCycleMs / 1000));
  gauge(reg, 'infoscreen_scheduler_max_cycle_seconds', 'Longest scheduler poll cycle since start.', [], (g) => g.set(scheduler().maxCycleMs / 1000));
}

function notificationSeries(reg: Registry, n: NonNullable<MetricsSources['notifications']>): void {
  mirroredCounter(reg, 'infoscreen_notifications_total', 'Notification delivery attempts by channel type and result (sent, retry, failed).', ['channel_type', 'result'], () =>
    Array.from(n.attempts(), ([key, count]) => {
      const [channel_type, result] = key.split('|');
      return [{ channel_type, result }, count] as [Record<string, string>, number];
    }));
  gauge(reg, 'infoscreen_notification_outbox', 'Notifications waiting in the outbox by status (pending, sending).', ['status'], async (g) => {
    for (const [status, count] of Object.entries(await n.waiting())) g.set({ status }, count);
  });
}

export function fleetMetrics(src: MetricsSources): FleetMetrics {
  const reg = new Registry();
  gauge(reg, 'infoscreen_build_info', 'Version of the server and the runtime it runs on (always 1).', ['version', 'runtime', 'runtime_version'], (g) =>
    g.set({ version: src.build.version, runtime: src.build.runtime, runtime_version: src.build.runtimeVersion }, 1));
  clientSeries(reg, src);
  serverSeries(reg, src);
  storeSeries(reg, src.store);
  if (src.scheduler) schedulerSeries(reg, src.scheduler);
  if (src.notifications) notificationSeries(reg, src.notifications);
  const stopCommands = src.bus ? commandMetrics(reg, src.bus, src.commandIssuedAt) : () => {};
  if (src.processMetrics !== false) {
    collectDefaultMetrics({ register: reg });
    // Gauges named like counters (promtool's lint refuses them); the per-type series stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) reg.removeSingleMetric(name);
  }
  return { contentType: reg.contentType, text: () => reg.metrics(), close: stopCommands };
}
