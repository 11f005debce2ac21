import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, PASSWORD, type Fixture } from '../../testing/route-fixture.ts';
import { getSetting, setSettingsStatements } from '../../db/settings.ts';
import { getUserById } from '../../db/users.ts';
import { assertInert, EVIL, form, get } from '../../testing/admin-pages.ts';

let f: Fixture;
let user: string;
let admin: string;

test.before(async () => {
  f = await fixture();
  user = await f.login('user');
  admin = await f.login('admin');
  await f.writer.write(...setSettingsStatements({ legacy_banner: EVIL, video_volume: '0.5' }, f.clock.t));
});
test.after(async () => {
  await f.close();
});

test('every signed-in user has the page; only admins see and save the system settings', async () => {
  assert.is((await get(f.app, '/settings')).status, 303);
  const mine = await (await get(f.app, '/settings', user)).text();
  assert.match(mine, /Change password/);
  assert.not.match(mine, /System settings|video_volume/);
  assert.is((await form(f.app, '/settings/system', { 's.video_volume': '1' }, user)).status, 403);
  const html = await (await get(f.app, '/settings', admin)).text();
  assertInert(html);
  assert.match(html, /name="s\.video_volume" value="0\.5" type="number"/);
  assert.match(html, /name="s\.video_autoplay" value="1" checked/, 'a default shows when unset');
  assert.match(html, /name="s\.legacy_banner" value="&lt;script&gt;/, 'unknown stored keys as text');
});

test('system settings: validated with the scheduler schemas, stored as the API stores them', async () => {
  const html = await (await get(f.app, '/settings', admin)).text();
  const body: Record<string, string> = {};
  for (const m of html.matchAll(/name="(s\.[\w.]+)" value="([^"]*)"/g)) body[m[1]] = m[2].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  delete body['s.video_autoplay']; // unticked
  const bad = await form(f.app, '/settings/system', { ...body, 's.video_volume': '7' }, admin);
  assert.is(bad.status, 400);
  assert.match(await bad.text(), /video_volume: The request was not valid/);
  assert.is(await getSetting(f.db, 'video_volume'), '0.5');
  const ok = await form(f.app, '/settings/system', { ...body, 's.video_volume': '0.25', 's.supplement_table_url': 'https://example.org/plan' }, admin);
  assert.is(ok.status, 200);
  assert.match(await ok.text(), /System settings saved/);
  assert.is(await getSetting(f.db, 'video_volume'), '0.25');
  assert.is(await getSetting(f.db, 'video_autoplay'), 'false');
  assert.is(await getSetting(f.db, 'supplement_table_url'), 'https://example.org/plan');
  assert.is(await getSetting(f.db, 'legacy_banner'), EVIL, 'kept as it was');
  const noOrigin = await f.app.request('/settings/system', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin }, body: 's.video_volume=1' });
  assert.is(noOrigin.status, 403);
});

test('my language and my password', async () => {
  assert.is((await form(f.app, '/settings/language', { language: 'fr' }, user)).status, 400);
  const de = await form(f.app, '/settings/language', { language: 'de' }, user);
  assert.match(await de.text(), /Sprache gespeichert/);
  assert.is((await getUserById(f.db, f.ids.user))!.language, 'de');
  await form(f.app, '/settings/language', { language: '' }, user);
  assert.is((await getUserById(f.db, f.ids.user))!.language, null);
  const other = await f.login('user');
  const wrong = await form(f.app, '/settings/password', { current: 'nope', password: 'new secret 123', repeat: 'new secret 123' }, user);
  assert.is(wrong.status, 400);
  assert.match(await wrong.text(), /current password is not correct/);
  assert.match(await (await form(f.app, '/settings/password', { current: PASSWORD, password: 'new secret 123', repeat: 'other' }, user)).text(), /do not match/);
  assert.match(await (await form(f.app, '/settings/password', { current: PASSWORD, password: 'short', repeat: 'short' }, user)).text(), /at least 8/);
  const ok = await form(f.app, '/settings/password', { current: PASSWORD, password: 'new secret 123', repeat: 'new secret 123' }, user);
  assert.is(ok.status, 200);
  assert.match(await ok.text(), /Password changed/);
  assert.is((await get(f.app, '/api/auth/me', user)).status, 200, 'this session stays');
  assert.is((await get(f.app, '/api/auth/me', other)).status, 401, 'the other one ended');
  await f.login('user', 'new secret 123');
});

test.run();
