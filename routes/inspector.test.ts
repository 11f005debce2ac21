import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, createActor, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import { createApp } from '../app.ts';
import { InspectionFeed } from '../actors/inspection/feed.ts';
import { registerMachines } from '../actors/inspection/setup.ts';
import { Supervisor } from '../actors/supervisor.ts';
import { fixture, type Fixture, UUID_A, UUID_B } from '../testing/route-fixture.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let feed: InspectionFeed;
let sup: Supervisor;
let door: AnyActorRef;
const cookies: Record<string, string> = {};

/** Defined only here: the inspector must pick it up from the feed alone. */
const doorMachine = setup({ types: { context: {} as { opened: number } } }).createMachine({
  id: 'door',
  context: { opened: 0 },
  initial: 'closed',
  states: {
    closed: { on: { OPEN: { target: 'open', actions: assign({ opened: ({ context }) => context.opened + 1 }) } } },
    open: { on: { CLOSE: 'closed' } },
  },
});

test.before(async () => {
  f = await fixture();
  const clock = new SimulatedClock();
  clock.set(f.clock.t);
  feed = new InspectionFeed({ now: () => clock.now() });
  registerMachines(feed);
  sup = new Supervisor({ clock, bus: f.bus, graceMs: 60_000, persist: () => {}, inspect: feed.inspect });
  sup.send(UUID_A, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  sup.send(UUID_B, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  sup.send(UUID_B, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'crashed' });
  door = createActor(doorMachine, { id: 'door:front', clock, inspect: feed.inspect }).start();
  door.send({ type: 'OPEN' });
  door.send({ type: 'CLOSE' });
  door.send({ type: 'OPEN' });
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus,
    brokerStatus: () => ({ connected: true }), now: () => f.clock.t, inspector: feed, ...f.parts,
  });
  for (const role of ['user', 'editor', 'admin', 'superadmin']) cookies[role] = await f.login(role);
});

test.after(async () => {
  door?.stop();
  sup?.stop();
  feed?.close();
  await f?.close();
});

const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });

/** Answers the status, then drops the body (SSE streams never end by themselves). */
async function statusOf(path: string, cookie?: string, headers: Record<string, string> = {}) {
  const res = await get(path, cookie, headers);
  await res.body?.cancel();
  return res;
}

const CLIENT_B = `client:${UUID_B}`;
const API = ['/api/inspector/actors', `/api/inspector/actors/${CLIENT_B}`, '/api/inspector/machines', '/api/inspector/machines/client'];
const PAGES = ['/inspector', `/inspector/${CLIENT_B}`, `/inspector/${CLIENT_B}/at/1`, '/live/inspector', `/live/inspector/${CLIENT_B}`];

test('role gating: JSON answers 401/403 below superadmin', async () => {
  for (const path of API) {
    assert.is((await statusOf(path)).status, 401, `${path} anonymous`);
    for (const role of ['user', 'editor', 'admin']) assert.is((await statusOf(path, cookies[role])).status, 403, `${path} as ${role}`);
    assert.is((await statusOf(path, cookies.superadmin)).status, 200, `${path} as superadmin`);
  }
});

test('role gating: pages, fragments and streams redirect anonymous users and refuse admins', async () => {
  for (const path of PAGES) {
    const anon = await statusOf(path);
    assert.is(anon.status, 303, `${path} anonymous → login`);
    assert.match(anon.headers.get('location') ?? '', /^\/login/);
    assert.is((await statusOf(path, undefined, { 'hx-request': 'true' })).status, 401, `${path} anonymous htmx`);
    for (const role of ['user', 'admin']) assert.is((await statusOf(path, cookies[role], { 'hx-request': 'true' })).status, 403, `${path} as ${role}`);
    const ok = await statusOf(path, cookies.superadmin, { 'hx-request': 'true' });
    assert.is(ok.status, 200, `${path} as superadmin`);
  }
  const stream = await statusOf(`/live/inspector/${CLIENT_B}`, cookies.superadmin);
  assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
});

test('API: list with counts and filters, one actor with its history, a machine with definition and SVG', async () => {
  const list = await (await get('/api/inspector/actors?machine=client&state=process.crashed', cookies.superadmin)).json();
  assert.equal(list.actors.map((a: { id: string }) => a.id), [CLIENT_B]);
  assert.ok(list.counts.some((c: { machineId: string; total: number }) => c.machineId === 'client' && c.total === 2));
  assert.ok(list.counts.some((c: { machineId: string }) => c.machineId === 'command'), 'registered machines are listed before any actor');
  const bad = await get('/api/inspector/actors?limit=0', cookies.superadmin);
  assert.is(bad.status, 400);

  const one = await (await get(`/api/inspector/actors/${CLIENT_B}`, cookies.superadmin)).json();
  assert.ok(one.actor.states.includes('process.crashed'));
  assert.is(one.context.uuid ?? UUID_B, UUID_B);
  assert.is(one.history[0].event, 'HEARTBEAT');
  assert.ok(one.history[0].entered.includes('process.crashed'), 'newest row first');
  assert.is((await get('/api/inspector/actors/client:nope', cookies.superadmin)).status, 404);

  const machine = await (await get('/api/inspector/machines/door', cookies.superadmin)).json();
  assert.is(machine.id, 'door');
  assert.is(machine.definition.initial, 'closed');
  assert.match(machine.svg, /data-state="door.open"/);
  assert.match(machine.svg, /data-transition="door.closed\|OPEN\|0"/);
  assert.is((await get('/api/inspector/machines/nope', cookies.superadmin)).status, 404);
});

test('pages: the list filters by state and searches by uuid; the actor page highlights its state', async () => {
  const listed = await (await get('/inspector?machine=client&state=process.crashed', cookies.superadmin)).text();
  assert.match(listed, new RegExp(`id="a-${CLIENT_B}"`));
  assert.not.match(listed, new RegExp(`id="a-client:${UUID_A}"`));
  const searched = await (await get(`/inspector?q=${UUID_A.slice(0, 13)}`, cookies.superadmin)).text();
  assert.match(searched, new RegExp(`id="a-client:${UUID_A}"`));
  assert.not.match(searched, new RegExp(`id="a-${CLIENT_B}"`));

  const page = await (await get(`/inspector/${CLIENT_B}`, cookies.superadmin)).text();
  assert.match(page, /<g class="st st-atomic is-active" id="s:client.process.crashed"/);
  assert.match(page, /id="inspector-history"/);
  assert.match(page, /hx-sse:connect="\/live\/inspector\/client:[^"]*\?after=\d+"/);
  assert.match(page, /&quot;id&quot;: &quot;client&quot;/, 'the machine JSON, escaped');
  assert.is((await get('/inspector/client:nope', cookies.superadmin)).status, 404);
});

test('toasts: the inspector pages open /live/toasts beside their own stream (which carries no toasts)', async () => {
  for (const path of ['/inspector', `/inspector/${CLIENT_B}`]) {
    const html = await (await get(path, cookies.superadmin)).text();
    assert.match(html, /hx-sse:connect="\/live\/inspector/, path);
    assert.match(html, /<div id="live-toasts" class="live" hx-sse:connect="\/live\/toasts"/, path);
  }
  // A page whose own stream brings the toasts opens no second one.
  assert.not.match(await (await get('/', cookies.superadmin)).text(), /\/live\/toasts/);
});

test('time travel: a past row shows the older context and state, as a page and as a fragment', async () => {
  const a = feed.get('door:front')!;
  assert.equal(a.context, { opened: 2 });
  const afterFirstOpen = a.history.find((r) => r.to === 'open')!;
  const page = await (await get(`/inspector/door:front?at=${afterFirstOpen.seq}`, cookies.superadmin)).text();
  assert.match(page, /class="state-panel state-past" data-active="door door.open"/);
  assert.match(page, /&quot;opened&quot;: 1/, 'the context as it was');
  assert.match(page, /<g class="st st-atomic is-active" id="s:door.open"/, 'the diagram as it was');
  const frag = await get(`/inspector/door:front/at/${afterFirstOpen.seq}`, cookies.superadmin, { 'hx-request': 'true' });
  const html = await frag.text();
  assert.match(html, /&quot;opened&quot;: 1/);
  assert.not.match(html, /<html/);
  const gone = await get('/inspector/door:front/at/999', cookies.superadmin, { 'hx-request': 'true' });
  assert.is(gone.status, 404);
});

test.run();
