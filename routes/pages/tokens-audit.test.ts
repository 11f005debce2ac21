/**
 * The API tokens section of /settings and the /audit page (docs/http.md "API tokens", "Audit trail")
 * over `app.request()` with a real database: the secret shown once, scopes limited by role, revoke,
 * hostile names inert; the audit page admin only, filtered, paged, in German too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, type Fixture } from '../../testing/route-fixture.ts';
import { listAudit } from '../../db/audit.ts';
import { assertInert, EVIL, form, get } from '../../testing/admin-pages.ts';

let f: Fixture;
let user: string;
let admin: string;
test.before(async () => {
  f = await fixture();
  user = await f.login('user');
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const secretOf = (html: string) => /id="token-secret"[^>]*>(ist_[A-Za-z0-9_-]{43})</.exec(html)?.[1];

test('create on /settings: the secret once, then only its prefix; a user is offered read/admin scopes only', async () => {
  const page = await (await get(f.app, '/settings', user)).text();
  assert.match(page, /name="scopes" value="read"/);
  assert.not.match(page, /name="scopes" value="commands"/);
  const res = await f.app.request('/settings/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', cookie: user },
    body: `name=${encodeURIComponent(EVIL)}&scopes=read&scopes=admin&days=30`,
  });
  assert.is(res.status, 200);
  assert.is(res.headers.get('cache-control'), 'no-store');
  const html = await res.text();
  assertInert(html);
  const secret = secretOf(html);
  assert.ok(secret, 'the secret is shown');
  assert.match(html, /read, admin/);
  const again = await (await get(f.app, '/settings', user)).text();
  assert.not.ok(again.includes(secret!.slice(12)), 'never again');
  assert.ok(again.includes(secret!.slice(0, 12)), 'its prefix tells it apart');
  assert.is((await f.app.request('/api/clients', { headers: { authorization: `Bearer ${secret}` } })).status, 200);
});

test('refusals re-render the form with a message (no name, a scope beyond the role, too many days), in German too', async () => {
  const noName = await form(f.app, '/settings/tokens', { name: ' ', scopes: 'read', days: '5' }, user);
  assert.is(noName.status, 400);
  assert.match(await noName.text(), 'Give the token a name.');
  const beyond = await form(f.app, '/settings/tokens', { name: 'x', scopes: 'commands', days: '5' }, user);
  assert.is(beyond.status, 400);
  assert.match(await beyond.text(), 'Choose at least one scope your role allows, and a validity of 1 to 365 days.');
  const de = await form(f.app, '/settings/tokens', { name: 'x', scopes: 'read', days: '9999' }, user, { 'accept-language': 'de' });
  assert.match(await de.text(), 'Gültigkeit von 1 bis 365 Tagen');
});

test('revoke on /settings: the token stops, the row says revoked, the audit log has both actions', async () => {
  const html = await (await form(f.app, '/settings/tokens', { name: 'ci', scopes: 'read', days: '7' }, admin)).text();
  const secret = secretOf(html)!;
  const id = /data-token-id="(\d+)"/.exec(html)![1];
  const revoked = await form(f.app, `/settings/tokens/${id}/revoke`, {}, admin);
  assert.is(revoked.status, 200);
  assert.match(await revoked.text(), /Token &quot;ci&quot; revoked\.|Token "ci" revoked\./);
  assert.is((await f.app.request('/api/clients', { headers: { authorization: `Bearer ${secret}` } })).status, 401);
  assert.is((await form(f.app, `/settings/tokens/${id}/revoke`, {}, user)).status, 404, "someone else's token");
  const audit = await listAudit(f.db, { target: id });
  assert.equal(audit.map((e) => e.action), ['tokens.revoke', 'tokens.create']);
});

test('/audit: admin only, newest first, filtered by actor and action, a CSV link with the same filters', async () => {
  assert.is((await get(f.app, '/audit', user)).status, 403);
  const html = await (await get(f.app, '/audit?action=tokens.revoke', admin)).text();
  assert.match(html, /<code>tokens\.revoke<\/code>/);
  assert.not.match(html, /<code>tokens\.create<\/code>/);
  assert.match(html, /href="\/api\/audit\?action=tokens\.revoke&amp;format=csv"/);
  const byUser = await (await get(f.app, '/audit?actor=user', admin)).text();
  assertInert(byUser);
  assert.match(byUser, /user:\d+:user/);
  assert.not.match(byUser, /user:\d+:admin/);
  const de = await (await get(f.app, '/audit', admin, { 'accept-language': 'de' })).text();
  assert.match(de, 'Prüfprotokoll');
  assert.is((await get(f.app, '/audit?offset=-1', admin)).status, 400);
});

test('the users and settings pages record their admin actions too (before/after)', async () => {
  const res = await form(f.app, `/users/${f.ids.editor}`, { role: 'editor', active: '0' }, admin);
  assert.is(res.status, 200);
  const [e] = await listAudit(f.db, { action: 'users.update' });
  assert.equal([e.target, (e.detail as any).before.isActive, (e.detail as any).after.isActive], ['editor', true, false]);
  assert.is(e.actor, `user:${f.ids.admin}:admin`);
  await form(f.app, '/settings/system', { 's.presentation_interval': '42', 's.video_volume': '0.8' }, admin);
  const [s] = await listAudit(f.db, { action: 'settings.update' });
  assert.is((s.detail as any).after.presentation_interval, '42');
  assert.is((s.detail as any).before.presentation_interval, '10');
  assert.not.ok('video_volume' in (s.detail as any).after, 'an unchanged value is left out');
});

test.run();
