import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';

let f: ScheduleFixture;
test.before(async () => {
  f = await scheduleFixture();
});
test.after(async () => f?.close());

const upload = async (csv: string, query = '') => {
  const form = new FormData();
  form.set('file', new File([csv], 'ferien.csv', { type: 'text/csv' }));
  const res = await f.scheduleApp.request(`/api/holidays/upload${query}`, { method: 'POST', body: form, headers: { cookie: f.cookies.admin, origin: 'http://localhost' } });
  return { status: res.status, body: await res.json() };
};
const all = async () => (await f.call('admin', 'GET', '/api/holidays')).body.map((h: any) => `${h.name}|${h.region}|${h.startDate}..${h.endDate}`);

test('admin only, for reading too', async () => {
  assert.is((await f.call('editor', 'GET', '/api/holidays')).status, 403);
  assert.is((await f.call(null, 'GET', '/api/holidays')).status, 401);
  assert.is((await f.call('editor', 'POST', '/api/holidays', { name: 'x', startDate: '2026-01-01' })).status, 403);
});

test('single holidays: inserted 201, merged with the same name+region, covered, conflict 409, bad dates 400', async () => {
  const a = await f.call('admin', 'POST', '/api/holidays', { name: 'Osterferien', region: 'Wien', startDate: '2026-03-28', endDate: '2026-04-03' });
  assert.equal([a.status, a.body.outcome, a.body.endDate], [201, 'inserted', '2026-04-03']);
  const m = await f.call('admin', 'POST', '/api/holidays', { name: 'osterferien ', region: 'WIEN', startDate: '2026-04-03', endDate: '2026-04-06' });
  assert.equal([m.status, m.body.outcome, m.body.id, m.body.startDate, m.body.endDate], [200, 'merged', a.body.id, '2026-03-28', '2026-04-06']);
  const s = await f.call('admin', 'POST', '/api/holidays', { name: 'Osterferien', region: 'Wien', startDate: '2026-04-01' });
  assert.equal([s.status, s.body.outcome], [200, 'skipped']);
  const c = await f.call('admin', 'POST', '/api/holidays', { name: 'Karfreitag', region: 'Wien', startDate: '2026-04-03' });
  assert.equal([c.status, c.body.conflict.conflictsWith.id], [409, a.body.id]);
  assert.is((await f.call('admin', 'POST', '/api/holidays', { name: 'x', startDate: '2026-02-30' })).status, 400);
  assert.is((await f.call('admin', 'POST', '/api/holidays', { name: 'x', startDate: '2026-05-02', endDate: '2026-05-01' })).status, 400);
  assert.equal(await all(), ['Osterferien|Wien|2026-03-28..2026-04-06']);
});

test('CSV import: merges, conflicts and bad rows with line numbers in the report; dry run writes nothing', async () => {
  const csv = [
    'name,region,start_date,end_date',
    'Osterferien,Wien,2026-04-06,2026-04-07', // merged (extends)
    'Karfreitag,Wien,2026-04-03,2026-04-03', // conflict
    'Pfingstferien,Wien,23.05.2026,25.05.2026', // inserted
    'Sommerferien,Wien,2026-07-04,2026-02-30', // bad date
    'Pfingstferien,Wien,2026-05-24,2026-05-24', // covered by line 4 (skipped)
  ].join('\n');
  const dry = await upload(csv, '?dry_run=1');
  assert.equal([dry.status, dry.body.dryRun, dry.body.report.inserted], [200, true, 1]);
  assert.equal(await all(), ['Osterferien|Wien|2026-03-28..2026-04-06']);
  const r = await upload(csv);
  assert.is(r.status, 200);
  const rep = r.body.report;
  assert.equal([rep.inserted, rep.merged, rep.skipped, rep.rows], [1, 1, 1, 5]);
  assert.equal(rep.conflicts.map((c: any) => [c.line, c.name, c.conflictsWith.name]), [[3, 'Karfreitag', 'Osterferien']]);
  assert.equal(rep.errors.map((e: any) => e.line), [5]);
  assert.equal(await all(), ['Osterferien|Wien|2026-03-28..2026-04-07', 'Pfingstferien|Wien|2026-05-23..2026-05-25']);
});

test('CSV import: a fatal error imports nothing, not even the good rows', async () => {
  const before = await all();
  const r = await upload('name;region;start_date\nHerbstferien;Wien;2026-10-26\n"Offen;Wien;2026-11-02\n');
  assert.equal([r.status, r.body.fatal], [400, true]);
  assert.match(r.body.error, /nothing imported: unterminated/);
  const r2 = await upload('title_only\nHerbstferien\n');
  assert.is(r2.status, 400);
  assert.equal(await all(), before);
  const wrongType = await f.call('admin', 'POST', '/api/holidays/upload', { csv: 'x' });
  assert.is(wrongType.status, 415);
});

test('edit and delete; an edit that reaches another entry of the same holiday merges into it', async () => {
  const list = (await f.call('admin', 'GET', '/api/holidays')).body;
  const pf = list.find((h: any) => h.name === 'Pfingstferien');
  const e = await f.call('admin', 'PUT', `/api/holidays/${pf.id}`, { endDate: '2026-05-27' });
  assert.equal([e.status, e.body.outcome, e.body.endDate], [200, 'inserted', '2026-05-27']);
  const extra = (await f.call('admin', 'POST', '/api/holidays', { name: 'Pfingstferien', region: 'Wien', startDate: '2026-06-01' })).body;
  const merged = await f.call('admin', 'PUT', `/api/holidays/${extra.id}`, { startDate: '2026-05-28' });
  assert.equal([merged.body.outcome, merged.body.id, merged.body.endDate], ['merged', pf.id, '2026-06-01']);
  assert.is((await f.call('admin', 'GET', `/api/holidays/${extra.id}`)).status, 404);
  assert.is((await f.call('admin', 'DELETE', `/api/holidays/${pf.id}`)).status, 200);
  assert.equal(await all(), ['Osterferien|Wien|2026-03-28..2026-04-07']);
  assert.equal((await f.call('admin', 'GET', '/api/holidays?from=2026-05-01&to=2026-12-31')).body, []);
});

test.run();
