import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { activeAt, eventOccurrences, occurrencesBetween } from './occurrences.ts';
import { holidayDates } from './holidays.ts';
import { ScheduleBook } from './book.ts';
import { testEvent } from '../../testing/schedule-events.ts';

const t = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const NONE = new Set<string>();
// Mondays and Wednesdays 08:00–09:00 Vienna from 2 March 2026.
const series = testEvent({ id: 1, start: t('2026-03-02T07:00:00Z'), end: t('2026-03-02T08:00:00Z'), recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,WE' });
const WEEK = [t('2026-03-02T00:00:00Z'), t('2026-03-09T00:00:00Z')] as const;

test('skipped and detached occurrences leave the series; the detached event stands alone', () => {
  const ev = {
    ...series,
    exceptions: [
      { occurrence: t('2026-03-02T07:00:00Z'), kind: 'skipped' as const, detachedEventId: null },
      { occurrence: t('2026-03-04T07:00:00Z'), kind: 'detached' as const, detachedEventId: 2 },
    ],
  };
  assert.equal(eventOccurrences(ev, t('2026-03-01T00:00:00Z'), t('2026-03-10T00:00:00Z'), NONE).map((o) => iso(o.start)), ['2026-03-09T07:00:00Z']);
  const detached = testEvent({ id: 2, start: t('2026-03-04T09:00:00Z'), end: t('2026-03-04T10:00:00Z'), detachedFrom: { eventId: 1, occurrence: t('2026-03-04T07:00:00Z') } });
  const all = occurrencesBetween([ev, detached], ...WEEK, NONE).map((o) => `${o.event.id}@${iso(o.start)}`);
  assert.equal(all, ['2@2026-03-04T09:00:00Z']);
});

test('skip_holidays removes occurrences starting on a holiday (local days, inclusive range)', () => {
  const holidays = holidayDates([{ id: 1, name: 'Semesterferien', region: 'W', startDate: '2026-03-04', endDate: '2026-03-04' }]);
  assert.is(eventOccurrences({ ...series, skipHolidays: false }, ...WEEK, holidays).length, 2, 'without the flag nothing is removed');
  const withFlag = { ...series, skipHolidays: true };
  assert.equal(eventOccurrences(withFlag, ...WEEK, holidays).map((o) => iso(o.start)), ['2026-03-02T07:00:00Z']);
  // 00:30 local on 5 March is still 4 March in UTC: the local date decides.
  const lateNight = testEvent({ id: 3, start: t('2026-03-04T23:30:00Z'), end: t('2026-03-05T00:30:00Z'), skipHolidays: true });
  const h5 = holidayDates([{ id: 2, name: 'x', region: '', startDate: '2026-03-05', endDate: '2026-03-06' }]);
  assert.is(eventOccurrences(lateNight, ...WEEK, h5).length, 0);
});

test('activeAt: start inclusive, end exclusive, inactive events never active', () => {
  const occ = occurrencesBetween([series, testEvent({ id: 5, start: t('2026-03-02T07:30:00Z'), end: t('2026-03-02T07:45:00Z'), isActive: false })], ...WEEK, NONE);
  assert.equal(activeAt(occ, t('2026-03-02T07:00:00Z')).map((o) => o.event.id), [1]);
  assert.equal(activeAt(occ, t('2026-03-02T07:35:00Z')).map((o) => o.event.id), [1]);
  assert.equal(activeAt(occ, t('2026-03-02T08:00:00Z')), []);
});

test('book: a steady poll expands nothing; the window refreshes a day before it ends; edits and holidays expand again', () => {
  const book = new ScheduleBook(7);
  book.setGroups([1, 2]);
  book.setAllEvents([series]);
  let now = t('2026-03-02T07:10:00Z');
  assert.equal(book.active(1, now).map((o) => o.event.id), [1]);
  assert.equal(book.active(2, now), []);
  const after = book.expansions;
  for (let i = 0; i < 100; i++) book.active(1, (now += 60_000));
  assert.is(book.expansions, after, 'no expansion while the window lasts');
  book.active(1, t('2026-03-08T08:00:00Z'));
  assert.is(book.expansions, after + 1, 'expanded again a day before the window ends');
  assert.equal(book.active(1, t('2026-03-16T07:30:00Z')).map((o) => iso(o.start)), ['2026-03-16T07:00:00Z']);
  book.setHolidays([{ id: 1, name: 'h', region: '', startDate: '2026-03-16', endDate: '2026-03-16' }]);
  book.setEvents(1, [{ ...series, skipHolidays: true }]);
  assert.equal(book.active(1, t('2026-03-16T07:30:00Z')), []);
});

test.run();
