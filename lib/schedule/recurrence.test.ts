import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRule, expand, nextOccurrences } from './recurrence.ts';
import { fromWall, localDate, offsetAt, toWall } from './zone.ts';

const VIE = 'Europe/Vienna';
const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const t = (s: string) => Date.parse(s);

test('zone: offsets of Vienna in winter and summer; wall time round trip', () => {
  assert.is(offsetAt(t('2026-01-15T12:00:00Z'), VIE), 1 * H);
  assert.is(offsetAt(t('2026-07-15T12:00:00Z'), VIE), 2 * H);
  const wall = Date.UTC(2026, 6, 15, 8, 0);
  assert.is(iso(fromWall(wall, VIE)), '2026-07-15T06:00:00Z');
  assert.is(toWall(fromWall(wall, VIE), VIE), wall);
  assert.is(localDate(t('2026-03-31T23:30:00Z'), VIE), '2026-04-01', 'local date, not UTC date');
});

test('zone: a wall time in the spring gap moves forward, an autumn duplicate takes the earlier instant', () => {
  // 2026-03-29: 02:00 CET → 03:00 CEST. 02:30 does not exist: 03:30 CEST = 01:30Z.
  assert.is(iso(fromWall(Date.UTC(2026, 2, 29, 2, 30), VIE)), '2026-03-29T01:30:00Z');
  // 2026-10-25: 03:00 CEST → 02:00 CET. 02:30 exists twice: first 02:30 CEST = 00:30Z.
  assert.is(iso(fromWall(Date.UTC(2026, 9, 25, 2, 30), VIE)), '2026-10-25T00:30:00Z');
});

test('weekly Monday 08:00 Vienna keeps 08:00 local across the spring switch (07:00Z → 06:00Z)', () => {
  const spec = { start: t('2026-03-16T07:00:00Z'), end: t('2026-03-16T08:00:00Z'), timezone: VIE, rule: 'FREQ=WEEKLY;BYDAY=MO' };
  const got = expand(spec, t('2026-03-15T00:00:00Z'), t('2026-04-07T00:00:00Z')).map((o) => iso(o.start));
  assert.equal(got, ['2026-03-16T07:00:00Z', '2026-03-23T07:00:00Z', '2026-03-30T06:00:00Z', '2026-04-06T06:00:00Z']);
  const ends = expand(spec, t('2026-03-29T00:00:00Z'), t('2026-03-31T00:00:00Z')).map((o) => iso(o.end));
  assert.equal(ends, ['2026-03-30T07:00:00Z'], 'duration stays one hour');
});

test('weekly Monday 08:00 Vienna keeps 08:00 local across the autumn switch (06:00Z → 07:00Z)', () => {
  const spec = { start: t('2026-10-12T06:00:00Z'), end: t('2026-10-12T07:00:00Z'), timezone: VIE, rule: 'FREQ=WEEKLY;BYDAY=MO' };
  const got = expand(spec, t('2026-10-12T00:00:00Z'), t('2026-11-03T00:00:00Z')).map((o) => iso(o.start));
  assert.equal(got, ['2026-10-12T06:00:00Z', '2026-10-19T06:00:00Z', '2026-10-26T07:00:00Z', '2026-11-02T07:00:00Z']);
});

test('a daily event at 02:30 on the spring-switch night is at 03:30 local that day, 02:30 after', () => {
  const spec = { start: t('2026-03-28T01:30:00Z'), end: t('2026-03-28T02:00:00Z'), timezone: VIE, rule: 'FREQ=DAILY' };
  const got = expand(spec, t('2026-03-28T00:00:00Z'), t('2026-03-31T00:00:00Z')).map((o) => iso(o.start));
  assert.equal(got, ['2026-03-28T01:30:00Z', '2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z']);
});

test('UNTIL in UTC is inclusive; a date-only UNTIL includes that whole local day; COUNT counts from the start', () => {
  const base = { start: t('2026-03-02T07:00:00Z'), end: t('2026-03-02T08:00:00Z'), timezone: VIE };
  const range = [t('2026-03-01T00:00:00Z'), t('2026-06-01T00:00:00Z')] as const;
  const until = expand({ ...base, rule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T070000Z' }, ...range).map((o) => iso(o.start));
  assert.equal(until, ['2026-03-02T07:00:00Z', '2026-03-09T07:00:00Z', '2026-03-16T07:00:00Z']);
  const beforeIt = expand({ ...base, rule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T065959Z' }, ...range);
  assert.is(beforeIt.length, 2);
  const dateOnly = expand({ ...base, rule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316' }, ...range);
  assert.is(dateOnly.length, 3);
  const count = expand({ ...base, rule: 'FREQ=DAILY;COUNT=4' }, t('2026-03-04T00:00:00Z'), range[1]).map((o) => iso(o.start));
  assert.equal(count, ['2026-03-04T07:00:00Z', '2026-03-05T07:00:00Z'], 'COUNT=4 ends on the 5th even when the range starts later');
});

test('expand returns an occurrence that started before the range but still runs; one-off events', () => {
  const spec = { start: t('2026-03-02T07:00:00Z'), end: t('2026-03-02T09:00:00Z'), timezone: VIE, rule: 'FREQ=DAILY' };
  assert.equal(expand(spec, t('2026-03-03T08:00:00Z'), t('2026-03-03T08:00:01Z')).map((o) => iso(o.start)), ['2026-03-03T07:00:00Z']);
  const once = { ...spec, rule: null };
  assert.is(expand(once, t('2026-03-02T08:59:59Z'), t('2026-03-03T00:00:00Z')).length, 1);
  assert.is(expand(once, t('2026-03-02T09:00:00Z'), t('2026-03-03T00:00:00Z')).length, 0, 'end is exclusive');
});

test('nextOccurrences: the next n from a time, across DST', () => {
  const spec = { start: t('2026-03-16T07:00:00Z'), end: t('2026-03-16T08:00:00Z'), timezone: VIE, rule: 'FREQ=WEEKLY;BYDAY=MO,WE' };
  const got = nextOccurrences(spec, t('2026-03-26T00:00:00Z'), 3).map((o) => iso(o.start));
  assert.equal(got, ['2026-03-30T06:00:00Z', '2026-04-01T06:00:00Z', '2026-04-06T06:00:00Z']);
  assert.is(nextOccurrences({ ...spec, rule: 'FREQ=DAILY;COUNT=2' }, spec.start, 10).length, 2);
});

test('checkRule: normalises, refuses what it cannot expand safely', () => {
  assert.equal(checkRule('rrule:byday=mo,we;freq=weekly;until=20260703T000000Z'), { ok: true, rule: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260703T000000Z' });
  for (const bad of ['', 'FREQ=HOURLY', 'FREQ=WEEKLY;BYHOUR=8', 'FREQ=WEEKLY;COUNT=3;UNTIL=20260101', 'FREQ=WEEKLY;BYDAY=XX', 'FREQ=DAILY;COUNT=0', 'FREQ=DAILY;UNTIL=2026', 'FREQ=DAILY;DTSTART=20260101T000000Z', 'FREQ=DAILY;FREQ=WEEKLY']) {
    assert.is(checkRule(bad).ok, false, bad);
  }
});

test.run();
