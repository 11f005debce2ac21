import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availabilityPct, clipSpans, connectivitySpans, mergeIntervals, totals, upIntervals } from './spans.ts';
import type { ServerRun, Span } from './types.ts';

const t = (s: string) => Date.parse(s);
const MIN = 60_000;
const HOUR = 60 * MIN;
const FROM = t('2026-03-02T00:00:00Z');
const TO = t('2026-03-03T00:00:00Z');
const show = (spans: Span[]) => spans.map((s) => `${s.state} ${new Date(s.start).toISOString().slice(11, 16)}-${new Date(s.end).toISOString().slice(11, 16)}`);
const run = (id: string, startedAt: number, aliveUntil: number, endedAt: number | null = aliveUntil): ServerRun => ({ id, startedAt, aliveUntil, endedAt });
const ALWAYS_UP = [{ start: FROM, end: TO }];

test('changes become spans; the state before the window carries in; equal neighbours merge', () => {
  const spans = connectivitySpans('online', [
    { at: FROM + 6 * HOUR, state: 'offline' },
    { at: FROM + 7 * HOUR, state: 'online' },
    { at: FROM + 8 * HOUR, state: 'online' }, // a start-up baseline repeating the state
  ], ALWAYS_UP, FROM, TO);
  assert.equal(show(spans), ['online 00:00-06:00', 'offline 06:00-07:00', 'online 07:00-00:00']);
});

test('nothing recorded before the window: unknown until the first change', () => {
  const spans = connectivitySpans(null, [{ at: FROM + 2 * HOUR, state: 'online' }], ALWAYS_UP, FROM, TO);
  assert.equal(show(spans), ['unknown 00:00-02:00', 'online 02:00-00:00']);
  assert.equal(show(connectivitySpans(null, [], ALWAYS_UP, FROM, TO)), ['unknown 00:00-00:00']);
});

test('time the server was down is unknown, not offline: a screen offline before and after keeps two outages', () => {
  // Run 1 crashed (last alive 10:00), run 2 started 12:00 and is the one answering now (14:00).
  const up = upIntervals([run('a', FROM - HOUR, FROM + 10 * HOUR, null), run('b', FROM + 12 * HOUR, FROM + 12 * HOUR + 10_000, null)], FROM, TO, FROM + 14 * HOUR);
  assert.equal(up, [{ start: FROM, end: FROM + 10 * HOUR }, { start: FROM + 12 * HOUR, end: FROM + 14 * HOUR }]);
  const spans = connectivitySpans('online', [{ at: FROM + 9 * HOUR, state: 'offline' }], up, FROM, TO);
  assert.equal(show(spans), ['online 00:00-09:00', 'offline 09:00-10:00', 'unknown 10:00-12:00', 'offline 12:00-14:00', 'unknown 14:00-00:00']);
  const sum = totals(spans, null);
  assert.is(sum.offlineMs, 3 * HOUR);
  assert.is(sum.unknownMs, 12 * HOUR);
  assert.is(sum.incidents, 2);
  assert.is(sum.longestOutageMs, 2 * HOUR);
  assert.is(availabilityPct(sum.onlineMs, sum.offlineMs), 75); // 9 h of 12 known hours
});

test('a cleanly stopped newest run is not extended to now; an open newest run is', () => {
  assert.equal(upIntervals([run('a', FROM, FROM + HOUR)], FROM, TO, FROM + 5 * HOUR), [{ start: FROM, end: FROM + HOUR }]);
  assert.equal(upIntervals([run('a', FROM, FROM + HOUR, null)], FROM, TO, FROM + 5 * HOUR), [{ start: FROM, end: FROM + 5 * HOUR }]);
  assert.equal(upIntervals([], FROM, TO, TO), []);
});

test('changes outside the window: before it only set the start state, after it are ignored', () => {
  const spans = connectivitySpans('offline', [{ at: FROM - HOUR, state: 'online' }, { at: TO + HOUR, state: 'offline' }], ALWAYS_UP, FROM, TO);
  assert.equal(show(spans), ['online 00:00-00:00']);
});

test('scheduled mask: only time inside counts; an outage across a closed night is one incident', () => {
  // Offline from 16:00 to 09:00 next day; scheduled 08:00–17:00 on both days.
  const from = FROM;
  const to = FROM + 2 * 24 * HOUR;
  const spans: Span[] = [
    { start: from, end: from + 16 * HOUR, state: 'online' },
    { start: from + 16 * HOUR, end: from + 33 * HOUR, state: 'offline' },
    { start: from + 33 * HOUR, end: to, state: 'online' },
  ];
  const mask = [{ start: from + 8 * HOUR, end: from + 17 * HOUR }, { start: from + 32 * HOUR, end: from + 41 * HOUR }];
  const sched = totals(spans, mask);
  assert.is(sched.offlineMs, 2 * HOUR);
  assert.is(sched.onlineMs, 16 * HOUR);
  assert.is(sched.incidents, 1);
  assert.is(sched.longestOutageMs, 2 * HOUR); // its scheduled time: 16:00–17:00 and 08:00–09:00
  assert.is(totals(spans, null).longestOutageMs, 17 * HOUR);
  assert.equal(clipSpans(spans, mask).map((s) => [s.state, (s.end - s.start) / HOUR]), [['online', 8], ['offline', 1], ['offline', 1], ['online', 8]]);
});

test('an outage entirely outside scheduled hours is no incident', () => {
  const spans: Span[] = [{ start: FROM, end: FROM + 2 * HOUR, state: 'offline' }, { start: FROM + 2 * HOUR, end: TO, state: 'online' }];
  const sched = totals(spans, [{ start: FROM + 8 * HOUR, end: FROM + 17 * HOUR }]);
  assert.equal([sched.incidents, sched.offlineMs, availabilityPct(sched.onlineMs, sched.offlineMs)], [0, 0, 100]);
});

test('availability is floored: an outage never shows as 100 %; no known time is null', () => {
  assert.is(availabilityPct(999_999, 1), 99.99);
  assert.is(availabilityPct(0, 0), null);
  assert.is(availabilityPct(0, 5), 0);
});

test('mergeIntervals sorts, joins touching and overlapping intervals, clips', () => {
  assert.equal(mergeIntervals([{ start: 5, end: 8 }, { start: 0, end: 3 }, { start: 3, end: 4 }, { start: 7, end: 20 }], 1, 10), [{ start: 1, end: 4 }, { start: 5, end: 10 }]);
});

test.run();
