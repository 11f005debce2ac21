/**
 * What GET /metrics reads (docs/operations.md "Metrics"), as plain functions: the runtime passes
 * its parts through wiring.ts, tests and the benchmark pass their own. Every function is called at
 * scrape time only.
 */
import type { StoreStatus } from '../../db/writer.ts';
import type { EventBus } from '../../lib/bus.ts';

export const CLIENT_STATUSES = ['healthy', 'warning', 'critical', 'offline'] as const;

export interface MetricsSources {
  build: { version: string; runtime: string; runtimeVersion: string };
  /** Every client's record (the actors' own objects: nothing is copied). */
  clients(): Iterable<{ status: string; groupId: number | null; connectivity: string }>;
  brokerConnected(): boolean;
  /** MQTT messages handed to ingestion since start. */
  messagesIn(): number;
  /** Dropped MQTT input since start, by reason. */
  drops(): Record<string, number>;
  commandsInFlight(): number;
  store(): StoreStatus;
  liveReaders(): number;
  openAlerts(): Promise<Record<string, number>>;
  scheduler?(): { cycles: number; totalCycleMs: number; lastCycleMs: number; maxCycleMs: number };
  notifications?: {
    /** Delivery attempts by `channelType|result`. */
    attempts(): Iterable<[string, number]>;
    waiting(): Promise<Record<string, number>>;
  };
  /** Command transitions arrive here: outcomes and durations are counted as commands settle. */
  bus?: EventBus;
  /** A live command's issue time (for the duration of one that settles now). */
  commandIssuedAt?(commandId: string): number | undefined;
  /** Process metrics (CPU, memory, event loop, GC; prom-client's defaults). Default on. */
  processMetrics?: boolean;
}
