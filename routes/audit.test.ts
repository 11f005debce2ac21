/**
 * The audit trail over `app.request()` with a real database (docs/http.md "Audit trail"): who, when,
 * what (before/after for edits), from which address, for a few representative admin actions; the
 * filters and paging of GET /api/audit, its CSV, and that it is admin only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, UUID_A, type Fixture } from '../testing/route-fixture.ts';

let f: Fixture;
let admin: string;
let editor: string;
const from = { 'x-forwarded-for': '198.51.100.7' };
test.before(async () => {
  f = await fixture({ TRUST_PROXY: 'true' });
  f.fleet.put({ uuid: UUID_A, description: 'Foyer' });
  admin = await f.login('admin');
  editor = await f.login('editor');
});
test.after(async () => {
  await f.close();
});

const auditList = async (query = '') => {
  const res = await f.app.request(`/api/audit${query}`, json('GET', undefined, admin));
  assert.is(res.status, 200);
  return (await res.json()) as { items: Array<Record<string, any>>; total: number };
};

test('a group edit: who, when, what before and after, from which address', async () => {
  const g = await (await f.app.request('/api/groups', json('POST', { name: 'Hall' }, admin, from))).json();
  await f.app.request(`/api/groups/${g.id}`, json('PUT', { name: 'Main hall' }, admin, from));
  const [update, create] = (await auditList('?action=groups')).items;
  assert.is(create.action, 'groups.create');
  assert.is(create.detail.after.name, 'Hall');
  assert.is(update.action, 'groups.update');
  assert.is(update.actor, `user:${f.ids.admin}:admin`);
  assert.is(update.target, String(g.id));
  assert.is(update.address, '198.51.100.7');
  assert.is(update.at, new Date(f.clock.t).toISOString());
  assert.is(update.detail.before.name, 'Hall');
  assert.is(update.detail.after.name, 'Main hall');
});

test('a role change and a new user: before/after roles; never a password or hash', async () => {
  const created = await (await f.app.request('/api/users', json('POST', { username: 'anna', password: 'correct horse battery', role: 'user' }, admin))).json();
  await f.app.request(`/api/users/${created.id}`, json('PUT', { role: 'editor' }, admin));
  await f.app.request(`/api/users/${created.id}/password`, json('PUT', { password: 'another long secret' }, admin));
  const items = (await auditList('?action=users')).items;
  assert.equal(items.map((e) => e.action), ['users.reset-password', 'users.update', 'users.create']);
  assert.is(items[1].target, 'anna');
  assert.is(items[1].detail.before.role, 'user');
  assert.is(items[1].detail.after.role, 'editor');
  const raw = JSON.stringify(items);
  assert.not.match(raw, 'correct horse');
  assert.not.match(raw, 'another long secret');
  assert.not.match(raw, /passwordHash|scrypt/);
});

test('settings, client edits and events: before/after; an editor\'s own action names the editor', async () => {
  await f.app.request('/api/system-settings', json('POST', { presentation_interval: 25 }, admin));
  const s = (await auditList('?action=settings.update')).items[0];
  assert.equal(s.detail.after, { presentation_interval: 25 });
  assert.ok('presentation_interval' in s.detail.before);

  await f.app.request(`/api/clients/${UUID_A}`, json('PUT', { description: 'Library' }, admin));
  const cl = (await auditList('?action=clients.update')).items[0];
  assert.equal([cl.detail.before.description, cl.detail.after.description], ['Foyer', 'Library']);

  const g = await (await f.app.request('/api/groups', json('POST', { name: 'Ev' }, admin))).json();
  const start = new Date(f.clock.t + 3_600_000).toISOString();
  const end = new Date(f.clock.t + 7_200_000).toISOString();
  const ev = await f.app.request('/api/events', json('POST', { groupId: g.id, title: 'Talk', start, end, eventType: 'video', video: { url: 'https://cdn.example/talk.mp4' } }, editor));
  assert.is(ev.status, 201, await ev.clone().text());
  const e = (await auditList('?actor=editor')).items[0];
  assert.is(e.action, 'events.create');
  assert.is(e.detail.after.title, 'Talk');
});

test('filters and paging: actor (username or stored form), action family, limit/offset, total', async () => {
  const all = await auditList('?limit=1000');
  assert.ok(all.total >= 8);
  const page = await auditList('?limit=2&offset=1');
  assert.equal(page.items.map((e) => e.id), all.items.slice(1, 3).map((e) => e.id));
  assert.is(page.total, all.total);
  const byName = await auditList('?actor=admin');
  const byStored = await auditList(`?actor=${encodeURIComponent(`user:${f.ids.admin}:admin`)}`);
  assert.equal(byName.items.map((e) => e.id), byStored.items.map((e) => e.id));
  assert.ok(byName.items.every((e) => e.actor === `user:${f.ids.admin}:admin`));
  assert.ok((await auditList('?action=group')).items.length === 0, 'a family matches whole names only');
});

test('CSV export: text/csv with a header row and the same filters', async () => {
  const res = await f.app.request('/api/audit?format=csv&action=groups', json('GET', undefined, admin));
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  const lines = (await res.text()).trim().split('\r\n');
  assert.is(lines[0], 'id,at,actor,action,target,address,detail');
  assert.ok(lines.length >= 3);
  assert.ok(lines.slice(1).every((l) => /,groups\.(create|update),/.test(l)));
});

test('admin only; bad filters answer 400', async () => {
  assert.is((await f.app.request('/api/audit', json('GET', undefined, editor))).status, 403);
  assert.is((await f.app.request('/api/audit')).status, 401);
  assert.is((await f.app.request('/api/audit?limit=abc', json('GET', undefined, admin))).status, 400);
  assert.is((await f.app.request('/api/audit?format=xml', json('GET', undefined, admin))).status, 400);
});

test.run();
