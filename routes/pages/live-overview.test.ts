import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../lib/bus.ts';
import { MapFleet, UUID_A, UUID_B, UUID_C } from '../../testing/route-fixture.ts';
import { LiveHub, type Batch } from './live-hub.ts';
import { overviewView } from './live-overview.ts';
import type { PageDeps } from './kit.ts';
import type { Frame } from './sse.ts';

// Fan-out cost of the overview stream (bench:dashboard): fragments are rendered once per view
// (language, role, selection) per batch and per resync window, however many browsers share it,
// and a structural change re-renders only the cards it touched.

const T = Date.parse('2026-03-02T10:00:00Z');
const bus = new EventBus();
const hub = new LiveHub(bus, { flushMs: 60_000 }); // one resync window for the whole test unless the version moves
const fleet = new MapFleet();
const calls = { groups: 0, counts: 0 };
const counts = fleet.counts.bind(fleet);
fleet.counts = () => (calls.counts++, counts());
const groups = [
  { id: 1, name: 'Haus A' },
  { id: 2, name: 'Haus B' },
];
const deps = {
  fleet,
  hub,
  now: () => T,
  groups: { list: async () => (calls.groups++, groups) },
} as unknown as PageDeps;

test.after(() => hub.close());

const put = (uuid: string, groupId: number, status: 'healthy' | 'offline' = 'healthy') =>
  fleet.put({ uuid, description: uuid.slice(0, 4), groupId, status, connectivity: status === 'offline' ? 'offline' : 'online', statusReasons: [], lastAlive: T }, T);
put(UUID_A, 1);
put(UUID_B, 1);
put(UUID_C, 2);

const batch = (version: number, changed: string[]): Batch => ({
  version, changed: new Set(changed), removed: new Set(), seen: new Map(), statuses: new Map(), alerts: [], commands: new Map(), outageChanged: false, cache: new Map(),
});
const text = (frames: Frame[]) => frames.map((f) => f.data).join('\n');
const reset = () => Object.assign(calls, { groups: 0, counts: 0 });

test('N identical subscribers: one render per resync window and one per batch, not one per browser', async () => {
  const N = 50;
  const views = Array.from({ length: N }, () => overviewView(deps, { lang: 'en', role: 'user' }, { filter: 'all', q: '', group: null }));
  reset();
  const first = await Promise.all(views.map((v) => v.resync()));
  assert.is(calls.groups, 1, 'cards computed once');
  assert.is(calls.counts, 1, 'counters rendered once');
  assert.ok(first.every((f) => text(f) === text(first[0])), 'every browser got the same state');
  assert.match(text(first[0]), /hx-target="#groups"[\s\S]*id="g-1"[\s\S]*id="g-2"/);

  // A client moves to another group: a structural change, rendered once for all N browsers.
  reset();
  put(UUID_A, 2);
  const b = batch(hub.version + 1, [UUID_A]);
  const out = await Promise.all(views.map((v) => v.update(b)));
  assert.is(calls.groups, 1, 'cards computed once per batch');
  assert.is(calls.counts, 1, 'counters rendered once per batch');
  assert.ok(out.every((f) => text(f) === text(out[0])));
  const msg = text(out[0]);
  // Only the two cards it left and entered; the list itself is not re-sent.
  assert.match(msg, /<hx-partial hx-target="#g-1" hx-swap="outerHTML"><section id="g-1"/);
  assert.match(msg, /<hx-partial hx-target="#g-2" hx-swap="outerHTML"><section id="g-2"/);
  assert.not.match(msg, /#groups/);
  assert.not.match(msg.split('id="g-1"')[1].split('</section>')[0], /c-11111111/, 'left its old card');
});

test('another language is its own view (one render each); cards are still computed once', async () => {
  hub.resyncCache().cache.clear(); // a fresh window
  reset();
  const en = Array.from({ length: 5 }, () => overviewView(deps, { lang: 'en', role: 'user' }, { filter: 'all', q: '', group: null }));
  const de = Array.from({ length: 5 }, () => overviewView(deps, { lang: 'de', role: 'user' }, { filter: 'all', q: '', group: null }));
  const [a, d] = await Promise.all([Promise.all(en.map((v) => v.resync())), Promise.all(de.map((v) => v.resync()))]);
  assert.is(calls.groups, 1);
  assert.is(calls.counts, 2, 'counters once per language');
  assert.match(text(a[0]), /Unassigned|Haus A/);
  assert.ok(text(d[0]) !== text(a[0]), 'German differs');
  assert.ok(d.every((f) => text(f) === text(d[0])));
});

test('the resync cache ends with the version: a browser connecting after a change renders afresh', async () => {
  const view = () => overviewView(deps, { lang: 'en', role: 'user' }, { filter: 'all', q: '', group: null });
  await view().resync();
  reset();
  await view().resync();
  assert.is(calls.counts, 0, 'same window, same version: shared');
  put(UUID_B, 2, 'offline');
  bus.emit({ type: 'client-changed', uuid: UUID_B }); // nobody subscribed: the version moves
  const fresh = text(await view().resync());
  assert.is(calls.counts, 1);
  assert.match(fresh, /<li id="c-22222222[^"]*" class="client s-offline">/);
});

test('when the set of cards changes (a filter empties or fills a card), the whole list is re-sent once', async () => {
  const views = Array.from({ length: 3 }, () => overviewView(deps, { lang: 'en', role: 'user' }, { filter: 'offline', q: '', group: null }));
  await Promise.all(views.map((v) => v.resync()));
  reset();
  put(UUID_C, 1, 'offline'); // the first offline client of Haus A: its card appears
  const b = batch(hub.version + 1, [UUID_C]);
  const out = await Promise.all(views.map((v) => v.update(b)));
  assert.is(calls.groups, 1);
  const msg = text(out[0]);
  assert.match(msg, /hx-target="#groups"[\s\S]*id="g-1"[\s\S]*c-33333333/);
  assert.is(msg.match(/hx-target="#groups"/g)!.length, 1);
});

test.run();
