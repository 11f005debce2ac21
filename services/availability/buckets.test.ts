import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketsIn, sumPerBucket } from './buckets.ts';

const t = (s: string) => Date.parse(s);
const HOUR = 3_600_000;
const TZ = 'Europe/Vienna';
const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

test('day buckets follow Vienna across the spring switch (last Sunday of March: a 23-hour day)', () => {
  // Local midnights: 27 March 23:00Z (CET) … 29 March 22:00Z (CEST from that night on).
  const b = bucketsIn(t('2026-03-27T23:00:00Z'), t('2026-03-30T22:00:00Z'), 'day', TZ);
  assert.equal(b.map((x) => iso(x.start)), ['2026-03-27T23:00Z', '2026-03-28T23:00Z', '2026-03-29T22:00Z']);
  assert.equal(b.map((x) => (x.end - x.start) / HOUR), [24, 23, 24]);
});

test('day buckets follow Vienna across the autumn switch (last Sunday of October: a 25-hour day)', () => {
  const b = bucketsIn(t('2026-10-23T22:00:00Z'), t('2026-10-26T23:00:00Z'), 'day', TZ);
  assert.equal(b.map((x) => iso(x.start)), ['2026-10-23T22:00Z', '2026-10-24T22:00Z', '2026-10-25T23:00Z']);
  assert.equal(b.map((x) => (x.end - x.start) / HOUR), [24, 25, 24]);
});

test('hour buckets: 23 on the spring Sunday, 25 on the autumn one (the repeated 02:00 is its own bucket)', () => {
  assert.is(bucketsIn(t('2026-03-28T23:00:00Z'), t('2026-03-29T22:00:00Z'), 'hour', TZ).length, 23);
  const autumn = bucketsIn(t('2026-10-24T22:00:00Z'), t('2026-10-25T23:00:00Z'), 'hour', TZ);
  assert.is(autumn.length, 25);
  assert.ok(autumn.every((x) => x.end - x.start === HOUR));
});

test('a window not on a boundary: the first bucket starts at `from`, the last ends at `to`', () => {
  const b = bucketsIn(t('2026-03-02T10:30:00Z'), t('2026-03-03T12:00:00Z'), 'day', TZ);
  assert.equal(b.map((x) => [iso(x.start), iso(x.end)]), [['2026-03-02T10:30Z', '2026-03-02T23:00Z'], ['2026-03-02T23:00Z', '2026-03-03T12:00Z']]);
});

test('a zone with a half-hour offset gets its own local midnights', () => {
  const b = bucketsIn(t('2026-03-01T18:30:00Z'), t('2026-03-03T18:30:00Z'), 'day', 'Asia/Kolkata');
  assert.equal(b.map((x) => iso(x.start)), ['2026-03-01T18:30Z', '2026-03-02T18:30Z']);
});

test('sumPerBucket splits spans at the bucket edges, the 23-hour day included', () => {
  const b = bucketsIn(t('2026-03-28T23:00:00Z'), t('2026-03-30T22:00:00Z'), 'day', TZ);
  const sums = sumPerBucket([
    { start: t('2026-03-28T23:00:00Z'), end: t('2026-03-29T21:00:00Z'), state: 'online' },
    { start: t('2026-03-29T21:00:00Z'), end: t('2026-03-30T01:00:00Z'), state: 'offline' },
    { start: t('2026-03-30T01:00:00Z'), end: t('2026-03-30T22:00:00Z'), state: 'unknown' },
  ], b);
  assert.equal(sums.map((s) => [s.onlineMs / HOUR, s.offlineMs / HOUR, s.unknownMs / HOUR]), [[22, 1, 0], [0, 3, 21]]);
});

test.run();
