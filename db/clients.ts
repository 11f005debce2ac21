/** Named queries for the clients table: the persisted copy of each client actor's record. */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import type { ClientRecord } from '../actors/client.types.ts';
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
  ['last_frame_update', 'lastFrameUpdate', 'time'],
  ['service_status', 'serviceStatus', 'plain'],
  ['service_failed_at', 'serviceFailedAt', 'time'],
  ['service_failed_unit', 'serviceFailedUnit', 'plain'],
  ['mqtt_reconnect_count', 'mqttReconnectCount', 'plain'],
  ['mqtt_last_disconnect_at', 'mqttLastDisconnectAt', 'time'],
  ['mqtt_reconnect_rose_at', 'mqttReconnectRoseAt', 'time'],
  ['recovery_state', 'recoveryState', 'plain'],
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

export function rowToRecord(row: Row): ClientRecord {
  const out: Record<string, unknown> = {};
  for (const [column, field, kind] of COLUMNS) out[field] = fromValue(kind, row[column]);
  if (!Array.isArray(out.statusReasons)) out.statusReasons = [];
  return out as unknown as ClientRecord;
}

export async function loadClients(db: Db): Promise<ClientRecord[]> {
  const rs = await db.execute(`SELECT ${NAMES.join(', ')} FROM clients`);
  return rs.rows.map(rowToRecord);
}

export function deleteClientStatement(uuid: string): InStatement {
  return { sql: 'DELETE FROM clients WHERE uuid = ?', args: [uuid] };
}
