/**
 * The runtime: the composition (docs/architecture.md "Composition"). It calls the steps in order —
 * open the store, restore the actors, start the broker, wire commands/fleet/ingestion, start the
 * services, mount the app — each in its own module under runtime/, and owns what lives long. The
 * one real loop (the writer, the broker and the actors call each other) is wired in runtime/loop.ts.
 * Both entry points (scripts/start.node.ts, scripts/start.deno.ts) call `startRuntime` and only add
 * the HTTP listener.
 */
import type { Config } from './config.ts';
import type { Supervisor } from './actors/supervisor.ts';
import type { Fleet } from './actors/fleet.ts';
import type { CommandRegistry } from './actors/commands.ts';
import type { BulkRuns } from './actors/bulk-runs.ts';
import type { SchedulerService } from './actors/scheduler.ts';
import type { InspectionFeed } from './actors/inspection/feed.ts';
import type { Db } from './db/client.ts';
import type { BatchedWriter, WriterDb } from './db/writer.ts';
import { IdAllocator } from './db/ids.ts';
import type { BrokerSide } from './broker/setup.ts';
import type { BrokerConnection } from './broker/connection.ts';
import type { HandOff } from './broker/handoff.ts';
import type { DropCounter } from './broker/drops.ts';
import type { Holder } from './db/lease.ts';
import { EventBus } from './lib/bus.ts';
import type { ActivityMetrics } from './lib/metrics.ts';
import { realClock, type Clock } from './lib/clock.ts';
import { logger } from './lib/logger.ts';
import type { createApp } from './app.ts';
import { bootstrapSuperadmin } from './services/bootstrap.ts';
import type { NotificationService } from './services/notifications/service.ts';
import type { BackupSchedule } from './runtime/backup-schedule.ts';
import type { AppParts } from './runtime/parts.ts';
import { newLoop } from './runtime/loop.ts';
import { openStore, type Store } from './runtime/store.ts';
import { startInspection, startObservers } from './runtime/observe.ts';
import { restoreActors, wireFleet } from './runtime/actors.ts';
import { startBroker } from './runtime/broker.ts';
import { startServices } from './runtime/services.ts';
import { mountApp } from './runtime/app.ts';

const log = logger('runtime');

export interface RuntimeOptions {
  clock?: Clock;
  /** The actor inspector's feed; `false` runs without it (bench:ingest --inspector off). Default on. */
  inspector?: boolean;
  /** HIGH_AVAILABILITY: told while this server waits as a standby (docs/high-availability.md). */
  onStandby?: (holder: Holder) => void;
  /** The lease was lost and the runtime closed; default: exit with code 3 (tests pass their own). */
  onLeaseLost?: (reason: string) => void;
}

export interface Runtime {
  config: Readonly<Config>;
  app: ReturnType<typeof createApp>;
  db: Db;
  bus: EventBus;
  writer: BatchedWriter;
  /** The connection the writer's batches run on (a thread of its own for a file database); tests fault it. */
  writerDb: WriterDb;
  /** Embedded broker: device messages handed to ingestion in-process (stats for tests, benchmarks). */
  handOff: HandOff;
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
  /** Scheduled backups (BACKUP_DIR); null when not configured. */
  backups: BackupSchedule | null;
  /** What lives as long as the app (runtime/parts.ts): alert center, live hub, login guard, group names, id allocator. */
  parts: AppParts;
  close(): Promise<void>;
}

export async function startRuntime(config: Readonly<Config>, opts: RuntimeOptions = {}): Promise<Runtime> {
  const clock = opts.clock ?? realClock;
  const startedAt = clock.now();
  const bus = new EventBus();
  const loop = newLoop(); // the late-bound parts, each bound once by the step that builds it

  // With HIGH_AVAILABILITY this waits for the lease as a standby: nothing below (the singletons) runs before.
  const store = await openStore(config, clock, loop, startedAt, { onStandby: opts.onStandby, onLeaseLost: opts.onLeaseLost });
  try {
    return await startOnStore(config, opts, { clock, startedAt, bus, loop, store });
  } catch (err) {
    store.close(); // a start that failed half-way: the database connection and the write thread go
    throw err;
  }
}

async function startOnStore(
  config: Readonly<Config>,
  opts: RuntimeOptions,
  { clock, startedAt, bus, loop, store }: { clock: Clock; startedAt: number; bus: EventBus; loop: ReturnType<typeof newLoop>; store: Store },
): Promise<Runtime> {
  const ids = new IdAllocator(store.db); // the one allocator of this database (db/ids.ts)
  const initialAdmin = await bootstrapSuperadmin(store.db, store.writer, config, clock.now());
  const inspection = await startInspection(config, clock, opts.inspector !== false);
  const restored = await restoreActors({ config, clock, bus, store, inspection, loop });
  const observers = startObservers(clock, bus);
  const broker = await startBroker(config, clock, store, observers, loop);
  // Synchronously after the connection is made; a device message that came earlier waits in the hand-off (broker/handoff.ts).
  const fleet = wireFleet({ config, clock, bus, store, inspection, loop }, restored, { side: broker.side, observers });
  const services = await startServices({ config, clock, bus, store, ids, inspect: inspection.inspect, loop });
  const mounted = mountApp({ config, clock, bus, store, ids, inspection, observers, restored, broker, fleet, services });

  let closed: Promise<void> | null = null;
  // Order matters (graceful shutdown): stop ingesting, flush, then close broker and DB.
  const close = () =>
    (closed ??= (async () => {
      mounted.close(); // the dashboard's SSE streams end: open streams keep an HTTP server from closing
      inspection.stop(); // and the inspector's
      fleet.stopTimers();
      observers.stop();
      await services.stop();
      broker.handOff.close(); // device messages: no more ingestion (the embedded broker holds them unacknowledged)
      await broker.connection.close().catch((err) => log.warn('closing the broker connection failed', err));
      fleet.stop(); // actors stop first so no timer fires after the final flush; their state is already queued
      await store.stop(); // this run's end, the final flush, the lease
      await broker.side.close().catch((err) => log.warn('closing the embedded broker failed', err));
      store.close();
    })());
  loop.close.bind(close); // a lost lease closes the runtime (runtime/store.ts)

  return {
    config,
    app: mounted.app,
    db: store.db,
    writerDb: store.writerDb,
    bus,
    writer: store.writer,
    handOff: broker.handOff,
    supervisor: restored.supervisor,
    fleet: fleet.fleet,
    commands: fleet.commands,
    bulkRuns: fleet.bulkRuns,
    drops: observers.drops,
    broker: { url: broker.side.url, embeddedPort: broker.side.embedded?.port ?? null, connection: broker.connection },
    brokerSide: broker.side,
    initialAdmin,
    startedAt,
    restoreMs: restored.restoreMs,
    stats: observers.stats,
    metrics: observers.metrics,
    scheduler: services.scheduler,
    inspector: inspection.feed,
    notifications: services.notifications,
    backups: services.backups,
    parts: mounted.parts,
    close,
  };
}
