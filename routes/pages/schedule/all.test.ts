/** `/schedule/all`: every group's occurrences side by side for a day or a week (the original's "Ressourcen"). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, type Fixture } from '../../../testing/route-fixture.ts';

let f: Fixture;
let user: string;
const get = (path: string, cookie?: string, headers: Record<string, string> = {}) => f.app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });

test.before(async () => {
  f = await fixture();
  const admin = await f.login('admin');
  user = await f.login('user');
  const make = async (name: string) => (await (await f.app.request('/api/groups', json('POST', { name }, admin))).json()).id as number;
  const aula = await make('Aula <b>');
  const foyer = await make('Foyer');
  await make('Leer');
  const ev = (groupId: number, title: string, start: string, end: string) =>
    f.app.request('/api/events', json('POST', { groupId, title, eventType: 'message', start, end, message: { text: 'x' } }, admin));
  // Monday 2026-03-02, the fixture's clock; Vienna is UTC+1.
  await ev(aula, 'Assembly', '2026-03-02T07:00:00Z', '2026-03-02T08:00:00Z');
  await ev(foyer, 'Welcome loop', '2026-03-02T06:00:00Z', '2026-03-02T15:00:00Z');
  await ev(foyer, 'Friday news', '2026-03-06T09:00:00Z', '2026-03-06T10:00:00Z');
});
test.after(() => f.close());

test('day: one column per group on one hour grid, events where they belong, escaped names', async () => {
  const res = await get('/schedule/all?date=2026-03-02', user);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, /class="tl res-day cols-3"/);
  const heads = [...html.matchAll(/class="tl-dayname"[^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.equal(heads, ['Aula &lt;b&gt;', 'Foyer', 'Leer']);
  const columns = html.split('class="tl-day ').slice(1);
  assert.is(columns.length, 3);
  assert.match(columns[0], /Assembly/);
  assert.not.match(columns[0], /Welcome loop/);
  assert.match(columns[1], /08:00–09:00|07:00–16:00/);
  assert.match(columns[1], /Welcome loop/);
  assert.not.match(columns[2], /tl-occ/);
  assert.not.match(html, /Friday news/, 'another day');
});

test('week: groups × days; the same events in the phone agenda; German labels', async () => {
  const html = await (await get('/schedule/all?view=week&date=2026-03-04', user, { 'accept-language': 'de' })).text();
  assert.match(html, /Alle Gruppen nebeneinander/);
  const rows = html.split('<tr>').slice(2); // header row first
  assert.is(rows.length, 3);
  assert.match(rows[1], /Welcome loop[\s\S]*Friday news/);
  assert.match(html, /class="res-agenda"[\s\S]*Friday news/);
});

test('bad query answers 400; anonymous goes to the login; the group schedule links here', async () => {
  assert.is((await get('/schedule/all?view=month', user)).status, 400);
  assert.is((await get('/schedule/all?date=yesterday', user)).status, 400);
  const anon = await get('/schedule/all');
  assert.ok(anon.status === 302 || anon.status === 303, String(anon.status));
  assert.match(await (await get('/schedule', user)).text(), /href="\/schedule\/all\?view=week&amp;date=/);
});

test.run();
