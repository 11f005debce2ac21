import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { qrSvg } from './label.ts';

const EVIL = '<script>alert(1)</script>';
let f: Fixture;
let g: Fixture; // with PUBLIC_URL
let user: string;

test.before(async () => {
  f = await fixture();
  g = await fixture({ PUBLIC_URL: 'https://screens.example.org/' });
  user = await f.login('user');
  await f.db.execute({ sql: 'INSERT INTO groups (id, name, created_at, updated_at) VALUES (3, ?, ?, ?)', args: ['Erdgeschoss', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'] });
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, description: `Raum ${EVIL}`, ip: '10.0.0.1', groupId: 3 });
  g.fleet.put({ uuid: UUID_B, hostname: 'aula' });
});
test.after(async () => {
  await f.close();
  await g.close();
});

test('qrSvg: a QR code with its finder patterns, quiet zone and only numbers in the path', () => {
  const svg = qrSvg('http://localhost/clients/' + UUID_A);
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  // Version 3 (29 modules) or 4 (33) for a 61-byte URL at level M, plus 4 modules of quiet zone on each side.
  assert.ok(size === 37 || size === 41, `size ${size}`);
  const d = /<path fill="#000" d="([^"]+)"/.exec(svg)![1];
  assert.match(d, /^[Mhvz\d -]+$/);
  // Finder patterns: a full 7-module dark run at the top-left and top-right corners of the first row.
  assert.ok(d.startsWith('M4 4h7v1h-7z'), 'top-left finder');
  assert.ok(d.includes(`M${size - 11} 4h7v1h-7z`), 'top-right finder');
  assert.ok(d.includes(`M4 ${size - 5}h7v1h-7z`), 'bottom-left finder');
  assert.not.match(svg, /style=/);
  assert.is(qrSvg('x'), qrSvg('x'), 'deterministic');
  assert.is.not(qrSvg('http://a/1'), qrSvg('http://a/2'));
});

test('label page: QR code for the request origin, facts escaped, print button, no inline style', async () => {
  const res = await f.app.request(`/clients/${UUID_A}/label`, { headers: { cookie: user } });
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, /<svg class="qr"/);
  assert.match(html, new RegExp(`aria-label="QR code linking to http://localhost/clients/${UUID_A}"`));
  assert.match(html, new RegExp(`<p class="label-url">http://localhost/clients/${UUID_A}</p>`));
  assert.match(html, /Erdgeschoss/);
  assert.match(html, /10\.0\.0\.1/);
  assert.ok(!html.includes(EVIL), 'hostile text printed raw');
  assert.match(html, /Raum &lt;script&gt;/);
  assert.match(html, /<button type="button" class="btn btn-primary" data-print hidden>/);
  assert.match(html, /\/static\/fieldwork\.js\?v=/);
  assert.not.match(html, /\sstyle="/);
});

test('label link: PUBLIC_URL wins; else a proxy-forwarded host and protocol', async () => {
  const cookie = await g.login('user');
  const html = await (await g.app.request(`/clients/${UUID_B}/label`, { headers: { cookie, 'x-forwarded-host': 'evil.example' } })).text();
  assert.match(html, new RegExp(`<p class="label-url">https://screens.example.org/clients/${UUID_B}</p>`));
  const proxied = await (
    await f.app.request(`/clients/${UUID_A}/label`, { headers: { cookie: user, 'x-forwarded-host': 'screens.school.at', 'x-forwarded-proto': 'https' } })
  ).text();
  assert.match(proxied, new RegExp(`https://screens.school.at/clients/${UUID_A}`));
  const junk = await (await f.app.request(`/clients/${UUID_A}/label`, { headers: { cookie: user, 'x-forwarded-host': 'a"b<c' } })).text();
  assert.match(junk, new RegExp(`http://localhost/clients/${UUID_A}`), 'a malformed forwarded host is ignored');
});

test('label page: anonymous → login; unknown or malformed uuid → the HTML 404 page', async () => {
  const anon = await f.app.request(`/clients/${UUID_A}/label`);
  assert.is(anon.status, 303);
  for (const path of [`/clients/${UUID_B}/label`, '/clients/not-a-uuid/label']) {
    const res = await f.app.request(path, { headers: { cookie: user } });
    assert.is(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /Page not found/);
  }
});

test('unknown dashboard pages answer the HTML 404 page; the API keeps its JSON 404', async () => {
  const page = await f.app.request('/no/such/page', { headers: { cookie: user } });
  assert.is(page.status, 404);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  assert.match(html, /<html/);
  assert.match(html, /Page not found/);
  const frag = await f.app.request('/no/such/page', { headers: { cookie: user, 'hx-request': 'true' } });
  assert.is(frag.status, 404);
  assert.not.match(await frag.text(), /<html/);
  const anon = await f.app.request('/nope');
  assert.is(anon.status, 404);
  assert.match(await anon.text(), /Page not found/);
  for (const path of ['/api/nope', '/api/clients/x/y/z']) {
    const api = await f.app.request(path, { headers: { cookie: user } });
    assert.is(api.status, 404, path);
    assert.equal(await api.json(), { error: 'not found' });
  }
  const post = await f.app.request('/nope', { method: 'POST', headers: { cookie: user, 'content-type': 'application/json' }, body: '{}' });
  assert.is(post.status, 404);
  assert.equal(await post.json(), { error: 'not found' });
});

test.run();
