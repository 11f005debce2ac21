import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { listAlerts } from '../../db/alerts.ts';
import { form, htmx } from '../../testing/admin-pages.ts';

// Acknowledging a service failure on /monitoring also acknowledges its open `service-failed`
// alert on /alerts (services/alerts/center.ts AlertCenter rows), and only that one.

let f: Fixture;
let admin: string;

test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
  const t = f.clock.t;
  for (const uuid of [UUID_A, UUID_B])
    f.fleet.put({ uuid, status: 'critical', connectivity: 'online', serviceStatus: 'failed', serviceFailedAt: t - 60_000, serviceFailedUnit: 'player.service', statusReasons: ['service_failed'], lastAlive: t }, t);
});
test.after(async () => {
  await f.close();
});

const emit = (kind: string, uuid: string, at = f.clock.t) =>
  f.bus.emit({ type: 'alert', kind, severity: kind === 'service-failed' ? 'critical' : 'warning', message: `${kind} ${uuid}`, uuid, at });

const alerts = async () => {
  await f.writer.settled();
  return (await listAlerts(f.db, { limit: 100, offset: 0 })).alerts;
};

test('the client’s open service-failed alert is acknowledged with it; other alerts stay open', async () => {
  emit('service-failed', UUID_A);
  emit('service-failed', UUID_A, f.clock.t + 1000); // a repeat: same row, count 2
  emit('service-failed', UUID_B);
  emit('client-offline', UUID_A);
  const before = await alerts();
  assert.is(before.length, 3);
  assert.ok(before.every((a) => a.acknowledgedAt === null));

  const res = await form(f.app, `/monitoring/service-failed/${UUID_A}/ack`, {}, admin, htmx);
  assert.is(res.status, 200);
  assert.is(res.headers.get('cache-control'), 'no-store', 'a live fragment is never cached (hx.ts fragment)');
  assert.match(await res.text(), /id="service-failed"/);
  assert.equal(f.fleet.cleared, [UUID_A]);

  const after = await alerts();
  const of = (kind: string, uuid: string) => after.find((a) => a.kind === kind && a.clientUuid === uuid)!;
  assert.is(of('service-failed', UUID_A).acknowledgedBy, f.ids.admin);
  assert.is(of('service-failed', UUID_A).acknowledgedAt, f.clock.t);
  assert.is(of('service-failed', UUID_A).count, 2);
  assert.is(of('service-failed', UUID_B).acknowledgedAt, null, 'another client’s failure stays open');
  assert.is(of('client-offline', UUID_A).acknowledgedAt, null, 'another kind stays open');

  // The dedup group is closed: the next failure of A is a new, open alert (and a new toast).
  emit('service-failed', UUID_A, f.clock.t + 2000);
  const again = (await alerts()).filter((a) => a.kind === 'service-failed' && a.clientUuid === UUID_A);
  assert.is(again.length, 2);
  assert.is(again.filter((a) => a.acknowledgedAt === null).length, 1);
  assert.is(again.find((a) => a.acknowledgedAt === null)!.count, 1);
});

test('the plain form (no JavaScript) acknowledges too; a second acknowledge is harmless', async () => {
  const res = await form(f.app, `/monitoring/service-failed/${UUID_B}/ack`, {}, admin);
  assert.is(res.status, 303);
  const b = (await alerts()).find((a) => a.kind === 'service-failed' && a.clientUuid === UUID_B)!;
  assert.is(b.acknowledgedBy, f.ids.admin, 'B’s open alert acknowledged by the plain form too');
  const again = await form(f.app, `/monitoring/service-failed/${UUID_B}/ack`, {}, admin);
  assert.is(again.status, 303);
});

test.run();
