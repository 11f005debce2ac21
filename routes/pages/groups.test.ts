import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, UUID_A, UUID_B, UUID_C, type Fixture } from '../../testing/route-fixture.ts';

const EVIL = '<script>alert(1)</script>';
let f: Fixture;
let user: string;
let editor: string;
let admin: string;

const get = (path: string, cookie?: string, headers: Record<string, string> = {}) => f.app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
const form = (path: string, body: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
  f.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...(cookie ? { cookie } : {}), ...headers },
    body: new URLSearchParams(body).toString(),
  });
const htmx = { 'hx-request': 'true' };
const order = async () => (await (await f.app.request('/api/groups/order', { headers: { cookie: user } })).json()).order as number[];
const idOf = async (name: string) => ((await (await f.app.request('/api/groups', { headers: { cookie: user } })).json()) as { id: number; name: string }[]).find((g) => g.name === name)!.id;

test.before(async () => {
  f = await fixture();
  [user, editor, admin] = await Promise.all([f.login('user'), f.login('editor'), f.login('admin')]);
  f.fleet.put({ uuid: UUID_A, hostname: EVIL });
  f.fleet.put({ uuid: UUID_B, description: 'Lehrerzimmer' });
  f.fleet.put({ uuid: UUID_C, description: 'Turnsaal' });
});
test.after(async () => {
  await f.close();
});

test('create: admins only; 303 back to the page; htmx gets the body; names are escaped', async () => {
  assert.is((await form('/groups', { name: 'Aula' }, user)).status, 403);
  assert.is((await form('/groups', { name: 'Aula' }, editor, htmx)).status, 403);
  const res = await form('/groups', { name: 'Aula', description: 'Erdgeschoss' }, admin);
  assert.is(res.status, 303);
  assert.match(res.headers.get('location') ?? '', /^\/groups\?done=created#g-\d+$/);
  const frag = await form('/groups', { name: EVIL }, admin, htmx);
  assert.is(frag.status, 200);
  const html = await frag.text();
  assert.match(html, /^<div id="groups-body"/);
  assert.match(html, /Group created\./);
  assert.not.ok(html.includes(EVIL), 'hostile name printed raw');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  await form('/groups', { name: 'Bibliothek' }, admin);
  assert.equal((await order()).length, 3);
});

test('bad input: 400 naming the field; a taken name 409', async () => {
  const res = await form('/groups', { name: '  ' }, admin);
  assert.is(res.status, 400);
  const html = await res.text();
  assert.match(html, /id="g-new-name" name="name" maxlength="100" required value="" aria-invalid="true" aria-describedby="err-name"/);
  assert.match(html, /<p class="field-err" id="err-name">Required\.<\/p>/);
  const taken = await form('/groups', { name: 'aula' }, admin);
  assert.is(taken.status, 409);
  assert.match(await taken.text(), /A group with this name exists already\./);
  assert.is((await form(`/groups/${await idOf('Aula')}`, { name: 'x'.repeat(101) }, admin)).status, 400);
  assert.is((await form(`/groups/${await idOf('Aula')}/move`, { dir: 'sideways' }, admin)).status, 400);
});

test('rename and reorder', async () => {
  const aula = await idOf('Aula');
  const res = await form(`/groups/${aula}`, { name: 'Aula Nord', description: '' }, admin);
  assert.is(res.status, 303);
  const g = await (await f.app.request(`/api/groups/${aula}`, { headers: { cookie: user } })).json();
  assert.equal([g.name, g.description], ['Aula Nord', null]);
  const before = await order();
  assert.is(before[0], aula);
  assert.is((await form(`/groups/${aula}/move`, { dir: 'down' }, admin)).status, 303);
  assert.equal(await order(), [before[1], aula, before[2]]);
  const frag = await form(`/groups/${before[2]}/move`, { dir: 'up' }, admin, htmx);
  assert.is(frag.status, 200);
  assert.equal(await order(), [before[1], before[2], aula]);
  // At the top nothing moves (the button is disabled there).
  assert.is((await form(`/groups/${before[1]}/move`, { dir: 'up' }, admin)).status, 303);
  assert.equal(await order(), [before[1], before[2], aula]);
});

test('assign and remove clients through the Fleet; delete unassigns them', async () => {
  const aula = await idOf('Aula Nord');
  assert.is((await form(`/groups/${aula}/clients`, { uuid: UUID_A }, editor)).status, 403);
  assert.is((await form(`/groups/${aula}/clients`, { uuid: UUID_A }, admin)).status, 303);
  const frag = await form(`/groups/${aula}/clients`, { uuid: UUID_B }, admin, htmx);
  assert.match(await frag.text(), /Client assigned\./);
  assert.equal([f.fleet.get(UUID_A)!.groupId, f.fleet.get(UUID_B)!.groupId], [aula, aula]);
  assert.is((await form(`/groups/${aula}/clients`, { uuid: '99999999-9999-4999-8999-999999999999' }, admin)).status, 400);
  assert.is((await form(`/groups/${aula}/clients/remove`, { uuid: UUID_C }, admin)).status, 400, 'not in this group');
  assert.is((await form(`/groups/${aula}/clients/remove`, { uuid: UUID_B }, admin)).status, 303);
  assert.is(f.fleet.get(UUID_B)!.groupId, null);
  const page = await (await get('/groups', user)).text();
  assert.not.ok(page.includes(EVIL));
  assert.match(page, /Clients \(1\)/);
  assert.match(page, /Unassigned/);
  assert.not.match(page.slice(page.indexOf('id="groups-body"')), /<form/, 'read-only for a user');
  const adminPage = await (await get('/groups', admin)).text();
  assert.match(adminPage, /action="\/groups\/\d+\/clients"/);
  assert.is((await form(`/groups/${aula}/delete`, {}, admin)).status, 303);
  assert.is(f.fleet.get(UUID_A)!.groupId, null);
  assert.is((await f.app.request(`/api/groups/${aula}`, { headers: { cookie: user } })).status, 404);
});

test('unknown groups answer 404 on every write', async () => {
  for (const path of ['/groups/999', '/groups/999/move', '/groups/999/delete', '/groups/999/clients', '/groups/999/clients/remove', '/groups/x/delete']) {
    assert.is((await form(path, { name: 'x', dir: 'up', uuid: UUID_A }, admin)).status, 404, path);
  }
});

test('the API and the page agree: a group made through the API shows here', async () => {
  await f.app.request('/api/groups', json('POST', { name: 'Via API' }, admin));
  assert.match(await (await get('/groups', user)).text(), /Via API/);
});

test.run();
