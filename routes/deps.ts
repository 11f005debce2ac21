/**
 * What the HTTP layer receives from the runtime (app.ts `createApp`). Sub-apps take the parts
 * they need; `now` and the long-lived parts (runtime/parts.ts: alert center, live hub, login guard,
 * group names, id allocator) are always filled in by createApp, from the runtime's when given.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';
import type { StoreStatus } from '../db/writer.ts';
import type { FleetApi } from '../domain/fleet.types.ts';
import type { ScreenshotSource } from './screenshots.ts';
import type { EventBus } from '../lib/bus.ts';
import type { CommandsApi } from './commands.ts';
import type { BulkRunsApi } from './bulk-runs.ts';
import type { Provisioning } from '../broker/provisioning.ts';
import type { BrokerOverview, OverviewQuery } from '../broker/overview.ts';
import type { ActiveEvent, ScheduleChange } from '../actors/scheduler.ts';
import type { ActivityMetrics } from '../lib/metrics.ts';
import type { RecentEvents } from '../lib/recent-events.ts';
import type { InspectionFeed } from '../actors/inspection/feed.ts';
import type { SupervisorReport } from '../actors/inspection/supervisor-report.ts';
import type { NotificationService } from '../services/notifications/service.ts';
import type { MediaApi } from './eventmedia.ts';
import type { ReadinessCheck } from './health-ready.ts';
import type { PrometheusSource } from './prometheus.ts';
import type { AppParts } from '../runtime/parts.ts';

export type { Writes };

export interface AppDeps extends Partial<AppParts> {
  config: Readonly<Config>;
  db: Db;
  /** The one writer (db/writer.ts BatchedWriter): a request awaits `write(…)` (docs/architecture.md "One writer"). */
  writer: Writes;
  fleet: FleetApi;
  screenshots: ScreenshotSource;
  brokerStatus: () => { connected: boolean };
  /** Live command actors, for /health (0 when the command layer is not wired). */
  commandsCount?: () => number;
  /** The writer's view of the store (BatchedWriter.storeStatus): /health, and 503 for writes while it fails. */
  storeStatus?: () => StoreStatus;
  /** MQTT input dropped as invalid, shown under `broker.drops` in /health when given. */
  drops?: () => unknown;
  /** Device MQTT accounts: `POST/DELETE /api/clients/{uuid}/credentials` need it. */
  provisioning?: Pick<Provisioning, 'provision' | 'revoke' | 'status'>;
  /** The operator view of the broker: `GET /api/broker` needs it. */
  brokerOverview?: (q: OverviewQuery) => Promise<BrokerOverview>;
  /** The command registry (actors/commands.ts): the command routes are mounted only when given. */
  commands?: CommandsApi;
  /** Bulk runs (actors/bulk-runs.ts): `POST /api/groups/{id}/restart`, `GET /api/bulk-runs/{id}` need it. */
  bulkRuns?: BulkRunsApi;
  /** Messages/commands/errors per minute (lib/metrics.ts): `/api/metrics` and the activity chart need it. */
  metrics?: ActivityMetrics;
  /** The scheduler (actors/scheduler.ts): every schedule edit republishes the affected groups at once. */
  scheduler?: {
    changed(change: ScheduleChange): Promise<void>;
    /** The event a group shows now (the overview's group cards); absent in tests without a scheduler. */
    activeEvent?(groupId: number, now: number): ActiveEvent | null;
    /** An event's title by id (the client page); absent in tests without a scheduler. */
    eventTitle?(eventId: number): string | null;
  };
  /** The fleet's recent events (lib/recent-events.ts): `recentEvents` of `/api/status`. */
  recentEvents?: Pick<RecentEvents, 'list'>;
  /** The actor inspector's feed (actors/inspection/feed.ts): `/inspector*` and `/api/inspector/*` need it. */
  inspector?: InspectionFeed;
  /** What the supervisor knows now (clients by state, commands in flight, restore, failures, outage): its inspector entry. */
  supervisorReport?: () => SupervisorReport;
  /** Notifications (services/notifications): `/api/notifications/*` and `/settings/notifications` need it. */
  notifications?: NotificationService;
  /** The media library and conversions (services/media, services/conversion): `/api/eventmedia*`, `/api/conversions*`, `/media`. */
  media?: MediaApi;
  /** Named checks of `/health/ready` beyond database and broker (routes/health-ready.ts: `restore`, later `standby`). */
  readiness?: ReadinessCheck[];
  /** GET /metrics' registry (services/prometheus): the route is mounted only when given. */
  prometheus?: PrometheusSource;
  /** For the live stream (mounted by the dashboard/SSE layer, not used by these routes). */
  bus?: EventBus;
  now?: () => number;
}

/** AppDeps with the clock and the long-lived parts filled in (createApp); every route receives this. */
export type RouteDeps = AppDeps & AppParts & { now: () => number };
