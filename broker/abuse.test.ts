import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuthThrottle, TokenBucket } from './abuse.ts';

test('token bucket: a burst, then the sustained rate', () => {
  const b = new TokenBucket(2, 3, 0);
  assert.equal([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
  assert.not.ok(b.take(400), '0.8 tokens after 400 ms');
  assert.ok(b.take(500), 'one token after 500 ms');
  assert.not.ok(b.take(500));
  assert.equal([b.take(10_000), b.take(10_000), b.take(10_000), b.take(10_000)], [true, true, true, false], 'refills to the burst, not beyond');
});

test('auth throttle: free failures, then doubling delays up to the cap; success clears', () => {
  const t = new AuthThrottle({ freeFailures: 2, baseDelayMs: 100, maxDelayMs: 350 });
  assert.is(t.delayFor('1.2.3.4', 0), 0);
  t.failed('1.2.3.4', 0);
  t.failed('1.2.3.4', 0);
  assert.is(t.delayFor('1.2.3.4', 0), 100);
  t.failed('1.2.3.4', 0);
  assert.is(t.delayFor('1.2.3.4', 0), 200);
  t.failed('1.2.3.4', 0);
  assert.is(t.delayFor('1.2.3.4', 0), 350, 'capped');
  assert.is(t.delayFor('5.6.7.8', 0), 0, 'other addresses are not affected');
  assert.is(t.penalised(0), 1);
  t.succeeded('1.2.3.4');
  assert.is(t.delayFor('1.2.3.4', 0), 0);
});

test('auth throttle: too many delayed attempts from one address are refused; quiet addresses are forgotten', () => {
  const t = new AuthThrottle({ freeFailures: 1, baseDelayMs: 100, maxPendingPerAddress: 2, forgetAfterMs: 1000 });
  t.failed('a', 0);
  const r1 = t.hold('a');
  const r2 = t.hold('a');
  assert.is(t.delayFor('a', 10), -1);
  r1();
  assert.is(t.delayFor('a', 10), 100);
  r2();
  assert.is(t.delayFor('a', 2000), 0, 'forgotten after a quiet period');
  assert.is(t.refused, 1);
});

test.run();
