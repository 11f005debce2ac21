import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, createActor, fromPromise, setup, SimulatedClock } from 'xstate';
import { InspectionFeed, HISTORY_SIZE, RECENTLY_STOPPED, type FeedSink } from './feed.ts';
import { Ring } from './ring.ts';
import { countByMachine, queryActors } from './query.ts';
import { contextJson, eventSummary, valueDiff } from './summary.ts';
import { Supervisor } from '../supervisor.ts';
import { EventBus } from '../../lib/bus.ts';

const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A toggle with a counter: every TOGGLE changes the state and counts; PING changes nothing but the counter. */
const toggle = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'TOGGLE' } | { type: 'PING' } | { type: 'NOOP' } },
}).createMachine({
  id: 'toggle',
  context: { n: 0 },
  initial: 'off',
  on: { PING: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
  states: {
    off: { on: { TOGGLE: { target: 'on', actions: assign({ n: ({ context }) => context.n + 1 }) } } },
    on: { on: { TOGGLE: { target: 'off', actions: assign({ n: ({ context }) => context.n + 1 }) } } },
  },
});

function setupFeed() {
  const clock = new SimulatedClock();
  clock.set(T0);
  const feed = new InspectionFeed({ now: () => clock.now() });
  return { clock, feed };
}

test('ring: keeps the newest `capacity` items in order', () => {
  const r = new Ring<number>(3);
  assert.equal(r.toArray(), []);
  for (let i = 1; i <= 7; i++) r.push(i);
  assert.equal(r.toArray(), [5, 6, 7]);
  assert.is(r.last(), 7);
  assert.is(r.size, 3);
  assert.throws(() => new Ring(0));
});

test('history ring bound holds under 10,000 events; every transition numbered', () => {
  const { clock, feed } = setupFeed();
  const actor = createActor(toggle, { id: 'toggle:1', clock, inspect: feed.inspect }).start();
  for (let i = 0; i < 10_000; i++) {
    clock.increment(10);
    actor.send({ type: 'TOGGLE' });
  }
  const a = feed.get('toggle:1')!;
  const rows = a.history.toArray();
  assert.is(rows.length, HISTORY_SIZE);
  assert.is(a.seq, 10_001, 'start + 10,000 transitions');
  assert.is(rows[0].seq, 10_001 - HISTORY_SIZE + 1);
  assert.is(rows.at(-1)!.seq, 10_001);
  assert.ok(rows.every((r) => r.transition && r.folded === null));
  assert.is(rows.at(-1)!.at, T0 + 100_000);
  assert.equal((rows.at(-1)!.context as { n: number }).n, 10_000);
  actor.stop();
});

test('events that leave the state as it was fold into one row; 10,000 of them stay one row', () => {
  const { clock, feed } = setupFeed();
  const actor = createActor(toggle, { id: 'toggle:2', clock, inspect: feed.inspect }).start();
  actor.send({ type: 'TOGGLE' }); // off → on
  for (let i = 0; i < 10_000; i++) {
    clock.increment(5);
    actor.send({ type: 'PING' });
  }
  actor.send({ type: 'NOOP' }); // handled by no state: XState re-emits the same snapshot, nothing recorded
  const rows = feed.get('toggle:2')!.history.toArray();
  assert.is(rows.length, 3, 'start, TOGGLE, one folded row');
  assert.equal(rows[2].folded, { PING: 10_000 });
  assert.is(rows[2].since, T0 + 5, 'the first folded event');
  assert.is(rows[2].at, T0 + 50_000);
  assert.equal((rows[2].context as { n: number }).n, 10_001);
  actor.send({ type: 'TOGGLE' });
  const after = feed.get('toggle:2')!.history.toArray();
  assert.is(after.length, 4);
  assert.equal(valueDiff(after[3].from, after[3].to), { left: ['on'], entered: ['off'] });
  actor.stop();
});

test('time travel: a past row keeps the context as it was after it', () => {
  const { clock, feed } = setupFeed();
  const actor = createActor(toggle, { id: 'toggle:3', clock, inspect: feed.inspect }).start();
  for (let i = 0; i < 5; i++) actor.send({ type: 'TOGGLE' });
  const a = feed.get('toggle:3')!;
  const third = a.history.find((r) => r.seq === 3)!;
  assert.equal(third.context, { n: 2 });
  assert.is(third.to, 'off');
  assert.equal(a.context, { n: 5 });
  assert.is(a.value, 'on');
  actor.stop();
});

test('only root actors: an invoked child is part of its parent story; stopped actors stay readable', async () => {
  const { clock, feed } = setupFeed();
  const m = setup({ actors: { work: fromPromise(async () => 42) } }).createMachine({
    id: 'withChild',
    initial: 'busy',
    states: { busy: { invoke: { src: 'work', onDone: 'done' } }, done: { type: 'final' } },
  });
  const actor = createActor(m, { id: 'job:1', clock, inspect: feed.inspect }).start();
  await new Promise((r) => setTimeout(r, 0));
  assert.is(feed.liveCount, 0, 'done: no longer live');
  const a = feed.get('job:1')!;
  assert.is(a.status, 'done');
  assert.equal(a.history.toArray().map((r) => r.to), ['busy', 'done']);
  assert.equal([...feed.stopped()].map((x) => x.id), ['job:1']);
  actor.stop();
  // Stopping a live actor records the stop; the same id again continues the history.
  const t = createActor(toggle, { id: 'toggle:4', clock, inspect: feed.inspect }).start();
  t.send({ type: 'TOGGLE' });
  t.stop();
  assert.is(feed.get('toggle:4')!.status, 'stopped');
  const again = createActor(toggle, { id: 'toggle:4', clock, inspect: feed.inspect }).start();
  assert.is(feed.get('toggle:4')!.status, 'active');
  assert.equal(feed.get('toggle:4')!.history.toArray().map((r) => r.seq), [1, 2, 3, 4]);
  again.stop();
  for (let i = 0; i < RECENTLY_STOPPED + 5; i++) createActor(toggle, { id: `gone:${i}`, clock, inspect: feed.inspect }).start().stop();
  assert.is([...feed.stopped()].length, RECENTLY_STOPPED);
});

test('watchers: notified only while subscribed; the list watcher sees transitions, not folded rows', () => {
  const { clock, feed } = setupFeed();
  const actor = createActor(toggle, { id: 'toggle:5', clock, inspect: feed.inspect }).start();
  const seen: string[] = [];
  const listSeen: string[] = [];
  let closed = 0;
  const sink = (out: string[]): FeedSink => ({ notify: (_a, row, change) => out.push(`${change}:${row.seq}`), close: () => closed++ });
  const off = feed.watch('toggle:5', sink(seen));
  const offAll = feed.watchAll(sink(listSeen));
  assert.is(feed.watcherCount, 2);
  actor.send({ type: 'TOGGLE' });
  actor.send({ type: 'PING' });
  actor.send({ type: 'PING' });
  assert.equal(seen, ['row:2', 'row:3', 'folded:3']);
  assert.equal(listSeen, ['row:2']);
  off();
  offAll();
  actor.send({ type: 'TOGGLE' });
  assert.is(seen.length, 3);
  feed.watch('toggle:5', sink(seen));
  feed.close();
  assert.is(closed, 1);
  assert.is(feed.watcherCount, 0);
  actor.stop();
});

test('real client actors through the supervisor: filter by machine and state, search by uuid, counts', () => {
  const { clock, feed } = setupFeed();
  const sup = new Supervisor({ clock, bus: new EventBus(), graceMs: 60_000, persist: () => {}, inspect: feed.inspect });
  const a = '11111111-1111-4111-8111-111111111111';
  const b = '22222222-2222-4222-8222-222222222222';
  sup.send(a, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  sup.send(b, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'crashed' });
  const crashed = queryActors(feed, { machine: 'client', state: 'process.crashed' });
  assert.equal(crashed.actors.map((x) => x.id), [`client:${b}`]);
  assert.is(queryActors(feed, { q: a.slice(0, 8) }).actors[0].id, `client:${a}`);
  assert.is(queryActors(feed, { state: 'connectivity' }).total, 2, 'a region matches every state in it');
  const client = countByMachine(feed).find((m) => m.machineId === 'client')!;
  assert.is(client.total, 2);
  assert.equal(client.states.find((s) => s.path === 'process.crashed')?.count, 1);
  const last = feed.get(`client:${b}`)!.history.last()!;
  assert.is(last.event.type, 'HEARTBEAT');
  assert.match(eventSummary(last.event), /processStatus=crashed/);
  sup.stop();
});

test('context JSON survives maps, sets, cycles, bigints and functions', () => {
  const o: Record<string, unknown> = { m: new Map([['a', 1]]), s: new Set([1, 2]), big: 10n, f: function named() {} };
  o.self = o;
  const text = contextJson(o);
  assert.match(text, /"a": 1/);
  assert.match(text, /\[circular\]/);
  assert.match(text, /"10n"/);
  assert.match(text, /\[function named\]/);
});

test.run();
