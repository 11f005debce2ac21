/**
 * The first scheduler cycle after a restore (docs/performance.md): clients whose restored record
 * already names the expected event get no EXPECTED_EVENT through their machine; a changed group's
 * clients do. The kept expectation still reaches the actor before the next event (frozen guard).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock, type InspectionEvent } from 'xstate';
import { Supervisor } from './supervisor.ts';
import { Fleet, type FleetDeps } from './fleet.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';
import { EventBus } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const NOW = 50_000_000;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Group 1 plays event 7, group 2 event 8: both as the scheduler last said before the restart. */
const playing = (i: number): ClientRecord => {
  const ev = i % 2 ? '7' : '8';
  return {
    ...emptyRecord(uuid(i), 0),
    groupId: i % 2 ? 1 : 2,
    lastAlive: NOW - 1000,
    connectivity: 'online',
    processStatus: 'running',
    currentEventId: ev,
    expectedEventId: ev,
    status: 'healthy',
    statusReasons: [],
  };
};

function setup(n: number) {
  const clock = new SimulatedClock();
  clock.set(NOW);
  const told: string[] = []; // uuids of clients whose machine got EXPECTED_EVENT
  const inspect = (e: InspectionEvent) => {
    if (e.type === '@xstate.event' && e.event.type === 'EXPECTED_EVENT') told.push((e.actorRef as unknown as { id: string }).id.slice('client:'.length));
  };
  const sup = new Supervisor({ clock, bus: new EventBus(), graceMs: 170_000, persist: () => {}, inspect });
  sup.restore(Array.from({ length: n }, (_, i) => playing(i)));
  const deps = { supervisor: sup, publisher: { publish: async () => {} }, topics: {}, graceSeconds: 170, now: () => clock.now() };
  const fleet = new Fleet(deps as unknown as FleetDeps);
  return { sup, fleet, told, clock };
}

const cycle = (one: string, two: string) =>
  new Map([
    [1, { eventId: one, changing: true }],
    [2, { eventId: two, changing: false }],
  ]);

test('the first cycle after a restore sends no event when every record already holds its expected event', () => {
  const { sup, fleet, told } = setup(100);
  fleet.expectEvents(cycle('7', '8'), true);
  assert.equal(told, []);
  assert.is(sup.get(uuid(1))!.status, 'healthy');
});

test('a changed group: only its clients get the event, and their status shows the mismatch', () => {
  const { sup, fleet, told } = setup(100);
  fleet.expectEvents(cycle('7', '8'), true);
  fleet.expectEvents(cycle('9', '8'), true);
  assert.is(told.length, 50);
  assert.ok(told.every((u) => sup.get(u)!.groupId === 1));
  assert.equal(sup.get(uuid(1))!.statusReasons, ['event_mismatch']);
  assert.is(sup.get(uuid(2))!.status, 'healthy');
});

test('a kept expectation reaches the actor before its next event (identical screenshots of a video: frozen)', () => {
  const { sup, fleet, told, clock } = setup(4);
  fleet.expectEvents(cycle('7', '8'), true);
  const shot = { type: 'SCREENSHOT', at: clock.now(), captureType: 'periodic', identicalToPrevious: true } as const;
  sup.send(uuid(1), shot); // group 1 expects a video: frozen
  sup.send(uuid(2), shot); // group 2 does not
  assert.equal(told, [uuid(1), uuid(2)]);
  assert.is(sup.get(uuid(1))!.screenFrozenDetected, true);
  assert.is(sup.get(uuid(2))!.screenFrozenDetected, false);
});

test.run();
