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
  const { now: _now, graceMs: _g, expectedKnown, expectedChanging: _c, recentErrors, recentWarns, boot: _b, ...rest } = snap.context;
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

/** Fields whose change is a state change (written at the next flush); `lastAlive` alone is freshness. */
export function significantlyDifferent(a: ClientRecord, b: ClientRecord): boolean {
  for (const key of Object.keys(a) as (keyof ClientRecord)[]) {
    if (key === 'lastAlive') continue;
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (key === 'statusReasons' && (x as string[]).join() === (y as string[]).join()) continue;
    if (key === 'hardware' && JSON.stringify(x) === JSON.stringify(y)) continue;
    return true;
  }
  return false;
}
