import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { holidayDates, holidayKey, planHolidays } from './holidays.ts';
import { parseDate, parseHolidaysCsv } from './holidays-csv.ts';
import type { Holiday } from './types.ts';

const existing: Holiday[] = [
  { id: 1, name: 'Weihnachtsferien', region: 'Wien', startDate: '2026-12-24', endDate: '2027-01-06' },
  { id: 2, name: 'Osterferien', region: 'Wien', startDate: '2026-03-28', endDate: '2026-04-06' },
];

test('key: case and spaces do not matter', () => {
  assert.is(holidayKey('  Oster ferien ', 'WIEN'), holidayKey('oster  ferien', 'wien'));
  assert.is.not(holidayKey('Osterferien', 'Wien'), holidayKey('Osterferien', 'Tirol'));
});

test('plan: insert, merge same name+region overlaps, skip covered, report conflicts', () => {
  const plan = planHolidays(existing, [
    { line: 2, name: 'osterferien', region: 'wien', startDate: '2026-04-05', endDate: '2026-04-08' }, // extends id 2
    { line: 3, name: 'Weihnachtsferien', region: 'Wien', startDate: '2026-12-27', endDate: '2026-12-30' }, // covered
    { line: 4, name: 'Karfreitag', region: 'Wien', startDate: '2026-04-03', endDate: '2026-04-03' }, // inside Osterferien: conflict
    { line: 5, name: 'Pfingstferien', region: 'Wien', startDate: '2026-05-23', endDate: '2026-05-25' }, // new
    { line: 6, name: 'Osterferien', region: 'Tirol', startDate: '2026-03-28', endDate: '2026-04-06' }, // other region: conflict
    { line: 7, name: 'Pfingstferien', region: 'Wien', startDate: '2026-05-26', endDate: '2026-05-26' }, // touches the new one: merged
  ]);
  assert.equal({ ...plan.report, conflicts: plan.report.conflicts.map((c) => [c.line, c.conflictsWith.id]) }, {
    inserted: 1, merged: 2, skipped: 1, conflicts: [[4, 2], [6, 2]], errors: [],
  });
  assert.equal(plan.updates, [{ id: 2, startDate: '2026-03-28', endDate: '2026-04-08' }]);
  assert.equal(plan.inserts, [{ name: 'Pfingstferien', region: 'Wien', startDate: '2026-05-23', endDate: '2026-05-26' }]);
  assert.equal(plan.deletes, []);
});

test('plan: a row bridging two entries of the same holiday merges them into the stored one', () => {
  const plan = planHolidays(
    [
      { id: 7, name: 'Herbstferien', region: '', startDate: '2026-10-26', endDate: '2026-10-27' },
      { id: 8, name: 'Herbstferien', region: '', startDate: '2026-10-30', endDate: '2026-10-31' },
    ],
    [{ name: 'herbstferien', region: '', startDate: '2026-10-27', endDate: '2026-10-30' }],
  );
  assert.equal([plan.updates, plan.deletes, plan.inserts], [[{ id: 7, startDate: '2026-10-26', endDate: '2026-10-31' }], [8], []]);
});

test('dates: ISO and German forms, impossible dates refused; holiday days are inclusive', () => {
  assert.is(parseDate('2026-02-28'), '2026-02-28');
  assert.is(parseDate('3.7.2026'), '2026-07-03');
  assert.is(parseDate('2026-02-30'), null);
  assert.is(parseDate('31.04.2026'), null);
  assert.equal([...holidayDates([{ id: 1, name: 'x', region: '', startDate: '2026-12-31', endDate: '2027-01-02' }])], ['2026-12-31', '2027-01-01', '2027-01-02']);
});

test('CSV: header aliases, semicolons, quotes, BOM; bad rows reported with their line numbers', () => {
  const csv = '\uFEFFName;Region;Von;Bis\r\n"Ferien; lang";Wien;01.07.2026;31.08.2026\r\nKaputt;Wien;2026-13-01;2026-13-02\r\n\r\n"Zwei\nZeilen";;2026-05-01;\r\nOhne;;2026-05-03;2026-05-02\r\nZu;viele;2026-05-03;2026-05-04;x\r\n;Wien;2026-05-05;2026-05-05\r\n';
  const r = parseHolidaysCsv(csv);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.rows, [
    { line: 2, name: 'Ferien; lang', region: 'Wien', startDate: '2026-07-01', endDate: '2026-08-31' },
    { line: 5, name: 'Zwei\nZeilen', region: '', startDate: '2026-05-01', endDate: '2026-05-01' },
  ]);
  assert.equal(r.errors.map((e) => e.line), [3, 7, 8, 9]);
  assert.match(r.errors[0].message, /start date "2026-13-01" is not a date/);
  assert.match(r.errors[1].message, /before the start date/);
  assert.match(r.errors[2].message, /5 fields/);
  assert.match(r.errors[3].message, /name is empty/);
  // The same problems as codes with their values, for the dashboard's translated report.
  assert.equal(r.errors[0].problems, [{ code: 'csv_start_date', params: { value: '2026-13-01' } }, { code: 'csv_end_date', params: { value: '2026-13-02' } }]);
  assert.equal(r.errors[2].problems, [{ code: 'csv_fields', params: { fields: 5, columns: 4 } }]);
});

test('CSV: fatal errors (no usable header, open quote, empty) import nothing', () => {
  for (const [csv, why] of [
    ['', /empty/],
    ['foo,bar\nA,B\n', /missing name, start/],
    ['name,start_date\n"open,2026-01-01\n', /unterminated/],
  ] as const) {
    const r = parseHolidaysCsv(csv);
    assert.is(r.ok, false, csv);
    if (!r.ok) assert.match(r.error.message, why);
  }
  const many = 'name,start_date\n' + Array.from({ length: 10_001 }, (_, i) => `h${i},2026-01-01`).join('\n');
  assert.is(parseHolidaysCsv(many).ok, false);
});

test.run();
