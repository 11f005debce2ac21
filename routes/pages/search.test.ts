import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emptyRecord, type ClientRecord } from '../../domain/client.types.ts';
import { fixture, UUID_A, UUID_B, UUID_C, type Fixture } from '../../testing/route-fixture.ts';
import { searchClients } from './search.ts';
import { buildCards, CARD_LIMIT, GROUP_LIMIT } from './overview.model.ts';

const EVIL = '<img src=x onerror=alert(1)>';
let f: Fixture;
let user: string;

const rec = (uuid: string, p: Partial<ClientRecord>): ClientRecord => ({ ...emptyRecord(uuid, 0), ...p });

test.before(async () => {
  f = await fixture();
  user = await f.login('user');
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, description: 'Raum 101', ip: '10.0.0.1', status: 'offline', statusReasons: ['heartbeat_stale'] });
  f.fleet.put({ uuid: UUID_B, hostname: 'aula-links', description: 'Aula', ip: '10.0.0.2', status: 'healthy' });
  f.fleet.put({ uuid: UUID_C, hostname: 'turnsaal', ip: '10.0.0.21', status: 'critical', statusReasons: ['service_failed'] });
});
test.after(async () => {
  await f.close();
});

const get = (path: string, headers: Record<string, string> = {}) => f.app.request(path, { headers: { cookie: user, ...headers } });

test('searchClients: exact before prefix before substring, worst first within a rank', () => {
  const rs = [
    rec('a', { ip: '10.0.0.21', status: 'healthy' }),
    rec('b', { ip: '10.0.0.2', status: 'healthy' }),
    rec('c', { description: 'Lab 10.0.0.2 corner', status: 'healthy' }),
    rec('d', { ip: '10.0.0.22', status: 'critical' }),
    rec('e', { ip: '192.168.1.1', status: 'offline' }),
  ];
  assert.equal(searchClients(rs, ' 10.0.0.2 ').rows.map((r) => r.uuid), ['b', 'd', 'a', 'c']);
  assert.is(searchClients(rs, '10.0.0.2').count, 4);
  assert.equal(searchClients(rs, 'LAB').rows.map((r) => r.uuid), ['c'], 'case-insensitive, description = room');
  assert.equal(searchClients(rs, 'nothing-like-it').rows, []);
  const limited = searchClients(rs, '10.', 2);
  assert.is(limited.rows.length, 2);
  assert.is(limited.count, 4);
});

test('searchClients without a query: the screens that need attention, worst first', () => {
  const rs = [rec('a', { status: 'healthy' }), rec('b', { status: 'warning' }), rec('c', { status: 'critical' }), rec('d', { status: 'offline' })];
  const r = searchClients(rs, '');
  assert.equal(r.rows.map((x) => x.uuid), ['c', 'd', 'b']);
  assert.is(r.q, '');
});

test('GET /search: a page for signed-in users that finds a client by IP, name, room or uuid prefix', async () => {
  const anon = await f.app.request('/search?q=10.0.0.2');
  assert.is(anon.status, 303);
  assert.is(anon.headers.get('location'), `/login?next=${encodeURIComponent('/search?q=10.0.0.2')}`);

  const res = await get('/search?q=10.0.0.2');
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, /<html/);
  assert.match(html, /<form class="find" method="get" action="\/search"/, 'a plain GET form: works without JavaScript');
  assert.match(html, /hx-get="\/search"/);
  assert.match(html, /2 found/);
  const first = html.indexOf(`/clients/${UUID_B}"`);
  const second = html.indexOf(`/clients/${UUID_C}"`);
  assert.ok(first > 0 && second > first, 'the exact IP match leads');
  assert.match(html, new RegExp(`/clients/${UUID_B}/label`));

  for (const q of ['aula', 'Raum 101', UUID_C.slice(0, 8), 'turnsaal']) {
    const body = await (await get(`/search?q=${encodeURIComponent(q)}`)).text();
    assert.match(body, /1 found/, q);
  }
});

test('GET /search as htmx: only the results fragment; hostile names are escaped', async () => {
  const res = await get('/search?q=raum', { 'hx-request': 'true' });
  assert.is(res.status, 200);
  const html = await res.text();
  assert.not.match(html, /<html/);
  assert.match(html, /^<div id="search-results"/);
  assert.ok(!html.includes(EVIL), 'raw hostile hostname');
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  const none = await (await get('/search?q=%3Cb%3Ezz', { 'hx-request': 'true' })).text();
  assert.match(none, /No screen matches “&lt;b&gt;zz”/);
});

test('the overview carries the search-first form (shown on phones by fieldwork.css)', async () => {
  const html = await (await get('/')).text();
  assert.match(html, /<section class="phone-search card find-card"/);
  assert.match(html, /id="phone-q"/);
  assert.match(html, /\/static\/fieldwork\.css\?v=/);
  const empty = await (await get('/search')).text();
  assert.match(empty, /Needs attention now/);
  assert.ok(empty.indexOf(UUID_C) < empty.indexOf(UUID_A), 'critical before offline');
  assert.not.ok(empty.includes(`/clients/${UUID_B}"`), 'healthy screens are not listed');
});

test('overview windowing: a card lists the worst few; one group alone is still capped, with a hint', async () => {
  const many = Array.from({ length: GROUP_LIMIT + 20 }, (_, i) => rec(`u${String(i).padStart(4, '0')}`, { status: i === 250 ? 'critical' : 'healthy' }));
  const [card] = buildCards(many, [], { filter: 'all', q: '', group: null });
  assert.is(card!.clients.length, CARD_LIMIT);
  assert.is(card!.clients[0]!.uuid, 'u0250', 'the critical one leads');
  const [alone] = buildCards(many, [], { filter: 'all', q: '', group: 'none' });
  assert.is(alone!.clients.length, GROUP_LIMIT);
  assert.is(alone!.more, 20);
  const extra = Array.from({ length: GROUP_LIMIT + 5 }, (_, i) => `66666666-0000-4000-8000-${String(i).padStart(12, '0')}`);
  for (const uuid of extra) f.fleet.put({ uuid, hostname: `pi-${uuid.slice(-4)}` });
  const page = await (await get('/?group=none')).text();
  const unassigned = [...f.fleet.records.values()].filter((r) => r.groupId === null).length;
  assert.match(page, new RegExp(`The ${GROUP_LIMIT} screens that need attention most, of ${unassigned}`));
  assert.not.match(page, /Show all \d+ screens of this group/, 'no link to the page itself');
  assert.is((page.match(/<li id="c-/g) ?? []).length, GROUP_LIMIT);
  for (const uuid of extra) f.fleet.records.delete(uuid);
});

test.run();
