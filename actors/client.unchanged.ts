/**
 * Unchanged telemetry (docs/performance.md "Unchanged reports"): whether a client message would move
 * nothing in the client machine but its freshness (`lastAlive`, `now`, `lastFrameUpdate`) and the
 * grace deadline, decided from the live record and the region states. Such a report need not be
 * sent through the machine at once: the supervisor keeps the latest of each kind and hands them to
 * the actor, in arrival order, before anything else reaches it and before its grace timer (armed
 * from the last report it saw) could run out. Replaying them gives the actor exactly the context
 * the whole sequence would have (each one only overwrites the freshness fields), and its grace
 * timer is re-armed from the true last message. Pure.
 */
import type { ClientEvent, ClientRecord } from '../domain/client.types.ts';

export type Report = Extract<ClientEvent, { type: 'HEARTBEAT' | 'HEALTH' | 'LOG' }>;

type Regions = Record<'connectivity' | 'process' | 'service' | 'screen' | 'frozen' | 'recovery', string>;

/**
 * The report as the machine would apply it when it changes nothing (`lastFrameUpdate` made explicit,
 * so replaying only the latest reports yields the value the whole sequence left), or null when it
 * would change something (a region, a recorded field, the ERROR/WARN counts) and must go through
 * the machine now.
 *
 * Mirrors actors/client.machine.ts: only `connectivity.online` re-entered (no region's state moves:
 * process and screen as reported already, recovery idle and nothing crashed so the ladder cannot
 * start), and the context only changes in `seen` + unchanged process / MQTT fields
 * (actors/client.context.ts `processFields`, `healthFields`, `logCounts`).
 */
export function unchangedReport(r: ClientRecord, value: unknown, e: ClientEvent): Report | null {
  if (e.type !== 'HEARTBEAT' && e.type !== 'HEALTH' && e.type !== 'LOG') return null;
  const v = value as Regions;
  if (v.connectivity !== 'online' || v.recovery !== 'idle' || r.lastAlive === null) return null;
  if (e.type === 'LOG') return e.level === 'ERROR' || e.level === 'WARN' ? null : e;
  if (e.processStatus !== undefined && (e.processStatus !== v.process || e.processStatus === 'crashed')) return null;
  if (e.processName !== undefined && e.processName !== r.currentProcess) return null;
  if (e.pid !== undefined && e.pid !== r.processPid) return null;
  if (e.currentEventId !== undefined && e.currentEventId !== r.currentEventId) return null;
  if (e.type === 'HEARTBEAT') return e;
  if (e.screenStatus !== undefined && e.screenStatus !== v.screen) return null;
  if (e.reconnectCount !== undefined && e.reconnectCount !== r.mqttReconnectCount) return null;
  if (e.lastDisconnectAt !== undefined && e.lastDisconnectAt !== r.mqttLastDisconnectAt) return null;
  return e.lastFrameUpdate !== undefined ? e : { ...e, lastFrameUpdate: r.lastFrameUpdate };
}

/** The record after an unchanged report: freshness only (what `freshnessOnly` answers for it). */
export function refreshed(r: ClientRecord, e: Report): ClientRecord {
  return { ...r, lastAlive: e.at, lastFrameUpdate: e.type === 'HEALTH' ? e.lastFrameUpdate! : r.lastFrameUpdate };
}

/**
 * Held reports of one client: the latest of each kind, in arrival order (a later one of the same
 * kind replaces the earlier, which then says nothing the later one does not).
 */
export function hold(held: Report[] | null, e: Report): Report[] {
  if (held === null) return [e];
  const i = held.findIndex((x) => x.type === e.type);
  if (i !== -1) held.splice(i, 1);
  held.push(e);
  return held;
}
