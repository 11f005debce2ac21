/** DeadlineQueue on a simulated clock: order, one timer for all items, re-arming, clearing. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { DeadlineQueue } from './deadlines.ts';

function setup() {
  const clock = new SimulatedClock();
  clock.set(1_000);
  const served: Array<[string, number]> = [];
  const q = new DeadlineQueue<string>(clock, (item, now) => served.push([item, now]));
  const timers = () => (clock as unknown as { timeouts: Map<number, unknown> }).timeouts.size;
  return { clock, served, q, timers };
}

test('items are served at their time, in time order, by one timer', () => {
  const { clock, served, q, timers } = setup();
  q.add(3_000, 'c');
  q.add(2_000, 'b');
  q.add(2_000, 'b2');
  q.arm();
  assert.is(timers(), 1);
  assert.is(q.size, 3);
  clock.increment(999);
  assert.equal(served, []);
  clock.increment(1);
  assert.equal(served, [['b', 2_000], ['b2', 2_000]]);
  clock.increment(1_000);
  assert.equal(served, [['b', 2_000], ['b2', 2_000], ['c', 3_000]]);
  assert.is(q.size, 0);
  assert.is(timers(), 0, 'nothing left: no timer');
});

test('an earlier item added later moves the timer forward; a later one does not add a timer', () => {
  const { clock, served, q, timers } = setup();
  q.add(5_000, 'late');
  q.arm();
  q.add(1_500, 'early');
  q.arm();
  q.add(9_000, 'later');
  q.arm();
  assert.is(timers(), 1);
  clock.increment(500);
  assert.equal(served.map(([i]) => i), ['early']);
  clock.increment(3_500);
  assert.equal(served.map(([i]) => i), ['early', 'late']);
});

test('an item already due is served on the next timer; clear drops everything', () => {
  const { clock, served, q, timers } = setup();
  q.add(500, 'overdue');
  q.add(2_000, 'dropped');
  q.arm();
  clock.increment(1);
  assert.equal(served, [['overdue', 1_001]]);
  q.clear();
  assert.is(q.size, 0);
  assert.is(timers(), 0);
  clock.increment(5_000);
  assert.equal(served.length, 1);
});

test('items added while a batch is served wait for the next timer', () => {
  const clock = new SimulatedClock();
  clock.set(0);
  const served: string[] = [];
  const q: DeadlineQueue<string> = new DeadlineQueue<string>(clock, (item, now) => {
    served.push(item);
    if (item === 'a') {
      q.add(now + 100, 'from a');
      q.arm();
    }
  });
  q.add(10, 'a');
  q.add(10, 'b');
  q.arm();
  clock.increment(10);
  assert.equal(served, ['a', 'b']);
  clock.increment(100);
  assert.equal(served, ['a', 'b', 'from a']);
});

test.run();
