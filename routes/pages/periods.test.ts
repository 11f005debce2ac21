import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, type Fixture } from '../../testing/route-fixture.ts';

const EVIL = '<script>alert(1)</script>';
let f: Fixture;
let user: string;
let editor: string;
let admin: string;

const get = (path: string, cookie: string) => f.app.request(path, { headers: { cookie, 'accept-language': 'de' } });
const post = (path: string, fields: Record<string, string>, cookie: string) =>
  f.app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { cookie, origin: 'http://localhost', 'accept-language': 'de' } });

test.before(async () => {
  f = await fixture();
  [user, editor, admin] = await Promise.all([f.login('user'), f.login('editor'), f.login('admin')]);
});
test.after(async () => {
  await f.close();
});

test('every signed-in user reads the page (badges, no forms); only admins change', async () => {
  await f.app.request('/api/academic_periods', json('POST', { name: EVIL, startDate: '2025-09-01', endDate: '2026-07-03', periodType: 'schuljahr' }, admin));
  const page = await get('/periods', user);
  assert.is(page.status, 200);
  const html = await page.text();
  assert.match(html, 'data-badge="type">Schuljahr<');
  assert.not.match(html, '<script>alert(1)');
  assert.match(html, '&lt;script&gt;');
  assert.not.match(html, 'id="period-form"');
  assert.not.match(html, '/activate');
  assert.is((await post('/periods', { name: 'x', startDate: '2026-09-07', endDate: '2027-07-02', periodType: 'schuljahr' }, editor)).status, 403);
  assert.is((await post('/periods/1/activate', {}, user)).status, 403);
  assert.match(await (await get('/periods', admin)).text(), 'id="period-form"');
});

test('the forms answer in the reader\'s language: created, bad dates, overlap, unknown period', async () => {
  const ok = await post('/periods', { name: 'Schuljahr 2026/27', startDate: '07.09.2026', endDate: '2027-07-02', periodType: 'schuljahr' }, admin);
  assert.is(ok.status, 200);
  assert.match(await ok.text(), 'Periode „Schuljahr 2026/27“ angelegt.');
  const range = await post('/periods', { name: 'Verkehrt', startDate: '2030-07-02', endDate: '01/01/2030', periodType: 'trimester' }, admin);
  assert.is(range.status, 400);
  assert.match(await range.text(), 'Der erste Tag darf nicht nach dem letzten liegen.');
  const bad = await post('/periods', { name: 'Kaputt', startDate: '31.02.2030', endDate: '2030-03-01', periodType: 'quartal' }, admin);
  assert.equal([bad.status, /Bitte prüfen: (.*?)</.exec(await bad.text())?.[1]], [400, 'startDate, periodType']);
  const over = await post('/periods', { name: 'Zu früh', startDate: '2026-07-01', endDate: '2026-09-30', periodType: 'schuljahr' }, admin);
  assert.is(over.status, 409);
  assert.match(await over.text(), 'Überschneidet sich mit');
  assert.is((await post('/periods/999/archive', {}, admin)).status, 404);
});

test('/holidays: an import for a period names the lines outside its dates in the reader\'s language and imports nothing', async () => {
  const periods = await (await f.app.request('/api/academic_periods', { headers: { cookie: admin } })).json();
  const sj = periods.find((p: { name: string }) => p.name === 'Schuljahr 2026/27');
  const upload = (csv: string) => {
    const body = new FormData();
    body.set('file', new File([csv], 'ferien.csv', { type: 'text/csv' }));
    body.set('academicPeriodId', String(sj.id));
    return f.app.request('/holidays/upload', { method: 'POST', body, headers: { cookie: admin, origin: 'http://localhost', 'accept-language': 'de' } });
  };
  const page = await (await get('/holidays', admin)).text();
  assert.match(page, `<option value="${sj.id}">Schuljahr 2026/27 (07.09.2026 – 02.07.2027)</option>`);
  const bad = await upload('name,start_date,end_date\nHerbstferien,2026-10-26,2026-10-30\nSommerferien,2027-07-03,2027-09-05\n');
  assert.is(bad.status, 400);
  assert.match(await bad.text(), 'Nichts wurde importiert: diese Zeilen liegen außerhalb der Periode „Schuljahr 2026/27“ (07.09.2026 – 02.07.2027): Zeile 3 (03.07.2027 – 05.09.2027)');
  assert.equal(await (await f.app.request('/api/holidays', { headers: { cookie: admin } })).json(), []);
  const good = await upload('name,start_date,end_date\nHerbstferien,2026-10-26,2026-10-30\n');
  assert.is(good.status, 200);
  assert.match(await good.text(), 'Herbstferien <span class="muted">· Schuljahr 2026/27</span>');
});

test.run();
