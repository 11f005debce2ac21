/**
 * The last step of runtime.ts: the long-lived parts of the app (runtime/parts.ts) and the Hono
 * app (app.ts) over everything the earlier steps built. Entry points only add the listener.
 */
import type { Config } from '../config.ts';
import { createApp } from '../app.ts';
import { supervisorReport } from '../actors/inspection/supervisor-report.ts';
import { registerMachines } from '../actors/inspection/setup.ts';
import type { EventBus } from '../lib/bus.ts';
import type { Clock } from '../lib/clock.ts';
import type { IdAllocator } from '../db/ids.ts';
import { restoreCheck } from '../routes/health-ready.ts';
import { runtimeMetrics } from '../services/prometheus/wiring.ts';
import { appParts, type AppParts } from './parts.ts';
import type { Store } from './store.ts';
import type { Inspection, Observers } from './observe.ts';
import type { Restored, FleetSide } from './actors.ts';
import type { Broker } from './broker.ts';
import type { Services } from './services.ts';

export interface Mounted {
  app: ReturnType<typeof createApp>;
  parts: AppParts;
  /** Ends the live streams (open streams keep an HTTP server from closing) and the alert center. */
  close(): void;
}

export interface MountEnv {
  config: Readonly<Config>;
  clock: Clock;
  bus: EventBus;
  store: Store;
  ids: IdAllocator;
  inspection: Inspection;
  observers: Observers;
  restored: Restored;
  broker: Broker;
  fleet: FleetSide;
  services: Services;
}

export function mountApp(e: MountEnv): Mounted {
  const { store, broker, fleet, services, observers } = e;
  const { feed } = e.inspection;
  // Created with the app, as before: bus events of the start-up are not toasts or alerts of their own.
  const lasting = appParts({ db: store.db, bus: e.bus, persist: (...s) => store.writer.enqueue(...s), now: () => e.clock.now() }, { ids: e.ids });
  const app = createApp({
    config: e.config,
    db: store.db,
    writer: store.writer,
    fleet: fleet.fleet,
    screenshots: fleet.screenshots,
    bus: e.bus,
    brokerStatus: () => ({ connected: broker.connection.connected }),
    provisioning: broker.side.provisioning,
    brokerOverview: (q) => broker.side.overview(q),
    commandsCount: () => fleet.commands.liveCount,
    commands: fleet.commands,
    bulkRuns: fleet.bulkRuns,
    drops: () => observers.drops.snapshot(),
    storeStatus: () => store.writer.storeStatus(),
    metrics: observers.metrics,
    recentEvents: observers.recentEvents,
    scheduler: services.scheduler,
    inspector: feed ?? undefined,
    supervisorReport: () => supervisorReport(e.restored.supervisor, fleet.commands, fleet.bulkRuns),
    notifications: services.notifications,
    media: services.media.api,
    // GET /metrics (docs/operations.md)
    prometheus: runtimeMetrics({
      db: store.db,
      bus: e.bus,
      hub: lasting.parts.hub,
      writer: store.writer,
      supervisor: e.restored.supervisor,
      connection: broker.connection,
      stats: observers.stats,
      drops: observers.drops,
      commands: fleet.commands,
      scheduler: services.scheduler,
      notifications: services.notifications,
    }),
    readiness: [restoreCheck(() => e.restored.supervisor.story.getSnapshot().context.restoredAt)], // docs/operations.md "Health"
    now: () => e.clock.now(),
    ...lasting.parts,
  });
  if (feed) registerMachines(feed); // diagrams exist before the first actor of a machine
  return { app, parts: lasting.parts, close: lasting.close };
}
