/**
 * The runtime: composes database, writer, supervisor, fleet, broker connection (and the embedded
 * broker when no external one is configured), retention and the Hono app. Both entry points
 * (scripts/start.node.ts, scripts/start.deno.ts) call `startRuntime` and only add the HTTP listener.
 */
import { join } from 'node:path';
import type { Config } from './config.ts';
import { Supervisor } from './actors/supervisor.ts';
import { supervisorReport } from './actors/inspection/supervisor-report.ts';
import { Fleet } from './actors/fleet.ts';
import { CommandRegistry } from './actors/commands.ts';
import { DEFAULT_TIMERS } from './domain/command.types.ts';
import { REBOOT_LOCKOUT } from './domain/policies.ts';
import { BulkRuns } from './actors/bulk-runs.ts';
import { SchedulerService } from './actors/scheduler.ts';
import { RecoveryRequests } from './actors/recovery-requests.ts';
import { InspectionFeed } from './actors/inspection/feed.ts';
import { registerMachines, startStately } from './actors/inspection/setup.ts';
import { loadUnsettledCommands, recentRebootKinds, upsertCommandStatement } from './db/commands.ts';
import { openDatabase, type Db } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { BatchedWriter } from './db/writer.ts';
import { deletePowerIntentStatement, listPowerIntents, savePowerIntentStatement } from './db/power-intents.ts';
import { loadClients, upsertClientStatement } from './db/clients.ts';
import { recentLogLevels } from './db/logs.ts';
import { connectivityChangeStatement, serverAliveStatement, serverRunEndStatement, serverRunStartStatement, startBaselineStatement } from './db/connectivity.ts';
import { ScreenshotStore } from './db/screenshots.ts';
import { startBrokerSide, type BrokerSide } from './broker/setup.ts';
import { connectBroker, type BrokerConnection } from './broker/connection.ts';
import { createIngest } from './broker/ingest.ts';
import { DurableAcks } from './broker/durable-acks.ts';
import { DropCounter } from './broker/drops.ts';
import { topics } from './broker/topics.ts';
import { bootstrapSuperadmin } from './services/bootstrap.ts';
import { Retention } from './services/retention.ts';
import { EventBus } from './lib/bus.ts';
import { ActivityMetrics, attachBus, startMetricsTicker } from './lib/metrics.ts';
import { RecentEvents } from './lib/recent-events.ts';
import { appParts, type AppParts } from './runtime/parts.ts';
import { IdAllocator } from './db/ids.ts';
import { realClock, type Clock } from './lib/clock.ts';
import { logger } from './lib/logger.ts';
import { createApp } from './app.ts';
import { holdLease, type HeldLease } from './runtime/lease.ts';
import { freezeOpenDefaults } from './services/schedule/event-defaults.ts';
import { startNotifications, type NotificationService } from './services/notifications/service.ts';
import { clientView } from './services/notifications/client-view.ts';
import { periodService } from './services/periods/service.ts';
import { setupMedia } from './services/media/setup.ts';

const log = logger('runtime');

const TICK_MS = 15_000; // re-evaluate time-based status rules
const HOUR = 3_600_000;
/** Longest a device's QoS 1 PUBACK waits for its row to be stored (docs/reliability.md). */
const DURABLE_ACK_TIMEOUT_MS = 5_000;

export interface RuntimeOptions {
  clock?: Clock;
  /** The actor inspector's feed; `false` runs without it (bench:ingest --inspector off). Default on. */
  inspector?: boolean;
}

export interface Runtime {
  config: Readonly<Config>;
  app: ReturnType<typeof createApp>;
  db: Db;
  bus: EventBus;
  writer: BatchedWriter;
  /** Embedded broker: QoS 1 acknowledgements held until the row is stored (stats for tests, benchmarks). */
  durableAcks: DurableAcks;
  supervisor: Supervisor;
  fleet: Fleet;
  commands: CommandRegistry;
  bulkRuns: BulkRuns;
  drops: DropCounter;
  broker: { url: string; embeddedPort: number | null; connection: BrokerConnection };
  /** Broker security: server account, embedded enforcement, provisioning, Mosquitto files. */
  brokerSide: BrokerSide;
  /** Set when this start created the first superadmin with a generated password: print it once. */
  initialAdmin: { username: string; password: string } | null;
  startedAt: number;
  restoreMs: number;
  /** MQTT messages handed to ingestion since start. */
  stats: { messagesIn: number };
  /** The scheduler: retained event lists and power intents per group. */
  scheduler: SchedulerService;
  /** Messages, commands and errors per minute over the last hour (dashboard chart, /api/metrics). */
  metrics: ActivityMetrics;
  /** The actor inspector's feed (docs/inspector.md); null when started with `inspector: false`. */
  inspector: InspectionFeed | null;
  /** Notifications (docs/notifications.md): channels, rules, outbox delivery. */
  notifications: NotificationService;
  /** What lives as long as the app (runtime/parts.ts): alert center, live hub, login guard, group names, id allocator. */
  parts: AppParts;
  close(): Promise<void>;
}

export async function startRuntime(config: Readonly<Config>, opts: RuntimeOptions = {}): Promise<Runtime> {
  const clock = opts.clock ?? realClock;
  const startedAt = clock.now();

  const db = await openDatabase(config.DATABASE_URL!, config.DATABASE_AUTH_TOKEN);
  const applied = await migrate(db);
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
  // One server per database: a second one would keep actors of its own and split the fleet.
  let lease: HeldLease;
  // This run's up-time for the availability report (docs/availability.md): "alive until" moves on
  // with every lease renewal, so time the server was down reads as unknown, not offline.
  const runId = crypto.randomUUID();
  try {
    lease = await holdLease(db, (s) => writer.enqueue(s, serverAliveStatement(runId, clock.now())));
  } catch (err) {
    db.close();
    throw err;
  }

  const bus = new EventBus();
  let supervisor: Supervisor | null = null;
  const writer = new BatchedWriter(db, {
    flushMs: config.WRITE_FLUSH_MS,
    freshnessMs: config.FRESHNESS_WRITE_SECONDS * 1000,
    now: () => clock.now(),
    clientUpsert: (uuid) => {
      const record = supervisor?.get(uuid);
      return record ? upsertClientStatement(record, clock.now()) : null;
    },
  });
  // Before the restore: every client's persisted state as a baseline, then the changes restoring makes.
  writer.enqueue(serverRunStartStatement(runId, startedAt), startBaselineStatement(startedAt));
  const initialAdmin = await bootstrapSuperadmin(db, writer, config, clock.now());
  const ids = new IdAllocator(db); // the one allocator of this database (db/ids.ts)

  // Actor inspector: every root actor gets the feed's `inspect`; INSPECT=stately also forwards.
  const inspector = opts.inspector === false ? null : new InspectionFeed({ now: () => clock.now() });
  const stately = inspector ? await startStately(config.INSPECT, inspector) : null;
  const inspect = inspector?.inspect;

  const lockoutMs = config.CRASH_RECOVERY_LOCKOUT_MINUTES * 60_000;
  // Crash recovery (docs/commands.md): the client actors' ladder issues through the registry (below).
  const recoveryRequests = new RecoveryRequests(config.CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS);
  supervisor = new Supervisor({
    clock,
    bus,
    graceMs: config.heartbeatGraceSeconds * 1000,
    persist: (uuid, urgent) => writer.markClient(uuid, urgent),
    connectivityChanged: (uuid, state, at) => writer.enqueue(connectivityChangeStatement(uuid, state, at)),
    inspect,
    recovery: {
      policy: {
        enabled: config.CRASH_RECOVERY_ENABLED,
        graceMs: config.CRASH_RECOVERY_GRACE_SECONDS * 1000,
        lockoutMs,
        expiryMs: config.CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS * 1000,
      },
      request: recoveryRequests.request,
      cancel: recoveryRequests.cancel,
    },
  });
  const restoreStarted = performance.now();
  const [records, recent, rebootKinds] = await Promise.all([
    loadClients(db),
    recentLogLevels(db, clock.now() - HOUR),
    recentRebootKinds(db, clock.now() - lockoutMs),
  ]);
  supervisor.restore(records, recent, rebootKinds);
  const restoreMs = performance.now() - restoreStarted;
  log.info(`restored ${records.length} client actors in ${restoreMs.toFixed(0)} ms`);
  const unsettled = await loadUnsettledCommands(db);
  writer.start();

  const screenshots = new ScreenshotStore(join(config.DATA_DIR!, 'screenshots'), {
    history: config.SCREENSHOT_HISTORY,
    priorityTtlMs: config.PRIORITY_SCREENSHOT_TTL_SECONDS * 1000,
    now: () => clock.now(),
  });

  const drops = new DropCounter();
  const stats = { messagesIn: 0 };
  const metrics = new ActivityMetrics({ now: () => clock.now() });
  metrics.track('errors', () => drops.snapshot().total); // MQTT input dropped as invalid
  const detachMetrics = attachBus(metrics, bus);
  const recentEvents = new RecentEvents(bus); // /api/status's recentEvents
  const stopMetricsTicker = startMetricsTicker(metrics, bus, 10_000, () => clock.now());

  let fleet: Fleet | null = null;
  let connection: BrokerConnection | null = null;
  let ingest: ReturnType<typeof createIngest> | null = null;
  const ingestOne = (topic: string, payload: Uint8Array): boolean => {
    stats.messagesIn++;
    metrics.message(topic);
    ingest?.handle(topic, payload);
    return ingest !== null;
  };
  // Embedded broker: a device's QoS 1 log or command ack is PUBACKed only once its row is stored.
  const durableAcks = new DurableAcks({ ingest: ingestOne, durable: (ms) => writer.durable(ms), timeoutMs: DURABLE_ACK_TIMEOUT_MS });
  const brokerSide = await startBrokerSide({
    durableAcks,
    config,
    db,
    writer,
    drops,
    now: () => clock.now(),
    groupOf: (uuid) => supervisor!.get(uuid)?.groupId ?? null,
    ensureClient: (uuid) => void fleet!.ensureClient(uuid),
    serverConnected: () => connection?.connected ?? false,
  });
  const embedded = brokerSide.embedded;
  const url = brokerSide.url;

  let commands: CommandRegistry | null = null;
  let scheduler: SchedulerService | null = null;
  connection = connectBroker({
    url,
    username: brokerSide.account?.username ?? config.MQTT_USER,
    password: brokerSide.account?.password ?? config.MQTT_PASSWORD,
    clientId: config.MQTT_CLIENT_ID ?? `infoscreen-server-${crypto.randomUUID().slice(0, 8)}`,
    // A persistent session keeps QoS 1 telemetry sent while we were away, but only a stable client
    // id can resume it; with a random id every restart would leave an orphan session behind.
    clean: config.MQTT_CLIENT_ID === undefined,
    keepalive: config.MQTT_KEEPALIVE,
    protocolVersion: embedded ? 4 : (config.MQTT_PROTOCOL_VERSION as 4 | 5),
    tls: config.MQTT_TLS_ENABLED
      ? { ca: config.MQTT_TLS_CA_CERT, cert: config.MQTT_TLS_CERTFILE, key: config.MQTT_TLS_KEYFILE, rejectUnauthorized: !config.MQTT_TLS_INSECURE }
      : undefined,
    onMessage: (topic, payload, qos) => {
      if (durableAcks.alreadyIngested(topic, payload, qos)) return; // ingested before its PUBACK
      ingestOne(topic, payload);
    },
    onStatus: (status) => {
      if (status !== 'connected') return;
      void fleet?.republishRetained();
      commands?.brokerConnected();
      scheduler?.brokerConnected(); // docs/scheduler.md: event lists and power intents again after every (re)connect
    },
  });

  commands = new CommandRegistry({
    clock,
    bus,
    publisher: connection,
    topics,
    persist: (record) => writer.enqueue(upsertCommandStatement(record)),
    lockout: { max: REBOOT_LOCKOUT.max, windowMs: lockoutMs },
    expirySeconds: config.COMMAND_EXPIRY_SECONDS,
    timers: { ...DEFAULT_TIMERS, ...config.COMMAND_TIMERS },
    inspect,
    // Every transition reaches the client's actor: its crash-recovery ladder moves on them.
    onTransition: (record, from) => supervisor!.commandChanged(record, from),
  });
  commands.restore(unsettled, rebootKinds);
  recoveryRequests.attach(commands);
  if (unsettled.length) log.info(`restored ${unsettled.length} unsettled commands`);
  const bulkRuns = new BulkRuns({ commands, bus, now: () => clock.now(), inspect, persist: (s) => writer.enqueue(s) });

  fleet = new Fleet({
    supervisor,
    commands,
    writer,
    publisher: connection,
    screenshots,
    topics: { groupId: topics.groupId, serviceFailed: topics.serviceFailed },
    graceSeconds: config.heartbeatGraceSeconds,
    now: () => clock.now(),
    onClientDeleted: async (uuid) => void (await brokerSide.provisioning.forget(uuid)),
    onGroupsChanged: (uuids) => brokerSide.onGroupsChanged(uuids),
  });
  ingest = createIngest({ port: fleet, publisher: connection, drops, maxPayloadBytes: config.MQTT_MAX_PAYLOAD_BYTES, now: () => clock.now() });
  // Scheduling: groups' retained event lists, TV power intents, expected events. Started
  // after ingestion is wired: the load awaits the database, and no message may arrive unhandled.
  // Defaults are starting values: events from before that rule keep the defaults of today.
  await writer.write(...(await freezeOpenDefaults(db)));
  // docs/periods.md "Start-up": with no active academic period, the one covering today becomes active.
  const periods = await periodService({ db, writer, ids, now: () => clock.now(), config }).activateForToday();
  if (periods.outcome === 'activated') log.info(`academic period "${periods.period!.name}" activated: it covers today (${periods.today})`);
  else if (periods.outcome === 'none_covers') log.warn(`no academic period is active and none covers today (${periods.today}): activate one on /periods`);
  // Media library (docs/media.md): its directory signs the URLs of library items in event lists.
  const media = await setupMedia({ config, db, writer, now: () => clock.now(), republish: (groups) => scheduler?.changed({ groups }) ?? Promise.resolve() });
  scheduler = new SchedulerService({
    clock,
    db,
    publisher: connection,
    pollSeconds: config.POLL_INTERVAL_SECONDS,
    refreshSeconds: config.REFRESH_SECONDS,
    windowDays: config.EVENTS_WINDOW_DAYS,
    powerIntent: {
      enabled: config.POWER_INTENT_PUBLISH_ENABLED,
      heartbeat: config.POWER_INTENT_HEARTBEAT_ENABLED,
      expiryMultiplier: config.POWER_INTENT_EXPIRY_MULTIPLIER,
      minExpirySeconds: config.POWER_INTENT_MIN_EXPIRY_SECONDS,
    },
    expected: fleet,
    inspect,
    media: media.directory,
    intents: {
      load: () => listPowerIntents(db),
      save: (groupId, state) => writer.enqueue(state ? savePowerIntentStatement(groupId, state, clock.now()) : deletePowerIntentStatement(groupId)),
    },
  });
  await scheduler.start();
  await media.start(); // conversions left pending or interrupted run now

  // Notifications: one subscription to the bus; delivery runs from the outbox, never on the ingest path.
  const notifications = await startNotifications({
    db,
    ids,
    writer,
    clock,
    bus,
    externalURL: config.PUBLIC_URL ?? '',
    smtp: { url: config.SMTP_URL, from: config.SMTP_FROM },
    schedule: (groupId, at) => scheduler!.scheduleState(groupId, at),
    client: (uuid) => clientView(supervisor!.get(uuid)),
    clients: () => supervisor!.list().map((r) => [r.uuid, clientView(r)!] as [string, NonNullable<ReturnType<typeof clientView>>]),
  });

  const retention = new Retention({ db, writer, retentionDays: config.LOG_RETENTION_DAYS, now: () => clock.now() });
  retention.start();
  const tick = setInterval(() => supervisor!.tick(), TICK_MS);
  (tick as { unref?: () => void }).unref?.();
  // docs/commands.md "Expiry sweep": every poll interval, independently of the per-actor timers.
  const sweep = setInterval(() => commands!.sweep(), config.POLL_INTERVAL_SECONDS * 1000);
  (sweep as { unref?: () => void }).unref?.();

  // What lives as long as the app: alert center, live hub, login guard, group names (and the ids above).
  const lasting = appParts({ db, bus, persist: (...s) => writer.enqueue(...s), now: () => clock.now() }, { ids });
  const app = createApp({
    config,
    db,
    writer,
    fleet,
    screenshots,
    bus,
    brokerStatus: () => ({ connected: connection.connected }),
    provisioning: brokerSide.provisioning,
    brokerOverview: (q) => brokerSide.overview(q),
    commandsCount: () => commands!.liveCount,
    commands,
    bulkRuns,
    drops: () => drops.snapshot(),
    storeStatus: () => writer.storeStatus(),
    metrics,
    recentEvents,
    scheduler,
    inspector: inspector ?? undefined,
    supervisorReport: () => supervisorReport(supervisor!, commands!, bulkRuns),
    notifications,
    media: media.api,
    now: () => clock.now(),
    ...lasting.parts,
  });
  if (inspector) registerMachines(inspector); // diagrams exist before the first actor of a machine

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      // Order matters (issue: graceful shutdown): stop ingesting, flush, then close broker and DB.
      lasting.close(); // end the dashboard's SSE streams (open streams keep an HTTP server from closing) and the alert center
      inspector?.close(); // and the inspector's
      stately?.stop();
      clearInterval(tick);
      clearInterval(sweep);
      stopMetricsTicker();
      detachMetrics();
      recentEvents.close();
      await retention.stop();
      await notifications.stop();
      media.stop();
      scheduler!.stop();
      await connection.close().catch((err) => log.warn('closing the broker connection failed', err));
      // Actors stop first so no timer fires after the final flush; their state is already queued.
      supervisor!.stop();
      bulkRuns.stop();
      commands!.stop();
      writer.enqueue(serverRunEndStatement(runId, clock.now()));
      await writer.stop();
      await lease.stop();
      await brokerSide.close().catch((err) => log.warn('closing the embedded broker failed', err));
      db.close();
    })());

  return {
    config,
    app,
    db,
    bus,
    writer,
    durableAcks,
    supervisor,
    fleet,
    commands,
    bulkRuns,
    drops,
    broker: { url, embeddedPort: embedded?.port ?? null, connection },
    brokerSide,
    initialAdmin,
    startedAt,
    restoreMs,
    stats,
    metrics,
    scheduler,
    inspector,
    notifications,
    parts: lasting.parts,
    close,
  };
}
