/** Supervisor → availability history: every connectivity change is reported once, with its time (restores: tests/availability.e2e.test.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { Supervisor } from './supervisor.ts';
import { EventBus } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const GRACE = 170_000;
const UUID = '00000000-0000-4000-8000-000000000001';

function setup(start = 1_000_000) {
  const clock = new SimulatedClock();
  clock.set(start);
  const changes: Array<[string, string, number]> = [];
  const sup = new Supervisor({ clock, bus: new EventBus(), graceMs: GRACE, persist: () => {}, connectivityChanged: (u, s, at) => changes.push([u, s, at]) });
  return { clock, sup, changes };
}

test('online on the first message, offline when the grace period runs out, online again: each once, at its time', () => {
  const { clock, sup, changes } = setup();
  sup.send(UUID, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  clock.increment(5000);
  sup.send(UUID, { type: 'HEALTH', at: clock.now(), processStatus: 'running' }); // no change: nothing recorded
  clock.increment(GRACE);
  clock.increment(60_000);
  sup.send(UUID, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  assert.equal(changes, [[UUID, 'online', 1_000_000], [UUID, 'offline', 1_175_000], [UUID, 'online', 1_235_000]]);
  sup.stop();
});

test.run();
