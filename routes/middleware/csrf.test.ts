/** Cross-site refusal on the real app: foreign origins are refused for every body type; same-origin pages and cookie-jar scripts pass. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, type Fixture } from '../../testing/route-fixture.ts';

let f: Fixture;
let admin: string;
test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

let n = 0;
const newUser = (headers: Record<string, string>) =>
  f.app.request('http://localhost/api/users', json('POST', { username: `csrf${++n}`, password: 'long enough 1', role: 'admin' }, admin, headers));
const userCount = async () => ((await (await f.app.request('/api/users', { headers: { cookie: admin } })).json()) as unknown[]).length;

test('a cookie-authenticated JSON POST from a foreign page is refused and creates nothing', async () => {
  const before = await userCount();
  for (const headers of <Record<string, string>[]>[
    { origin: 'http://evil.example' },
    { origin: 'null' },
    { referer: 'http://evil.example/page' }, // no Origin, foreign Referer
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' }, // a sibling subdomain is another origin
    { origin: 'http://localhost', 'sec-fetch-site': 'cross-site' }, // any foreign evidence refuses
  ]) {
    const res = await newUser(headers);
    assert.is(res.status, 403, JSON.stringify(headers));
    assert.equal(await res.json(), { error: 'forbidden (cross-origin request blocked)' });
  }
  assert.is(await userCount(), before, 'no user was created');
});

test('every body type and method is covered: form, text, bodyless, PUT, DELETE', async () => {
  const evil = { cookie: admin, origin: 'https://evil.example' };
  const form = await f.app.request('/api/auth/logout', { method: 'POST', headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
  assert.is(form.status, 403);
  assert.is((await f.app.request('/api/auth/logout', { method: 'POST', headers: evil })).status, 403);
  assert.is((await f.app.request(`/api/users/${f.ids.user}`, json('PUT', { isActive: false }, admin, { origin: 'https://evil.example' }))).status, 403);
  assert.is((await f.app.request(`/api/users/${f.ids.user}`, { method: 'DELETE', headers: evil })).status, 403);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie: admin } })).status, 200, 'still signed in');
  // A preflight-free body (form, text, none) also needs this host's Origin or Sec-Fetch-Site: same-origin.
  assert.is((await f.app.request('/api/auth/logout', { method: 'POST', headers: { cookie: admin } })).status, 403, 'bodyless, no evidence');
  const sameSite = await f.app.request('http://localhost/api/auth/logout', { method: 'POST', headers: { cookie: admin, 'sec-fetch-site': 'same-origin' } });
  assert.is(sameSite.status, 200, 'bodyless from our own page');
  admin = await f.login('admin');
});

test('same-origin pages, proxied hosts and scripts without Origin keep working; reads are never refused', async () => {
  assert.is((await newUser({ origin: 'http://localhost', 'sec-fetch-site': 'same-origin', referer: 'http://localhost/users' })).status, 201);
  assert.is((await newUser({ 'sec-fetch-site': 'same-origin' })).status, 201, 'htmx request without Origin');
  // Chromium's own form post under Referrer-Policy: no-referrer (the login form).
  assert.is((await newUser({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status, 201, 'Origin null vouched for');
  assert.is((await newUser({})).status, 201, 'a script with a cookie jar sends no Origin');
  assert.is((await newUser({ origin: 'https://screens.school.example', 'x-forwarded-host': 'screens.school.example' })).status, 201, 'behind a proxy');
  const read = await f.app.request('/api/users', { headers: { cookie: admin, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
  assert.is(read.status, 200, 'a GET changes nothing: not refused');
});

test.run();
