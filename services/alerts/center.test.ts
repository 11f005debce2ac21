import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus, type BusEvent } from '../../lib/bus.ts';
import { AlertCenter, DEDUP_WINDOW_MS, commandAlert, type AlertEvent } from './center.ts';
import { openDatabase, type Db } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { BatchedWriter } from '../../db/writer.ts';
import { ackAlertsStatement, getAlert, listAlerts } from '../../db/alerts.ts';
import { insertUserStatement } from '../../db/users.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
let db: Db;
let writer: BatchedWriter;
let bus: EventBus;
let center: AlertCenter;
const seen: AlertEvent[] = [];

test.before(async () => {
  db = await openDatabase(':memory:');
  await migrate(db);
  writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null });
  bus = new EventBus();
  let n = 0;
  center = new AlertCenter({ bus, persist: (...s) => writer.enqueue(...s), newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` });
  bus.on((e) => void (e.type === 'alert' && seen.push(e)));
});
test.after(() => {
  center.close();
  db.close();
});

const alert = (kind: string, uuid: string | undefined, at: number): AlertEvent => ({ type: 'alert', kind, severity: 'warning', message: `${kind} ${uuid}`, uuid, at });

test('same kind + client within 5 min is one alert with a counter; other clients and kinds are separate', async () => {
  const t0 = Date.parse('2026-03-02T10:00:00Z');
  const events = [alert('client-offline', A, t0), alert('client-offline', A, t0 + 60_000), alert('client-offline', B, t0 + 61_000), alert('client-online', A, t0 + 62_000), alert('client-offline', A, t0 + DEDUP_WINDOW_MS - 1)];
  for (const e of events) bus.emit(e);
  const info = events.map((e) => center.lookup(e)!);
  assert.equal(info.map((i) => i.count), [1, 2, 1, 1, 3]);
  assert.is(info[0].id, info[1].id);
  assert.is(info[4].key, `client-offline|${A}`);
  assert.is.not(info[2].id, info[0].id);
  // The window counts from the first occurrence: 5 min later it is news again.
  const late = alert('client-offline', A, t0 + DEDUP_WINDOW_MS);
  bus.emit(late);
  assert.is(center.lookup(late)!.count, 1);
  assert.is.not(center.lookup(late)!.id, info[0].id);
  await writer.settled();
  const stored = await getAlert(db, info[0].id);
  assert.is(stored!.count, 3);
  assert.is(stored!.firstAt, t0);
  assert.is(stored!.lastAt, t0 + DEDUP_WINDOW_MS - 1);
  const list = await listAlerts(db, { open: true, limit: 10, offset: 0 });
  assert.is(list.total, 4);
  assert.equal(list.alerts.map((a) => a.kind), ['client-offline', 'client-offline', 'client-online', 'client-offline']);
});

test('acknowledging closes the group: the next occurrence is a new alert', async () => {
  const t = Date.parse('2026-03-02T11:00:00Z');
  const first = alert('service-failed', A, t);
  bus.emit(first);
  const id = center.lookup(first)!.id;
  await writer.write(insertUserStatement({ username: 'ops', passwordHash: 'x', role: 'admin' }, t)); // id 1 (acknowledged_by references it)
  writer.enqueue(ackAlertsStatement([id], 1, t + 1000));
  center.acknowledged([id]);
  const again = alert('service-failed', A, t + 2000);
  bus.emit(again);
  assert.is(center.lookup(again)!.count, 1);
  assert.is.not(center.lookup(again)!.id, id);
  await writer.settled();
  assert.is((await getAlert(db, id))!.acknowledgedAt, t + 1000);
});

test('command outcomes become alerts on the bus (completed, failed, blocked); live steps and cancel do not', async () => {
  seen.length = 0;
  const cmd = (to: string, errorMessage: string | null = null): BusEvent => ({ type: 'command', commandId: 'c1', uuid: A, action: 'restart_app', from: 'x', to, errorCode: null, errorMessage, at: 5 });
  for (const to of ['queued', 'published', 'execution_started', 'canceled']) bus.emit(cmd(to));
  assert.is(seen.length, 0);
  bus.emit(cmd('completed'));
  bus.emit(cmd('timed_out', 'no ack'));
  bus.emit(cmd('blocked_safety'));
  bus.emit(cmd('manual_intervention_required'));
  assert.equal(seen.map((e) => [e.kind, e.severity]), [['command-completed', 'info'], ['command-failed', 'warning'], ['command-blocked', 'warning'], ['command-failed', 'critical']]);
  assert.match(seen[1].message, /restart_app on .*: timed_out: no ack/);
  assert.equal(center.lookup(seen[1])!.params, { action: 'restart_app', status: 'timed_out', commandId: 'c1' });
  assert.is(center.lookup(seen[3])!.count, 2, 'two command-failed alerts for one client within 5 min');
  assert.is(commandAlert({ type: 'command', commandId: 'c', uuid: A, action: 'reboot_host', from: null, to: 'recovered', at: 1 }), null);
});

test.run();
