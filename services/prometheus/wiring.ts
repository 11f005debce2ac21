/**
 * The runtime's parts as GET /metrics' sources (runtime.ts passes them in one line): which counter,
 * status and list each series reads. Kept here so the composition stays one line.
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import type { Db } from '../../db/client.ts';
import { openAlertsBySeverity, outboxWaiting } from '../../db/metrics.ts';
import type { BatchedWriter } from '../../db/writer.ts';
import type { EventBus } from '../../lib/bus.ts';
import type { ClientRecord } from '../../domain/client.types.ts';
import type { CommandRecord } from '../../domain/command.types.ts';
import { fleetMetrics, type FleetMetrics } from './fleet-metrics.ts';
import type { MetricsSources } from './sources.ts';

export interface RuntimeParts {
  db: Db;
  bus: EventBus;
  /** The app's live hub (runtime/parts.ts): its open connections. */
  hub: { connections: number };
  writer: Pick<BatchedWriter, 'storeStatus'>;
  supervisor: { list(): ClientRecord[] };
  connection: { connected: boolean };
  stats: { messagesIn: number };
  /** MQTT input dropped as invalid (broker/drops.ts DropCounter), counts by reason. */
  drops: { snapshot(): { byReason: Record<string, number> } };
  commands: { liveCount: number; get(id: string): CommandRecord | undefined };
  scheduler?: { counters: { cycles: number; totalCycleMs: number; lastCycleMs: number; maxCycleMs: number } };
  notifications?: { delivery: { attempts: Map<string, number> } };
}

let version: string | undefined;
/** package.json's version, read once (a file next to the code, on every runtime). */
function serverVersion(): string {
  try {
    version ??= String(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  } catch {
    version = 'unknown';
  }
  return version;
}

/** Deno reports itself in `process.versions.deno`; otherwise this is Node. */
function runtimeInfo(): { runtime: string; runtimeVersion: string } {
  const v = process.versions as Record<string, string | undefined>;
  return v.deno ? { runtime: 'deno', runtimeVersion: v.deno } : { runtime: 'node', runtimeVersion: v.node ?? 'unknown' };
}

export function sourcesOf(p: RuntimeParts): MetricsSources {
  return {
    build: { version: serverVersion(), ...runtimeInfo() },
    clients: () => p.supervisor.list(),
    brokerConnected: () => p.connection.connected,
    messagesIn: () => p.stats.messagesIn,
    drops: () => p.drops.snapshot().byReason,
    commandsInFlight: () => p.commands.liveCount,
    store: () => p.writer.storeStatus(),
    liveReaders: () => p.hub.connections,
    openAlerts: () => openAlertsBySeverity(p.db),
    scheduler: p.scheduler ? () => p.scheduler!.counters : undefined,
    notifications: p.notifications ? { attempts: () => p.notifications!.delivery.attempts, waiting: () => outboxWaiting(p.db) } : undefined,
    bus: p.bus,
    commandIssuedAt: (id) => p.commands.get(id)?.issuedAt,
  };
}

/** GET /metrics' registry over the runtime's parts. */
export function runtimeMetrics(p: RuntimeParts): FleetMetrics {
  return fleetMetrics(sourcesOf(p));
}
