/**
 * Snapshot → record: the live model of a client as the rest of the system sees it (and as the
 * database stores it). Region states come from the snapshot value, the rest from context.
 */
import type { SnapshotFrom } from 'xstate';
import type { clientMachine } from './client.machine.ts';
import type { ClientRecord } from './client.types.ts';
import { deriveStatus } from './client.status.ts';

export type ClientSnapshot = SnapshotFrom<typeof clientMachine>;

export function toRecord(snap: ClientSnapshot, now: number): ClientRecord {
  const v = snap.value as Record<string, string>;
  const { now: _now, graceMs: _g, expectedKnown, expectedChanging: _c, recentErrors, recentWarns, ...rest } = snap.context;
  const base = {
    ...rest,
    connectivity: v.connectivity as ClientRecord['connectivity'],
    processStatus: v.process as ClientRecord['processStatus'],
    serviceStatus: v.service as ClientRecord['serviceStatus'],
    screenHealthStatus: v.screen as ClientRecord['screenHealthStatus'],
    recoveryState: v.recovery as ClientRecord['recoveryState'],
  };
  const { status, reasons } = deriveStatus(base, { recentErrors, recentWarns, expectedKnown }, now);
  return { ...base, status, statusReasons: reasons };
}

/**
 * Freshness fields: they move with every message. A change of only these is written at most every
 * FRESHNESS_WRITE_SECONDS (decision 4); any other change is a state change, written at the next flush.
 */
const FRESHNESS: ReadonlySet<string> = new Set(['lastAlive', 'lastFrameUpdate']);

export function significantlyDifferent(a: ClientRecord, b: ClientRecord): boolean {
  for (const key of Object.keys(a) as (keyof ClientRecord)[]) {
    if (FRESHNESS.has(key)) continue;
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (key === 'statusReasons' && (x as string[]).join() === (y as string[]).join()) continue;
    if (key === 'hardware' && JSON.stringify(x) === JSON.stringify(y)) continue;
    return true;
  }
  return false;
}

/**
 * Fast path for the hot case: when a snapshot differs from the previous one only in freshness
 * (same region states, every other context field the same value or the same reference), answer the
 * updated record without deriving the status again; otherwise null. Time-based status rules are
 * re-evaluated by the supervisor's periodic tick.
 */
export function freshnessOnly(prev: ClientRecord, prevSnap: ClientSnapshot, snap: ClientSnapshot): ClientRecord | null {
  const v = snap.value as Record<string, string>;
  if (
    v.connectivity !== prev.connectivity ||
    v.process !== prev.processStatus ||
    v.service !== prev.serviceStatus ||
    v.screen !== prev.screenHealthStatus ||
    v.recovery !== prev.recoveryState
  )
    return null;
  const a = prevSnap.context as unknown as Record<string, unknown>;
  const b = snap.context as unknown as Record<string, unknown>;
  for (const key in b) if (key !== 'now' && !FRESHNESS.has(key) && a[key] !== b[key]) return null;
  return { ...prev, lastAlive: snap.context.lastAlive, lastFrameUpdate: snap.context.lastFrameUpdate };
}
