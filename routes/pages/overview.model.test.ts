import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emptyRecord, type ClientRecord } from '../../domain/client.types.ts';
import { buildCards, matches, overviewSearch, parseOverviewQuery, type OverviewQuery } from './overview.model.ts';

const rec = (uuid: string, p: Partial<ClientRecord>): ClientRecord => ({ ...emptyRecord(uuid, 0), ...p });
const uid = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const all: OverviewQuery = { filter: 'all', q: '', group: null };

const fleet = [
  rec(uid(1), { description: 'Aula', groupId: 1, status: 'healthy', connectivity: 'online', ip: '10.0.0.1' }),
  rec(uid(2), { hostname: 'pi-bib', groupId: 1, status: 'offline', connectivity: 'offline' }),
  rec(uid(3), { description: 'Turnsaal', groupId: 2, status: 'critical', connectivity: 'online' }),
  rec(uid(4), { description: 'Neu', groupId: null, status: 'warning', connectivity: 'unknown' }),
  rec(uid(5), { description: 'Verwaist', groupId: 99, status: 'healthy', connectivity: 'online' }),
];
const groups = [
  { id: 2, name: 'Halle' },
  { id: 1, name: 'Bibliothek' },
  { id: 3, name: 'Leer' },
];

test('query parsing keeps only known values', () => {
  assert.equal(parseOverviewQuery((k) => ({ filter: 'offline', q: '  aula ', group: '7' })[k]), { filter: 'offline', q: 'aula', group: 7 });
  assert.equal(parseOverviewQuery((k) => ({ filter: 'evil', group: '1;drop' })[k]), all);
  assert.is(overviewSearch({ filter: 'offline', q: 'a b', group: 'none' }, { v: '3' }), '?filter=offline&q=a+b&group=none&v=3');
  assert.is(overviewSearch(all), '');
});

test('filters and search (name, hostname, uuid, ip)', () => {
  const pick = (q: Partial<OverviewQuery>) => fleet.filter((r) => matches(r, { ...all, ...q })).map((r) => r.uuid.slice(7, 8));
  assert.equal(pick({ filter: 'online' }), ['1', '3', '5']);
  assert.equal(pick({ filter: 'offline' }), ['2']);
  assert.equal(pick({ filter: 'warnings' }), ['3', '4']);
  assert.equal(pick({ q: 'BIB' }), ['2']);
  assert.equal(pick({ q: '10.0.0.1' }), ['1']);
  assert.equal(pick({ q: uid(3).slice(0, 8) }), ['3']);
  assert.equal(pick({ group: 1 }), ['1', '2']);
  assert.equal(pick({ group: 'none' }), ['4']);
});

test('cards: display order, unassigned last (unknown group ids too), worst first, health of the whole group', () => {
  const cards = buildCards(fleet, groups, all);
  assert.equal(cards.map((c) => c.name), ['Halle', 'Bibliothek', 'Leer', null]);
  const bib = cards[1];
  assert.equal(bib.clients.map((r) => r.uuid), [uid(2), uid(1)]);
  assert.equal([bib.total, bib.online, bib.offline], [2, 1, 1]);
  assert.equal(cards[3].clients.map((r) => r.uuid), [uid(4), uid(5)]);
  // A filter hides the cards without a match but keeps the health of the whole group.
  const offline = buildCards(fleet, groups, { ...all, filter: 'offline' });
  assert.equal(offline.map((c) => c.name), ['Bibliothek']);
  assert.is(offline[0].total, 2);
});

test('a card lists at most `limit` clients unless one group is selected', () => {
  const many = Array.from({ length: 120 }, (_, i) => rec(uid(100 + i), { groupId: 1, status: i === 119 ? 'critical' : 'healthy' }));
  const card = buildCards(many, groups, all, 50).find((c) => c.id === 1)!;
  assert.is(card.clients.length, 50);
  assert.is(card.more, 70);
  assert.is(card.clients[0].uuid, uid(219), 'the critical one leads');
  const [only] = buildCards(many, groups, { ...all, group: 1 }, 50);
  assert.is(only.clients.length, 120);
  assert.is(only.more, 0);
});

test.run();
