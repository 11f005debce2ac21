import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextOccurrences } from '../../../lib/schedule/recurrence.ts';
import { checkRule } from '../../../lib/schedule/recurrence.ts';
import { recurrenceToRrule, rruleToRecurrence, type RecurrenceForm } from './model.ts';
import { eventToForm, formToBody, newEventForm, readEventForm } from './form.ts';
import { layoutTimeline, viewDays } from './timeline.ts';
import { localTime } from './zone.ts';

const TZ = 'Europe/Vienna';
const rec = (r: Partial<RecurrenceForm>): RecurrenceForm => ({ freq: 'none', interval: '1', byDay: [], end: 'never', until: '', count: '', custom: '', ...r });

test('weekly on Monday and Wednesday until a date: UNTIL is the last second of that local day, in UTC', () => {
  const { rule, errors } = recurrenceToRrule(rec({ freq: 'weekly', byDay: [2, 0], end: 'until', until: '2026-07-03' }), TZ);
  assert.equal(errors, {});
  assert.is(rule, 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260703T215959Z'); // 23:59:59 CEST
  assert.ok(checkRule(rule!).ok, 'the scheduler accepts what the builder makes');
  // Winter: one hour less offset.
  assert.is(recurrenceToRrule(rec({ freq: 'weekly', byDay: [4], end: 'until', until: '2026-01-09' }), TZ).rule, 'FREQ=WEEKLY;BYDAY=FR;UNTIL=20260109T225959Z');
});

test('daily / monthly, interval and count; none is no rule', () => {
  assert.is(recurrenceToRrule(rec({ freq: 'daily', end: 'count', count: '5' }), TZ).rule, 'FREQ=DAILY;COUNT=5');
  assert.is(recurrenceToRrule(rec({ freq: 'monthly', interval: '2' }), TZ).rule, 'FREQ=MONTHLY;INTERVAL=2');
  assert.is(recurrenceToRrule(rec({ freq: 'none', byDay: [1] }), TZ).rule, null);
  // Weekday boxes are ignored unless the rule is weekly (they stay in the form without JS).
  assert.is(recurrenceToRrule(rec({ freq: 'daily', byDay: [1, 2] }), TZ).rule, 'FREQ=DAILY');
});

test('builder errors name their field', () => {
  assert.equal(recurrenceToRrule(rec({ freq: 'weekly', byDay: [] }), TZ).errors, { byDay: 'schedule.err.byDay' });
  assert.equal(recurrenceToRrule(rec({ freq: 'daily', end: 'until', until: '2026-02-30' }), TZ).errors, { until: 'schedule.err.date' });
  assert.equal(recurrenceToRrule(rec({ freq: 'daily', end: 'count', count: '0' }), TZ).errors, { count: 'schedule.err.count' });
  assert.equal(recurrenceToRrule(rec({ freq: 'daily', interval: 'x' }), TZ).errors, { interval: 'schedule.err.interval' });
  assert.equal(recurrenceToRrule(rec({ freq: 'custom', custom: 'FREQ=WEEKLY;BYDAY=<script>' }), TZ).errors, { custom: 'schedule.err.rrule' });
});

test('RRULE back to the builder; what it cannot express stays a custom rule', () => {
  const r = rruleToRecurrence('RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260703T215959Z', TZ);
  assert.equal(r, rec({ freq: 'weekly', byDay: [0, 2], end: 'until', until: '2026-07-03' }));
  assert.equal(rruleToRecurrence('FREQ=DAILY;INTERVAL=3;COUNT=10', TZ), rec({ freq: 'daily', interval: '3', end: 'count', count: '10' }));
  assert.equal(rruleToRecurrence('FREQ=MONTHLY;BYDAY=1MO', TZ), rec({ freq: 'custom', custom: 'FREQ=MONTHLY;BYDAY=1MO' }));
  assert.equal(rruleToRecurrence('FREQ=YEARLY', TZ).freq, 'custom');
  assert.equal(rruleToRecurrence(null, TZ).freq, 'none');
  // Round trip through the builder.
  const back = recurrenceToRrule(r, TZ).rule;
  assert.is(back, 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260703T215959Z');
});

test('form → body: local wall times become UTC on both sides of the DST switch; night events end the next day', () => {
  const form = { ...newEventForm(3, '2026-03-27', TZ), title: 'Morning', url: 'https://example.org/' };
  let r = formToBody(form, [3]);
  assert.ok(r.body);
  assert.is(r.body!.start, '2026-03-27T07:00:00.000Z'); // CET
  assert.is(r.body!.end, '2026-03-27T08:00:00.000Z');
  r = formToBody({ ...form, date: '2026-03-30' }, [3]);
  assert.is(r.body!.start, '2026-03-30T06:00:00.000Z'); // CEST
  r = formToBody({ ...form, startTime: '22:00', endTime: '02:00' }, [3]);
  assert.is(r.body!.end, '2026-03-28T01:00:00.000Z');
  assert.equal(r.body!.website, { url: 'https://example.org/' });
});

test('form → body: every bad field is named', () => {
  const bad = readEventForm({ groupId: '9', title: '', eventType: 'video', date: '2026-13-01', startTime: '25:00', endTime: '09:00', timezone: 'Mars/Base', url: 'javascript:alert(1)', volume: '150', freq: 'weekly' });
  const r = formToBody(bad, [3]);
  assert.equal(Object.keys(r.errors!).sort(), ['byDay', 'date', 'groupId', 'startTime', 'timezone', 'title', 'url', 'volume']);
  const msg = formToBody({ ...newEventForm(3, '2026-03-27', TZ), title: 'x', eventType: 'message', text: '' }, [3]);
  assert.equal(msg.errors, { text: 'schedule.err.required' });
  const pres = formToBody({ ...newEventForm(3, '2026-03-27', TZ), title: 'x', eventType: 'presentation', files: 'https://a/1.pdf\n\nhttps://a/2.pdf', autoProgress: 'no' }, [3]);
  assert.equal(pres.body!.presentation, { files: ['https://a/1.pdf', 'https://a/2.pdf'], slideInterval: undefined, pageProgress: undefined, autoProgress: false });
});

test('readEventForm takes one or many weekday boxes; eventToForm gives the builder back', () => {
  assert.equal(readEventForm({ freq: 'weekly', byDay: '2' }).recurrence.byDay, [2]);
  assert.equal(readEventForm({ freq: 'weekly', byDay: ['0', '2', '9'] }).recurrence.byDay, [0, 2]);
  const form = eventToForm({
    id: 1, groupId: 3, title: 'T', description: null, eventType: 'video', start: Date.parse('2026-03-30T06:00:00Z'), end: Date.parse('2026-03-30T07:30:00Z'),
    timezone: TZ, recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO', skipHolidays: false, isActive: true,
    fields: { video: { url: 'https://v/x.mp4', autoplay: null, loop: false, volume: 0.5, muted: null } }, exceptions: [], detachedFrom: null, createdAt: 0, updatedAt: 0,
  });
  assert.equal([form.date, form.startTime, form.endTime, form.volume, form.loop, form.autoplay], ['2026-03-30', '08:00', '09:30', '50', 'no', '']);
  assert.equal(form.recurrence, rec({ freq: 'weekly', byDay: [0] }));
});

test('preview: the next 10 Mondays stay 08:00 local across the spring switch (the scheduler\'s expansion)', () => {
  const form = { ...newEventForm(3, '2026-03-16', TZ), title: 'Assembly', url: 'https://x/', recurrence: rec({ freq: 'weekly', byDay: [0] }) };
  const { body } = formToBody(form, [3]);
  const spec = { start: Date.parse(body!.start), end: Date.parse(body!.end), timezone: TZ, rule: body!.recurrenceRule };
  const next = nextOccurrences(spec, Date.parse('2026-03-20T00:00:00Z'), 10);
  assert.is(next.length, 10);
  assert.ok(next.every((o) => localTime(o.start, TZ) === '08:00'));
  assert.is(new Date(next[0].start).toISOString(), '2026-03-23T07:00:00.000Z');
  assert.is(new Date(next[1].start).toISOString(), '2026-03-30T06:00:00.000Z');
});

test('timeline: overlaps get lanes, a night event is cut at midnight, the grid grows to show it', () => {
  const at = (s: string) => Date.parse(s);
  const days = viewDays('week', '2026-03-26');
  assert.equal([days[0], days[6]], ['2026-03-23', '2026-03-29']);
  const tl = layoutTimeline(
    [
      { eventId: 1, title: 'A', eventType: 'website', start: at('2026-03-23T07:00:00Z'), end: at('2026-03-23T08:00:00Z'), recurring: false }, // 08–09
      { eventId: 2, title: 'B', eventType: 'website', start: at('2026-03-23T07:30:00Z'), end: at('2026-03-23T09:00:00Z'), recurring: false }, // 08:30–10
      { eventId: 3, title: 'C', eventType: 'website', start: at('2026-03-23T08:00:00Z'), end: at('2026-03-23T08:15:00Z'), recurring: false }, // 09–09:15
      { eventId: 4, title: 'N', eventType: 'message', start: at('2026-03-28T21:00:00Z'), end: at('2026-03-29T03:00:00Z'), recurring: true }, // Sat 22:00 – Sun 05:00 CEST
    ],
    days, TZ, '2026-03-23',
  );
  const mon = tl.days[0];
  assert.ok(mon.isToday);
  assert.is(mon.lanes, 2);
  // Rows count 15-minute slots from the first visible hour (00:00 here, because of the night event).
  assert.equal(mon.items.map((i) => [i.title, i.lane, i.row, i.span]), [['A', 1, 33, 4], ['B', 2, 35, 6], ['C', 1, 37, 1]]);
  assert.is(tl.firstHour, 0); // the night event reaches 00:00 on Sunday
  assert.is(tl.lastHour, 24);
  const [sat, sun] = [tl.days[5].items[0], tl.days[6].items[0]];
  assert.equal([sat.fromMinute, sat.toMinute, sat.after, sat.before], [22 * 60, 24 * 60, true, false]);
  assert.equal([sun.fromMinute, sun.toMinute, sun.before], [0, 5 * 60, true]); // 03:00Z is 05:00 after the switch
  assert.is(tl.hours.length, 24);
  assert.is(tl.to - tl.from, 7 * 86_400_000 - 3_600_000, 'the week of the switch is an hour short');
});

test('timeline: an empty day still shows the school day', () => {
  const tl = layoutTimeline([], ['2026-03-23'], TZ, '2026-03-24');
  assert.equal([tl.firstHour, tl.lastHour, tl.days[0].lanes, tl.days[0].isToday], [7, 18, 1, false]);
});

test.run();
