/**
 * A resync is sent once, whatever the fleet's size: with more clients than the stream's backlog
 * limit, a resync counted frame by frame flagged the connection as behind and answered it with
 * the next resync, forever (megabytes per second to one reader, the server starved).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from '../../testing/admin-pages.ts';
import { fixture, type Fixture } from '../../testing/route-fixture.ts';
import { MAX_BACKLOG as SSE_BACKLOG } from './sse.ts';

const CLIENTS = 300;
let f: Fixture;
let user: string;
const open: AbortController[] = [];
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

test.before(async () => {
  f = await fixture();
  const t = f.clock.t;
  for (let i = 0; i < CLIENTS; i++) {
    f.fleet.put({ uuid: uuid(i), description: `Screen ${i}`, status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  }
  user = await f.login('user');
});
test.after(async () => {
  open.forEach((c) => c.abort());
  await f.close();
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

test(`/api/stream with ${CLIENTS} clients (backlog limit ${SSE_BACKLOG}): one resync, then quiet`, async () => {
  assert.ok(CLIENTS > SSE_BACKLOG, 'the fleet must be larger than the backlog limit');
  const c = await connect(f.app, '/api/stream', user, open);
  const last = `"uuid":"${uuid(CLIENTS - 1)}"`;
  await c.until(new RegExp(last));
  await new Promise((r) => setTimeout(r, 1500)); // a looping stream resends the fleet many times in this time
  assert.is(count(c.s.text, `"uuid":"${uuid(0)}"`), 1, 'the first client is sent once');
  assert.is(count(c.s.text, last), 1, 'the last client is sent once');
  assert.is(count(c.s.text, 'event: client-status'), CLIENTS);
  assert.is(count(c.s.text, 'event: resync'), 1, 'one resync, announced');
  assert.ok(c.s.text.length < CLIENTS * 200, `bytes bounded: ${c.s.text.length}`);
  const health = await f.app.request('/health');
  assert.is(health.status, 200);
});

test('a change after the resync arrives as one update, not as another resync', async () => {
  const c = await connect(f.app, '/api/stream', user, open);
  await c.until(new RegExp(`"uuid":"${uuid(CLIENTS - 1)}"`));
  c.take();
  const r = f.fleet.get(uuid(7))!;
  Object.assign(r, { status: 'offline', connectivity: 'offline', statusReasons: ['heartbeat_stale'] });
  f.bus.emit({ type: 'client-changed', uuid: uuid(7) });
  f.bus.emit({ type: 'client-status', uuid: uuid(7), status: 'offline', previous: 'healthy', reasons: ['heartbeat_stale'], at: f.clock.t });
  await c.until(/"status":"offline"/);
  await new Promise((r) => setTimeout(r, 800));
  assert.is(count(c.s.text, 'event: client-status'), 1, c.s.text.slice(0, 500));
});

test(`a batch touching more clients than the backlog limit arrives as one update, not as a resync`, async () => {
  const c = await connect(f.app, '/api/stream', user, open);
  await c.until(new RegExp(`"uuid":"${uuid(CLIENTS - 1)}"`));
  await new Promise((r) => setTimeout(r, 700)); // the previous test's change has been delivered
  c.take();
  const moved = SSE_BACKLOG * 2; // one batch, one client-status frame each
  for (let i = 100; i < 100 + moved; i++) {
    Object.assign(f.fleet.get(uuid(i))!, { status: 'warning', statusReasons: ['screen_black'] });
    f.bus.emit({ type: 'client-changed', uuid: uuid(i) });
    f.bus.emit({ type: 'client-status', uuid: uuid(i), status: 'warning', previous: 'healthy', reasons: ['screen_black'], at: f.clock.t });
  }
  await c.until(/event: stats/);
  await new Promise((r) => setTimeout(r, 800));
  assert.is(count(c.s.text, 'event: client-status'), moved, 'only the changed clients, no resync of the fleet');
  assert.is(count(c.s.text, `"uuid":"${uuid(0)}"`), 0, 'an unchanged client is not resent');
});

test('the dashboard streams resync once with a fleet over the limit, also through a large batch', async () => {
  const admin = await f.login('admin');
  const overview = await connect(f.app, '/live/overview', admin, open);
  const monitoring = await connect(f.app, '/live/monitoring', admin, open);
  await overview.until(/hx-target="#groups"/);
  await monitoring.until(/hx-target="#status-rows"/);
  // The outage banner is swapped by a resync only (no outage changes in this test).
  const resyncs = (text: string) => count(text, 'hx-target="#outage"');
  for (let i = 0; i < SSE_BACKLOG * 2; i++) {
    Object.assign(f.fleet.get(uuid(i))!, { status: 'critical', statusReasons: ['process_crashed'] });
    f.bus.emit({ type: 'client-changed', uuid: uuid(i) });
  }
  await new Promise((r) => setTimeout(r, 1500));
  assert.is(resyncs(overview.s.text), 1, 'overview: one resync');
  assert.is(resyncs(monitoring.s.text), 1, 'monitoring: one resync');
  const health = await f.app.request('/health');
  assert.is(health.status, 200);
});

test.run();
