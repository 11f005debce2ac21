import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, type Fixture } from '../testing/route-fixture.ts';
import { getUserById, getUserByUsername } from '../db/users.ts';

let f: Fixture;
let admin: string;
let superadmin: string;
test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
  superadmin = await f.login('superadmin');
});
test.after(async () => {
  await f.close();
});

const req = (method: string, path: string, cookie: string, body?: unknown) => f.app.request(path, json(method, body, cookie));

test('list and get never expose the password hash; an admin never sees a superadmin, a superadmin sees all', async () => {
  const res = await req('GET', '/api/users', admin);
  assert.is(res.status, 200);
  const list = await res.json();
  assert.equal(list.map((u: { username: string }) => u.username).sort(), ['admin', 'editor', 'user']);
  assert.not.ok(JSON.stringify(list).includes('scrypt'));
  const all = await (await req('GET', '/api/users', superadmin)).json();
  assert.equal(all.map((u: { username: string }) => u.username).sort(), ['admin', 'editor', 'superadmin', 'user']);
  assert.is((await req('GET', `/api/users/${f.ids.superadmin}`, admin)).status, 404);
  assert.is((await req('GET', `/api/users/${f.ids.superadmin}`, superadmin)).status, 200);
  const one = await (await req('GET', `/api/users/${f.ids.user}`, admin)).json();
  assert.equal(Object.keys(one).sort(), [
    'createdAt', 'deactivatedAt', 'deactivatedBy', 'failedLoginAttempts', 'failedLoginCount', 'id', 'isActive', 'language', 'lastFailedLoginAt',
    'lastLoginAt', 'lastPasswordChangeAt', 'lockedUntil', 'passwordChangedAt', 'role', 'updatedAt', 'username',
  ]);
  assert.is((await req('GET', '/api/users/abc', admin)).status, 404);
});

test('create: 201 with id; duplicate (any case) 409; bad body 400 naming fields; generated password once', async () => {
  const res = await req('POST', '/api/users', admin, { username: 'anna', password: 'anna password', role: 'editor', language: 'de' });
  assert.is(res.status, 201);
  const anna = await res.json();
  assert.ok(anna.id > 0);
  assert.is(anna.role, 'editor');
  assert.is(anna.language, 'de');
  assert.is((await req('POST', '/api/users', admin, { username: 'ANNA', password: 'other password', role: 'user' })).status, 409);
  const bad = await req('POST', '/api/users', admin, { username: '', password: 'short', role: 'king' });
  assert.is(bad.status, 400);
  const body = await bad.json();
  assert.equal([...new Set(body.issues.map((i: { path: string }) => i.path))].sort(), ['password', 'role', 'username']);
  assert.is(body.error, 'invalid username, password, role');
  const gen = await (await req('POST', '/api/users', admin, { username: 'bert', role: 'user' })).json();
  assert.match(gen.generatedPassword, /^[A-Za-z0-9_-]{16}$/);
  await f.login('bert', gen.generatedPassword);
});

test('admins cannot create, edit, reset, unlock or delete superadmins (not found for them), nor grant the role', async () => {
  assert.is((await req('POST', '/api/users', admin, { username: 'boss', password: 'boss password', role: 'superadmin' })).status, 403);
  assert.is((await req('PUT', `/api/users/${f.ids.superadmin}`, admin, { language: 'en' })).status, 404);
  assert.is((await req('PUT', `/api/users/${f.ids.superadmin}/password`, admin, { password: 'hijack password' })).status, 404);
  assert.is((await req('POST', `/api/users/${f.ids.superadmin}/unlock`, admin)).status, 404);
  assert.is((await req('DELETE', `/api/users/${f.ids.superadmin}`, admin)).status, 404);
  assert.is((await getUserById(f.db, f.ids.superadmin))!.isActive, true);
  assert.is((await req('PUT', `/api/users/${f.ids.editor}`, admin, { role: 'superadmin' })).status, 403);
  assert.is((await getUserById(f.db, f.ids.editor))!.role, 'editor');
  // …but may promote to admin, and a superadmin may grant superadmin.
  assert.is((await (await req('PUT', `/api/users/${f.ids.editor}`, admin, { role: 'admin' })).json()).role, 'admin');
  assert.is((await (await req('PUT', `/api/users/${f.ids.editor}`, superadmin, { role: 'superadmin' })).json()).role, 'superadmin');
  await req('PUT', `/api/users/${f.ids.editor}`, superadmin, { role: 'editor' });
});

test('nobody changes their own role, deactivates or deletes themselves', async () => {
  assert.is((await req('PUT', `/api/users/${f.ids.admin}`, admin, { role: 'user' })).status, 403);
  assert.is((await req('PUT', `/api/users/${f.ids.superadmin}`, superadmin, { role: 'admin' })).status, 403);
  assert.is((await req('PUT', `/api/users/${f.ids.admin}`, admin, { isActive: false })).status, 403);
  assert.is((await req('DELETE', `/api/users/${f.ids.superadmin}`, superadmin)).status, 403);
  assert.is((await req('DELETE', `/api/users/${f.ids.admin}`, admin)).status, 403);
  assert.is((await req('PUT', `/api/users/${f.ids.admin}/password`, admin, { password: 'my new password' })).status, 403);
  // Same role and own language are fine.
  assert.is((await req('PUT', `/api/users/${f.ids.admin}`, admin, { role: 'admin', language: 'en' })).status, 200);
});

test('admin DELETE deactivates (soft); superadmin DELETE removes the row (hard)', async () => {
  const carl = await (await req('POST', '/api/users', admin, { username: 'carl', password: 'carl password', role: 'user' })).json();
  const carlCookie = await f.login('carl', 'carl password');
  const soft = await req('DELETE', `/api/users/${carl.id}`, admin);
  assert.equal(await soft.json(), { success: true, mode: 'deactivated' });
  assert.is((await getUserById(f.db, carl.id))!.isActive, false);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie: carlCookie } })).status, 401);
  const hard = await req('DELETE', `/api/users/${carl.id}`, superadmin);
  assert.equal(await hard.json(), { success: true, mode: 'deleted' });
  assert.is(await getUserById(f.db, carl.id), undefined);
  assert.is((await req('DELETE', `/api/users/${carl.id}`, superadmin)).status, 404);
});

test('password reset by an admin works and revokes the sessions; rename conflicts are 409', async () => {
  const userCookie = await f.login('user');
  assert.is((await req('PUT', `/api/users/${f.ids.user}/password`, admin, { password: 'reset password' })).status, 200);
  assert.is((await f.app.request('/api/auth/me', { headers: { cookie: userCookie } })).status, 401);
  await f.login('user', 'reset password');
  assert.is((await req('PUT', `/api/users/${f.ids.user}`, admin, { username: 'Admin' })).status, 409);
  assert.is((await req('PUT', `/api/users/${f.ids.user}`, admin, { username: 'user2' })).status, 200);
  assert.ok(await getUserByUsername(f.db, 'user2'));
});

test('deactivation records when and by whom; reactivation clears it', async () => {
  const dora = await (await req('POST', '/api/users', admin, { username: 'dora', password: 'dora password', role: 'editor' })).json();
  const off = await (await req('PUT', `/api/users/${dora.id}`, admin, { isActive: false })).json();
  assert.equal([off.deactivatedAt, off.deactivatedBy], [new Date(f.clock.t).toISOString(), f.ids.admin]);
  f.clock.t += 60_000;
  const again = await (await req('PUT', `/api/users/${dora.id}`, superadmin, { isActive: false })).json();
  assert.equal([again.deactivatedAt, again.deactivatedBy], [off.deactivatedAt, f.ids.admin], 'a repeat keeps the first');
  const on = await (await req('PUT', `/api/users/${dora.id}`, admin, { isActive: true })).json();
  assert.equal([on.deactivatedAt, on.deactivatedBy], [null, null]);
  await req('DELETE', `/api/users/${dora.id}`, admin); // the soft delete records it too
  assert.is((await getUserById(f.db, dora.id))!.deactivatedBy, f.ids.admin);
});

test('stats: totals, active/inactive, locked, by role, recent logins; an admin\'s figures leave superadmins out', async () => {
  const res = await req('GET', '/api/users/stats', superadmin);
  assert.is(res.status, 200);
  const all = await res.json();
  const users = await (await req('GET', '/api/users', superadmin)).json();
  const active = users.filter((u: { isActive: boolean }) => u.isActive).length;
  assert.equal([all.total, all.active, all.inactive], [users.length, active, users.length - active]);
  assert.is(all.byRole.superadmin, 1);
  assert.is(all.recentLoginDays, 7);
  assert.ok(all.recentLogins >= 3, 'admin, superadmin and user signed in during these tests');
  const mine = await (await req('GET', '/api/users/stats', admin)).json();
  assert.equal([mine.total, mine.byRole.superadmin], [all.total - 1, 0]);
  f.clock.t += 8 * 86_400_000;
  const later = await (await req('GET', '/api/users/stats', await f.login('superadmin'))).json(); // the old session expired
  assert.is(later.recentLogins, 1, 'only the superadmin who just signed in again');
  const editor = await f.login('editor');
  assert.is((await req('GET', '/api/users/stats', editor)).status, 403);
});

test("the original's names: failedLoginAttempts counts wrong passwords until a success, lastPasswordChangeAt", async () => {
  const sa = await f.login('superadmin');
  const made = await (await req('POST', '/api/users', sa, { username: 'frida', password: 'frida password', role: 'user' })).json();
  const one = async () => (await req('GET', `/api/users/${made.id}`, sa)).json();
  const login = (password: string) => f.app.request('/api/auth/login', json('POST', { username: 'frida', password }));
  for (let i = 0; i < 3; i++) assert.is((await login('not the password')).status, 401);
  let u = await one();
  assert.equal([u.failedLoginAttempts, u.failedLoginCount], [3, 3]);
  assert.is(u.lastPasswordChangeAt, u.passwordChangedAt);
  f.clock.t += 16 * 60_000; // past the lockout window: the window's count starts again, the attempts do not
  await login('not the password');
  u = await one();
  assert.equal([u.failedLoginAttempts, u.failedLoginCount], [4, 1]);
  assert.is((await login('frida password')).status, 200);
  u = await one();
  assert.equal([u.failedLoginAttempts, u.failedLoginCount], [0, 0], 'a successful sign-in resets both');
  f.clock.t += 60_000;
  assert.is((await req('PUT', `/api/users/${made.id}/password`, sa, { password: 'a new password' })).status, 200);
  u = await one();
  assert.equal([u.lastPasswordChangeAt, u.passwordChangedAt], [new Date(f.clock.t).toISOString(), new Date(f.clock.t).toISOString()]);
});

test.run();
