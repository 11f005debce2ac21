import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, type Fixture } from '../../testing/route-fixture.ts';

const EVIL = '<script>alert(1)</script>';
let f: Fixture;
let user: string;
let editor: string;
let admin: string;

const get = (path: string, cookie?: string) => f.app.request(path, { headers: cookie ? { cookie } : {} });
const upload = (csv: string | null, cookie?: string, headers: Record<string, string> = {}) => {
  const body = new FormData();
  if (csv !== null) body.set('file', new File([csv], 'ferien.csv', { type: 'text/csv' }));
  return f.app.request('/holidays/upload', { method: 'POST', body, headers: { origin: 'http://localhost', ...(cookie ? { cookie } : {}), ...headers } });
};
const holidays = async () => (await (await f.app.request('/api/holidays', { headers: { cookie: admin } })).json()) as { id: number; name: string; startDate: string; endDate: string }[];
const count = (html: string, k: string) => Number(new RegExp(`data-count="${k}">(\\d+)<`).exec(html)?.[1]);

test.before(async () => {
  f = await fixture();
  [user, editor, admin] = await Promise.all([f.login('user'), f.login('editor'), f.login('admin')]);
});
test.after(async () => {
  await f.close();
});

test('admins only, page and fragments', async () => {
  assert.is((await get('/holidays', user)).status, 403);
  assert.is((await get('/holidays', editor)).status, 403);
  assert.is((await upload('name,start_date\nX,2026-01-01\n', editor, { 'hx-request': 'true' })).status, 403);
  assert.is((await get('/holidays', admin)).status, 200);
  assert.equal(await holidays(), []);
});

test('CSV upload: inserted, merged, skipped, conflicts and bad lines in the report; names escaped', async () => {
  const csv = [
    'name;region;start_date;end_date',
    'Semesterferien;W;2026-02-02;2026-02-07',
    'semesterferien ;W;06.02.2026;08.02.2026', // same holiday, overlapping: merged
    'Semesterferien;W;2026-02-03;2026-02-04', // covered: skipped
    `${EVIL};W;2026-02-05;2026-02-05`, // overlaps a different holiday: conflict
    'Ostern;W;2026-13-01;2026-04-06', // bad date: line 6
    'Pfingsten;W;2026-05-25;',
  ].join('\n');
  const res = await upload(csv, admin);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.equal(['inserted', 'merged', 'skipped', 'conflicts', 'errors'].map((k) => count(html, k)), [2, 1, 1, 1, 1]);
  assert.match(html, /Line 5:<\/strong> &lt;script&gt;/);
  assert.match(html, /overlaps “Semesterferien”/);
  assert.match(html, /Line 6:<\/strong> start date “2026-13-01” is not a date/);
  assert.not.ok(html.includes(EVIL), 'hostile name printed raw');
  const stored = await holidays();
  assert.equal(stored.map((h) => [h.name, h.startDate, h.endDate]), [['Semesterferien', '2026-02-02', '2026-02-08'], ['Pfingsten', '2026-05-25', '2026-05-25']]);
  // htmx: the body alone.
  const frag = await upload('name,region,start_date\nPfingsten,W,2026-05-25\n', admin, { 'hx-request': 'true' });
  const body = await frag.text();
  assert.match(body, /^<div id="holidays-body"/);
  assert.is(count(body, 'skipped'), 1);
});

test('a fatal file imports nothing; no file is a 400 naming the field', async () => {
  const before = await holidays();
  const res = await upload('Nationalfeiertag,2026-10-26\n', admin);
  assert.is(res.status, 400);
  assert.match(await res.text(), /Nothing was imported: line 1: the header must name the columns/);
  assert.equal(await holidays(), before);
  const none = await upload(null, admin);
  assert.is(none.status, 400);
  assert.match(await none.text(), /id="err-file">Choose a CSV file\./);
});

test('German: the import report and a fatal file speak German, no English from the parser', async () => {
  const de = { 'accept-language': 'de-AT' };
  const csv = ['name,start_date,end_date', 'Herbstferien,2026-13-01,2026-11-02', ',2026-12-24,2026-12-23', 'A,2026-01-01,2026-01-02,x'].join('\n');
  const html = await (await upload(csv, admin, de)).text();
  assert.is(count(html, 'errors'), 3);
  assert.match(html, /Zeile 2:<\/strong> Beginn „2026-13-01“ ist kein Datum \(JJJJ-MM-TT oder TT.MM.JJJJ\)</);
  assert.match(html, /Zeile 3:<\/strong> die Bezeichnung ist leer; das Ende liegt vor dem Beginn</);
  assert.match(html, /Zeile 4:<\/strong> 4 Felder, die Kopfzeile hat aber 3</);
  assert.not.match(html, /is not a date|name is empty|before the start|the header has/);
  const fatal = await upload('Nationalfeiertag,2026-10-26\n', admin, de);
  assert.is(fatal.status, 400);
  const text = await fatal.text();
  assert.match(text, /Nichts importiert: Zeile 1: die Kopfzeile muss die Spalten name, start_date, end_date \(optional region\) nennen; es fehlt: name, start/);
  assert.not.match(text, /header must name/);
  const open = await (await upload('name,start_date\n"offen,2026-01-01\n', admin, de)).text();
  assert.match(open, /Nichts importiert: ein Feld in Anführungszeichen wird nie geschlossen/);
});

test('delete; unknown id 404', async () => {
  const [first] = await holidays();
  const res = await f.app.request(`/holidays/${first.id}/delete`, { method: 'POST', headers: { origin: 'http://localhost', cookie: admin } });
  assert.is(res.status, 303);
  assert.is((await holidays()).length, 1);
  assert.match(await (await get('/holidays?done=deleted', admin)).text(), /Holiday deleted\./);
  const again = await f.app.request(`/holidays/${first.id}/delete`, { method: 'POST', headers: { origin: 'http://localhost', cookie: admin } });
  assert.is(again.status, 404);
});

test.run();
