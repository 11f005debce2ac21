/** `GET /api/reports/availability` over a real libSQL database via app.request() (docs/availability.md "API"). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { upsertClientStatement } from '../db/clients.ts';
import { connectivityChangeStatement, serverAliveStatement, serverRunStartStatement } from '../db/connectivity.ts';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';
import { UUID_A, UUID_B, UUID_C } from '../testing/route-fixture.ts';

const t = (s: string) => Date.parse(s);
const HOUR = 3_600_000;
let f: ScheduleFixture;
let aula: number;
let foyer: number;
const WINDOW = 'from=2026-03-02&to=2026-03-03'; // Vienna days: 2026-03-01T23:00Z to 2026-03-03T23:00Z

test.before(async () => {
  f = await scheduleFixture();
  aula = (await f.call('admin', 'POST', '/api/groups', { name: 'Aula' })).body.id;
  foyer = (await f.call('admin', 'POST', '/api/groups', { name: 'Foyer' })).body.id;
  // Aula plays weekdays 08:00–17:00 Vienna (07:00Z–16:00Z in March); Foyer has no event: always scheduled.
  const ev = await f.call('editor', 'POST', '/api/events', {
    groupId: aula, title: 'Timetable', eventType: 'message', message: { text: 'Hello' },
    start: '2026-03-02T07:00:00Z', end: '2026-03-02T16:00:00Z', recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  });
  assert.is(ev.status, 201, JSON.stringify(ev.body));
  // The fleet's clients, with their rows (the history read starts from the clients table, as in a running server).
  const created = t('2026-03-01T00:00:00Z');
  for (const r of [
    f.fleet.put({ uuid: UUID_A, description: 'Aula left', groupId: aula }, created),
    f.fleet.put({ uuid: UUID_B, description: 'Foyer', groupId: foyer }, created),
    f.fleet.put({ uuid: UUID_C, description: 'Spare', groupId: null }, created),
  ]) f.writer.enqueue(upsertClientStatement(r, created));
  // Run 1 crashed after its last renewal at 12:00Z on Monday; run 2 started 14:00Z and answers now.
  f.writer.enqueue(serverRunStartStatement('run-1', t('2026-03-01T00:00:00Z')), serverAliveStatement('run-1', t('2026-03-02T12:00:00Z')));
  f.writer.enqueue(serverRunStartStatement('run-2', t('2026-03-02T14:00:00Z')));
  const change = (uuid: string, state: 'online' | 'offline', at: string) => f.writer.enqueue(connectivityChangeStatement(uuid, state, t(at)));
  change(UUID_A, 'online', '2026-03-01T00:00:00Z');
  change(UUID_A, 'offline', '2026-03-02T09:00:00Z'); // one hour during lessons
  change(UUID_A, 'online', '2026-03-02T10:00:00Z');
  change(UUID_A, 'offline', '2026-03-02T20:00:00Z'); // switched off for the night
  change(UUID_A, 'online', '2026-03-03T05:00:00Z');
  change(UUID_B, 'online', '2026-03-01T00:00:00Z');
  await f.writer.write();
  f.clock.t = t('2026-03-04T08:00:00Z');
  f.cookies.user = await f.login('user'); // the fixture's sessions ran out with the clock
});
test.after(async () => f?.close());

const get = async (role: 'user' | null, query: string) => {
  const res = await f.scheduleApp.request(`/api/reports/availability?${query}`, { headers: role ? { cookie: f.cookies[role] } : {} });
  return { res, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
};

test('role: signed-in users read it; anonymous callers get 401', async () => {
  assert.is((await get(null, WINDOW)).res.status, 401);
  assert.is((await get('user', WINDOW)).res.status, 200);
});

test('all hours: worst first; server-down time is unknown, not offline; a screen never heard of has no figure', async () => {
  const { body } = await get('user', WINDOW);
  assert.is(body.from, '2026-03-01T23:00:00.000Z');
  assert.is(body.to, '2026-03-03T23:00:00.000Z');
  assert.equal(body.clients.map((c: any) => c.uuid), [UUID_A, UUID_B, UUID_C]);
  const [a, b, c] = body.clients;
  assert.is(a.unknownMs, 2 * HOUR, 'the two hours the server was down');
  assert.is(a.offlineMs, 10 * HOUR, '1 h during lessons + 9 h at night');
  assert.is(a.availabilityPct, 78.26); // 36 of 46 known hours
  assert.is(a.incidents, 2);
  assert.is(a.longestOutageMs, 9 * HOUR);
  assert.is(b.availabilityPct, 100);
  assert.is(c.availabilityPct, null);
  assert.is(c.unknownMs, 48 * HOUR);
  assert.equal(a.buckets.map((x: any) => x.start), ['2026-03-01T23:00:00.000Z', '2026-03-02T23:00:00.000Z']);
  assert.is(a.spans, undefined, 'spans only for one screen');
  assert.equal(body.groups.map((g: any) => [g.name, g.clients]), [['Aula', 1], ['Foyer', 1], [null, 1]]);
});

test('scheduled=on: only the group schedule counts (the night is not an outage); a group without events is always scheduled', async () => {
  const { body } = await get('user', `${WINDOW}&scheduled=on`);
  const a = body.clients.find((c: any) => c.uuid === UUID_A);
  assert.is(a.scheduledHours.scheduledMs, 18 * HOUR);
  assert.is(a.availabilityPct, 93.75); // 15 of 16 known scheduled hours
  assert.equal([a.incidents, a.longestOutageMs], [1, HOUR]);
  assert.is(a.allHours.availabilityPct, 78.26);
  const foyerGroup = body.groups.find((g: any) => g.id === foyer);
  assert.is(foyerGroup.scheduledHours.scheduledMs, 48 * HOUR);
  assert.is(body.scheduled, 'on');
});

test('client=: one screen with its spans; group=: one group; bucket=hour', async () => {
  const { body } = await get('user', `${WINDOW}&client=${UUID_A}`);
  assert.equal(body.clients.length, 1);
  const spans = body.clients[0].spans.map((s: any) => `${s.state} ${s.start.slice(5, 16)}`);
  assert.equal(spans, ['online 03-01T23:00', 'offline 03-02T09:00', 'online 03-02T10:00', 'unknown 03-02T12:00', 'online 03-02T14:00', 'offline 03-02T20:00', 'online 03-03T05:00']);
  const g = (await get('user', `${WINDOW}&group=${foyer}`)).body;
  assert.equal(g.clients.map((c: any) => c.uuid), [UUID_B]);
  assert.equal((await get('user', `${WINDOW}&group=none`)).body.clients.map((c: any) => c.uuid), [UUID_C]);
  assert.is((await get('user', `${WINDOW}&bucket=hour`)).body.clients[0].buckets.length, 48);
});

test('format=csv: text/csv, one row per screen, worst first', async () => {
  const { res, body } = await get('user', `${WINDOW}&format=csv`);
  assert.match(res.headers.get('content-type')!, /^text\/csv/);
  const lines = (body as string).replace('\uFEFF', '').trim().split('\r\n');
  assert.is(lines[0].split(',')[0], 'uuid');
  assert.is(lines.length, 4);
  assert.ok(lines[1].startsWith(`${UUID_A},Aula left,${aula},Aula,78.26,78.26,93.75,2160,600,120,2,540`), lines[1]);
});

test('bad input: 400 naming the fields; an unknown client 404', async () => {
  const bad = await get('user', 'from=yesterday&bucket=week&scheduled=maybe&group=x&format=xml');
  assert.is(bad.res.status, 400);
  assert.equal(bad.body.issues.map((i: any) => i.path).sort(), ['bucket', 'format', 'from', 'group', 'scheduled']);
  assert.is((await get('user', 'from=2026-03-05&to=2026-03-01')).res.status, 400);
  assert.is((await get('user', 'from=2026-01-01&to=2026-06-01')).res.status, 400, 'more than 92 days');
  assert.is((await get('user', 'from=2026-01-01&to=2026-03-01&bucket=hour')).res.status, 400, 'hour buckets for a month at most');
  assert.is((await get('user', `client=${UUID_A.replace('1111', '9999')}`)).res.status, 404);
});

test('the page: groups and screens worst first, a strip per screen with a cell per local day; German; 400 with the form for a bad range', async () => {
  const page = async (query: string, lang = 'en') => {
    const res = await f.scheduleApp.request(`/reports/availability?${query}`, { headers: { cookie: f.cookies.user, 'accept-language': lang } });
    return { status: res.status, html: await res.text() };
  };
  const { status, html } = await page(`${WINDOW}&scheduled=on`);
  assert.is(status, 200);
  const rows = [...html.matchAll(/<tr data-uuid="([^"]+)">/g)].map((m) => m[1]);
  assert.equal(rows, [UUID_A, UUID_B, UUID_C]);
  const strip = /<tr data-uuid="[^"]+">[\s\S]*?<span class="strip"[^>]*>([\s\S]*?)<\/span><\/td>/.exec(html)![1];
  assert.equal([...strip.matchAll(/class="cell (\w+)"/g)].map((m) => m[1]), ['a2', 'a5'], 'Monday 93.75 %, Tuesday full (scheduled hours)');
  assert.match(html, /93.75 %/);
  assert.match(html, /href="\/api\/reports\/availability\?from=2026-03-02&amp;to=2026-03-03&amp;scheduled=on&amp;bucket=day&amp;format=csv"/);
  assert.match((await page(WINDOW, 'de')).html, /Geplante Stunden/);
  const bad = await page('from=2026-03-05&to=2026-03-01');
  assert.is(bad.status, 400);
  assert.match(bad.html, /Please check: From/);
  assert.match(bad.html, /name="from" value="2026-03-05"/);
  const anon = await f.scheduleApp.request('/reports/availability');
  assert.is(anon.status, 303);
});

test.run();
