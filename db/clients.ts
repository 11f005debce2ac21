/** Named queries for the clients table: the persisted copy of each client actor's record. */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';
import type { ClientRecord } from '../domain/client.types.ts';
import { fromIso, iso } from '../lib/time.ts';

// column ← record field; times are ISO strings in the database and epoch ms in the record.
const COLUMNS: Array<[string, keyof ClientRecord, 'time' | 'bool' | 'json' | 'plain']> = [
  ['uuid', 'uuid', 'plain'],
  ['description', 'description', 'plain'],
  ['hostname', 'hostname', 'plain'],
  ['ip', 'ip', 'plain'],
  ['hardware', 'hardware', 'json'],
  ['software_version', 'softwareVersion', 'plain'],
  ['group_id', 'groupId', 'plain'],
  ['is_active', 'isActive', 'bool'],
  ['discovered', 'discovered', 'bool'],
  ['created_at', 'createdAt', 'time'],
  ['discovered_at', 'discoveredAt', 'time'],
  ['last_alive', 'lastAlive', 'time'],
  ['connectivity', 'connectivity', 'plain'],
  ['process_status', 'processStatus', 'plain'],
  ['current_process', 'currentProcess', 'plain'],
  ['process_pid', 'processPid', 'plain'],
  ['current_event_id', 'currentEventId', 'plain'],
  ['expected_event_id', 'expectedEventId', 'plain'],
  ['screen_health_status', 'screenHealthStatus', 'plain'],
  ['screen_frozen_detected', 'screenFrozenDetected', 'bool'],
  ['last_frame_update', 'lastFrameUpdate', 'time'],
  ['service_status', 'serviceStatus', 'plain'],
  ['service_failed_at', 'serviceFailedAt', 'time'],
  ['service_failed_unit', 'serviceFailedUnit', 'plain'],
  ['mqtt_reconnect_count', 'mqttReconnectCount', 'plain'],
  ['mqtt_last_disconnect_at', 'mqttLastDisconnectAt', 'time'],
  ['mqtt_reconnect_rose_at', 'mqttReconnectRoseAt', 'time'],
  ['recovery_state', 'recoveryState', 'plain'],
  ['recovery_command_id', 'recoveryCommandId', 'plain'],
  ['recovery_reason', 'recoveryReason', 'plain'],
  ['recovery_deadline', 'recoveryDeadline', 'time'],
  ['latest_screenshot_type', 'latestScreenshotType', 'plain'],
  ['latest_screenshot_at', 'latestScreenshotAt', 'time'],
  ['priority_screenshot_type', 'priorityScreenshotType', 'plain'],
  ['priority_screenshot_at', 'priorityScreenshotAt', 'time'],
  ['status', 'status', 'plain'],
  ['status_reasons', 'statusReasons', 'json'],
];

const NAMES = COLUMNS.map(([c]) => c);
const UPSERT_SQL =
  `INSERT INTO clients (${NAMES.join(', ')}, updated_at) VALUES (${NAMES.map(() => '?').join(', ')}, ?) ` +
  `ON CONFLICT(uuid) DO UPDATE SET ${NAMES.filter((c) => c !== 'uuid' && c !== 'created_at')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}, updated_at = excluded.updated_at`;

function toValue(kind: string, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (kind === 'time') return iso(value as number);
  if (kind === 'bool') return value ? 1 : 0;
  if (kind === 'json') return JSON.stringify(value);
  return value as string | number;
}

function fromValue(kind: string, value: unknown): unknown {
  if (value === null || value === undefined) return kind === 'bool' ? false : null;
  if (kind === 'time') return fromIso(value);
  if (kind === 'bool') return Number(value) === 1;
  if (kind === 'json') {
    try {
      return JSON.parse(String(value));
    } catch {
      return null;
    }
  }
  return typeof value === 'bigint' ? Number(value) : value;
}

export function upsertClientStatement(r: ClientRecord, now: number): InStatement {
  return { sql: UPSERT_SQL, args: [...COLUMNS.map(([, field, kind]) => toValue(kind, r[field])), iso(now)] };
}

/** Per record field: read its column's value out of a row's values (COLUMNS order). */
const read = Object.fromEntries(COLUMNS.map(([, field, kind], i) => [field, (values: readonly unknown[]) => fromValue(kind, values[i])])) as {
  [K in keyof ClientRecord]: (values: readonly unknown[]) => ClientRecord[K];
};

/**
 * The values of one row, in COLUMNS order → record. One object literal, so every loaded record
 * shares one hidden class (built key by key, a 33-field object becomes a slow dictionary in V8).
 */
function valuesToRecord(values: readonly unknown[]): ClientRecord {
  const statusReasons = read.statusReasons(values);
  return {
    uuid: read.uuid(values),
    description: read.description(values),
    hostname: read.hostname(values),
    ip: read.ip(values),
    hardware: read.hardware(values),
    softwareVersion: read.softwareVersion(values),
    groupId: read.groupId(values),
    isActive: read.isActive(values),
    discovered: read.discovered(values),
    createdAt: read.createdAt(values),
    discoveredAt: read.discoveredAt(values),
    lastAlive: read.lastAlive(values),
    connectivity: read.connectivity(values),
    processStatus: read.processStatus(values),
    currentProcess: read.currentProcess(values),
    processPid: read.processPid(values),
    currentEventId: read.currentEventId(values),
    expectedEventId: read.expectedEventId(values),
    screenHealthStatus: read.screenHealthStatus(values),
    screenFrozenDetected: read.screenFrozenDetected(values),
    lastFrameUpdate: read.lastFrameUpdate(values),
    serviceStatus: read.serviceStatus(values),
    serviceFailedAt: read.serviceFailedAt(values),
    serviceFailedUnit: read.serviceFailedUnit(values),
    mqttReconnectCount: read.mqttReconnectCount(values),
    mqttLastDisconnectAt: read.mqttLastDisconnectAt(values),
    mqttReconnectRoseAt: read.mqttReconnectRoseAt(values),
    recoveryState: read.recoveryState(values),
    recoveryCommandId: read.recoveryCommandId(values),
    recoveryReason: read.recoveryReason(values),
    recoveryDeadline: read.recoveryDeadline(values),
    latestScreenshotType: read.latestScreenshotType(values),
    latestScreenshotAt: read.latestScreenshotAt(values),
    priorityScreenshotType: read.priorityScreenshotType(values),
    priorityScreenshotAt: read.priorityScreenshotAt(values),
    status: read.status(values),
    statusReasons: Array.isArray(statusReasons) ? statusReasons : [],
  };
}

/**
 * Every client's record (start-up restore). Each row comes back as one JSON array: the client
 * library builds a row object with a property per column, which for 50,000 rows × 33 columns cost
 * ~1.1 s here against ~0.2 s for one column parsed with JSON.parse. (JSON text columns arrive as
 * strings inside the array and are parsed like before.)
 */
export async function loadClients(db: Db): Promise<ClientRecord[]> {
  const rs = await db.execute(`SELECT json_array(${NAMES.join(', ')}) FROM clients`);
  return rs.rows.map((row) => valuesToRecord(JSON.parse(String(row[0]))));
}

export function deleteClientStatement(uuid: string): InStatement {
  return { sql: 'DELETE FROM clients WHERE uuid = ?', args: [uuid] };
}
