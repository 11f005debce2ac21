import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';

let f: ScheduleFixture;
let g1: number;
let g2: number;
test.before(async () => {
  f = await scheduleFixture();
  g1 = (await f.call('admin', 'POST', '/api/groups', { name: 'Aula' })).body.id;
  g2 = (await f.call('admin', 'POST', '/api/groups', { name: 'Foyer' })).body.id;
});
test.after(async () => f?.close());

// The fixture's clock: Monday 2026-03-02 10:00Z (11:00 Vienna).
const weekly = () => ({
  groupId: g1, title: 'Morning news', eventType: 'video', start: '2026-03-02T07:00:00Z', end: '2026-03-02T08:00:00Z',
  recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260401T000000Z', skipHolidays: true,
  video: { url: 'https://cdn.example/news.mp4', volume: 0.5 },
});
const eventsOf = (group: number) => f.schedulePublisher.published.filter((p) => p.topic === `infoscreen/events/${group}`);

test('roles: users read, editors write', async () => {
  assert.is((await f.call('user', 'GET', '/api/events')).status, 200);
  assert.is((await f.call('user', 'POST', '/api/events', weekly())).status, 403);
  assert.is((await f.call(null, 'GET', '/api/events')).status, 401);
});

test('create: master event with rule and compact dates; zone defaults to SCHEDULE_TIMEZONE; open type fields take the system defaults of now', async () => {
  const r = await f.call('editor', 'POST', '/api/events', weekly());
  assert.is(r.status, 201, JSON.stringify(r.body));
  const e = r.body;
  assert.equal(
    [e.groupId, e.timezone, e.recurrenceRule, e.exceptionDates, e.skipHolidays, e.isActive, e.start],
    [g1, 'Europe/Vienna', 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260401T000000Z', [], true, true, '2026-03-02T07:00:00.000Z'],
  );
  assert.equal(e.video, { url: 'https://cdn.example/news.mp4', autoplay: true, loop: true, volume: 0.5, muted: false });
  assert.is(e.website, undefined);
  assert.equal((await f.call('user', 'GET', `/api/events/${e.id}`)).body.id, e.id);
});

test('validation: 400 naming the field for type fields, times, rule, zone, unknown group', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...weekly(), video: undefined }, 'video.url'],
    [{ ...weekly(), eventType: 'website', video: undefined }, 'website.url'],
    [{ ...weekly(), eventType: 'message', video: undefined, message: { text: '' } }, 'message.text'],
    [{ ...weekly(), eventType: 'presentation', video: undefined, presentation: { files: ['ftp://x/y.pdf'] } }, 'presentation.files.0'],
    [{ ...weekly(), video: { url: 'https://x/v.mp4', volume: 2 } }, 'video.volume'],
    [{ ...weekly(), end: '2026-03-02T06:00:00Z' }, 'end'],
    [{ ...weekly(), start: '2026-03-02 07:00' }, 'start'],
    [{ ...weekly(), recurrenceRule: 'FREQ=MINUTELY' }, 'recurrenceRule'],
    [{ ...weekly(), timezone: 'Mars/Olympus' }, 'timezone'],
    [{ ...weekly(), eventType: 'party' }, 'eventType'],
  ];
  for (const [body, path] of cases) {
    const r = await f.call('editor', 'POST', '/api/events', body);
    assert.is(r.status, 400, path);
    assert.ok(r.body.issues.some((i: any) => i.path === path), `${path}: ${JSON.stringify(r.body.issues)}`);
  }
  assert.is((await f.call('editor', 'POST', '/api/events', { ...weekly(), groupId: 999 })).status, 400);
  const webuntis = await f.call('editor', 'POST', '/api/events', { ...weekly(), eventType: 'webuntis', video: undefined, recurrenceRule: null });
  assert.equal([webuntis.status, webuntis.body.website], [201, { url: null }], 'webuntis may leave the URL to the setting');
  await f.call('editor', 'DELETE', `/api/events/${webuntis.body.id}`);
});

test('an event active now is published at once on create and on edit; moving it republishes both groups', async () => {
  f.schedulePublisher.published.length = 0;
  const now = await f.call('editor', 'POST', '/api/events', { groupId: g1, title: 'Now', eventType: 'message', start: '2026-03-02T09:30:00Z', end: '2026-03-02T11:00:00Z', message: { text: 'Hallo' } });
  const list = JSON.parse(eventsOf(g1).at(-1)!.payload);
  assert.equal(list.map((e: any) => [e.id, e.message.text]), [[now.body.id, 'Hallo']]);
  await f.call('editor', 'PUT', `/api/events/${now.body.id}`, { message: { text: 'Servus' } });
  assert.is(JSON.parse(eventsOf(g1).at(-1)!.payload)[0].message.text, 'Servus');
  const moved = await f.call('editor', 'PUT', `/api/events/${now.body.id}`, { groupId: g2 });
  assert.equal([moved.status, moved.body.title, moved.body.message], [200, 'Now', { text: 'Servus' }], 'a partial update keeps the rest');
  assert.equal(JSON.parse(eventsOf(g1).at(-1)!.payload), []);
  assert.is(JSON.parse(eventsOf(g2).at(-1)!.payload)[0].id, now.body.id);
  assert.is((await f.call('editor', 'PUT', `/api/events/${now.body.id}`, { end: '2026-03-02T09:00:00Z' })).status, 400);
  await f.call('editor', 'DELETE', `/api/events/${now.body.id}`);
  assert.equal(JSON.parse(eventsOf(g2).at(-1)!.payload), []);
  assert.is((await f.call('editor', 'DELETE', `/api/events/${now.body.id}`)).status, 404);
});

test('skip, restore and detach an occurrence; exception dates in compact UTC; occurrences expand the range', async () => {
  const series = (await f.call('user', 'GET', `/api/events?group_id=${g1}`)).body.find((e: any) => e.title === 'Morning news');
  const occ = async () => (await f.call('user', 'GET', `/api/events/occurrences?start=2026-03-02T00:00:00Z&end=2026-03-09T00:00:00Z&group_id=${g1}`)).body.occurrences;
  assert.equal((await occ()).map((o: any) => o.occurrence), ['20260302T070000Z', '20260304T070000Z']);

  const skip = await f.call('editor', 'POST', `/api/events/${series.id}/occurrences/20260302T070000Z/skip`);
  assert.equal([skip.status, skip.body.exceptionDates, skip.body.skippedDates], [200, ['20260302T070000Z'], ['20260302T070000Z']]);
  assert.equal((await occ()).map((o: any) => o.occurrence), ['20260304T070000Z']);
  const undo = await f.call('editor', 'DELETE', `/api/events/${series.id}/occurrences/2026-03-02T07:00:00Z/skip`);
  assert.equal(undo.body.exceptionDates, []);

  const det = await f.call('editor', 'POST', `/api/events/${series.id}/occurrences/20260304T070000Z/detach`, { title: 'Special news', start: '2026-03-04T09:00:00Z', end: '2026-03-04T10:00:00Z' });
  assert.is(det.status, 201, JSON.stringify(det.body));
  assert.equal([det.body.event.title, det.body.event.recurrenceRule, det.body.event.detachedFrom], ['Special news', null, { eventId: series.id, occurrence: '20260304T070000Z' }]);
  assert.equal(det.body.event.video.volume, 0.5, 'the detached event starts as a copy of the occurrence');
  assert.equal(det.body.series.detachedOccurrences, [{ occurrence: '20260304T070000Z', eventId: det.body.event.id }]);
  assert.equal((await occ()).map((o: any) => [o.eventId, o.occurrence]), [[series.id, '20260302T070000Z'], [det.body.event.id, '20260304T090000Z']]);
  assert.is((await f.call('editor', 'POST', `/api/events/${series.id}/occurrences/20260304T070000Z/skip`)).status, 409);
  assert.is((await f.call('editor', 'POST', `/api/events/${series.id}/occurrences/20260303T070000Z/skip`)).status, 404, 'not an occurrence');
  assert.is((await f.call('editor', 'POST', `/api/events/${series.id}/occurrences/yesterday/skip`)).status, 400);
});

test('holidays remove occurrences of skip_holidays events from the expansion; range checks', async () => {
  await f.call('admin', 'POST', '/api/holidays', { name: 'Frühlingsferien', startDate: '2026-03-09', endDate: '2026-03-13' });
  const occ = (await f.call('user', 'GET', `/api/events/occurrences?start=20260309T000000Z&end=20260316T000000Z&group_id=${g1}`)).body.occurrences;
  assert.equal(occ, []);
  assert.is((await f.call('user', 'GET', '/api/events/occurrences?start=2026-03-09T00:00:00Z')).status, 400);
  assert.is((await f.call('user', 'GET', '/api/events/occurrences?start=2026-03-09T00:00:00Z&end=2028-03-09T00:00:00Z')).status, 400);
  const ranged = (await f.call('user', 'GET', '/api/events?start=2026-04-02T00:00:00Z&end=2026-05-01T00:00:00Z')).body;
  assert.equal(ranged, [], 'the series ended (UNTIL) before that range');
});

test('a system default is a starting value: changing it later changes no existing event (API and wire)', async () => {
  const before = (await f.call('editor', 'POST', '/api/events', {
    groupId: g2, title: 'Loop me', eventType: 'video', start: '2026-03-02T09:00:00Z', end: '2026-03-02T12:00:00Z',
    video: { url: 'https://cdn.example/a.mp4' },
  })).body;
  assert.equal([before.video.loop, before.video.volume], [true, 0.8]);
  assert.is((await f.call('admin', 'POST', '/api/system-settings', { video_loop: false, video_volume: 0.3 })).status, 200);
  const same = (await f.call('user', 'GET', `/api/events/${before.id}`)).body;
  assert.equal([same.video.loop, same.video.volume], [true, 0.8], 'the existing event keeps its values');
  const wire = JSON.parse(eventsOf(g2).at(-1)!.payload as string) as Array<{ id: number; video: { loop: boolean; volume: number } }>;
  assert.equal(wire.find((x) => x.id === before.id)!.video, { url: 'https://cdn.example/a.mp4', autoplay: true, loop: true, volume: 0.8, muted: false });
  const after = (await f.call('editor', 'POST', '/api/events', { ...weekly(), groupId: g2, title: 'New one', video: { url: 'https://cdn.example/b.mp4' } })).body;
  assert.equal([after.video.loop, after.video.volume], [false, 0.3], 'a new event starts from the new defaults');
  await f.call('admin', 'POST', '/api/system-settings', { video_loop: null, video_volume: null });
});

test('holiday occurrences of a skipHolidays series are exception dates of the master event (for whoever expands the rule)', async () => {
  const skips = (await f.call('editor', 'POST', '/api/events', { ...weekly(), groupId: g2, title: 'Holiday aware' })).body;
  const keeps = (await f.call('editor', 'POST', '/api/events', { ...weekly(), groupId: g2, title: 'Holiday blind', skipHolidays: false })).body;
  // The holiday of the test before: 2026-03-09 to 03-13 holds Monday 9th and Wednesday 11th, 08:00 Vienna (07:00Z).
  const listed = (await f.call('user', 'GET', `/api/events?group_id=${g2}`)).body as Array<{ id: number; exceptionDates: string[]; holidayDates: string[] }>;
  const a = listed.find((e) => e.id === skips.id)!;
  assert.equal(a.holidayDates, ['20260309T070000Z', '20260311T070000Z']);
  assert.equal(a.exceptionDates, ['20260309T070000Z', '20260311T070000Z']);
  assert.equal(listed.find((e) => e.id === keeps.id)!.exceptionDates, []);
  // A skip of its own sorts in among them; the single-event view says the same.
  await f.call('editor', 'POST', `/api/events/${skips.id}/occurrences/20260304T070000Z/skip`);
  const one = (await f.call('user', 'GET', `/api/events/${skips.id}`)).body;
  assert.equal(one.exceptionDates, ['20260304T070000Z', '20260309T070000Z', '20260311T070000Z']);
});

test.run();
