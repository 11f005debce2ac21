import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { json, UUID_A, UUID_B, UUID_C } from '../testing/route-fixture.ts';
import { realFleetFixture, type RealFleetFixture } from '../testing/real-fleet.ts';
import { topics } from '../broker/topics.ts';
import { insertLogStatement } from '../db/logs.ts';

const UUID_D = '44444444-4444-4444-8444-444444444444';
let f: RealFleetFixture;
let user: string;
let admin: string;

test.before(async () => {
  f = await realFleetFixture();
  const t = f.clock.t;
  // Real actors restored from these rows: connectivity follows last_alive and the grace period,
  // the status is derived by the machine (A healthy, B critical, C and D offline).
  await f.seed(
    { uuid: UUID_A, description: 'Hall', hostname: 'pi-a', ip: '10.0.0.1', groupId: 1, lastAlive: t - 10_000 },
    { uuid: UUID_B, hostname: 'pi-b', lastAlive: t - 5_000, processStatus: 'crashed' },
    { uuid: UUID_C, lastAlive: t - 600_000, serviceStatus: 'failed', serviceFailedAt: t - 60_000, serviceFailedUnit: 'infoscreen.service' },
    { uuid: UUID_D, isActive: false, lastAlive: t - 3_600_000, serviceStatus: 'failed', serviceFailedAt: t - 1_000, serviceFailedUnit: 'x.service' },
  );
  user = await f.login('user');
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const get = async (path: string, cookie = admin) => {
  const res = await f.app.request(path, { headers: { cookie } });
  return { status: res.status, body: await res.json() };
};
const send = async (method: string, path: string, body?: unknown, cookie = admin) => {
  const res = await f.app.request(path, json(method, body, cookie));
  return { status: res.status, body: await res.json() };
};
const published = (topic: string) => f.publisher.published.filter((p) => p.topic === topic).map((p) => [p.payload, p.retain]);

test('GET /api/clients: camelCase live records, ISO Z times, sorted, status derived by the actors', async () => {
  const { status, body } = await get('/api/clients', user);
  assert.is(status, 200);
  assert.equal(body.map((c: { uuid: string }) => c.uuid), [UUID_A, UUID_B, UUID_C, UUID_D]);
  assert.is(body[0].groupId, 1);
  assert.is(body[0].lastAlive, new Date(f.clock.t - 10_000).toISOString());
  assert.match(body[0].createdAt, /Z$/);
  assert.equal(body.map((c: { status: string }) => c.status), ['healthy', 'critical', 'offline', 'offline']);
  assert.equal(body.map((c: { connectivity: string }) => c.connectivity), ['online', 'online', 'offline', 'offline']);
  assert.equal(body[1].statusReasons, ['process_crashed']);
  assert.equal(body[2].statusReasons, ['heartbeat_stale']);
});

test('GET /api/clients/with_alive_status', async () => {
  const { body } = await get('/api/clients/with_alive_status', user);
  assert.equal(body[0], {
    uuid: UUID_A, description: 'Hall', hostname: 'pi-a', ip: '10.0.0.1', group_id: 1,
    last_alive: new Date(f.clock.t - 10_000).toISOString(), is_active: true, is_alive: true,
  });
  assert.equal(body.map((c: { is_alive: boolean }) => c.is_alive), [true, true, false, false]);
});

test('GET /api/clients/{uuid}: 200, unknown 404, not a uuid 404', async () => {
  assert.is((await get(`/api/clients/${UUID_B}`, user)).body.processStatus, 'crashed');
  const missing = await get('/api/clients/99999999-9999-4999-8999-999999999999', user);
  assert.is(missing.status, 404);
  assert.equal(missing.body, { error: 'client not found' });
  assert.is((await get('/api/clients/not-a-uuid', user)).status, 404);
});

test('crashed: active clients with a crashed process or a stale heartbeat', async () => {
  const { body } = await get('/api/clients/crashed');
  assert.is(body.crashed_count, 2);
  assert.is(body.grace_period_seconds, 180); // ENV=test uses HEARTBEAT_GRACE_PERIOD_DEV
  assert.equal(body.clients.map((c: { uuid: string; crash_reason: string }) => [c.uuid, c.crash_reason]), [
    [UUID_B, 'process_crashed'],
    [UUID_C, 'heartbeat_stale'],
  ]);
  assert.equal(Object.keys(body.clients[0]).sort(), ['crash_reason', 'description', 'group_id', 'hostname', 'ip', 'is_alive', 'last_alive', 'process_status', 'screen_health_status', 'uuid']);
});

test('service_failed: newest first', async () => {
  const { body } = await get('/api/clients/service_failed');
  assert.is(body.service_failed_count, 2);
  assert.equal(body.clients.map((c: { uuid: string }) => c.uuid), [UUID_D, UUID_C]);
  assert.is(body.clients[1].service_failed_unit, 'infoscreen.service');
  assert.is(body.clients[1].service_failed_at, new Date(f.clock.t - 60_000).toISOString());
});

test('PUT /api/clients/{uuid}: description and group, retained group_id republished, row written; bad body 400', async () => {
  const ok = await send('PUT', `/api/clients/${UUID_B}`, { description: 'Lobby', groupId: 7 });
  assert.is(ok.status, 200);
  assert.is(ok.body.description, 'Lobby');
  assert.is(ok.body.groupId, 7);
  assert.equal(published(topics.groupId(UUID_B)), [['7', true]]);
  await f.writer.settled(); // the row comes from the actor at flush time
  const row = (await f.db.execute({ sql: 'SELECT description, group_id FROM clients WHERE uuid = ?', args: [UUID_B] })).rows[0];
  assert.equal([row.description, row.group_id], ['Lobby', 7]);
  assert.is((await send('PUT', `/api/clients/${UUID_B}`, { groupId: null })).body.groupId, null);
  assert.equal(published(topics.groupId(UUID_B)), [['7', true], ['', true]], 'unassigned: empty retained payload');
  const bad = await send('PUT', `/api/clients/${UUID_B}`, { groupId: 'seven' });
  assert.is(bad.status, 400);
  assert.is(bad.body.issues[0].path, 'groupId');
});

test('PUT /api/clients/group: bulk assignment, unknown uuids skipped, bad uuids 400', async () => {
  const r = await send('PUT', '/api/clients/group', { uuids: [UUID_A, UUID_B, '99999999-9999-4999-8999-999999999999'], group_id: 3 });
  assert.equal(r.body, { success: true, updated: 2 });
  assert.is(f.fleet.get(UUID_B)!.groupId, 3);
  assert.equal(published(topics.groupId(UUID_A)), [['3', true]]);
  const camel = await send('PUT', '/api/clients/group', { uuids: [UUID_A], groupId: null });
  assert.equal(camel.body, { success: true, updated: 1 });
  assert.is((await send('PUT', '/api/clients/group', { uuids: ['nope'], group_id: 1 })).status, 400);
  assert.is((await send('PUT', '/api/clients/group', { uuids: [UUID_A] })).status, 400);
});

test('clear_service_failed: the actor goes back to ok, the empty retained clear is published; nothing to clear is still success', async () => {
  const r = await send('POST', `/api/clients/${UUID_C}/clear_service_failed`);
  assert.equal(r.body, { success: true, message: 'service_failed flag cleared' });
  const c = f.fleet.get(UUID_C)!;
  assert.equal([c.serviceStatus, c.serviceFailedAt, c.serviceFailedUnit], ['ok', null, null]);
  assert.equal(published(topics.serviceFailed(UUID_C)), [['', true]]);
  const again = await send('POST', `/api/clients/${UUID_C}/clear_service_failed`);
  assert.equal(again.body, { success: true, message: 'no service_failed flag set' });
  assert.equal(published(topics.serviceFailed(UUID_C)), [['', true]]);
  assert.is((await get('/api/clients/service_failed')).body.service_failed_count, 1);
});

test('clear_service_failed resolves the open service-failed alert; a new failure raises a new one', async () => {
  const fail = () => f.fleet.clientEvent(UUID_A, { type: 'SERVICE_FAILED', at: f.commandClock.now(), unit: 'infoscreen.service', failedAt: f.commandClock.now() });
  const openAlerts = async () => (await get(`/api/alerts?status=open&kind=service-failed&client=${UUID_A}`)).body.alerts;
  fail();
  assert.is((await openAlerts()).length, 1, 'the failure raised an alert');
  assert.equal((await send('POST', `/api/clients/${UUID_A}/clear_service_failed`)).body, { success: true, message: 'service_failed flag cleared' });
  assert.equal(await openAlerts(), [], 'clearing resolved it');
  const acked = (await get(`/api/alerts?status=acknowledged&kind=service-failed&client=${UUID_A}`)).body.alerts;
  assert.equal(acked.map((a: { acknowledgedBy: number }) => a.acknowledgedBy), [f.ids.admin]);
  f.commandClock.increment(1000);
  fail(); // within the dedup window, yet a new fact after the acknowledgement
  const again = await openAlerts();
  assert.equal([again.length, again[0]?.count], [1, 1]);
  assert.is.not(again[0].id, acked[0].id);
  await send('POST', `/api/clients/${UUID_A}/clear_service_failed`);
});

test('DELETE /api/clients/{uuid}: actor, row and logs gone, retained topics cleared', async () => {
  await f.writer.write(insertLogStatement(UUID_D, { level: 'ERROR', timestamp: f.clock.t, message: 'bye', context: null }, f.clock.t));
  assert.equal((await send('DELETE', `/api/clients/${UUID_D}`)).body, { success: true });
  assert.is(f.fleet.get(UUID_D), undefined);
  const left = async (table: string, column: string) =>
    (await f.db.execute({ sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`, args: [UUID_D] })).rows[0].n;
  assert.is(await left('clients', 'uuid'), 0);
  assert.is(await left('client_logs', 'client_uuid'), 0);
  assert.equal(published(topics.groupId(UUID_D)), [['', true]]);
  assert.equal(published(topics.serviceFailed(UUID_D)), [['', true]]);
  assert.is((await send('DELETE', `/api/clients/${UUID_D}`)).status, 404);
});

test('screenshots: 404 without one, JPEG no-store otherwise, priority falls back to latest', async () => {
  assert.is((await f.app.request(`/screenshots/${UUID_A}.jpg`, { headers: { cookie: user } })).status, 404);
  assert.is((await f.app.request(`/screenshots/${UUID_A}/priority`, { headers: { cookie: user } })).status, 404);
  assert.is((await f.app.request(`/screenshots/${UUID_A}.png`, { headers: { cookie: user } })).status, 404);
  const latest = new Uint8Array([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]);
  const at = f.commandClock.now();
  await f.fleet.screenshot(UUID_A, { jpeg: latest, captureType: 'periodic', capturedAt: null, metadata: {} }, at);
  const res = await f.app.request(`/screenshots/${UUID_A}.jpg`, { headers: { cookie: user } });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'image/jpeg');
  assert.is(res.headers.get('cache-control'), 'no-store');
  assert.equal(new Uint8Array(await res.arrayBuffer()), latest);
  const fallback = await f.app.request(`/screenshots/${UUID_A}/priority`, { headers: { cookie: user } });
  assert.equal(new Uint8Array(await fallback.arrayBuffer()), latest);
  const prio = new Uint8Array([0xff, 0xd8, 9, 0xff, 0xd9]);
  await f.fleet.screenshot(UUID_A, { jpeg: prio, captureType: 'event_start', capturedAt: null, metadata: {} }, at);
  const p = await f.app.request(`/screenshots/${UUID_A}/priority`, { headers: { cookie: user } });
  assert.equal(new Uint8Array(await p.arrayBuffer()), prio);
  assert.is((await get(`/api/clients/${UUID_A}`, user)).body.priorityScreenshotType, 'event_start');
});

test.run();
