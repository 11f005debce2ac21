import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../../testing/schedule-fixture.ts';
import type { ScheduleChange } from '../../actors/scheduler.ts';
import { eventCreateSchema } from './event-input.ts';
import { failureIssues, scheduleEdits, type EditResult, type ScheduleEdits } from './edits.ts';

// Real libSQL file, the real BatchedWriter, a real SchedulerService (recording publisher), MapFleet.
let f: ScheduleFixture;
let edits: ScheduleEdits;
const changes: ScheduleChange[] = [];

test.before(async () => {
  f = await scheduleFixture();
  edits = scheduleEdits({
    db: f.db, ids: f.parts.ids, writer: f.writer, now: () => f.clock.t, config: f.config, fleet: f.fleet,
    scheduler: { changed: async (c) => { changes.push(c); await f.scheduler.changed(c); } },
  });
});
test.after(async () => f?.close());
test.before.each(() => {
  changes.length = 0;
});

const value = <T>(r: EditResult<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.value;
};
const body = (over: Record<string, unknown> = {}) =>
  eventCreateSchema.parse({ groupId: 1, title: 'Morning news', eventType: 'message', message: { text: 'hi' }, start: '2026-03-02T07:00:00Z', end: '2026-03-02T08:00:00Z', ...over });
const holidays = async () => (await f.db.execute('SELECT id, name, region, start_date, end_date FROM holidays ORDER BY id')).rows.map((r) => Object.values(r).join('|'));

test('groups: unique names ignoring case (conflict), partial update, order, move, delete unassigns clients', async () => {
  const a = value(await edits.createGroup({ name: 'Hall', description: '' }));
  assert.is(a.description, null);
  assert.equal(changes, [{ groups: [a.id] }]); // its retained [] at once
  const b = value(await edits.createGroup({ name: 'Library' }));
  const dup = await edits.createGroup({ name: 'hall' });
  assert.equal(dup, { ok: false, reason: 'conflict', code: 'group_name_taken', params: { name: 'Hall' }, message: 'a group named "Hall" exists' });
  assert.is(await edits.nameFree('HALL', a.id), true);
  assert.is(await edits.nameFree('HALL', b.id), false);
  assert.is((await edits.updateGroup(b.id, { name: 'HALL' })).ok, false);
  assert.equal(value(await edits.updateGroup(a.id, { description: 'ground floor' })).name, 'Hall');
  assert.equal(await edits.updateGroup(999, { name: 'x' }), { ok: false, reason: 'not_found', code: 'group_not_found', message: 'group not found' });
  const bad = await edits.orderGroups([b.id, 999, b.id]);
  assert.equal(failureIssues(bad as Exclude<typeof bad, { ok: true }>).map((i) => i.path), ['order.1', 'order']);
  assert.equal(value(await edits.orderGroups([b.id])), [b.id, a.id]);
  assert.equal(value(await edits.moveGroup(b.id, -1)), [b.id, a.id]); // at the top already: nothing moves
  assert.equal(value(await edits.moveGroup(b.id, 1)), [a.id, b.id]);
  f.fleet.put({ uuid: '11111111-1111-4111-8111-111111111111', groupId: b.id });
  changes.length = 0;
  assert.equal(value(await edits.deleteGroup(b.id)).unassigned, 1);
  assert.is(f.fleet.get('11111111-1111-4111-8111-111111111111')!.groupId, null);
  assert.equal(changes, [{ groups: [b.id] }]);
  assert.is((await edits.deleteGroup(b.id)).ok, false);
});

test('events: invalid fields, unknown group, not found; a move republishes both groups', async () => {
  const g1 = value(await edits.createGroup({ name: 'Events A' })).id;
  const g2 = value(await edits.createGroup({ name: 'Events B' })).id;
  changes.length = 0;
  const late = await edits.createEvent(body({ groupId: g1, end: '2026-03-02T06:00:00Z' }));
  assert.equal(late, { ok: false, reason: 'invalid', issues: [{ path: 'end', code: 'end_before_start', message: 'must be after start' }] });
  assert.equal(await edits.createEvent(body({ groupId: 999 })), { ok: false, reason: 'rejected', code: 'group_missing', params: { id: 999 }, message: 'group 999 does not exist', field: 'groupId' });
  assert.equal(changes, []); // nothing written, nothing republished
  const ev = value(await edits.createEvent(body({ groupId: g1, start: '2026-03-02T09:00:00Z', end: '2026-03-02T11:00:00Z' }))); // active now (10:00)
  assert.equal(changes, [{ groups: [g1] }]);
  assert.ok(f.schedulePublisher.published.some((p) => p.topic === `infoscreen/events/${g1}` && p.payload.includes('Morning news')));
  assert.equal(value(await edits.updateEvent(ev.id, { groupId: g2 })).groupId, g2);
  assert.equal(changes.at(-1), { groups: [g1, g2] });
  assert.is((await edits.updateEvent(99_999, { title: 'x' })).ok, false);
  const form = await edits.saveEvent(ev.id, { groupId: g2, title: '', eventType: 'message', start: '2026-03-02T07:00:00Z', end: '2026-03-02T08:00:00Z' });
  assert.equal(form.ok ? [] : failureIssues(form).map((i) => i.path), ['title']); // the form body is checked whole, like POST
  assert.is(value(await edits.deleteEvent(ev.id)).id, ev.id);
  assert.is(await edits.getEvent(ev.id), null);
  assert.equal((await edits.deleteEvent(ev.id)) as unknown, { ok: false, reason: 'not_found', code: 'event_not_found', message: 'event not found' });
});

test('occurrences: skip (again: nothing to do), detach, and the conflicts between them', async () => {
  const g = value(await edits.createGroup({ name: 'Series' })).id;
  const series = value(await edits.createEvent(body({ groupId: g, recurrenceRule: 'FREQ=DAILY;COUNT=5' })));
  const oneOff = value(await edits.createEvent(body({ groupId: g, start: '2026-03-10T07:00:00Z', end: '2026-03-10T08:00:00Z' })));
  assert.equal(edits.occurrence(oneOff, '20260310T070000Z'), { ok: false, reason: 'rejected', code: 'not_recurring', message: 'only an occurrence of a recurring event can be skipped or detached' });
  assert.equal(edits.occurrence(series, '20260303T073000Z'), { ok: false, reason: 'not_found', code: 'no_occurrence_at', message: 'the event has no occurrence starting at that time' });
  assert.is(edits.occurrence(series, 'soon').ok, false);
  changes.length = 0;
  assert.equal(value(await edits.skip(series.id, '20260303T070000Z')).exceptions.length, 1);
  assert.equal(value(await edits.skip(series.id, Date.parse('2026-03-03T07:00:00Z'))).exceptions.length, 1);
  assert.is(changes.length, 1); // the second skip wrote nothing
  assert.equal((await edits.detach(series.id, '20260303T070000Z')) as unknown, { ok: false, reason: 'conflict', code: 'occurrence_excepted', message: 'that occurrence is already skipped or detached' });
  const bad = await edits.detach(series.id, '20260304T070000Z', { title: 7 });
  assert.equal(bad.ok ? [] : failureIssues(bad).map((i) => i.path), ['title']);
  const d = value(await edits.detach(series.id, '20260304T070000Z', { title: 'Special' }));
  assert.equal([d.event.title, d.event.start, d.event.recurrenceRule], ['Special', Date.parse('2026-03-04T07:00:00Z'), null]);
  assert.equal(d.series.exceptions.map((x) => x.kind).sort(), ['detached', 'skipped']);
  const again = await edits.skip(series.id, '20260304T070000Z');
  assert.equal(again.ok ? '' : again.reason, 'conflict');
  assert.equal(value(await edits.unskip(series.id, '20260303T070000Z')).exceptions.map((x) => x.kind), ['detached']);
});

test('holidays: conflict names the holiday, not found, a fatal CSV is rejected', async () => {
  const a = value(await edits.addHoliday({ name: 'Semesterferien', region: 'W', startDate: '2026-02-09', endDate: '2026-02-13' }));
  assert.is(a.outcome, 'inserted');
  const c = await edits.addHoliday({ name: 'Faschingsdienstag', region: 'W', startDate: '2026-02-10' });
  assert.equal(c.ok ? null : [c.reason, c.reason === 'conflict' && c.conflict?.conflictsWith.id], ['conflict', a.holiday.id]);
  assert.is((await edits.addHoliday({ name: 'x', startDate: '2026-05-02', endDate: '2026-05-01' })).ok, false);
  assert.equal((await edits.updateHoliday(999, { name: 'x' })) as unknown, { ok: false, reason: 'not_found', code: 'holiday_not_found', message: 'holiday not found' });
  const fatal = await edits.importHolidays('');
  assert.equal(fatal.ok ? '' : fatal.reason, 'rejected');
});

test('CSV import is atomic: a failing 3rd statement leaves the holidays table unchanged (domain and API)', async () => {
  // A trigger refuses one row: the import's update and first insert come before it, one insert after.
  await f.db.execute(`CREATE TRIGGER refuse_holiday BEFORE INSERT ON holidays WHEN NEW.name = 'Refused' BEGIN SELECT RAISE(ABORT, 'provoked'); END`);
  const csv = 'name;region;start_date;end_date\nSemesterferien;W;2026-02-14;2026-02-15\nOsterferien;W;2026-03-28;2026-04-06\nRefused;W;2026-05-01;\nPfingsten;W;2026-05-25;\n';
  const before = await holidays();
  const dry = value(await edits.importHolidays(csv, { dryRun: true }));
  assert.equal([dry.merged, dry.inserted, dry.rows], [1, 3, 4]);
  changes.length = 0;
  let error: unknown = null;
  await edits.importHolidays(csv).catch((e) => (error = e));
  assert.match(String(error), /provoked/);
  assert.equal(await holidays(), before);
  assert.equal(changes, []); // nothing written: nothing to republish
  const form = new FormData();
  form.set('file', new File([csv], 'ferien.csv', { type: 'text/csv' }));
  const res = await f.scheduleApp.request('/api/holidays/upload', { method: 'POST', body: form, headers: { cookie: f.cookies.admin, origin: 'http://localhost' } });
  assert.is(res.status, 500);
  assert.equal(await holidays(), before);
  await f.db.execute('DROP TRIGGER refuse_holiday');
  const done = value(await edits.importHolidays(csv));
  assert.equal([done.merged, done.inserted], [1, 3]);
  assert.is((await holidays()).length, before.length + 3);
  assert.equal(changes, [{ holidays: true }]);
});

test('system settings: set, reset with null, every group republished', async () => {
  assert.is((await edits.saveSettings({ video_volume: 0.5 })).video_volume, 0.5);
  assert.equal(changes, [{ settings: true }]);
  assert.is((await edits.saveSettings({ video_volume: null })).video_volume, 0.8);
});

test.run();
