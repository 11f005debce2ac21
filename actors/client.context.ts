/**
 * The client machine's context and the pure functions that compute what each event changes in it
 * (the machine, actors/client.machine.ts, names one `assign` per event built from these).
 *
 * Shape, for 50,000 actors at 10,000 msgs/s (docs/architecture.md "Actors in a registry, not spawned children"): XState replaces
 * the context on every assign with `Object.assign({}, context, update)`, and V8 turns an object built
 * that way into a slow dictionary once it has more than ~16 properties. So the context keeps at most
 * 16 keys at top level: fields that move with client messages stay flat; the ones that change rarely
 * live in small groups that are carried over by reference (also what lets the supervisor recognise a
 * freshness-only change by comparing references). Field names inside the groups are the record's.
 */
import type { ClientEvent, ClientRecord } from '../domain/client.types.ts';
import { RECOVERY_OFF, restoredLadder, type RecoveryLadder, type RecoveryPolicy } from './client.recovery.ts';

const HOUR = 3_600_000;
const RECENT_LOG_CAP = 20; // timestamps kept per level: enough for the "≥ 5 WARN in the last hour" rule

/** Changes on discovery and on operator edits only. */
export type ClientIdentity = Pick<
  ClientRecord,
  'uuid' | 'description' | 'hostname' | 'ip' | 'hardware' | 'softwareVersion' | 'groupId' | 'isActive' | 'discovered' | 'createdAt' | 'discoveredAt'
>;
export type MqttHealth = Pick<ClientRecord, 'mqttReconnectCount' | 'mqttLastDisconnectAt' | 'mqttReconnectRoseAt'>;
export type Screenshots = Pick<ClientRecord, 'latestScreenshotType' | 'latestScreenshotAt' | 'priorityScreenshotType' | 'priorityScreenshotAt'>;
export type ServiceFailure = Pick<ClientRecord, 'serviceFailedAt' | 'serviceFailedUnit'>;
export interface Expected {
  expectedEventId: string | null; // what the scheduler says the client should play
  expectedKnown: boolean; // the scheduler has told us what should play
  expectedChanging: boolean; // the expected event changes on screen (video): identical screenshots mean frozen
}

/** Everything of the record that is not a region's state, plus what the derived status needs. */
export interface ClientContext {
  identity: ClientIdentity;
  lastAlive: number | null;
  currentProcess: string | null;
  processPid: number | null;
  currentEventId: string | null; // what the client says it plays
  lastFrameUpdate: number | null;
  mqtt: MqttHealth;
  screenshots: Screenshots;
  service: ServiceFailure;
  expected: Expected;
  recentErrors: number[]; // receive times of ERROR logs in the last hour (never mutated: replaced)
  recentWarns: number[];
  recovery: RecoveryLadder; // crash-recovery ladder (actors/client.recovery.ts)
  now: number; // time of the latest event (server clock)
  graceMs: number;
}

export interface ClientInput {
  record: ClientRecord;
  now: number;
  graceMs: number;
  recentErrors?: number[];
  recentWarns?: number[];
  recovery?: RecoveryPolicy; // default: crash recovery off
  rebootKinds?: number[]; // creation times of the client's recent reboot-kind commands (restore)
}

type Ev<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;

const NONE: number[] = []; // shared by every client without recent logs (arrays are replaced, never mutated)
const within = (times: number[], now: number) => (times.length ? times.filter((t) => now - t < HOUR) : NONE);

/** The context of a client from its record (a new client, or one restored by actors/client.restore.ts). */
export function initialContext(input: ClientInput): ClientContext {
  const r = input.record;
  return {
    identity: {
      uuid: r.uuid,
      description: r.description,
      hostname: r.hostname,
      ip: r.ip,
      hardware: r.hardware,
      softwareVersion: r.softwareVersion,
      groupId: r.groupId,
      isActive: r.isActive,
      discovered: r.discovered,
      createdAt: r.createdAt,
      discoveredAt: r.discoveredAt,
    },
    lastAlive: r.lastAlive,
    currentProcess: r.currentProcess,
    processPid: r.processPid,
    currentEventId: r.currentEventId,
    lastFrameUpdate: r.lastFrameUpdate,
    mqtt: { mqttReconnectCount: r.mqttReconnectCount, mqttLastDisconnectAt: r.mqttLastDisconnectAt, mqttReconnectRoseAt: r.mqttReconnectRoseAt },
    screenshots: {
      latestScreenshotType: r.latestScreenshotType,
      latestScreenshotAt: r.latestScreenshotAt,
      priorityScreenshotType: r.priorityScreenshotType,
      priorityScreenshotAt: r.priorityScreenshotAt,
    },
    service: { serviceFailedAt: r.serviceFailedAt, serviceFailedUnit: r.serviceFailedUnit },
    expected: { expectedEventId: r.expectedEventId, expectedKnown: false, expectedChanging: false },
    recentErrors: within(input.recentErrors ?? NONE, input.now),
    recentWarns: within(input.recentWarns ?? NONE, input.now),
    recovery: restoredLadder(input.recovery ?? RECOVERY_OFF, r, input.rebootKinds, input.now),
    now: input.now,
    graceMs: input.graceMs,
  };
}

// ── what each event changes ──────────────────────────────────────────────────────────────────
// Partial contexts, combined per event with Object.assign (not `{ ...a, ...b }`: once warm, V8 gives
// every such double spread a new hidden class). A group is only replaced when a value in it changes.

/** Any message the client itself sends: it was seen now. */
export const seen = (e: { at: number }) => ({ lastAlive: e.at, now: e.at });

export function discovered(c: ClientContext, e: Ev<'DISCOVERED'>) {
  const id = c.identity;
  return {
    identity: {
      ...id,
      discovered: true,
      discoveredAt: id.discoveredAt ?? e.at,
      hostname: e.hostname !== undefined ? e.hostname : id.hostname,
      ip: e.ip !== undefined ? e.ip : id.ip,
      hardware: e.hardware !== undefined ? e.hardware : id.hardware,
      softwareVersion: e.softwareVersion !== undefined ? e.softwareVersion : id.softwareVersion,
    },
  };
}

export const processFields = (c: ClientContext, e: Ev<'HEARTBEAT'> | Ev<'HEALTH'>) => ({
  currentProcess: e.processName !== undefined ? e.processName : c.currentProcess,
  processPid: e.pid !== undefined ? e.pid : c.processPid,
  currentEventId: e.currentEventId !== undefined ? e.currentEventId : c.currentEventId,
});

export function healthFields(c: ClientContext, e: Ev<'HEALTH'>) {
  const m = c.mqtt;
  const count = e.reconnectCount !== undefined ? e.reconnectCount : m.mqttReconnectCount;
  const lastDisconnectAt = e.lastDisconnectAt !== undefined ? e.lastDisconnectAt : m.mqttLastDisconnectAt;
  const rose = count !== null && m.mqttReconnectCount !== null && count > m.mqttReconnectCount;
  const lastFrameUpdate = e.lastFrameUpdate !== undefined ? e.lastFrameUpdate : c.lastFrameUpdate;
  if (count === m.mqttReconnectCount && lastDisconnectAt === m.mqttLastDisconnectAt) return { lastFrameUpdate };
  return {
    lastFrameUpdate,
    mqtt: { mqttReconnectCount: count, mqttLastDisconnectAt: lastDisconnectAt, mqttReconnectRoseAt: rose ? e.at : m.mqttReconnectRoseAt },
  };
}

export function logCounts(c: ClientContext, e: Ev<'LOG'>) {
  if (e.level === 'ERROR') return { recentErrors: within(c.recentErrors, e.at).slice(-RECENT_LOG_CAP + 1).concat(e.at) };
  if (e.level === 'WARN') return { recentWarns: within(c.recentWarns, e.at).slice(-RECENT_LOG_CAP + 1).concat(e.at) };
  return {};
}

export function screenshotTaken(c: ClientContext, e: Ev<'SCREENSHOT'>) {
  const s = c.screenshots;
  const priority = e.captureType !== 'periodic';
  return {
    screenshots: {
      latestScreenshotType: e.captureType,
      latestScreenshotAt: e.at,
      priorityScreenshotType: priority ? e.captureType : s.priorityScreenshotType,
      priorityScreenshotAt: priority ? e.at : s.priorityScreenshotAt,
    },
  };
}

export const serviceFailed = (e: Ev<'SERVICE_FAILED'>) => ({ now: e.at, service: { serviceFailedAt: e.failedAt, serviceFailedUnit: e.unit } });

export const serviceCleared = (e: { at: number }) => ({ now: e.at, service: { serviceFailedAt: null, serviceFailedUnit: null } });

export function metaUpdated(c: ClientContext, e: Ev<'UPDATE_META'>) {
  const id = c.identity;
  return {
    now: e.at,
    identity: {
      ...id,
      description: e.description !== undefined ? e.description : id.description,
      groupId: e.groupId !== undefined ? e.groupId : id.groupId,
      isActive: e.isActive !== undefined ? e.isActive : id.isActive,
    },
  };
}

export const expectedEvent = (e: Ev<'EXPECTED_EVENT'>) => ({
  now: e.at,
  expected: { expectedEventId: e.eventId, expectedKnown: true, expectedChanging: e.changing },
});
