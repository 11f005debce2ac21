/**
 * What watches the running server (steps of runtime.ts): the actor inspector's feed, started before
 * the first actor (docs/inspector.md; INSPECT=stately also forwards), and after the restore the MQTT
 * drop counts, activity per minute and the recent events of /api/status.
 */
import type { Config } from '../config.ts';
import type { EventBus } from '../lib/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { ActivityMetrics, attachBus, startMetricsTicker } from '../lib/metrics.ts';
import { RecentEvents } from '../lib/recent-events.ts';
import { DropCounter } from '../broker/drops.ts';
import { InspectionFeed } from '../actors/inspection/feed.ts';
import { startStately } from '../actors/inspection/setup.ts';

export interface Inspection {
  /** Null when started with `inspector: false` (bench:ingest --inspector off). */
  feed: InspectionFeed | null;
  /** Every root actor gets it (undefined when the feed is off). */
  inspect: InspectionFeed['inspect'] | undefined;
  stop(): void;
}

export async function startInspection(config: Readonly<Config>, clock: Clock, on: boolean): Promise<Inspection> {
  const feed = on ? new InspectionFeed({ now: () => clock.now() }) : null;
  const stately = feed ? await startStately(config.INSPECT, feed) : null;
  return {
    feed,
    inspect: feed?.inspect,
    stop() {
      feed?.close(); // ends the inspector's streams
      stately?.stop();
    },
  };
}

export interface Observers {
  drops: DropCounter;
  /** MQTT messages handed to ingestion since start. */
  stats: { messagesIn: number };
  metrics: ActivityMetrics;
  recentEvents: RecentEvents;
  stop(): void;
}

export function startObservers(clock: Clock, bus: EventBus): Observers {
  const drops = new DropCounter();
  const metrics = new ActivityMetrics({ now: () => clock.now() });
  metrics.track('errors', () => drops.snapshot().total); // MQTT input dropped as invalid
  const detachMetrics = attachBus(metrics, bus);
  const recentEvents = new RecentEvents(bus); // /api/status's recentEvents
  const stopMetricsTicker = startMetricsTicker(metrics, bus, 10_000, () => clock.now());
  return {
    drops,
    stats: { messagesIn: 0 },
    metrics,
    recentEvents,
    stop() {
      stopMetricsTicker();
      detachMetrics();
      recentEvents.close();
    },
  };
}
