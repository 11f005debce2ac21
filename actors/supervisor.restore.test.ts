/**
 * Supervisor restore at scale: grace timers re-armed lazily (one timer for all restored clients,
 * RESUME only for the ones still silent), nothing written back when nothing changed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock, type InspectionEvent } from 'xstate';
import { Supervisor } from './supervisor.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';
import { EventBus, type BusEvent } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const GRACE = 170_000;
const NOW = 50_000_000;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const timers = (clock: SimulatedClock) => (clock as unknown as { timeouts: Map<number, unknown> }).timeouts.size;

function setup() {
  const clock = new SimulatedClock();
  clock.set(NOW);
  const events: BusEvent[] = [];
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const marks: Array<[string, boolean]> = [];
  const sup = new Supervisor({ clock, bus, graceMs: GRACE, persist: (u, urgent) => marks.push([u, urgent]) });
  return { clock, events, marks, sup };
}

/** As the actor derives it: online, running, nothing expected → healthy. */
const healthy = (i: number, lastAlive: number): ClientRecord => ({
  ...emptyRecord(uuid(i), 0),
  lastAlive,
  connectivity: 'online',
  processStatus: 'running',
  status: 'healthy',
  statusReasons: [],
});

test('a restore that changes nothing writes nothing and announces nothing', () => {
  const { sup, marks, events } = setup();
  sup.restore(Array.from({ length: 50 }, (_, i) => healthy(i, NOW - i * 1000)));
  assert.is(sup.size, 50);
  assert.is(sup.onlineCount, 50);
  assert.equal(marks, []);
  assert.equal(events, []);
});

test('restored clients share one timer; each silent one still goes offline at last_alive + grace', () => {
  const { sup, clock } = setup();
  const records = Array.from({ length: 20 }, (_, i) => healthy(i, NOW - 100_000 + i * 1000)); // deadlines at +70 s, +71 s, …
  sup.restore(records);
  assert.is(timers(clock), 1, 'one timer for all, not one per actor');
  for (let i = 0; i < 20; i++) {
    clock.set(NOW + 70_000 + i * 1000 - 1);
    assert.is(sup.get(uuid(i))!.connectivity, 'online', `client ${i} before its deadline`);
    clock.set(NOW + 70_000 + i * 1000);
    assert.is(sup.get(uuid(i))!.connectivity, 'offline', `client ${i} at its deadline`);
  }
  assert.is(sup.onlineCount, 0);
});

test('a restored client that talks keeps its own grace timer, from its new last_alive', () => {
  const { sup, clock } = setup();
  sup.restore([healthy(1, NOW - 100_000), healthy(2, NOW - 100_000)]);
  clock.increment(10_000);
  sup.send(uuid(1), { type: 'HEALTH', at: clock.now(), processStatus: 'running' });
  clock.set(NOW + 70_000);
  assert.is(sup.get(uuid(2))!.connectivity, 'offline');
  assert.is(sup.get(uuid(1))!.connectivity, 'online', 'its old deadline passed: it talked since');
  clock.set(NOW + 10_000 + GRACE - 1);
  assert.is(sup.get(uuid(1))!.connectivity, 'online');
  clock.increment(1);
  assert.is(sup.get(uuid(1))!.connectivity, 'offline');
});

test('a client due within seconds of the restore, and one removed before its deadline', () => {
  const { sup, clock } = setup();
  sup.restore([healthy(1, NOW - GRACE + 2_000), healthy(2, NOW - 100_000)]);
  clock.increment(1_999);
  assert.is(sup.get(uuid(1))!.connectivity, 'online');
  clock.increment(1);
  assert.is(sup.get(uuid(1))!.connectivity, 'offline');
  assert.ok(sup.remove(uuid(2)));
  clock.set(NOW + 100_000);
  assert.is(sup.get(uuid(2)), undefined);
  assert.is(timers(clock), 0);
});

test('stop drops the pending re-arms', () => {
  const { sup, clock } = setup();
  sup.restore([healthy(1, NOW - 100_000)]);
  sup.stop();
  assert.is(timers(clock), 0);
});

test('restored actors are created on first use, from the restored state', () => {
  const clock = new SimulatedClock();
  clock.set(NOW);
  const created: string[] = [];
  const inspect = (e: InspectionEvent) => void (e.type === '@xstate.actor' && (e.actorRef as unknown as { id: string }).id !== 'supervisor' && created.push((e.actorRef as unknown as { id: string }).id));
  const sup = new Supervisor({ clock, bus: new EventBus(), graceMs: GRACE, persist: () => {}, inspect });
  sup.restore(Array.from({ length: 50 }, (_, i) => healthy(i, NOW - 1000)));
  assert.equal(created, []);
  assert.equal(sup.stateCounts()['connectivity.online'], 50, 'states read from the restored snapshots');
  sup.send(uuid(3), { type: 'HEALTH', at: NOW, processStatus: 'crashed' });
  assert.equal(created, [`client:${uuid(3)}`]);
  assert.is(sup.get(uuid(3))!.processStatus, 'crashed');
  assert.is(sup.snapshot(uuid(4))!.value.connectivity, 'online');
  assert.is(created.length, 2);
  sup.stop();
});

test.run();
