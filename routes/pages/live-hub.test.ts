import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../lib/bus.ts';
import { LiveHub, type Batch } from './live-hub.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(hub: LiveHub) {
  const batches: (Batch & { at: number })[] = [];
  let pings = 0;
  let closed = false;
  const off = hub.subscribe({ deliver: (b) => batches.push({ ...b, at: Date.now() }), ping: () => pings++, close: () => (closed = true) });
  return { batches, off, pings: () => pings, closed: () => closed };
}

const hubs: LiveHub[] = [];
const make = (bus: EventBus, opts = { flushMs: 80, seenFlushMs: 200, keepAliveMs: 60 }) => {
  const hub = new LiveHub(bus, opts);
  hubs.push(hub);
  return hub;
};
test.after(() => hubs.forEach((h) => h.close()));

test('each client at most once per flush window; the first change of a quiet hub goes out at once', async () => {
  const bus = new EventBus();
  const hub = make(bus);
  const r = recorder(hub);
  const t0 = Date.now();
  bus.emit({ type: 'client-changed', uuid: A });
  await sleep(20);
  assert.is(r.batches.length, 1, 'leading edge');
  assert.ok(r.batches[0].at - t0 < 40);
  for (let i = 0; i < 50; i++) {
    bus.emit({ type: 'client-changed', uuid: A });
    bus.emit({ type: 'client-status', uuid: B, status: 'offline', previous: 'healthy', reasons: ['heartbeat_stale'], at: i });
  }
  await sleep(20);
  assert.is(r.batches.length, 1, 'the next batch waits for the window');
  await sleep(100);
  assert.is(r.batches.length, 2);
  const b = r.batches[1];
  assert.equal([...b.changed].sort(), [A, B]);
  assert.is(b.statuses.get(B)!.at, 49, 'the latest status event wins');
  assert.ok(b.at - r.batches[0].at >= 75, `window kept: ${b.at - r.batches[0].at} ms`);
  assert.ok(b.version > r.batches[0].version);
  r.off();
});

test('last-seen has its own slower lane, coalesced to the latest per client', async () => {
  const bus = new EventBus();
  const hub = make(bus);
  const r = recorder(hub);
  bus.emit({ type: 'client-seen', uuid: A, lastAlive: 1 });
  bus.emit({ type: 'client-seen', uuid: A, lastAlive: 2 });
  bus.emit({ type: 'client-seen', uuid: B, lastAlive: 3 });
  bus.emit({ type: 'client-changed', uuid: B });
  await sleep(100);
  assert.is(r.batches.length, 1);
  assert.equal([...r.batches[0].changed], [B]);
  assert.is(r.batches[0].seen.size, 0);
  await sleep(200);
  assert.is(r.batches.length, 2);
  assert.equal([...r.batches[1].seen], [[A, 2], [B, 3]]);
  assert.is(r.batches[1].changed.size, 0);
  r.off();
});

test('alerts pass through in order; outage state follows the outage alerts; commands coalesce per id', async () => {
  const bus = new EventBus();
  const hub = make(bus);
  assert.is(hub.outageSuspected, false);
  bus.emit({ type: 'alert', kind: 'outage-suspected', severity: 'critical', message: 'x', at: 1 }); // nobody listening yet
  assert.is(hub.outageSuspected, true);
  const r = recorder(hub);
  bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'a', uuid: A, at: 2 });
  bus.emit({ type: 'alert', kind: 'outage-resolved', severity: 'info', message: 'b', at: 3 });
  bus.emit({ type: 'command', commandId: 'c1', uuid: A, action: 'restart_app', from: null, to: 'queued', at: 4 });
  bus.emit({ type: 'command', commandId: 'c1', uuid: A, action: 'restart_app', from: 'queued', to: 'published', at: 5 });
  await sleep(30);
  const b = r.batches[0];
  assert.equal(b.alerts.map((a) => a.kind), ['client-offline', 'outage-resolved']);
  assert.ok(b.outageChanged);
  assert.is(hub.outageSuspected, false);
  assert.is(b.commands.get('c1')!.to, 'published');
  r.off();
});

test('without connections nothing is queued but the version moves (the next page resyncs); keep-alive ticks; close ends every sink', async () => {
  const bus = new EventBus();
  const hub = make(bus);
  const v = hub.version;
  bus.emit({ type: 'client-changed', uuid: A });
  assert.ok(hub.version > v);
  const r = recorder(hub);
  await sleep(150);
  assert.is(r.batches.length, 0);
  assert.ok(r.pings() >= 1, 'keep-alive');
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

test('the last connection leaving drops what was pending and bumps the version', async () => {
  const bus = new EventBus();
  const hub = make(bus);
  const r = recorder(hub);
  bus.emit({ type: 'client-changed', uuid: A });
  bus.emit({ type: 'client-changed', uuid: B }); // pending behind the first
  await sleep(5);
  const v = hub.version;
  r.off();
  assert.ok(hub.version > v);
  await sleep(120);
  assert.is(r.batches.length, 1);
});

test.run();
