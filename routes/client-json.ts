/**
 * JSON views of a client's live record (docs/http.md: camelCase, times UTC ISO 8601 with Z) and the
 * "alive" rule shared by the client and monitoring endpoints.
 */
import type { ClientRecord } from '../domain/client.types.ts';
import type { FleetApi } from '../domain/fleet.types.ts';
import { canonicalUuid } from '../broker/topics.ts';
import { iso } from '../lib/time.ts';

/** Lower-case 36-char UUID (docs/mqtt.md); anything else in a path cannot name a client: 404. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isUuid = (s: string) => UUID.test(s);

/**
 * The client a path segment names: a UUID in any case, lower-cased. MQTT takes a screen's UUID in
 * any case and keeps it lower-case (broker/topics.ts), so a screen that announced itself as
 * `A1B2…` is found under that spelling too; anything else is null (404 at the caller).
 */
export const pathUuid = (raw: string): string | null => canonicalUuid(raw);

/** The live record a path segment names, or undefined. */
export function findClient(fleet: Pick<FleetApi, 'get'>, raw: string) {
  const uuid = pathUuid(raw);
  return uuid === null ? undefined : fleet.get(uuid);
}

/**
 * Alive: active, and online (or, before the actor has decided, seen within the grace period).
 * The actor's connectivity is the truth; the fallback only covers the `unknown` state.
 */
export function isAlive(r: ClientRecord, graceSeconds: number, now: number): boolean {
  if (!r.isActive) return false;
  if (r.connectivity === 'online') return true;
  return r.connectivity === 'unknown' && r.lastAlive !== null && now - r.lastAlive <= graceSeconds * 1000;
}

/** The full live model of one client. */
export function clientJson(r: ClientRecord) {
  return {
    uuid: r.uuid,
    description: r.description,
    hostname: r.hostname,
    ip: r.ip,
    hardware: r.hardware,
    softwareVersion: r.softwareVersion,
    groupId: r.groupId,
    isActive: r.isActive,
    discovered: r.discovered,
    createdAt: iso(r.createdAt),
    discoveredAt: iso(r.discoveredAt),
    lastAlive: iso(r.lastAlive),
    connectivity: r.connectivity,
    processStatus: r.processStatus,
    currentProcess: r.currentProcess,
    processPid: r.processPid,
    currentEventId: r.currentEventId,
    expectedEventId: r.expectedEventId,
    screenHealthStatus: r.screenHealthStatus,
    lastFrameUpdate: iso(r.lastFrameUpdate),
    serviceStatus: r.serviceStatus,
    serviceFailedAt: iso(r.serviceFailedAt),
    serviceFailedUnit: r.serviceFailedUnit,
    mqttReconnectCount: r.mqttReconnectCount,
    mqttLastDisconnectAt: iso(r.mqttLastDisconnectAt),
    mqttReconnectRoseAt: iso(r.mqttReconnectRoseAt),
    recoveryState: r.recoveryState,
    // The crash-recovery ladder (docs/commands.md "Crash auto-recovery", actors/client.recovery.ts).
    recoveryCommandId: r.recoveryCommandId,
    recoveryReason: r.recoveryReason,
    recoveryDeadline: iso(r.recoveryDeadline),
    latestScreenshotType: r.latestScreenshotType,
    latestScreenshotAt: iso(r.latestScreenshotAt),
    priorityScreenshotType: r.priorityScreenshotType,
    priorityScreenshotAt: iso(r.priorityScreenshotAt),
    status: r.status,
    statusReasons: r.statusReasons,
  };
}

export { clientName } from '../domain/client.types.ts';
