/**
 * What the HTTP layer receives from the runtime (app.ts `createApp`). Sub-apps take the parts
 * they need; `now` is always filled in by createApp so handlers never read the clock themselves.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';
import type { FleetApi } from '../actors/fleet.types.ts';
import type { ScreenshotSource } from './screenshots.ts';
import type { EventBus } from '../lib/bus.ts';

export type { Writes };

export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  /** The one writer (db/writer.ts BatchedWriter): every write is `enqueue` + `drain` (decision 3). */
  writer: Writes;
  fleet: FleetApi;
  screenshots: ScreenshotSource;
  brokerStatus: () => { connected: boolean };
  /** Live command actors, for /health (0 when the command layer is not wired). */
  commandsCount?: () => number;
  /** MQTT input dropped as invalid, shown under `broker.drops` in /health when given. */
  drops?: () => unknown;
  /** For the live stream (mounted by the dashboard/SSE layer, not used by these routes). */
  bus?: EventBus;
  now?: () => number;
}

export type RouteDeps = AppDeps & { now: () => number };
