import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { outsidePeriod, type AcademicPeriod } from '../../domain/periods.ts';
import { testEvent } from '../../testing/schedule-events.ts';
import { liveSeries, nextLiveStart } from './live-series.ts';
import {
  activateBlockers, archiveBlockers, blockerMessage, createBlockers, deleteBlockers, nameTaken, overlapping, periodForDate, restoreBlockers, updateBlockers,
} from './rules.ts';

let nextId = 1;
const period = (p: Partial<AcademicPeriod> = {}): AcademicPeriod => ({
  id: nextId++, name: `P${nextId}`, displayName: null, startDate: '2025-09-01', endDate: '2026-07-03', periodType: 'schuljahr',
  isActive: false, isArchived: false, archivedAt: null, archivedBy: null, createdAt: 0, updatedAt: 0, ...p,
});
const rules = (bs: { rule: string }[]) => bs.map((b) => b.rule);

test('names are unique among non-archived periods, ignoring case and spaces; archived ones and the period itself do not count', () => {
  const sj = period({ name: 'Schuljahr 2025/26' });
  const old = period({ name: 'Schuljahr 2024/25', isArchived: true });
  assert.is(nameTaken([sj, old], '  schuljahr   2025/26 ', null)?.id, sj.id);
  assert.is(nameTaken([sj, old], 'Schuljahr 2024/25', null), null);
  assert.is(nameTaken([sj], 'Schuljahr 2025/26', sj.id), null);
  assert.equal(rules(createBlockers([sj], { name: 'SCHULJAHR 2025/26', startDate: '2030-01-01', endDate: '2030-02-01', periodType: 'trimester' })), ['name_taken']);
});

test('no overlap within a type (inclusive days, touching counts), across types allowed, archived ignored', () => {
  const sj = period({ startDate: '2025-09-01', endDate: '2026-07-03' });
  const archived = period({ startDate: '2026-09-07', endDate: '2027-07-02', isArchived: true });
  const draft = (startDate: string, endDate: string, periodType: AcademicPeriod['periodType'] = 'schuljahr') => ({ name: 'x', startDate, endDate, periodType });
  assert.equal(overlapping([sj, archived], draft('2026-07-03', '2027-07-01'), null).map((p) => p.id), [sj.id]);
  assert.equal(overlapping([sj, archived], draft('2026-07-04', '2027-07-01'), null), []);
  assert.equal(overlapping([sj], draft('2025-09-01', '2026-01-31', 'semester'), null), []);
  assert.equal(overlapping([sj], draft('2025-10-01', '2025-10-02'), sj.id), []);
  const b = createBlockers([sj], draft('2026-01-01', '2026-12-31'));
  assert.equal(rules(b), ['overlap']);
  assert.match(blockerMessage(b[0]), /overlaps ".*" \(2025-09-01 – 2026-07-03\) of the same type/);
});

test('archive: not the active period, not twice, not while recurring events still have occurrences now or later', () => {
  const live = [1, 2, 3].map((id) => ({ id, title: `Serie ${id}`, next: Date.parse('2026-03-09T07:00:00Z') }));
  assert.equal(rules(archiveBlockers(period({ isActive: true }), [])), ['active']);
  assert.equal(rules(archiveBlockers(period({ isActive: true }), live)), ['active', 'recurring_future']);
  assert.equal(rules(archiveBlockers(period({ isArchived: true }), [])), ['archived']);
  assert.equal(archiveBlockers(period(), []), []);
  const [b] = archiveBlockers(period(), live);
  assert.is(blockerMessage(b), '3 recurring events still have current or future occurrences: "Serie 1" (#1, next 2026-03-09T07:00Z), "Serie 2" (#2, next 2026-03-09T07:00Z), "Serie 3" (#3, next 2026-03-09T07:00Z)');
});

test('delete: only archived, inactive periods without linked events', () => {
  assert.equal(rules(deleteBlockers(period(), 0)), ['not_archived']);
  assert.equal(rules(deleteBlockers(period({ isActive: true }), 2)), ['not_archived', 'active', 'linked_events']);
  assert.equal(rules(deleteBlockers(period({ isArchived: true }), 2)), ['linked_events']);
  assert.is(blockerMessage(deleteBlockers(period({ isArchived: true }), 1)[0]), '1 event is linked to the period: move or delete it first');
  assert.equal(deleteBlockers(period({ isArchived: true }), 0), []);
});

test('activate and update refuse archived periods; restore needs an archived period whose name and days are still free', () => {
  const gone = period({ name: 'SJ', isArchived: true });
  assert.equal(rules(activateBlockers(gone)), ['archived']);
  assert.equal(activateBlockers(period()), []);
  assert.equal(rules(updateBlockers(gone, [], { name: 'x', startDate: '2025-01-01', endDate: '2025-02-01', periodType: 'semester' })), ['archived']);
  assert.equal(rules(restoreBlockers(period(), [])), ['not_archived']);
  const successor = period({ name: 'sj' });
  assert.equal(rules(restoreBlockers(gone, [successor, gone])), ['name_taken', 'overlap']);
  assert.equal(restoreBlockers(gone, [gone]), []);
});

test('the period for a date: non-archived only; the active one first, else the one that started last', () => {
  const sj = period({ startDate: '2025-09-01', endDate: '2026-07-03' });
  const sem = period({ startDate: '2026-02-09', endDate: '2026-07-03', periodType: 'semester' });
  const gone = period({ startDate: '2026-03-01', endDate: '2026-03-31', periodType: 'trimester', isArchived: true });
  assert.is(periodForDate([sj, sem, gone], '2026-03-02')?.id, sem.id);
  assert.is(periodForDate([{ ...sj, isActive: true }, sem], '2026-03-02')?.id, sj.id);
  assert.is(periodForDate([sj, sem], '2025-12-24')?.id, sj.id);
  assert.is(periodForDate([sj, sem], '2026-07-04'), null);
  assert.is(periodForDate([sj], '2026-07-03')?.id, sj.id);
});

test("a period's holidays lie within its dates: the rows outside are named", () => {
  const rows = [
    { line: 2, startDate: '2025-10-27', endDate: '2025-10-31' },
    { line: 3, startDate: '2026-07-04', endDate: '2026-09-06' },
    { line: 4, startDate: '2025-08-30', endDate: '2025-09-02' },
  ];
  assert.equal(outsidePeriod({ startDate: '2025-09-01', endDate: '2026-07-03' }, rows).map((r) => r.line), [3, 4]);
});

test('live series: running now or later counts; over, skipped or holiday-only occurrences do not', () => {
  const t = (s: string) => Date.parse(s);
  const now = t('2026-03-02T07:30:00Z'); // a Monday, during the 08:00–09:00 Vienna occurrence
  const weekly = { start: t('2026-02-02T07:00:00Z'), end: t('2026-02-02T08:00:00Z') };
  const running = testEvent({ id: 1, ...weekly, recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO' });
  assert.is(nextLiveStart(running, now, new Set()), t('2026-03-02T07:00:00Z'));
  const ended = testEvent({ id: 2, ...weekly, recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260224T000000Z' });
  assert.is(nextLiveStart(ended, now, new Set()), null);
  // The last occurrences skipped and on a holiday: nothing is left.
  const lastTwo = testEvent({
    id: 3, ...weekly, recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6', skipHolidays: true,
    exceptions: [{ occurrence: t('2026-03-02T07:00:00Z'), kind: 'skipped', detachedEventId: null }],
  });
  assert.is(nextLiveStart(lastTwo, now, new Set(['2026-03-09'])), null);
  assert.is(nextLiveStart(lastTwo, now, new Set()), t('2026-03-09T07:00:00Z'));
  const oneOff = testEvent({ id: 4, start: t('2026-05-01T07:00:00Z'), end: t('2026-05-01T08:00:00Z') });
  assert.is(nextLiveStart(oneOff, now, new Set()), null, 'only recurring events count');
  assert.equal(liveSeries([lastTwo, ended, running, oneOff], now, new Set()).map((s) => s.id), [1, 3]);
});

test.run();
