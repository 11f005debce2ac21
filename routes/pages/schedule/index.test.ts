import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, type Fixture } from '../../../testing/route-fixture.ts';

const EVIL = '<script>alert(1)</script>';
let f: Fixture;
let user: string;
let editor: string;
let admin: string;
let group = 0;
let eventId = 0;

const get = (path: string, cookie?: string, headers: Record<string, string> = {}) => f.app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
const form = (path: string, body: Record<string, string | string[]>, cookie?: string, headers: Record<string, string> = {}) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return f.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...(cookie ? { cookie } : {}), ...headers },
    body: p.toString(),
  });
};
const htmx = { 'hx-request': 'true' };

/** A weekly event on Monday and Wednesday, 08:00–09:00 Vienna, from 16 March until 3 July 2026. */
const weekly = (over: Record<string, string | string[]> = {}) => ({
  groupId: String(group), title: EVIL, eventType: 'website', url: 'https://example.org/news',
  date: '2026-03-16', startTime: '08:00', endTime: '09:00', timezone: 'Europe/Vienna', skipHolidays: 'on', active: 'on',
  freq: 'weekly', interval: '1', byDay: ['0', '2'], end: 'until', until: '2026-07-03', ...over,
});

test.before(async () => {
  f = await fixture();
  [user, editor, admin] = await Promise.all([f.login('user'), f.login('editor'), f.login('admin')]);
  const res = await f.app.request('/api/groups', json('POST', { name: 'Aula' }, admin));
  group = (await res.json()).id;
});
test.after(async () => {
  await f.close();
});

test('anonymous: pages redirect to the login, fragments answer 401 with HX-Redirect', async () => {
  for (const path of ['/schedule', '/schedule/events/new', '/groups', '/holidays']) {
    const res = await get(path);
    assert.is(res.status, 303, path);
    assert.match(res.headers.get('location') ?? '', /^\/login\?next=/);
  }
  const frag = await form('/schedule/preview', weekly(), undefined, htmx);
  assert.is(frag.status, 401);
  assert.ok(frag.headers.get('hx-redirect'));
});

test('roles: users read the schedule, only editors reach the event form, its preview and the writes', async () => {
  assert.is((await get('/schedule', user)).status, 200);
  assert.not.match(await (await get('/schedule', user)).text(), /schedule\/events\/new/, 'no "new event" for a user');
  for (const path of ['/schedule/events/new']) assert.is((await get(path, user)).status, 403, path);
  assert.is((await form('/schedule/preview', weekly(), user, htmx)).status, 403);
  assert.is((await form('/schedule/events/preview', weekly(), user)).status, 403);
  assert.is((await form('/schedule/events', weekly(), user)).status, 403);
  assert.is((await form('/schedule/events/1/skip', { occurrence: '2026-03-16T07:00:00Z' }, user, htmx)).status, 403);
  assert.is((await form('/schedule/events/1/detach', { occurrence: '2026-03-16T07:00:00Z' }, user)).status, 403);
  assert.is((await form('/schedule/events/1/delete', {}, user)).status, 403);
  const page = await get('/schedule/events/new?group=' + group + '&date=2026-03-16', editor);
  assert.is(page.status, 200);
  const html = await page.text();
  assert.match(html, /x-data="eventForm"/);
  assert.match(html, /name="byDay" value="0" checked/, 'weekly defaults to the start date\'s weekday (a Monday)');
});

test('create a weekly event through the builder: the RRULE the API returns, the title escaped everywhere', async () => {
  const res = await form('/schedule/events', weekly(), editor);
  assert.is(res.status, 303, await res.clone().text());
  assert.is(res.headers.get('location'), `/schedule?group=${group}&view=week&date=2026-03-16&done=created`);
  const events = await (await f.app.request(`/api/events?group_id=${group}`, { headers: { cookie: user } })).json();
  assert.is(events.length, 1);
  eventId = events[0].id;
  assert.is(events[0].recurrenceRule, 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260703T215959Z');
  assert.is(events[0].start, '2026-03-16T07:00:00.000Z');
  assert.equal([events[0].skipHolidays, events[0].isActive, events[0].website], [true, true, { url: 'https://example.org/news' }]);
  const week = await (await get(res.headers.get('location')!, user)).text();
  assert.ok(week.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.not.ok(week.includes(EVIL), 'hostile title printed raw');
  assert.match(week, /Event created\./);
  // Monday and Wednesday of that week, each 08:00–09:00 local, on the grid and in the agenda.
  assert.is((week.match(/class="tl-occ /g) ?? []).length, 2);
  assert.is((week.match(/<li id="o-/g) ?? []).length, 2);
  assert.match(week, /08:00 – 09:00/);
  const edit = await (await get(`/schedule/events/${eventId}`, editor)).text();
  assert.not.ok(edit.includes(EVIL));
  assert.match(edit, /<option value="weekly" selected>/);
  assert.match(edit, /name="byDay" value="0" checked/);
  assert.match(edit, /name="byDay" value="2" checked/);
  assert.match(edit, /name="until" value="2026-07-03"/);
});

test('the week after the spring switch: occurrences stay at 08:00 local', async () => {
  const html = await (await get(`/schedule?group=${group}&view=week&date=2026-03-30`, user)).text();
  assert.match(html, /08:00 – 09:00/);
  assert.not.match(html, /07:00 – 08:00|09:00 – 10:00/);
  const day = await (await get(`/schedule?group=${group}&view=day&date=2026-04-01`, user)).text();
  assert.is((day.match(/<li id="o-/g) ?? []).length, 1, 'Wednesday 1 April');
  assert.match(day, /class="tl tl-view-day"/);
});

test('bad form input: 400, the form again with the fields named and the values kept', async () => {
  const res = await form('/schedule/events', weekly({ title: '', date: '2026-02-30', byDay: [], url: 'ftp://x' }), editor);
  assert.is(res.status, 400);
  const html = await res.text();
  assert.match(html, /Please check the marked fields: Title, Date, On these weekdays, Address \(URL\)\./);
  assert.match(html, /id="ev-title" name="title" value="" maxlength="200" required aria-invalid="true"/);
  assert.match(html, /name="url" value="ftp:\/\/x"/);
  // Past the form's own checks, the scheduler's rules still apply (here: an unknown rule part).
  const custom = await form('/schedule/events', weekly({ freq: 'custom', rrule: 'FREQ=WEEKLY;BYHOUR=8' }), editor);
  assert.is(custom.status, 400);
  assert.match(await custom.text(), /The scheduler refused the event: Rule: BYHOUR is not supported in a repetition rule/);
  // Bad query values of the pages.
  assert.is((await get('/schedule?view=month', user)).status, 400);
  assert.is((await get('/schedule?date=2026-13-01', user)).status, 400);
  assert.is((await get('/schedule/events/new?group=abc', editor)).status, 400);
});

test('preview fragment: the next 10 occurrences in local time across the DST switch; holidays struck through', async () => {
  await f.app.request('/api/holidays', json('POST', { name: 'Josefitag', startDate: '2026-03-18' }, admin));
  const res = await form('/schedule/preview', weekly({ byDay: ['0'], end: 'never', title: 'Assembly' }), editor, htmx);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, /^<section id="preview"/, 'the fragment alone');
  const items = [...html.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
  assert.is(items.length, 10);
  assert.ok(items.every((m) => m[2].includes('08:00 – 09:00')), 'every occurrence at 08:00 local');
  assert.equal(items.slice(0, 3).map((m) => m[1]), ['2026-03-16T07:00:00.000Z', '2026-03-23T07:00:00.000Z', '2026-03-30T06:00:00.000Z']);
  // Monday + Wednesday: Wednesday 18 March is a holiday, listed struck through and not counted.
  const both = await (await form('/schedule/preview', weekly({ end: 'never' }), editor, htmx)).text();
  assert.is((both.match(/<li class="is-holiday">/g) ?? []).length, 1);
  assert.is((both.match(/<li>/g) ?? []).length, 10);
  // A bad form: 400 naming the fields (htmx swaps it: htmx-config noSwap is only 5xx).
  const bad = await form('/schedule/preview', weekly({ startTime: '8 Uhr', freq: 'weekly', byDay: [] }), editor, htmx);
  assert.is(bad.status, 400);
  assert.match(await bad.text(), /Fix these fields to see the occurrences: Starts, On these weekdays\./);
  // Without JavaScript: the whole form page with the preview filled in.
  const page = await form('/schedule/events/preview', weekly({ title: 'Kept' }), editor);
  assert.is(page.status, 200);
  const full = await page.text();
  assert.match(full, /name="title" value="Kept"/);
  assert.is((full.match(/<time datetime=/g) ?? []).length, 11, '10 + the struck holiday');
});

test('skip one occurrence (htmx swaps the schedule body), detach another into its own event', async () => {
  const occurrence = '2026-03-23T07:00:00.000Z';
  const res = await form(`/schedule/events/${eventId}/skip`, { occurrence, group: String(group), view: 'week', date: '2026-03-23' }, editor, htmx);
  assert.is(res.status, 200);
  const body = await res.text();
  assert.match(body, /^<section id="schedule-body"/);
  assert.match(body, /Occurrence skipped\./);
  assert.not.ok(body.includes(`id="o-${eventId}-${Date.parse(occurrence)}"`), 'the skipped occurrence is gone');
  assert.ok(body.includes(`id="o-${eventId}-${Date.parse('2026-03-25T07:00:00Z')}"`), 'Wednesday stays');
  const ev = await (await f.app.request(`/api/events/${eventId}`, { headers: { cookie: user } })).json();
  assert.equal(ev.skippedDates, ['20260323T070000Z']);
  // Plain form: 303 back to the schedule.
  const plain = await form(`/schedule/events/${eventId}/skip`, { occurrence: '2026-03-30T06:00:00Z', group: String(group), view: 'week', date: '2026-03-30' }, editor);
  assert.is(plain.status, 303);
  assert.match(plain.headers.get('location') ?? '', /done=skipped/);
  const detach = await form(`/schedule/events/${eventId}/detach`, { occurrence: '2026-04-01T06:00:00Z', group: String(group), view: 'week', date: '2026-03-30' }, editor);
  assert.is(detach.status, 303);
  const m = /^\/schedule\/events\/(\d+)\?done=detached$/.exec(detach.headers.get('location') ?? '');
  assert.ok(m, detach.headers.get('location') ?? '');
  const one = await (await f.app.request(`/api/events/${m![1]}`, { headers: { cookie: user } })).json();
  assert.equal([one.recurrenceRule, one.start, one.detachedFrom.eventId], [null, '2026-04-01T06:00:00.000Z', eventId]);
  const page = await (await get(detach.headers.get('location')!, editor)).text();
  assert.match(page, /Occurrence detached/);
  assert.match(page, /<option value="none" selected>/);
  // An occurrence that does not exist, a bad date, an unknown event.
  assert.is((await form(`/schedule/events/${eventId}/skip`, { occurrence: '2026-03-24T07:00:00Z' }, editor)).status, 404);
  assert.is((await form(`/schedule/events/${eventId}/skip`, { occurrence: 'tuesday' }, editor)).status, 400);
  assert.is((await form('/schedule/events/999/detach', { occurrence: '2026-03-23T07:00:00Z' }, editor)).status, 404);
});

test('edit and delete; unknown ids answer 404', async () => {
  const res = await form(`/schedule/events/${eventId}`, weekly({ title: 'Renamed', eventId: String(eventId), byDay: ['4'], end: 'count', count: '3' }), editor);
  assert.is(res.status, 303);
  const ev = await (await f.app.request(`/api/events/${eventId}`, { headers: { cookie: user } })).json();
  assert.equal([ev.title, ev.recurrenceRule], ['Renamed', 'FREQ=WEEKLY;BYDAY=FR;COUNT=3']);
  for (const path of ['/schedule/events/999', '/schedule/events/abc', `/schedule?group=999`]) assert.is((await get(path, editor)).status, 404, path);
  assert.is((await form('/schedule/events/999', weekly(), editor)).status, 404);
  assert.is((await form('/schedule/events/preview', weekly({ eventId: '999' }), editor)).status, 404);
  const del = await form(`/schedule/events/${eventId}/delete`, {}, editor);
  assert.is(del.status, 303);
  assert.match(del.headers.get('location') ?? '', /done=deleted/);
  assert.is((await f.app.request(`/api/events/${eventId}`, { headers: { cookie: user } })).status, 404);
  assert.is((await form(`/schedule/events/${eventId}/delete`, {}, editor)).status, 404);
});

test('German: labels and dates in the user\'s language', async () => {
  const html = await (await get(`/schedule?group=${group}&view=week&date=2026-03-30`, user, { 'accept-language': 'de-AT' })).text();
  assert.match(html, /Zeitplan/);
  assert.match(html, /30\.03\.2026 – 05\.04\.2026/);
});

test('German: the scheduler\'s refusals on the event form are German, never the API\'s English', async () => {
  const de = { 'accept-language': 'de-AT' };
  const rule = await form('/schedule/events', weekly({ freq: 'custom', rrule: 'FREQ=WEEKLY;BYHOUR=8' }), editor, de);
  assert.is(rule.status, 400);
  const html = await rule.text();
  assert.match(html, /Der Zeitplaner hat den Termin abgelehnt: Regel: BYHOUR wird in einer Wiederholungsregel nicht unterstützt \(erlaubt: FREQ, /);
  assert.not.match(html, /is not supported|recurrenceRule/);
  // zod's own check (an address the form lets through that is no URL) and two rule parts that exclude each other.
  const url = await (await form('/schedule/events', weekly({ url: 'https://[nope' }), editor, de)).text();
  assert.match(url, /abgelehnt: Adresse \(URL\): muss eine Webadresse sein \(http oder https\)/);
  assert.not.match(url, /Invalid URL|website\.url/);
  const both = await (await form('/schedule/events', weekly({ freq: 'custom', rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20260401' }), editor, de)).text();
  assert.match(both, /abgelehnt: Regel: COUNT und UNTIL schließen einander aus/);
});

test.run();
