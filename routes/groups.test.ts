import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';
import { UUID_A, UUID_B } from '../testing/route-fixture.ts';

let f: ScheduleFixture;
test.before(async () => {
  f = await scheduleFixture();
});
test.after(async () => f?.close());

test('roles: users read, admins write (401 anonymous, 403 below admin)', async () => {
  assert.is((await f.call(null, 'GET', '/api/groups')).status, 401);
  assert.is((await f.call('user', 'GET', '/api/groups')).status, 200);
  assert.is((await f.call('editor', 'POST', '/api/groups', { name: 'x' })).status, 403);
  assert.is((await f.call('user', 'POST', '/api/groups/order', { order: [] })).status, 403);
});

test('create: 201 with id, retained [] published at once; duplicate names (any case) 409; bad body 400', async () => {
  f.schedulePublisher.published.length = 0;
  const a = await f.call('admin', 'POST', '/api/groups', { name: 'Aula', description: 'Ground floor' });
  assert.is(a.status, 201);
  assert.equal([a.body.name, a.body.description, a.body.displayOrder], ['Aula', 'Ground floor', 0]);
  assert.equal(f.schedulePublisher.published.map((p) => [p.topic, p.retain]), [
    [`infoscreen/events/${a.body.id}`, true],
    [`infoscreen/groups/${a.body.id}/power/intent`, true],
  ]);
  assert.is(f.schedulePublisher.published[0].payload, '[]');
  assert.is((await f.call('admin', 'POST', '/api/groups', { name: 'aula' })).status, 409);
  const bad = await f.call('admin', 'POST', '/api/groups', { name: '' });
  assert.is(bad.status, 400);
  assert.equal(bad.body.issues.map((i: any) => i.path), ['name']);
  const b = await f.call('admin', 'POST', '/api/groups', { name: 'Bibliothek' });
  assert.is(b.body.displayOrder, 1, 'appended at the end');
});

test('rename, order (partial lists keep the rest after), 404 for unknown ids', async () => {
  const [aula, bib] = (await f.call('user', 'GET', '/api/groups')).body;
  const r = await f.call('admin', 'PUT', `/api/groups/${aula.id}`, { name: 'Aula Nord' });
  assert.equal([r.status, r.body.name, r.body.description], [200, 'Aula Nord', 'Ground floor']);
  assert.is((await f.call('admin', 'PUT', `/api/groups/${aula.id}`, { name: 'BIBLIOTHEK' })).status, 409);
  assert.is((await f.call('admin', 'PUT', '/api/groups/999', { name: 'x' })).status, 404);
  const c = (await f.call('admin', 'POST', '/api/groups', { name: 'Cafeteria' })).body;
  const o = await f.call('admin', 'POST', '/api/groups/order', { order: [c.id, aula.id] });
  assert.equal(o.body.order, [c.id, aula.id, bib.id]);
  assert.equal((await f.call('user', 'GET', '/api/groups/order')).body.order, [c.id, aula.id, bib.id]);
  assert.equal((await f.call('user', 'GET', '/api/groups')).body.map((g: any) => g.name), ['Cafeteria', 'Aula Nord', 'Bibliothek']);
  const bad = await f.call('admin', 'POST', '/api/groups/order', { order: [c.id, 999, c.id] });
  assert.is(bad.status, 400);
  assert.equal(bad.body.issues.map((i: any) => i.path), ['order.1', 'order']);
});

test('with_clients: groups in order with their clients, unassigned (and stale ids) last', async () => {
  const [cafe] = (await f.call('user', 'GET', '/api/groups')).body;
  f.fleet.put({ uuid: UUID_A, groupId: cafe.id, description: 'Kiosk' });
  f.fleet.put({ uuid: UUID_B, groupId: 4242 });
  const list = (await f.call('user', 'GET', '/api/groups/with_clients')).body;
  assert.equal(list.map((g: any) => [g.name, g.clients.map((c: any) => c.uuid)]), [
    ['Cafeteria', [UUID_A]], ['Aula Nord', []], ['Bibliothek', []], ['Unassigned', [UUID_B]],
  ]);
  assert.is(list.at(-1).id, null);
});

test('delete: clients unassigned, events gone, retained topics cleared; 404 after', async () => {
  const [cafe] = (await f.call('user', 'GET', '/api/groups')).body;
  const ev = await f.call('editor', 'POST', '/api/events', { groupId: cafe.id, title: 'x', eventType: 'other', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z' });
  assert.is(ev.status, 201);
  f.schedulePublisher.published.length = 0;
  const del = await f.call('admin', 'DELETE', `/api/groups/${cafe.id}`);
  assert.equal(del.body, { success: true, unassigned: 1 });
  assert.is(f.fleet.get(UUID_A)!.groupId, null);
  assert.equal(f.schedulePublisher.published.map((p) => [p.topic, p.payload]), [
    [`infoscreen/events/${cafe.id}`, ''],
    [`infoscreen/groups/${cafe.id}/power/intent`, ''],
  ]);
  assert.is((await f.call('user', 'GET', `/api/events/${ev.body.id}`)).status, 404);
  assert.is((await f.call('user', 'GET', `/api/groups/${cafe.id}`)).status, 404);
});

test.run();
