import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, cookieOf, PASSWORD, type Fixture } from '../testing/route-fixture.ts';
import { getUserByUsername } from '../db/users.ts';
import { countUserSessions } from '../db/sessions.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture();
});
test.after(async () => {
  await f.close();
});

test('login sets an HttpOnly SameSite=Lax cookie, records last login; me answers the user', async () => {
  const res = await f.app.request('/api/auth/login', json('POST', { username: 'EDITOR', password: PASSWORD }));
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: f.ids.editor, username: 'editor', role: 'editor', language: null });
  const setCookie = res.headers.get('set-cookie')!;
  assert.match(setCookie, /^sid=[A-Za-z0-9_-]{43};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.not.match(setCookie, /Secure/); // COOKIE_SECURE=auto over plain http
  assert.is((await getUserByUsername(f.db, 'editor'))!.lastLoginAt, f.clock.t);
  const me = await f.app.request('/api/auth/me', { headers: { cookie: cookieOf(res) } });
  assert.is(me.status, 200);
  assert.is((await me.json()).role, 'editor');
});

test('the cookie is Secure behind a TLS proxy (auto)', async () => {
  const res = await f.app.request('/api/auth/login', json('POST', { username: 'user', password: PASSWORD }, undefined, { 'x-forwarded-proto': 'https' }));
  assert.is(res.status, 200);
  assert.match(res.headers.get('set-cookie')!, /Secure/);
});

test('unknown user and wrong password answer the same 401', async () => {
  const a = await f.app.request('/api/auth/login', json('POST', { username: 'nobody', password: 'whatever1' }));
  const b = await f.app.request('/api/auth/login', json('POST', { username: 'user', password: 'whatever1' }));
  assert.is(a.status, 401);
  assert.is(b.status, 401);
  assert.equal(await a.json(), await b.json());
});

test('anonymous me is 401; a forged cookie is anonymous', async () => {
  assert.is((await f.app.request('/api/auth/me')).status, 401);
  const forged = await f.app.request('/api/auth/me', { headers: { cookie: 'sid=' + 'A'.repeat(43) } });
  assert.is(forged.status, 401);
  assert.equal(await forged.json(), { error: 'authentication required' });
});

test('logout deletes the session server-side', async () => {
  const cookie = await f.login('user');
  const out = await f.app.request('/api/auth/logout', json('POST', undefined, cookie));
  assert.is(out.status, 200);
  assert.match(out.headers.get('set-cookie')!, /sid=;/);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie } })).status, 401);
});

test('5 failures in 15 min lock the account for 15 min (429), then it opens again', async () => {
  for (let i = 1; i <= 4; i++) {
    const r = await f.app.request('/api/auth/login', json('POST', { username: 'admin', password: 'wrong-' + i }));
    assert.is(r.status, 401, `attempt ${i}`);
  }
  const fifth = await f.app.request('/api/auth/login', json('POST', { username: 'admin', password: 'wrong-5' }));
  assert.is(fifth.status, 429);
  assert.match((await fifth.json()).error, /too many failed logins/);
  // Even the right password is refused while locked.
  const locked = await f.app.request('/api/auth/login', json('POST', { username: 'admin', password: PASSWORD }));
  assert.is(locked.status, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  f.clock.t += 15 * 60_000 + 1000;
  await f.login('admin');
  const u = (await getUserByUsername(f.db, 'admin'))!;
  assert.is(u.failedLoginCount, 0);
  assert.is(u.lockedUntil, null);
});

test('failures spread over more than 15 min do not lock', async () => {
  for (let i = 0; i < 6; i++) {
    const r = await f.app.request('/api/auth/login', json('POST', { username: 'editor', password: 'nope-' + i }));
    assert.is(r.status, 401);
    f.clock.t += 4 * 60_000; // 4 failures per 16 min at most
  }
  await f.login('editor');
});

test('change-password: checks the current one, min 8, revokes the other sessions', async () => {
  const a = await f.login('user');
  const b = await f.login('user');
  const short = await f.app.request('/api/auth/change-password', json('PUT', { currentPassword: PASSWORD, newPassword: 'short' }, a));
  assert.is(short.status, 400);
  assert.equal((await short.json()).issues[0].path, 'newPassword');
  const wrong = await f.app.request('/api/auth/change-password', json('PUT', { currentPassword: 'not-it-at-all', newPassword: 'new password 1' }, a));
  assert.is(wrong.status, 400);
  const ok = await f.app.request('/api/auth/change-password', json('PUT', { currentPassword: PASSWORD, newPassword: 'new password 1' }, a));
  assert.is(ok.status, 200);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie: a } })).status, 200);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie: b } })).status, 401);
  assert.is(await countUserSessions(f.db, f.ids.user), 1);
  assert.is((await f.app.request('/api/auth/login', json('POST', { username: 'user', password: PASSWORD }))).status, 401);
  await f.login('user', 'new password 1');
});

test('sessions slide: touched at most once a minute, expire after SESSION_TTL_HOURS idle', async () => {
  const cookie = await f.login('editor');
  f.clock.t += 30_000;
  const early = await f.app.request('/api/auth/me', { headers: { cookie } });
  assert.is(early.headers.get('set-cookie'), null); // no touch within the minute
  f.clock.t += 11 * 3_600_000; // 11 h later (TTL 12 h): still valid, and now touched
  const touched = await f.app.request('/api/auth/me', { headers: { cookie } });
  assert.is(touched.status, 200);
  assert.match(touched.headers.get('set-cookie')!, /Max-Age=43200/);
  await f.writer.settled();
  f.clock.t += 11 * 3_600_000; // 22 h after login but 11 h after the touch
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie } })).status, 200);
  f.clock.t += 13 * 3_600_000;
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie } })).status, 401);
});

test('CSRF: a form post or a bodyless post from another origin is refused, JSON and same origin pass', async () => {
  const form = await f.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    body: 'username=user&password=x',
  });
  assert.is(form.status, 403);
  const cookie = await f.login('superadmin');
  const foreign = await f.app.request('/api/auth/logout', { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
  assert.is(foreign.status, 403);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie } })).status, 200);
  const same = await f.app.request('http://localhost/api/auth/logout', { method: 'POST', headers: { cookie, origin: 'http://localhost' } });
  assert.is(same.status, 200);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie } })).status, 401);
});

test('a deactivated user cannot sign in and loses the current session', async () => {
  const userCookie = await f.login('editor');
  const admin = await f.login('admin');
  const r = await f.app.request(`/api/users/${f.ids.editor}`, json('PUT', { isActive: false }, admin));
  assert.is(r.status, 200);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie: userCookie } })).status, 401);
  const again = await f.app.request('/api/auth/login', json('POST', { username: 'editor', password: PASSWORD }));
  assert.is(again.status, 403);
  assert.equal(await again.json(), { error: 'account is deactivated' });
});

test.run();
