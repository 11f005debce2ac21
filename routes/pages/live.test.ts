import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as connectStream } from '../../testing/admin-pages.ts';
import { fixture, UUID_A, UUID_B, UUID_C, type Fixture } from '../../testing/route-fixture.ts';
import { EventBus } from '../../lib/bus.ts';
import { createApp } from '../../app.ts';
import type { LiveHub } from './live-hub.ts';
import { appParts } from '../../runtime/parts.ts';
import type { ClientStatus } from '../../domain/client.types.ts';

let f: Fixture;
let bus: EventBus;
let hub: LiveHub;
let closeLive: () => void;
let app: ReturnType<typeof createApp>;
let user: string;
let admin: string;
const open: AbortController[] = [];

test.before(async () => {
  // One session opens a stream per test and keeps it to the end: more than STREAM_MAX_PER_SESSION.
  f = await fixture({ STREAM_MAX_PER_SESSION: '100', STREAM_MAX_PER_USER: '100' });
  bus = new EventBus();
  // Short windows for the test: the parts are built here, as the runtime does, and handed to the app.
  const live = appParts({ db: f.db, bus, persist: (...s) => f.writer.enqueue(...s), now: () => f.clock.t, hub: { flushMs: 60, seenFlushMs: 150, keepAliveMs: 250 } });
  (hub = live.parts.hub), (closeLive = live.close);
  app = createApp({ config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, ...live.parts });
  // Read (and cached for 10 s) by the first page: created up front.
  await f.db.execute({ sql: 'INSERT INTO groups (id, name, created_at, updated_at) VALUES (5, ?, ?, ?)', args: ['Viele', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'] });
  const t = f.clock.t;
  f.fleet.put({ uuid: UUID_A, description: 'Aula', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Bibliothek', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'user', password: 'correct horse battery' }) });
  user = /sid=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
  const res2 = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }) });
  admin = /sid=[^;]+/.exec(res2.headers.get('set-cookie')!)![0];
});
test.after(async () => {
  open.forEach((c) => c.abort());
  closeLive();
  await f.close();
});

/** Opens a stream and reads it into a growing text; `until(re)` waits for a match. */
const connect = (path: string, cookie: string, headers: Record<string, string> = {}) => connectStream(app, path, cookie, open, headers, 2000);

function setStatus(uuid: string, status: ClientStatus, connectivity: 'online' | 'offline', reasons: string[] = []) {
  const r = f.fleet.get(uuid)!;
  const previous = r.status;
  Object.assign(r, { status, connectivity, statusReasons: reasons });
  bus.emit({ type: 'client-changed', uuid });
  bus.emit({ type: 'client-status', uuid, status, previous, reasons, at: f.clock.t });
}

test('a current page is not resynced; a change swaps only that row, its group bar and the counters', async () => {
  const page = await (await app.request('/', { headers: { cookie: user } })).text();
  const url = /hx-sse:connect="([^"]+)"/.exec(page)![1].replace(/&amp;/g, '&');
  const c = await connect(url, user);
  await c.until(/: connected/);
  assert.not.match(c.s.text, /hx-partial/);
  c.take();
  setStatus(UUID_A, 'offline', 'offline', ['heartbeat_stale']);
  await c.until(/#c-11111111/);
  await new Promise((r) => setTimeout(r, 30));
  const msg = c.take();
  assert.match(msg, /<hx-partial hx-target="#c-11111111-1111-4111-8111-111111111111" hx-swap="outerHTML">/);
  assert.match(msg, /<li id="c-11111111[^"]*" class="client s-offline">/);
  assert.match(msg, /#fleet-counts/);
  assert.match(msg, /#g-none-bar/);
  assert.not.match(msg, /#groups/, 'no full re-render');
  assert.not.match(msg, /c-22222222/, 'untouched rows stay');
  assert.match(msg, /\nid: \d+\n/);
  c.close();
});

test('per-client coalescing: a burst of changes for one client becomes one row update per window', async () => {
  const c = await connect(`/live/overview?v=${hub.version}`, user);
  await c.until(/: connected/);
  c.take();
  for (let i = 0; i < 40; i++) setStatus(UUID_B, i % 2 ? 'warning' : 'healthy', 'online', i % 2 ? ['recent_errors'] : []);
  await new Promise((r) => setTimeout(r, 250));
  const rows = c.take().match(/hx-target="#c-22222222/g) ?? [];
  assert.ok(rows.length >= 1 && rows.length <= 3, `${rows.length} row updates for 40 changes`);
  c.close();
});

test('a stale or reconnecting browser is resynced with the current state', async () => {
  const c = await connect('/live/overview?v=0', user);
  await c.until(/#groups/);
  assert.match(c.s.text, /#fleet-counts/);
  assert.match(c.s.text, /#outage/);
  c.close();
  const r = await connect('/live/overview', user, { 'last-event-id': String(hub.version) });
  await r.until(/: connected/);
  assert.not.match(r.s.text, /#groups/);
  r.close();
});

test('filtered view: a client entering the selection re-renders its card; seen updates only shown rows', async () => {
  const c = await connect(`/live/overview?filter=offline&v=0`, user);
  await c.until(/#groups/);
  c.take();
  setStatus(UUID_B, 'offline', 'offline', ['heartbeat_stale']);
  await c.until(/hx-target="#g-none"/); // its card alone: the set of cards did not change
  assert.match(c.s.text, /c-22222222/);
  assert.not.match(c.s.text, /#groups/);
  c.take();
  setStatus(UUID_B, 'healthy', 'online');
  await c.until(/hx-target="#g-none"/);
  assert.not.match(c.s.text.split('hx-target="#g-none"')[1], /c-22222222/, 'left the offline selection');
  c.take();
  bus.emit({ type: 'client-seen', uuid: UUID_A, lastAlive: f.clock.t + 1000 }); // shown (offline filter)
  bus.emit({ type: 'client-seen', uuid: UUID_B, lastAlive: f.clock.t + 1000 }); // not shown
  await c.until(/#seen-11111111/);
  assert.not.match(c.s.text, /#seen-22222222/);
  c.close();
});

test('alerts become escaped toasts in the viewer language; the outage banner follows the alerts', async () => {
  const c = await connect(`/live/overview?v=${hub.version}`, user, { 'accept-language': 'de' });
  await c.until(/: connected/);
  bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'x went offline', uuid: UUID_A, at: 1 });
  bus.emit({ type: 'alert', kind: 'strange', severity: 'info', message: '<img src=x onerror=alert(1)>', at: 2 });
  bus.emit({ type: 'alert', kind: 'outage-suspected', severity: 'critical', message: 'outage', at: 3 });
  await c.until(/#outage/);
  await c.until(/Ausfall/);
  const text = c.take();
  assert.match(text, /hx-target="#toasts" hx-swap="beforeend"/);
  assert.match(text, /Aula ist offline/);
  assert.match(text, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.not.match(text, /<img src=x/);
  assert.ok(hub.outageSuspected);
  const page = await (await app.request('/', { headers: { cookie: user } })).text();
  assert.match(page, /banner-critical/);
  bus.emit({ type: 'alert', kind: 'outage-resolved', severity: 'info', message: 'ok', at: 4 });
  await c.until(/<div id="outage"><\/div>/);
  c.close();
});

test('monitoring stream: admin only; panels re-render when a client enters them, rows update in place', async () => {
  const denied = await app.request('/live/monitoring', { headers: { cookie: user } });
  assert.is(denied.status, 403);
  const c = await connect(`/live/monitoring?v=${hub.version}`, admin);
  await c.until(/: connected/);
  const r = f.fleet.get(UUID_B)!;
  Object.assign(r, { serviceStatus: 'failed', serviceFailedAt: f.clock.t, serviceFailedUnit: 'player.service' });
  setStatus(UUID_B, 'critical', 'online', ['service_failed']);
  await c.until(/#service-failed/);
  await c.until(/#m-22222222/);
  assert.match(c.s.text, /player\.service/);
  c.close();
});

test('client stream: its fragments on change, removal notice, command transitions as named events', async () => {
  assert.is((await app.request('/live/clients/44444444-4444-4444-8444-444444444444', { headers: { cookie: user } })).status, 404);
  f.fleet.put({ uuid: UUID_C, description: 'Eingang', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: f.clock.t });
  const c = await connect(`/live/clients/${UUID_C}?v=0`, user);
  await c.until(/#client-status/);
  c.take();
  setStatus(UUID_C, 'warning', 'online', ['event_mismatch']);
  bus.emit({ type: 'command', commandId: 'cmd-1', uuid: UUID_C, action: 'restart_app', from: 'queued', to: 'completed', at: 1 });
  bus.emit({ type: 'command', commandId: 'cmd-2', uuid: UUID_A, action: 'restart_app', from: 'queued', to: 'completed', at: 1 });
  await c.until(/event: command/);
  await c.until(/Shows the wrong content/);
  assert.match(c.s.text, /#client-head/);
  assert.match(c.s.text, /"commandId":"cmd-1"/);
  assert.not.match(c.s.text, /cmd-2/);
  c.take();
  bus.emit({ type: 'client-seen', uuid: UUID_C, lastAlive: f.clock.t + 5000 });
  await c.until(/hx-target="#client-seen"/);
  f.fleet.records.delete(UUID_C);
  bus.emit({ type: 'client-removed', uuid: UUID_C });
  await c.until(/was removed/);
  c.close();
});

test('/api/stream: JSON named events, current state on connect', async () => {
  const c = await connect('/api/stream', user);
  await c.until(/event: stats/);
  await c.until(/event: client-status\ndata: \{"uuid":"22222222/);
  c.take();
  setStatus(UUID_A, 'healthy', 'online');
  bus.emit({ type: 'client-seen', uuid: UUID_A, lastAlive: Date.parse('2026-03-02T10:00:05Z') });
  bus.emit({ type: 'command', commandId: 'cmd-3', uuid: UUID_A, action: 'reboot_host', from: 'published', to: 'acked', at: 1 });
  await c.until(/event: client-seen/);
  const text = c.s.text;
  assert.match(text, /event: client-status\ndata: \{"uuid":"11111111-1111-4111-8111-111111111111","status":"healthy","reasons":\[\]\}/);
  assert.match(text, /event: command\ndata: \{"commandId":"cmd-3","uuid":"11111111[^}]*"status":"acked"/);
  assert.match(text, /"lastAlive":"2026-03-02T10:00:05.000Z"/);
  c.close();
});

test('a card cut at its limit re-renders only when a hidden client sorts into it', async () => {
  const t = f.clock.t;
  const many = Array.from({ length: 60 }, (_, i) => `55555555-0000-4000-8000-${String(i).padStart(12, '0')}`);
  for (const uuid of many) f.fleet.put({ uuid, description: `Raum ${uuid.slice(-2)}`, groupId: 5, status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  const c = await connect(`/live/overview?group=&v=0`, user);
  await c.until(/#groups/);
  assert.match(c.s.text, /Alle 60|Show all 60/);
  c.take();
  const hidden = many[59]; // "Raum 59" sorts last among equals: beyond the 50 listed
  bus.emit({ type: 'client-changed', uuid: hidden }); // still healthy: nothing on this page moves
  await c.until(/#fleet-counts/);
  assert.not.match(c.take(), /#groups|c-55555555-0000-4000-8000-000000000059/);
  setStatus(hidden, 'critical', 'online', ['screen_black']);
  await c.until(/hx-target="#g-5"/); // that card alone
  assert.match(c.s.text, /c-55555555-0000-4000-8000-000000000059/);
  assert.not.match(c.s.text, /#groups|hx-target="#g-none"/, 'no other card');
  c.close();
  for (const uuid of many) f.fleet.records.delete(uuid);
});

test('keep-alive comments, and closing the hub (runtime shutdown) ends every stream', async () => {
  const c = await connect(`/live/overview?v=${hub.version}`, user);
  await c.until(/: keep-alive/, 1000);
  const j = await connect('/api/stream', user);
  await j.until(/event: stats/);
  closeLive();
  const end = Date.now() + 1000;
  while (!(c.s.done && j.s.done) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  assert.ok(c.s.done && j.s.done, 'streams ended');
  assert.is(bus.listenerCount, 0);
});

test('a browser that stops reading loses its backlog and gets one resync, not every missed batch', async () => {
  const slowBus = new EventBus();
  const slow = appParts({ db: f.db, bus: slowBus, persist: (...s) => f.writer.enqueue(...s), now: () => f.clock.t, hub: { flushMs: 1, seenFlushMs: 1000, keepAliveMs: 10_000 } });
  const slowHub = slow.parts.hub;
  const slowApp = createApp({ config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: slowBus, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, ...slow.parts });
  const ac = new AbortController();
  open.push(ac);
  const res = await slowApp.request('/api/stream', { headers: { cookie: user }, signal: ac.signal });
  // Nobody reads: every write waits, frames pile up until the backlog limit drops them.
  for (let i = 0; i < 300; i++) {
    slowBus.emit({ type: 'command', commandId: `flood-${i}`, uuid: UUID_A, action: 'restart_app', from: null, to: 'queued', at: i });
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(slowHub.version > 250, `batches delivered: ${slowHub.version}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const end = Date.now() + 2000;
  while (Date.now() < end && !/flood-299/.test(text) && !(text.match(/event: stats/g)?.length === 2)) {
    const r = await Promise.race([reader.read(), new Promise<null>((ok) => setTimeout(() => ok(null), 200))]);
    if (!r) break;
    if (r.done) break;
    text += decoder.decode(r.value, { stream: true });
  }
  const floods = text.match(/flood-\d+/g) ?? [];
  assert.ok(floods.length < 150, `${floods.length} stale frames delivered`);
  assert.is(text.match(/event: stats/g)?.length, 2, 'the initial state, then one resync');
  ac.abort();
  slow.close();
});

test.run();
