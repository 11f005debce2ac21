import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DurabilityBarrier } from './writer.durability.ts';

test('waiters before a flush starts share one promise; a waiter after it starts belongs to the next flush', async () => {
  const b = new DurabilityBarrier();
  b.enqueued = 2;
  const first = b.durable(5000);
  b.enqueued = 3;
  assert.is(b.durable(5000), first, 'same group: one promise, one timer');
  b.seal(); // a flush takes statements 1–3
  b.enqueued = 4;
  const second = b.durable(5000);
  assert.is.not(second, first);
  let secondDone = false;
  void second.then(() => (secondDone = true));
  b.advance(3);
  assert.is(await first, true);
  await Promise.resolve();
  assert.is(secondDone, false, 'statement 4 is not written yet');
  b.seal();
  b.advance(4);
  assert.is(await second, true);
  assert.is(b.waiting, false);
});

test('a group times out as a whole (false); nothing waits afterwards', async () => {
  const b = new DurabilityBarrier();
  b.enqueued = 1;
  const p = b.durable(5);
  const keepAlive = setTimeout(() => {}, 100); // the group's timer is unref'd
  assert.is(await p, false);
  clearTimeout(keepAlive);
  assert.is(b.waiting, false);
  b.advance(1);
  assert.is(await b.durable(5000), true, 'once written, at once');
});

test.run();
