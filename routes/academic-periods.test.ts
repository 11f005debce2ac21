import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';

// The fixture's clock: Monday 2 March 2026, 10:00 UTC.
let f: ScheduleFixture;
let group: number;
test.before(async () => {
  f = await scheduleFixture();
  group = (await f.call('admin', 'POST', '/api/groups', { name: 'Aula' })).body.id;
});
test.after(async () => f?.close());

const P = '/api/academic_periods';
const create = (body: Record<string, unknown>) => f.call('admin', 'POST', P, body);
const sj = { name: 'Schuljahr 2025/26', startDate: '2025-09-01', endDate: '2026-07-03', periodType: 'schuljahr' };
const ids: Record<string, number> = {};

const upload = async (csv: string, query: string) => {
  const form = new FormData();
  form.set('file', new File([csv], 'ferien.csv', { type: 'text/csv' }));
  const res = await f.scheduleApp.request(`/api/holidays/upload${query}`, { method: 'POST', body: form, headers: { cookie: f.cookies.admin, origin: 'http://localhost' } });
  return { status: res.status, body: await res.json() };
};

test('before any period: none active (404 naming the rule), none for a date (404)', async () => {
  const a = await f.call('user', 'GET', `${P}/active`);
  assert.equal([a.status, a.body.rule, a.body.period], [404, 'no_active_period', null]);
  const d = await f.call('user', 'GET', `${P}/for_date?date=2026-03-02`);
  assert.equal([d.status, d.body.rule, d.body.error], [404, 'no_period', 'no academic period covers 2026-03-02']);
});

test('create: 201 {id}; bad input 400 naming the field or rule; admins only', async () => {
  const r = await create(sj);
  assert.is(r.status, 201);
  assert.ok(Number.isInteger(r.body.id));
  assert.equal([r.body.periodType, r.body.isActive, r.body.isArchived, r.body.displayName], ['schuljahr', false, false, null]);
  ids.sj = r.body.id;
  const bad = await create({ ...sj, name: ' ', periodType: 'quartal', startDate: '2026-02-30' });
  assert.is(bad.status, 400);
  assert.equal(bad.body.issues.map((i: any) => i.path).sort(), ['name', 'periodType', 'startDate']);
  const range = await create({ ...sj, name: 'Verkehrt', startDate: '2027-07-03', endDate: '2027-01-01' });
  assert.equal([range.status, range.body.rule, range.body.error], [400, 'date_range', 'startDate must not be after endDate']);
  assert.is((await f.call('editor', 'POST', P, { ...sj, name: 'E' })).status, 403);
  assert.is((await f.call(null, 'GET', P)).status, 401);
  const list = await f.call('user', 'GET', P);
  assert.equal([list.status, list.body.map((p: any) => p.id)], [200, [ids.sj]]);
});

test('duplicate name (any case, among non-archived) and overlap within a type are 409 naming the rule; other types may overlap', async () => {
  const dup = await create({ ...sj, name: '  schuljahr 2025/26', startDate: '2030-09-01', endDate: '2031-07-01' });
  assert.equal([dup.status, dup.body.rule, dup.body.blockers[0].period.id], [409, 'name_taken', ids.sj]);
  const over = await create({ ...sj, name: 'Schuljahr 2026/27', startDate: '2026-07-03', endDate: '2027-07-02' });
  assert.equal([over.status, over.body.rule], [409, 'overlap']);
  assert.match(over.body.error, 'overlaps "Schuljahr 2025/26" (2025-09-01 – 2026-07-03) of the same type');
  const sem = await create({ name: 'Sommersemester 2026', startDate: '2026-02-09', endDate: '2026-07-03', periodType: 'semester' });
  assert.is(sem.status, 201);
  ids.sem = sem.body.id;
  const next = await create({ ...sj, name: 'Schuljahr 2026/27', displayName: 'SJ 26/27', startDate: '2026-09-07', endDate: '2027-07-02' });
  assert.equal([next.status, next.body.displayName], [201, 'SJ 26/27']);
  ids.next = next.body.id;
  const moved = await f.call('admin', 'PUT', `${P}/${ids.next}`, { startDate: '2026-06-01' });
  assert.equal([moved.status, moved.body.rule], [409, 'overlap']);
  const renamed = await f.call('admin', 'PUT', `${P}/${ids.next}`, { name: 'SCHULJAHR 2025/26' });
  assert.equal([renamed.status, renamed.body.rule], [409, 'name_taken']);
  const ok = await f.call('admin', 'PUT', `${P}/${ids.next}`, { endDate: '2027-07-09' });
  assert.equal([ok.status, ok.body.endDate], [200, '2027-07-09']);
});

test('activate: exactly one active; /active and /for_date answer it', async () => {
  const a = await f.call('admin', 'POST', `${P}/${ids.sem}/activate`);
  assert.equal([a.status, a.body.isActive], [200, true]);
  const b = await f.call('admin', 'POST', `${P}/${ids.sj}/activate`);
  assert.equal([b.status, b.body.isActive], [200, true]);
  const list = (await f.call('user', 'GET', P)).body;
  assert.equal(list.filter((p: any) => p.isActive).map((p: any) => p.id), [ids.sj]);
  assert.is((await f.call('user', 'GET', `${P}/active`)).body.id, ids.sj);
  // The active period covers the date, so it wins over the semester that started later.
  assert.is((await f.call('user', 'GET', `${P}/for_date?date=2026-03-02`)).body.id, ids.sj);
  assert.is((await f.call('user', 'GET', `${P}/for_date?date=2026-12-01`)).body.id, ids.next);
  assert.equal((await f.call('user', 'GET', `${P}/for_date?date=2026-08-01`)).status, 404);
  assert.equal((await f.call('user', 'GET', `${P}/for_date?date=someday`)).status, 400);
  assert.equal((await f.call('user', 'GET', `${P}/for_date`)).status, 400);
  assert.is((await f.call('user', 'POST', `${P}/${ids.sem}/activate`)).status, 403);
});

test('events link to a period that exists and is not archived; JSON carries academicPeriodId', async () => {
  const body = { groupId: group, title: 'Morgenkreis', eventType: 'message', message: { text: 'Guten Morgen' }, start: '2026-03-02T07:00:00Z', end: '2026-03-02T08:00:00Z', recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' };
  const missing = await f.call('editor', 'POST', '/api/events', { ...body, academicPeriodId: 999 });
  assert.equal([missing.status, missing.body.error], [400, 'academic period 999 does not exist']);
  const ev = await f.call('editor', 'POST', '/api/events', { ...body, academicPeriodId: ids.sem });
  assert.equal([ev.status, ev.body.academicPeriodId], [201, ids.sem]);
  ids.series = ev.body.id;
  const plain = await f.call('editor', 'POST', '/api/events', { ...body, title: 'Ohne', recurrenceRule: null });
  assert.is(plain.body.academicPeriodId, null);
  const kept = await f.call('editor', 'PUT', `/api/events/${ids.series}`, { title: 'Morgenkreis (neu)' });
  assert.is(kept.body.academicPeriodId, ids.sem, 'an update without the field keeps the link');
});

test('archive: not the active period, not while a recurring event still has future occurrences (409 naming it)', async () => {
  const active = await f.call('admin', 'POST', `${P}/${ids.sj}/archive`);
  assert.equal([active.status, active.body.rule], [409, 'active']);
  const live = await f.call('admin', 'POST', `${P}/${ids.sem}/archive`);
  assert.equal([live.status, live.body.rule, live.body.blockers[0].events.map((e: any) => e.id)], [409, 'recurring_future', [ids.series]]);
  assert.match(live.body.error, /^1 recurring event still has current or future occurrences: "Morgenkreis \(neu\)" \(#\d+, next 2026-03-04T07:00Z\)$/);
  const usage = await f.call('user', 'GET', `${P}/${ids.sem}/usage`);
  assert.equal([usage.status, usage.body.linkedEvents, usage.body.can.archive, usage.body.can.activate], [200, 1, false, true]);
  assert.equal(usage.body.blockers.archive.map((b: any) => b.rule), ['recurring_future']);
  assert.equal(usage.body.blockers.delete.map((b: any) => b.rule), ['not_archived', 'linked_events']);
  // The series ends before now: nothing plays any more, the period can go.
  await f.call('editor', 'PUT', `/api/events/${ids.series}`, { recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20260301T000000Z', start: '2026-02-02T07:00:00Z', end: '2026-02-02T08:00:00Z' });
  const done = await f.call('admin', 'POST', `${P}/${ids.sem}/archive`);
  assert.equal([done.status, done.body.isArchived, done.body.archivedBy], [200, true, f.ids.admin]);
  assert.ok(done.body.archivedAt);
  assert.equal((await f.call('user', 'GET', P)).body.map((p: any) => p.id), [ids.sj, ids.next]);
  assert.equal((await f.call('user', 'GET', `${P}?include_archived=1`)).body.map((p: any) => p.id), [ids.sj, ids.sem, ids.next]);
  assert.is((await f.call('user', 'GET', `${P}/${ids.sem}`)).body.isArchived, true);
  assert.equal((await f.call('admin', 'POST', `${P}/${ids.sem}/archive`)).body.rule, 'archived');
});

test('an archived period is read-only: no update, no activation, no new links', async () => {
  assert.equal((await f.call('admin', 'PUT', `${P}/${ids.sem}`, { name: 'x' })).body.rule, 'archived');
  const act = await f.call('admin', 'POST', `${P}/${ids.sem}/activate`);
  assert.equal([act.status, act.body.rule], [409, 'archived']);
  const ev = await f.call('editor', 'PUT', `/api/events/${ids.series}`, { academicPeriodId: ids.next });
  assert.is(ev.status, 200);
  const back = await f.call('editor', 'PUT', `/api/events/${ids.series}`, { academicPeriodId: ids.sem });
  assert.equal([back.status, back.body.error], [400, `academic period ${ids.sem} "Sommersemester 2026" is archived: restore it first`]);
  await f.call('editor', 'PUT', `/api/events/${ids.series}`, { academicPeriodId: null });
});

test('delete: only archived periods, never with linked events; its holidays go with it', async () => {
  const live = await f.call('admin', 'DELETE', `${P}/${ids.next}`);
  assert.equal([live.status, live.body.rule], [409, 'not_archived']);
  // Link an event to the archived semester the only way left: it was linked before archiving.
  await f.call('admin', 'POST', `${P}/${ids.sem}/restore`);
  await f.call('editor', 'PUT', `/api/events/${ids.series}`, { academicPeriodId: ids.sem });
  await f.call('admin', 'POST', `${P}/${ids.sem}/archive`);
  const linked = await f.call('admin', 'DELETE', `${P}/${ids.sem}`);
  assert.equal([linked.status, linked.body.rule, linked.body.blockers[0].count], [409, 'linked_events', 1]);
  assert.is((await f.call('editor', 'DELETE', `/api/events/${ids.series}`)).status, 200);
  const gone = await f.call('admin', 'DELETE', `${P}/${ids.sem}`);
  assert.equal([gone.status, gone.body], [200, { success: true }]);
  assert.equal((await f.call('user', 'GET', `${P}/${ids.sem}`)).body.rule, 'not_found');
  assert.is((await f.call('admin', 'DELETE', `${P}/abc`)).status, 404);
});

test('restore: back to inactive, unless its name or days were taken meanwhile', async () => {
  const t = await create({ name: 'Trimester 1', startDate: '2026-09-07', endDate: '2026-12-18', periodType: 'trimester' });
  await f.call('admin', 'POST', `${P}/${t.body.id}/archive`);
  const twin = await create({ name: 'trimester 1', startDate: '2027-01-07', endDate: '2027-03-26', periodType: 'trimester' });
  assert.is(twin.status, 201, 'the name is free while the first one is archived');
  const clash = await f.call('admin', 'POST', `${P}/${t.body.id}/restore`);
  assert.equal([clash.status, clash.body.rule], [409, 'name_taken']);
  await f.call('admin', 'PUT', `${P}/${twin.body.id}`, { name: 'Trimester 2' });
  const back = await f.call('admin', 'POST', `${P}/${t.body.id}/restore`);
  assert.equal([back.status, back.body.isArchived, back.body.isActive, back.body.archivedAt], [200, false, false, null]);
  assert.equal((await f.call('admin', 'POST', `${P}/${t.body.id}/restore`)).body.rule, 'not_archived');
});

test("holidays of a period lie within its dates: one holiday 400, an import 400 naming the rows; inside they are kept for it", async () => {
  const out = await f.call('admin', 'POST', '/api/holidays', { name: 'Sommerferien', startDate: '2026-07-04', endDate: '2026-09-06', academicPeriodId: ids.sj });
  assert.equal(out.status, 400);
  assert.match(out.body.error, 'outside the academic period "Schuljahr 2025/26" (2025-09-01 – 2026-07-03)');
  const csv = ['name,region,start_date,end_date', 'Herbstferien,Wien,2025-10-27,2025-10-31', 'Sommerferien,Wien,2026-07-04,2026-09-06', 'Ende,Wien,2026-07-03,2026-07-05'].join('\n');
  const bad = await upload(csv, `?academic_period_id=${ids.sj}`);
  assert.equal([bad.status, bad.body.fatal], [400, true]);
  assert.is(bad.body.error, 'nothing imported: 2 rows lie outside the academic period "Schuljahr 2025/26" (2025-09-01 – 2026-07-03): line 3 "Sommerferien" 2026-07-04 – 2026-09-06; line 4 "Ende" 2026-07-03 – 2026-07-05');
  assert.equal((await f.call('admin', 'GET', `/api/holidays?academic_period_id=${ids.sj}`)).body, []);
  const good = await upload(csv.split('\n').slice(0, 2).join('\n'), `?academic_period_id=${ids.sj}`);
  assert.equal([good.status, good.body.report.inserted], [200, 1]);
  const kept = (await f.call('admin', 'GET', `/api/holidays?academic_period_id=${ids.sj}`)).body;
  assert.equal(kept.map((h: any) => [h.name, h.academicPeriodId]), [['Herbstferien', ids.sj]]);
  // The same holiday for another period is its own row (planned per period, not "already covered").
  const other = await f.call('admin', 'POST', '/api/holidays', { name: 'Herbstferien', region: 'Wien', startDate: '2025-10-27', endDate: '2025-10-31' });
  assert.equal([other.status, other.body.outcome, other.body.academicPeriodId], [201, 'inserted', null]);
  const edit = await f.call('admin', 'PUT', `/api/holidays/${kept[0].id}`, { endDate: '2026-07-10' });
  assert.equal(edit.status, 400, 'an edit may not leave the period either');
  assert.equal((await upload(csv, '?academic_period_id=9999')).body.error, 'nothing imported: academic period 9999 does not exist');
  assert.is((await upload(csv, '?academic_period_id=x')).status, 400);
  assert.is((await f.call('user', 'GET', `${P}/${ids.sj}/usage`)).body.linkedHolidays, 1);
});

test.run();
