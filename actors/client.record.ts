/**
 * Snapshot → record: the live model of a client as the rest of the system sees it (and as the
 * database stores it). Region states come from the snapshot value, the rest from context.
 */
import type { SnapshotFrom } from 'xstate';
import type { clientMachine } from './client.machine.ts';
import type { ClientContext } from './client.context.ts';
import type { ClientRecord } from '../domain/client.types.ts';
import { deriveStatus } from './client.status.ts';

export type ClientSnapshot = SnapshotFrom<typeof clientMachine>;

type Regions = Record<'connectivity' | 'process' | 'service' | 'screen' | 'frozen' | 'recovery', string>;

/** The screen state the system shows: server-detected frozen wins over the reported one (docs/clients-screens.md). */
const screenOf = (v: Regions) => (v.frozen === 'detected' ? 'FROZEN' : (v.screen as ClientRecord['screenHealthStatus']));
const changedRegions = (v: Regions, r: ClientRecord) =>
  v.process !== r.processStatus ||
  v.service !== r.serviceStatus ||
  screenOf(v) !== r.screenHealthStatus ||
  (v.frozen === 'detected') !== r.screenFrozenDetected ||
  v.recovery !== r.recoveryState;

export function toRecord(snap: ClientSnapshot, now: number): ClientRecord {
  const c = snap.context;
  const v = snap.value as Regions;
  const id = c.identity;
  // One literal (not spreads of the context): every record shares one hidden class (client.context.ts).
  const r: ClientRecord = {
    uuid: id.uuid,
    description: id.description,
    hostname: id.hostname,
    ip: id.ip,
    hardware: id.hardware,
    softwareVersion: id.softwareVersion,
    groupId: id.groupId,
    isActive: id.isActive,
    discovered: id.discovered,
    createdAt: id.createdAt,
    discoveredAt: id.discoveredAt,
    lastAlive: c.lastAlive,
    connectivity: v.connectivity as ClientRecord['connectivity'],
    processStatus: v.process as ClientRecord['processStatus'],
    currentProcess: c.currentProcess,
    processPid: c.processPid,
    currentEventId: c.currentEventId,
    expectedEventId: c.expected.expectedEventId,
    screenHealthStatus: screenOf(v),
    screenFrozenDetected: v.frozen === 'detected',
    lastFrameUpdate: c.lastFrameUpdate,
    serviceStatus: v.service as ClientRecord['serviceStatus'],
    serviceFailedAt: c.service.serviceFailedAt,
    serviceFailedUnit: c.service.serviceFailedUnit,
    mqttReconnectCount: c.mqtt.mqttReconnectCount,
    mqttLastDisconnectAt: c.mqtt.mqttLastDisconnectAt,
    mqttReconnectRoseAt: c.mqtt.mqttReconnectRoseAt,
    recoveryState: v.recovery as ClientRecord['recoveryState'],
    recoveryCommandId: c.recovery.commandId,
    recoveryReason: c.recovery.reason,
    recoveryDeadline: c.recovery.deadline,
    latestScreenshotType: c.screenshots.latestScreenshotType,
    latestScreenshotAt: c.screenshots.latestScreenshotAt,
    priorityScreenshotType: c.screenshots.priorityScreenshotType,
    priorityScreenshotAt: c.screenshots.priorityScreenshotAt,
    status: 'warning', // derived below
    statusReasons: [],
  };
  const { status, reasons } = deriveStatus(r, statusInputs(c), now);
  r.status = status;
  r.statusReasons = reasons;
  return r;
}

const statusInputs = (c: ClientContext) => ({ recentErrors: c.recentErrors, recentWarns: c.recentWarns, expectedKnown: c.expected.expectedKnown });

/**
 * The record for an actor's first snapshot, made from `from` (restored from the database, or a new
 * client's empty record): equal to `toRecord(snap, now)`, but `from` itself when neither a region
 * nor the derived status moved (at start-up, most of 50,000 clients), else `from` with those set.
 */
export function firstRecord(from: ClientRecord, snap: ClientSnapshot, now: number): ClientRecord {
  const v = snap.value as Regions;
  if (changedRegions(v, from)) return toRecord(snap, now);
  const connectivity = v.connectivity as ClientRecord['connectivity'];
  const base = connectivity === from.connectivity ? from : { ...from, connectivity };
  const { status, reasons } = deriveStatus(base, statusInputs(snap.context), now);
  if (status === base.status && reasons.join() === base.statusReasons.join()) return base;
  return { ...base, status, statusReasons: reasons };
}

/**
 * Freshness fields: they move with every message. A change of only these is written at most every
 * FRESHNESS_WRITE_SECONDS (docs/architecture.md "Memory holds freshness, the database its durable copy"); any other change is a state change, written at the next flush.
 */
const FRESHNESS: ReadonlySet<string> = new Set(['lastAlive', 'lastFrameUpdate']);

export function significantlyDifferent(a: ClientRecord, b: ClientRecord): boolean {
  if (a === b) return false;
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
 * (same region states, every other context field the same value or the same reference: groups of
 * the context are only replaced when something in them changes), answer the updated record without
 * deriving the status again; otherwise null. Time-based status rules are re-evaluated by the
 * supervisor's periodic tick.
 */
export function freshnessOnly(prev: ClientRecord, prevSnap: ClientSnapshot, snap: ClientSnapshot): ClientRecord | null {
  const v = snap.value as Regions;
  if (v.connectivity !== prev.connectivity || changedRegions(v, prev)) return null;
  const a = prevSnap.context;
  const b = snap.context;
  for (const key in b) {
    if (key !== 'now' && !FRESHNESS.has(key) && a[key as keyof ClientContext] !== b[key as keyof ClientContext]) return null;
  }
  return { ...prev, lastAlive: b.lastAlive, lastFrameUpdate: b.lastFrameUpdate };
}
