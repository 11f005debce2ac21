/** Supervisor: creation, restore with re-armed timers, persistence marks, alerts, failure isolation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { Supervisor } from './supervisor.ts';
import { HEARTBEAT_WINDOW_MS, OFFLINE_ALERT_SETTLE_MS } from './outage.ts';
import { emptyRecord } from '../domain/client.types.ts';
import { EventBus, type BusEvent } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const GRACE = 170_000;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function setup(start = 1_000_000) {
  const clock = new SimulatedClock();
  clock.set(start);
  const bus = new EventBus();
  const events: BusEvent[] = [];
  bus.on((e) => events.push(e));
  const marks: Array<[string, boolean]> = [];
  const sup = new Supervisor({ clock, bus, graceMs: GRACE, persist: (u, urgent) => marks.push([u, urgent]) });
  return { clock, bus, events, marks, sup, alerts: () => events.filter((e) => e.type === 'alert') as Extract<BusEvent, { type: 'alert' }>[] };
}

test('telemetry from an unknown uuid creates an undiscovered client and persists it urgently', () => {
  const { sup, clock, marks } = setup();
  sup.send(uuid(1), { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  const r = sup.get(uuid(1))!;
  assert.is(r.discovered, false);
  assert.is(r.connectivity, 'online');
  assert.is(r.status, 'healthy');
  assert.ok(marks.some(([u, urgent]) => u === uuid(1) && urgent));
});

test('freshness alone is a non-urgent mark; a state change is urgent', () => {
  const { sup, clock, marks } = setup();
  sup.send(uuid(1), { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  marks.length = 0;
  clock.increment(5000);
  sup.send(uuid(1), { type: 'HEALTH', at: clock.now(), processStatus: 'running' });
  assert.equal(marks, [[uuid(1), false]]);
  marks.length = 0;
  sup.send(uuid(1), { type: 'HEALTH', at: clock.now(), processStatus: 'crashed' });
  assert.equal(marks, [[uuid(1), true]]);
});

test('status changes and offline/online alerts go on the bus', () => {
  const { sup, clock, events, alerts } = setup();
  sup.send(uuid(1), { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  clock.increment(GRACE);
  const status = events.filter((e) => e.type === 'client-status').map((e) => (e as any).status);
  assert.equal(status, ['healthy', 'offline']);
  assert.equal(alerts().length, 0, 'offline alerts settle first (an outage would replace them)');
  clock.increment(OFFLINE_ALERT_SETTLE_MS - 1);
  assert.equal(alerts().length, 0);
  clock.increment(1);
  assert.equal(alerts().map((a) => a.kind), ['client-offline']);
  sup.send(uuid(1), { type: 'HEARTBEAT', at: clock.now() });
  assert.equal(alerts().map((a) => a.kind), ['client-offline', 'client-online']);
});

test('restore re-arms the grace timer from last_alive and raises no alerts', () => {
  const now = 50_000_000;
  const { sup, clock, alerts } = setup(now);
  const seen = { ...emptyRecord(uuid(1), 0), lastAlive: now - 100_000, connectivity: 'online' as const };
  const stale = { ...emptyRecord(uuid(2), 0), lastAlive: now - 400_000, connectivity: 'online' as const };
  sup.restore([seen, stale], [{ uuid: uuid(1), level: 'ERROR', at: now - 1000 }]);
  assert.is(sup.get(uuid(1))!.connectivity, 'online');
  assert.equal(sup.get(uuid(1))!.statusReasons, ['recent_errors'], 'recent errors come back from the log table');
  assert.is(sup.get(uuid(2))!.connectivity, 'offline');
  assert.is(alerts().length, 0);
  clock.increment(69_999);
  assert.is(sup.get(uuid(1))!.connectivity, 'online');
  clock.increment(1);
  assert.is(sup.get(uuid(1))!.connectivity, 'offline');
  assert.is(sup.onlineCount, 0);
});

test('outage heuristic: most of the fleet silent within one window → one outage alert', () => {
  const { sup, clock, alerts } = setup();
  for (let i = 0; i < 10; i++) sup.send(uuid(i), { type: 'HEARTBEAT', at: clock.now() });
  sup.send(uuid(10), { type: 'HEARTBEAT', at: clock.now() + 0 });
  clock.increment(60_000);
  sup.send(uuid(10), { type: 'HEARTBEAT', at: clock.now() }); // one client keeps talking
  clock.increment(GRACE - 60_000);
  const kinds = alerts().map((a) => a.kind);
  assert.ok(kinds.includes('outage-suspected'));
  assert.is(kinds.filter((k) => k === 'outage-suspected').length, 1);
  clock.increment(OFFLINE_ALERT_SETTLE_MS);
  assert.not.ok(alerts().some((a) => a.kind === 'client-offline'), 'the outage alert replaces the per-client ones');
  for (let i = 0; i < 10; i++) sup.send(uuid(i), { type: 'HEARTBEAT', at: clock.now() });
  assert.ok(alerts().some((a) => a.kind === 'outage-resolved'));
});

test('a single silent client is a device problem, not an outage', () => {
  const { sup, clock, alerts } = setup();
  for (let i = 0; i < 5; i++) sup.send(uuid(i), { type: 'HEARTBEAT', at: clock.now() });
  clock.increment(100_000);
  for (let i = 1; i < 5; i++) sup.send(uuid(i), { type: 'HEARTBEAT', at: clock.now() });
  clock.increment(70_000);
  clock.increment(OFFLINE_ALERT_SETTLE_MS); // separate steps: SimulatedClock schedules timers set while firing from the end of the step
  assert.equal(alerts().map((a) => a.kind), ['client-offline']);
});

/** Advances in 1 s steps, `talking` clients sending health every 5 s (as real clients do). */
function run(c: ReturnType<typeof setup>, ms: number, talking: number[]) {
  for (let t = 0; t < ms; t += 1000) {
    if (t % 5000 === 0) for (const i of talking) c.sup.send(uuid(i), { type: 'HEALTH', at: c.clock.now() });
    c.clock.increment(1000);
  }
}

test('a fleet going silent staggered over a heartbeat window: exactly one outage alert, no per-client offline alert', () => {
  const c = setup();
  const silent = Array.from({ length: 10 }, (_, i) => i);
  const alive = [10, 11]; // 10 of 12 silent: 83 %
  for (const i of [...silent, ...alive]) c.sup.send(uuid(i), { type: 'HEARTBEAT', at: c.clock.now() });
  // The silent clients' last messages spread over one heartbeat window (heartbeat-only clients).
  const step = Math.floor(HEARTBEAT_WINDOW_MS / silent.length);
  for (const i of silent) {
    run(c, step, [...silent.slice(i), ...alive]);
  }
  run(c, GRACE + HEARTBEAT_WINDOW_MS + OFFLINE_ALERT_SETTLE_MS * 2, alive);
  assert.ok(silent.every((i) => c.sup.get(uuid(i))!.connectivity === 'offline'));
  assert.equal(c.alerts().map((a) => a.kind), ['outage-suspected']);
  assert.is(c.sup.outageSuspected, true);
});

test('a client back before its offline alert settled gets none; later single clients get theirs', () => {
  const c = setup();
  for (let i = 0; i < 5; i++) c.sup.send(uuid(i), { type: 'HEARTBEAT', at: c.clock.now() });
  run(c, GRACE, [1, 2, 3, 4]); // client 0 silent for the grace period: offline
  assert.is(c.sup.get(uuid(0))!.connectivity, 'offline');
  c.sup.send(uuid(0), { type: 'HEARTBEAT', at: c.clock.now() }); // back before its alert was shown
  run(c, OFFLINE_ALERT_SETTLE_MS + 1000, [0, 1, 2, 3, 4]);
  assert.equal(c.alerts().map((a) => a.kind), ['client-online'], 'no offline alert for a client already back');
  // Two more clients go silent while 0 is back: 2 of 5 is no outage.
  run(c, GRACE + 1000, [0, 3, 4]);
  run(c, OFFLINE_ALERT_SETTLE_MS + 1000, [0, 3, 4]);
  assert.equal(c.alerts().map((a) => a.kind), ['client-online', 'client-offline', 'client-offline']);
});

test('an actor that throws is recreated from its last good record; the others are unaffected', () => {
  const { sup, clock } = setup();
  sup.send(uuid(1), { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  sup.send(uuid(2), { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  const poisoned = { type: 'HEARTBEAT', get at(): number { throw new Error('boom'); } } as any;
  sup.send(uuid(1), poisoned);
  assert.is(sup.failures, 1);
  assert.is(sup.get(uuid(1))!.processStatus, 'running');
  sup.send(uuid(1), { type: 'HEALTH', at: clock.now(), processStatus: 'crashed' });
  assert.is(sup.get(uuid(1))!.processStatus, 'crashed', 'the recreated actor keeps working');
  assert.is(sup.get(uuid(2))!.processStatus, 'running');
});

test('service failed raises a critical alert once', () => {
  const { sup, clock, alerts } = setup();
  sup.send(uuid(1), { type: 'SERVICE_FAILED', at: clock.now(), unit: 'a.service', failedAt: clock.now() });
  sup.send(uuid(1), { type: 'SERVICE_FAILED', at: clock.now(), unit: 'a.service', failedAt: clock.now() });
  assert.equal(alerts().map((a) => a.kind), ['service-failed']);
});

test.run();
