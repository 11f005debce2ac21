/**
 * Deferred notices survive a restart (docs/notifications.md "Rules": quiet hours and rate caps
 * defer, never drop): the real NotificationService over a real libSQL file, stopped and started
 * again as a new service over the same database, on a simulated clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from 'xstate';
import { openDatabase } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { listOutbox } from '../../db/notifications.ts';
import { BatchedWriter } from '../../db/writer.ts';
import { EventBus } from '../../lib/bus.ts';
import { setQuiet } from '../../lib/logger.ts';
import { NotificationService } from './service.ts';
import type { Signal } from '../../domain/notifications.ts';
import { IdAllocator } from '../../db/ids.ts';

setQuiet(true);
const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'notif-deferred-'));

/** The screens' service stays failed (the sources would otherwise resolve the alerts at the next tick). */
const failing = (uuid: string) => ({ name: uuid, groupId: null, offline: false, serviceFailed: true, waitingManual: false });

/** One server life over the database file: the service as the runtime wires it, without timers. */
async function boot(file: string, clock: SimulatedClock) {
  const db = await openDatabase(`file:${join(dir, file)}`);
  await migrate(db);
  const writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null });
  const service = new NotificationService({ db, ids: new IdAllocator(db), writer, clock, bus: new EventBus(), client: failing, clients: () => [], timers: false });
  await service.start();
  const outbox = async () => {
    await writer.settled();
    return (await listOutbox(db, { limit: 100 })).reverse();
  };
  const shutdown = async () => {
    await service.stop();
    await writer.settled(); // the writer's last flush, as its stop does
    db.close();
  };
  return { db, writer, service, outbox, shutdown };
}

const screen = (n: number, status: Signal['status'], at: number): Signal => ({
  kind: 'service-failed', status, fingerprint: `service-failed|u${n}`, severity: 'critical', uuid: `u${n}`, groupId: null,
  summary: `Screen ${n}: service failed`, params: { name: `Screen ${n}` }, at,
});

test('quiet hours: deferred, restarted inside them, the digest still goes out at their end, exactly once', async () => {
  const clock = new SimulatedClock();
  clock.set(Date.parse('2025-03-10T21:30:00Z')); // 22:30 in Vienna
  const a = await boot('quiet.db', clock);
  const channelId = await a.service.addChannel({ name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/hook', language: 'en', rateCap: 20 }, 'admin');
  await a.service.addRule({ channelId, kinds: null, minSeverity: 'warning', groupIds: null, delaySeconds: 0, notifyResolved: true, repeatSeconds: null, respectSchedule: true, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Vienna' } }, 'admin');
  a.service.engine.signal(screen(1, 'firing', clock.now()));
  a.service.engine.signal(screen(2, 'firing', clock.now()));
  a.service.engine.signal(screen(3, 'firing', clock.now()));
  clock.increment(10 * MIN);
  a.service.engine.signal(screen(3, 'resolved', clock.now())); // opened and closed while quiet: counted
  a.service.tick();
  assert.equal(await a.outbox(), [], 'nothing during the quiet hours');
  await a.shutdown();

  clock.set(Date.parse('2025-03-11T03:00:00Z')); // 04:00: a new server over the same database
  const b = await boot('quiet.db', clock);
  b.service.tick();
  clock.set(Date.parse('2025-03-11T05:59:00Z'));
  b.service.tick();
  assert.equal(await b.outbox(), [], 'still quiet after the restart');
  clock.set(Date.parse('2025-03-11T06:00:15Z')); // 07:00:15 in Vienna
  b.service.tick();
  b.service.tick();
  const items = await b.outbox();
  assert.is(items.length, 1);
  assert.equal(items[0].notice.digest, { reason: 'quiet-hours', resolved: 1 });
  assert.equal(items[0].notice.alerts.map((x) => `${x.status}/${x.uuid}`), ['firing/u1', 'firing/u2']);
  await b.shutdown();

  clock.increment(30 * MIN); // and again: the digest is not sent a second time
  const c = await boot('quiet.db', clock);
  c.service.tick();
  assert.is((await c.outbox()).length, 1);
  await c.shutdown();
});

test('rate cap: the folded excess survives a restart and goes out as one digest when the window ends', async () => {
  const clock = new SimulatedClock();
  clock.set(Date.parse('2025-03-10T10:00:00Z'));
  const a = await boot('rate.db', clock);
  const channelId = await a.service.addChannel({ name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/hook', language: 'en', rateCap: 2 }, 'admin');
  await a.service.addRule({ channelId, kinds: null, minSeverity: 'warning', groupIds: null, delaySeconds: 0, notifyResolved: true, repeatSeconds: null, respectSchedule: true, quietHours: null }, 'admin');
  for (let n = 1; n <= 5; n++) a.service.engine.signal(screen(n, 'firing', clock.now()));
  assert.is((await a.outbox()).length, 2, 'two within the cap, three folded');
  await a.shutdown();

  clock.increment(MIN);
  const b = await boot('rate.db', clock);
  b.service.engine.signal(screen(6, 'firing', clock.now())); // still inside the window: folds too
  b.service.tick();
  assert.is((await b.outbox()).length, 2);
  clock.increment(10 * MIN);
  b.service.tick();
  b.service.tick();
  const items = await b.outbox();
  assert.is(items.length, 3);
  assert.equal(items[2].notice.digest, { reason: 'rate-cap', resolved: 0 });
  assert.equal(items[2].notice.alerts.map((x) => x.uuid), ['u3', 'u4', 'u5', 'u6']);
  await b.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

test.run();
