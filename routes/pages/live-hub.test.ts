/** The live hub's coalescing, on XState's SimulatedClock: no assertion depends on the machine's speed. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { EventBus } from '../../lib/bus.ts';
import { LiveHub, type Batch } from './live-hub.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function recorder(hub: LiveHub, clock: SimulatedClock) {
  const batches: (Batch & { at: number })[] = [];
  let pings = 0;
  let closed = false;
  const off = hub.subscribe({ deliver: (b) => batches.push({ ...b, at: clock.now() }), ping: () => pings++, close: () => (closed = true) });
  return { batches, off, pings: () => pings, closed: () => closed };
}

const hubs: LiveHub[] = [];
/** A hub on its own simulated clock (starts at a non-zero time, as a real one would). */
const make = (bus: EventBus, opts = { flushMs: 80, seenFlushMs: 200, keepAliveMs: 60 }) => {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const hub = new LiveHub(bus, { ...opts, clock });
  hubs.push(hub);
  return { hub, clock };
};
test.after(() => hubs.forEach((h) => h.close()));

test('each client at most once per flush window; the first change of a quiet hub goes out at once', () => {
  const bus = new EventBus();
  const { hub, clock } = make(bus);
  const r = recorder(hub, clock);
  const t0 = clock.now();
  bus.emit({ type: 'client-changed', uuid: A });
  clock.increment(0); // no simulated time passes: the leading edge is not delayed
  assert.is(r.batches.length, 1, 'leading edge');
  assert.is(r.batches[0].at, t0);
  for (let i = 0; i < 50; i++) {
    bus.emit({ type: 'client-changed', uuid: A });
    bus.emit({ type: 'client-status', uuid: B, status: 'offline', previous: 'healthy', reasons: ['heartbeat_stale'], at: i });
  }
  clock.increment(79);
  assert.is(r.batches.length, 1, 'the next batch waits for the window');
  clock.increment(1);
  assert.is(r.batches.length, 2);
  const b = r.batches[1];
  assert.equal([...b.changed].sort(), [A, B]);
  assert.is(b.statuses.get(B)!.at, 49, 'the latest status event wins');
  assert.is(b.at - r.batches[0].at, 80, 'window kept');
  assert.ok(b.version > r.batches[0].version);
  r.off();
});

test('last-seen has its own slower lane, coalesced to the latest per client', () => {
  const bus = new EventBus();
  const { hub, clock } = make(bus);
  const r = recorder(hub, clock);
  bus.emit({ type: 'client-seen', uuid: A, lastAlive: 1 });
  bus.emit({ type: 'client-seen', uuid: A, lastAlive: 2 });
  bus.emit({ type: 'client-seen', uuid: B, lastAlive: 3 });
  bus.emit({ type: 'client-changed', uuid: B });
  clock.increment(100);
  assert.is(r.batches.length, 1);
  assert.equal([...r.batches[0].changed], [B]);
  assert.is(r.batches[0].seen.size, 0);
  clock.increment(99);
  assert.is(r.batches.length, 1, 'the last-seen lane waits seenFlushMs');
  clock.increment(1);
  assert.is(r.batches.length, 2);
  assert.equal([...r.batches[1].seen], [[A, 2], [B, 3]]);
  assert.is(r.batches[1].changed.size, 0);
  r.off();
});

test('alerts pass through in order; outage state follows the outage alerts; commands coalesce per id', () => {
  const bus = new EventBus();
  const { hub, clock } = make(bus);
  assert.is(hub.outageSuspected, false);
  bus.emit({ type: 'alert', kind: 'outage-suspected', severity: 'critical', message: 'x', at: 1 }); // nobody listening yet
  assert.is(hub.outageSuspected, true);
  const r = recorder(hub, clock);
  bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'a', uuid: A, at: 2 });
  bus.emit({ type: 'alert', kind: 'outage-resolved', severity: 'info', message: 'b', at: 3 });
  bus.emit({ type: 'command', commandId: 'c1', uuid: A, action: 'restart_app', from: null, to: 'queued', at: 4 });
  bus.emit({ type: 'command', commandId: 'c1', uuid: A, action: 'restart_app', from: 'queued', to: 'published', at: 5 });
  clock.increment(0);
  const b = r.batches[0];
  assert.equal(b.alerts.map((a) => a.kind), ['client-offline', 'outage-resolved']);
  assert.ok(b.outageChanged);
  assert.is(hub.outageSuspected, false);
  assert.is(b.commands.get('c1')!.to, 'published');
  r.off();
});

test('without connections nothing is queued but the version moves (the next page resyncs); keep-alive ticks; close ends every sink', () => {
  const bus = new EventBus();
  const { hub, clock } = make(bus);
  const v = hub.version;
  bus.emit({ type: 'client-changed', uuid: A });
  assert.ok(hub.version > v);
  const r = recorder(hub, clock);
  clock.increment(59);
  assert.is(r.pings(), 0);
  clock.increment(1);
  assert.is(r.pings(), 1, 'keep-alive');
  clock.increment(60);
  assert.is(r.pings(), 2, 'and again');
  assert.is(r.batches.length, 0);
  assert.is(bus.listenerCount, 1);
  hub.close();
  assert.ok(r.closed());
  assert.is(bus.listenerCount, 0);
  assert.is(hub.connections, 0);
  // A connection after close is closed at once.
  let late = false;
  hub.subscribe({ deliver: () => {}, ping: () => {}, close: () => (late = true) });
  assert.ok(late);
});

test('the last connection leaving drops what was pending and bumps the version', () => {
  const bus = new EventBus();
  const { hub, clock } = make(bus);
  const r = recorder(hub, clock);
  bus.emit({ type: 'client-changed', uuid: A });
  clock.increment(0);
  bus.emit({ type: 'client-changed', uuid: B }); // pending behind the first
  clock.increment(5);
  const v = hub.version;
  r.off();
  assert.ok(hub.version > v);
  clock.increment(120);
  assert.is(r.batches.length, 1);
});

test.run();
