/** Clients table: a record written with `upsertClientStatement` comes back equal from `loadClients`. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from './client.ts';
import { migrate } from './migrate.ts';
import { deleteClientStatement, loadClients, upsertClientStatement } from './clients.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';

let db: Db;
test.before(async () => {
  db = await openDatabase(':memory:');
  await migrate(db);
});
test.after(() => db.close());

const T = Date.UTC(2026, 10, 23, 12, 0, 0, 123);

/** Every field set, each to a different value, so a field read from the wrong column shows. */
const full: ClientRecord = {
  uuid: '6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  description: 'Room 101',
  hostname: 'pi-101',
  ip: '10.0.0.5',
  hardware: { model: 'Pi 4', ram: 4, screens: ['HDMI-1'] },
  softwareVersion: '2.3.1',
  groupId: 7,
  isActive: false,
  discovered: true,
  createdAt: T - 1,
  discoveredAt: T - 2,
  lastAlive: T - 3,
  connectivity: 'offline',
  processStatus: 'crashed',
  currentProcess: 'display_manager',
  processPid: 4242,
  currentEventId: '17',
  expectedEventId: '18',
  screenHealthStatus: 'FROZEN',
  screenFrozenDetected: true,
  lastFrameUpdate: T - 4,
  serviceStatus: 'failed',
  serviceFailedAt: T - 5,
  serviceFailedUnit: 'infoscreen-display.service',
  mqttReconnectCount: 3,
  mqttLastDisconnectAt: T - 6,
  mqttReconnectRoseAt: T - 7,
  recoveryState: 'waiting_manual',
  recoveryCommandId: '0d9c1a52-3f0e-4c47-9d36-2f7e3c1f6a10',
  recoveryReason: 'process_crashed',
  recoveryDeadline: T - 10,
  latestScreenshotType: 'periodic',
  latestScreenshotAt: T - 8,
  priorityScreenshotType: 'event_stop',
  priorityScreenshotAt: T - 9,
  status: 'offline',
  statusReasons: ['heartbeat_stale'],
};

test('round trip: every field, and a new client with nulls and defaults', async () => {
  const fresh = emptyRecord('0a0b0c0d-0000-4000-8000-000000000001', T);
  await db.batch([upsertClientStatement(full, T), upsertClientStatement(fresh, T)], 'write');
  const byUuid = new Map((await loadClients(db)).map((r) => [r.uuid, r]));
  assert.equal(byUuid.get(full.uuid), full);
  assert.equal(byUuid.get(fresh.uuid), fresh);
  await db.batch([deleteClientStatement(full.uuid), deleteClientStatement(fresh.uuid)], 'write');
});

test('unreadable JSON columns come back empty instead of failing the start-up', async () => {
  await db.execute({
    sql: `INSERT INTO clients (uuid, hardware, created_at, updated_at, status_reasons) VALUES (?, ?, ?, ?, ?)`,
    args: ['0a0b0c0d-0000-4000-8000-000000000002', '{not json', new Date(T).toISOString(), new Date(T).toISOString(), 'nope'],
  });
  const [r] = await loadClients(db);
  assert.is(r.hardware, null);
  assert.equal(r.statusReasons, []);
  assert.is(r.isActive, true, 'column default');
  assert.is(r.createdAt, T);
});

test.run();
