import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availabilityReport, type ReportInput } from './report.ts';
import { groupZone, scheduledIntervals } from './scheduled.ts';
import { testEvent } from '../../testing/schedule-events.ts';

const t = (s: string) => Date.parse(s);
const HOUR = 3_600_000;
const NONE = new Set<string>();
// Weekdays 08:00–17:00 Vienna, from Monday 23 March 2026 (the clocks change on Sunday 29 March).
const workdays = testEvent({ id: 1, start: t('2026-03-23T07:00:00Z'), end: t('2026-03-23T16:00:00Z'), recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' });
const FROM = t('2026-03-26T23:00:00Z'); // Friday 27 March, local midnight
const TO = t('2026-03-30T22:00:00Z'); // Tuesday 31 March, local midnight

test('scheduled hours follow the event zone across the spring switch: 08:00 local is 07:00Z, then 06:00Z', () => {
  const s = scheduledIntervals([workdays], NONE, FROM, TO);
  assert.equal(s.map((i) => new Date(i.start).toISOString()), ['2026-03-27T07:00:00.000Z', '2026-03-30T06:00:00.000Z']);
  assert.equal(scheduledIntervals([], NONE, FROM, TO), [{ start: FROM, end: TO }], 'no events at all: always scheduled');
  assert.equal(scheduledIntervals([{ ...workdays, isActive: false }], NONE, FROM, TO), [], 'only an inactive event: never scheduled');
  assert.is(groupZone([workdays, { ...workdays, id: 2, timezone: 'UTC' }, { ...workdays, id: 3, timezone: 'UTC' }], 'Europe/Vienna'), 'UTC');
  assert.is(groupZone([], 'Europe/Vienna'), 'Europe/Vienna');
});

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    from: FROM, to: TO, now: TO, unit: 'day', scheduledOnly: false,
    clients: [
      { uuid: 'night', name: 'Lobby', groupId: 1 }, // off every night from 20:00Z to 05:00Z, never in scheduled hours
      { uuid: 'broken', name: 'Hall', groupId: 1 }, // offline Monday 09:00–11:00 local (07:00Z–09:00Z after the switch)
      { uuid: 'loose', name: 'Kiosk', groupId: null },
    ],
    groups: [{ id: 1, name: 'School', events: [workdays] }],
    holidays: NONE,
    defaultZone: 'Europe/Vienna',
    runs: [{ id: 'r', startedAt: FROM - HOUR, aliveUntil: TO, endedAt: null }],
    histories: new Map([
      ['night', { before: 'offline', changes: [0, 1, 2, 3].flatMap((d) => [{ at: FROM + (6 + 24 * d) * HOUR, state: 'online' as const }, { at: FROM + (21 + 24 * d) * HOUR, state: 'offline' as const }]) }],
      ['broken', { before: 'online', changes: [{ at: t('2026-03-30T07:00:00Z'), state: 'offline' as const }, { at: t('2026-03-30T09:00:00Z'), state: 'online' as const }] }],
      ['loose', { before: 'online', changes: [] }],
    ]),
    ...over,
  };
}

test('all hours vs scheduled hours; worst first; groups sum their screens; unassigned screens are a group of their own', () => {
  const all = availabilityReport(input());
  assert.equal(all.clients.map((c) => c.uuid), ['night', 'broken', 'loose']);
  const night = all.clients[0];
  assert.ok(night.allHours.availabilityPct! < 70);
  assert.is(night.scheduledHours.availabilityPct, 100, 'off at night only: fully available when scheduled');
  assert.is(night.scheduledHours.incidents, 0);
  const broken = all.clients[1];
  assert.is(broken.allHours.longestOutageMs, 2 * HOUR);
  assert.is(broken.scheduledHours.offlineMs, 2 * HOUR);
  assert.is(broken.scheduledHours.scheduledMs, 2 * 9 * HOUR);
  assert.is(broken.scheduledHours.availabilityPct, 88.88);

  const sched = availabilityReport(input({ scheduledOnly: true }));
  assert.equal(sched.clients.map((c) => [c.uuid, c.availabilityPct]), [['broken', 88.88], ['loose', 100], ['night', 100]], 'ties by name');
  assert.equal(sched.groups.map((g) => [g.id, g.clients, g.availabilityPct, g.incidents]), [[1, 2, 94.44, 1], [null, 1, 100, 0]]);
  assert.is(sched.groups[0].timezone, 'Europe/Vienna');
});

test('buckets are local days; scheduled-only buckets count scheduled time only (a weekend day is unknown-free and empty)', () => {
  const r = availabilityReport(input({ scheduledOnly: true }));
  const broken = r.clients.find((c) => c.uuid === 'broken')!;
  assert.equal(broken.buckets.map((b) => (b.end - b.start) / HOUR), [24, 24, 23, 24]);
  assert.equal(broken.buckets.map((b) => b.availabilityPct), [100, null, null, 77.77]);
  assert.is(broken.spans, undefined);
  assert.ok(availabilityReport(input({ withSpans: true })).clients[0].spans!.length > 0);
});

test('a screen never heard of has no availability and sorts last; server down time counts for no one', () => {
  const r = availabilityReport(input({
    clients: [{ uuid: 'new', name: 'New', groupId: 1 }, { uuid: 'loose', name: 'Kiosk', groupId: null }],
    runs: [{ id: 'a', startedAt: FROM, aliveUntil: FROM + 24 * HOUR, endedAt: FROM + 24 * HOUR }, { id: 'b', startedAt: FROM + 48 * HOUR, aliveUntil: FROM + 48 * HOUR, endedAt: null }],
  }));
  assert.equal(r.clients.map((c) => [c.uuid, c.availabilityPct]), [['loose', 100], ['new', null]]);
  const loose = r.clients[0];
  assert.is(loose.unknownMs, 24 * HOUR);
  assert.is(loose.offlineMs, 0);
});

test.run();
