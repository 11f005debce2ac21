import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, UUID_A, UUID_B, UUID_C, type Fixture } from './test-helpers.ts';

const UUID_D = '44444444-4444-4444-8444-444444444444';
let f: Fixture;
let user: string;
let admin: string;

test.before(async () => {
  f = await fixture();
  const t = f.clock.t;
  f.fleet.put({ uuid: UUID_A, description: 'Hall', hostname: 'pi-a', ip: '10.0.0.1', groupId: 1, connectivity: 'online', lastAlive: t - 10_000, status: 'healthy', statusReasons: [] }, t);
  f.fleet.put({ uuid: UUID_B, hostname: 'pi-b', connectivity: 'online', lastAlive: t - 5_000, processStatus: 'crashed', status: 'critical', statusReasons: ['process_crashed'] }, t);
  f.fleet.put({ uuid: UUID_C, connectivity: 'offline', lastAlive: t - 600_000, serviceStatus: 'failed', serviceFailedAt: t - 60_000, serviceFailedUnit: 'infoscreen.service', status: 'offline' }, t);
  f.fleet.put({ uuid: UUID_D, isActive: false, connectivity: 'offline', serviceStatus: 'failed', serviceFailedAt: t - 1_000, serviceFailedUnit: 'x.service', status: 'offline' }, t);
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

test('GET /api/clients: camelCase live records, ISO Z times, sorted', async () => {
  const { status, body } = await get('/api/clients', user);
  assert.is(status, 200);
  assert.equal(body.map((c: { uuid: string }) => c.uuid), [UUID_A, UUID_B, UUID_C, UUID_D]);
  assert.is(body[0].groupId, 1);
  assert.is(body[0].lastAlive, new Date(f.clock.t - 10_000).toISOString());
  assert.match(body[0].createdAt, /Z$/);
  assert.equal(body[1].statusReasons, ['process_crashed']);
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
  assert.is(body.grace_period_seconds, 170);
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

test('PUT /api/clients/{uuid}: description and group; bad body 400', async () => {
  const ok = await send('PUT', `/api/clients/${UUID_B}`, { description: 'Lobby', groupId: 7 });
  assert.is(ok.status, 200);
  assert.is(ok.body.description, 'Lobby');
  assert.is(ok.body.groupId, 7);
  assert.is((await send('PUT', `/api/clients/${UUID_B}`, { groupId: null })).body.groupId, null);
  const bad = await send('PUT', `/api/clients/${UUID_B}`, { groupId: 'seven' });
  assert.is(bad.status, 400);
  assert.is(bad.body.issues[0].path, 'groupId');
});

test('PUT /api/clients/group: bulk assignment, unknown uuids skipped, bad uuids 400', async () => {
  const r = await send('PUT', '/api/clients/group', { uuids: [UUID_A, UUID_B, '99999999-9999-4999-8999-999999999999'], group_id: 3 });
  assert.equal(r.body, { success: true, updated: 2 });
  assert.is(f.fleet.get(UUID_B)!.groupId, 3);
  const camel = await send('PUT', '/api/clients/group', { uuids: [UUID_A], groupId: null });
  assert.equal(camel.body, { success: true, updated: 1 });
  assert.is((await send('PUT', '/api/clients/group', { uuids: ['nope'], group_id: 1 })).status, 400);
  assert.is((await send('PUT', '/api/clients/group', { uuids: [UUID_A] })).status, 400);
});

test('clear_service_failed: clears through the fleet; nothing to clear is still success', async () => {
  const r = await send('POST', `/api/clients/${UUID_C}/clear_service_failed`);
  assert.equal(r.body, { success: true, message: 'service_failed flag cleared' });
  assert.equal(f.fleet.cleared, [UUID_C]);
  const again = await send('POST', `/api/clients/${UUID_C}/clear_service_failed`);
  assert.equal(again.body, { success: true, message: 'no service_failed flag set' });
  assert.equal(f.fleet.cleared, [UUID_C]);
});

test('DELETE /api/clients/{uuid}', async () => {
  assert.equal((await send('DELETE', `/api/clients/${UUID_D}`)).body, { success: true });
  assert.is(f.fleet.get(UUID_D), undefined);
  assert.is((await send('DELETE', `/api/clients/${UUID_D}`)).status, 404);
});

test('screenshots: 404 without one, JPEG no-store otherwise, priority falls back to latest', async () => {
  assert.is((await f.app.request(`/screenshots/${UUID_A}.jpg`, { headers: { cookie: user } })).status, 404);
  assert.is((await f.app.request(`/screenshots/${UUID_A}/priority`, { headers: { cookie: user } })).status, 404);
  assert.is((await f.app.request(`/screenshots/${UUID_A}.png`, { headers: { cookie: user } })).status, 404);
  const latest = new Uint8Array([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]);
  f.screenshots.latestBytes.set(UUID_A, latest);
  const res = await f.app.request(`/screenshots/${UUID_A}.jpg`, { headers: { cookie: user } });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'image/jpeg');
  assert.is(res.headers.get('cache-control'), 'no-store');
  assert.equal(new Uint8Array(await res.arrayBuffer()), latest);
  const fallback = await f.app.request(`/screenshots/${UUID_A}/priority`, { headers: { cookie: user } });
  assert.equal(new Uint8Array(await fallback.arrayBuffer()), latest);
  const prio = new Uint8Array([0xff, 0xd8, 9, 0xff, 0xd9]);
  f.screenshots.priorityBytes.set(UUID_A, prio);
  const p = await f.app.request(`/screenshots/${UUID_A}/priority`, { headers: { cookie: user } });
  assert.equal(new Uint8Array(await p.arrayBuffer()), prio);
});

test.run();
