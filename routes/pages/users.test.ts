import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, type Fixture } from '../../testing/route-fixture.ts';
import { getUserById, getUserByUsername, listUsers } from '../../db/users.ts';
import { permissions } from '../../services/accounts/user-admin.ts';
import { assertInert, EVIL, form, get, htmx } from '../../testing/admin-pages.ts';

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

test('permissions(): the rules of routes/users.ts', () => {
  const su = { id: 1, role: 'superadmin' as const };
  const ad = { id: 2, role: 'admin' as const };
  assert.equal(permissions(ad, { id: 3, role: 'editor' }), { roles: ['user', 'editor', 'admin'], edit: true, deactivate: true, delete: 'deactivate', resetPassword: true });
  assert.equal(permissions(ad, { id: 4, role: 'superadmin' }), { roles: [], edit: false, deactivate: false, delete: null, resetPassword: false });
  assert.equal(permissions(ad, ad), { roles: [], edit: true, deactivate: false, delete: null, resetPassword: false });
  assert.equal(permissions(su, { id: 4, role: 'superadmin' }).delete, 'hard');
  assert.ok(permissions(su, ad).roles.includes('superadmin'));
});

test('roles: admin+ only, pages and fragments alike', async () => {
  assert.is((await get(f.app, '/users')).status, 303);
  for (const who of ['user', 'editor']) {
    const c = await f.login(who);
    assert.is((await get(f.app, '/users', c)).status, 403);
    assert.is((await form(f.app, '/users', { username: 'x', role: 'user' }, c, htmx)).status, 403);
    assert.is((await form(f.app, `/users/${f.ids.user}/password`, {}, c, htmx)).status, 403);
  }
});

test('an admin does not see superadmin accounts, may not manage them or grant that role', async () => {
  const html = await (await get(f.app, '/users', admin)).text();
  assert.not.match(html, new RegExp(`id="user-${f.ids.superadmin}"`), 'no superadmin row for an admin');
  assert.match(await (await get(f.app, '/users', superadmin)).text(), new RegExp(`id="user-${f.ids.superadmin}"`));
  assert.not.match(html, /<option value="superadmin"/);
  assert.match(html, new RegExp(`action="/users/${f.ids.editor}/delete"`));
  assert.is((await form(f.app, `/users/${f.ids.superadmin}`, { role: 'user' }, admin, htmx)).status, 404);
  assert.is((await form(f.app, '/users', { username: 'boss', role: 'superadmin' }, admin, htmx)).status, 403);
  assert.is((await form(f.app, `/users/${f.ids.editor}`, { role: 'superadmin' }, admin, htmx)).status, 403);
  assert.is((await form(f.app, `/users/${f.ids.superadmin}/delete`, { confirm: '1' }, admin, htmx)).status, 404);
  assert.is((await form(f.app, `/users/${f.ids.superadmin}/unlock`, {}, admin, htmx)).status, 404);
  assert.is((await getUserById(f.db, f.ids.superadmin))!.role, 'superadmin');
});

test('nobody changes their own role, deactivates or deletes themselves', async () => {
  assert.is((await form(f.app, `/users/${f.ids.admin}`, { role: 'user' }, admin, htmx)).status, 403);
  assert.is((await form(f.app, `/users/${f.ids.admin}`, { active: '0' }, admin, htmx)).status, 403);
  assert.is((await form(f.app, `/users/${f.ids.admin}/delete`, { confirm: '1' }, admin, htmx)).status, 403);
  assert.is((await form(f.app, `/users/${f.ids.admin}/password`, { password: 'x'.repeat(10) }, admin, htmx)).status, 403);
  const self = await form(f.app, `/users/${f.ids.admin}`, { language: 'de' }, admin, htmx);
  assert.is(self.status, 200, 'their own language is fine');
  assert.is((await getUserById(f.db, f.ids.admin))!.language, 'de');
  await form(f.app, `/users/${f.ids.admin}`, { language: 'en' }, admin, htmx);
});

test('create: validated, escaped, a generated password shown once; taken names 409', async () => {
  const bad = await form(f.app, '/users', { username: EVIL, role: 'user' }, admin, htmx);
  assert.is(bad.status, 400);
  assertInert(await bad.text());
  assert.is((await form(f.app, '/users', { username: 'kurz', role: 'user', password: 'short' }, admin, htmx)).status, 400);
  assert.is((await form(f.app, '/users', { username: 'x', role: 'root' }, admin, htmx)).status, 400);
  const ok = await form(f.app, '/users', { username: 'hausmeister', role: 'user', language: 'de' }, admin, htmx);
  assert.is(ok.status, 200);
  const html = await ok.text();
  const pw = /Password for hausmeister \(shown once\): ([^\s<]+)/.exec(html)?.[1];
  assert.ok(pw && pw.length >= 16, 'generated password shown');
  assert.is((await f.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hausmeister', password: pw }) })).status, 200);
  assert.not.match(await (await get(f.app, '/users', admin)).text(), new RegExp(pw!.replace(/[^\w]/g, '.')), 'never shown again');
  assert.is((await form(f.app, '/users', { username: 'HAUSMEISTER', role: 'user' }, admin, htmx)).status, 409);
});

test('password reset ends the sessions; admin delete deactivates, superadmin delete removes', async () => {
  const target = (await getUserByUsername(f.db, 'hausmeister'))!;
  const session = await f.login('editor');
  const reset = await form(f.app, `/users/${f.ids.editor}/password`, { password: 'new password 1' }, admin, htmx);
  assert.is(reset.status, 200);
  assert.match(await reset.text(), /Password of editor changed/);
  assert.is((await get(f.app, '/api/auth/me', session)).status, 401, 'old session ended');
  await f.login('editor', 'new password 1');
  assert.is((await form(f.app, `/users/${target.id}/delete`, {}, admin, htmx)).status, 400, 'the confirm checkbox is required');
  const soft = await form(f.app, `/users/${target.id}/delete`, { confirm: '1' }, admin, htmx);
  assert.match(await soft.text(), /User hausmeister deactivated/);
  assert.is((await getUserById(f.db, target.id))!.isActive, false);
  const hard = await form(f.app, `/users/${target.id}/delete`, { confirm: '1' }, superadmin, htmx);
  assert.match(await hard.text(), /User hausmeister deleted/);
  assert.is(await getUserById(f.db, target.id), undefined);
  assert.is((await form(f.app, '/users/999999/delete', { confirm: '1' }, superadmin, htmx)).status, 404);
  assert.is((await form(f.app, '/users/abc', {}, superadmin, htmx)).status, 404);
  // Without htmx the whole page answers.
  const page = await form(f.app, `/users/${f.ids.user}`, { language: 'de' }, admin);
  assert.match(await page.text(), /<html[\s\S]*User user saved/);
});

test('statistics cards, failed sign-ins, deactivated by whom, unlock', async () => {
  await f.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'user', password: 'wrong one' }) });
  await form(f.app, `/users/${f.ids.editor}`, { active: '0' }, admin, htmx);
  const html = await (await get(f.app, '/users', admin)).text();
  const card = (k: string) => new RegExp(`data-stat="${k}"><span class="count-n">(\\d+)<`).exec(html)?.[1];
  const visible = (await listUsers(f.db)).filter((u) => u.role !== 'superadmin');
  assert.is(card('total'), String(visible.length));
  assert.is(card('inactive'), String(visible.filter((u) => !u.isActive).length));
  assert.is(card('active'), String(visible.filter((u) => u.isActive).length));
  const row = (id: number) => new RegExp(`id="user-${id}"[\\s\\S]*?</li>`).exec(html)![0];
  assert.match(row(f.ids.user), /Failed sign-ins: 1 \(last /);
  assert.match(row(f.ids.user), new RegExp(`action="/users/${f.ids.user}/unlock"`));
  assert.match(row(f.ids.editor), /Deactivated .* by admin/);
  const unlocked = await form(f.app, `/users/${f.ids.user}/unlock`, {}, admin, htmx);
  assert.is(unlocked.status, 200);
  assert.match(await unlocked.text(), /User user unlocked/);
  assert.is((await getUserById(f.db, f.ids.user))!.failedLoginCount, 0);
  await form(f.app, `/users/${f.ids.admin}`, { language: 'de' }, admin, htmx);
  assert.match(await (await get(f.app, '/users', admin)).text(), /Deaktiviert .* von admin/);
  await form(f.app, `/users/${f.ids.admin}`, { language: 'en' }, admin, htmx);
  await form(f.app, `/users/${f.ids.editor}`, { active: '1' }, admin, htmx);
});

test.run();
