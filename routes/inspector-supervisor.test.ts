/**
 * The `supervisor` actor in the inspector over the real app, with a real Supervisor, command
 * registry and bulk runs: its own statechart (restore, outage), its story in the history, and what
 * it knows now (clients by state, commands in flight, failures isolated) on its page and in
 * `GET /api/inspector/actors/supervisor`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { createApp } from '../app.ts';
import { InspectionFeed } from '../actors/inspection/feed.ts';
import { registerMachines } from '../actors/inspection/setup.ts';
import { clientResolver } from '../actors/inspection/clients.ts';
import { supervisorReport } from '../actors/inspection/supervisor-report.ts';
import { Supervisor } from '../actors/supervisor.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';
import { fixture, json, type Fixture } from '../testing/route-fixture.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true); // the poisoned event below is logged as an error on purpose

const GRACE = 60_000;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let f: Fixture;
let app: ReturnType<typeof createApp>;
let feed: InspectionFeed;
let sup: Supervisor;
let clock: SimulatedClock;
let root: string;

test.before(async () => {
  f = await fixture();
  clock = new SimulatedClock();
  clock.set(f.clock.t);
  feed = new InspectionFeed({ now: () => clock.now() });
  registerMachines(feed);
  sup = new Supervisor({ clock, bus: f.bus, graceMs: GRACE, persist: () => {}, inspect: feed.inspect });
  // Four clients were online when the server stopped, one was offline.
  const records: ClientRecord[] = [1, 2, 3, 4].map((i) => ({ ...emptyRecord(uuid(i), clock.now()), discovered: true, connectivity: 'online' as const, lastAlive: clock.now(), processStatus: 'running' as const }));
  records.push({ ...emptyRecord(uuid(5), clock.now()), discovered: true, connectivity: 'offline' as const, lastAlive: clock.now() - 10 * GRACE });
  feed.setResolver(clientResolver(sup));
  sup.restore(records);
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, commands: f.commands,
    bulkRuns: f.bulkRuns, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, inspector: feed,
    supervisorReport: () => supervisorReport(sup, f.commands, f.bulkRuns), ...f.parts,
  });
  root = await f.login('superadmin');
});
test.after(async () => {
  sup?.stop();
  feed?.close();
  await f?.close();
});

const api = async (path: string, cookie = root) => {
  const res = await app.request(path, { headers: { cookie } });
  return { status: res.status, body: res.status === 200 ? await res.json() : null };
};

test('a restored client gets its actor on first use: opening it in the inspector is one', async () => {
  const listed = await api('/api/inspector/actors?machine=client');
  assert.is(listed.body.total, 0, 'no client actor created by the restore itself');
  const r = await api(`/api/inspector/actors/client:${uuid(5)}`);
  assert.is(r.status, 200);
  assert.equal(r.body.actor.states.filter((s: string) => s.startsWith('connectivity')), ['connectivity.offline']);
  assert.is((await api('/api/inspector/actors/client:00000000-0000-4000-8000-999999999999')).status, 404);
});

test('after the restore: state lifecycle.supervising, the restored count, clients by status and region', async () => {
  const r = await api('/api/inspector/actors/supervisor');
  assert.is(r.status, 200);
  assert.is(r.body.actor.machine, 'supervisor');
  assert.equal(r.body.actor.states, ['lifecycle.supervising', 'fleet.normal']);
  const rep = r.body.report;
  assert.equal([rep.restore.clients, rep.clients.total, rep.clients.online], [5, 5, 4]);
  assert.is(rep.clients.byStatus.offline, 1);
  assert.is(rep.clients.byRegion.connectivity.online, 4);
  assert.is(rep.clients.byRegion.process.running, 4);
  assert.equal([rep.outage.suspected, rep.failures.isolated, rep.commands.inFlight, rep.bulkRuns.running], [false, 0, 0, 0]);
  assert.ok(r.body.history.some((h: { event: string }) => h.event === 'RESTORED'));
  const list = await api('/api/inspector/actors?machine=supervisor');
  assert.is(list.body.total, 1);
  assert.is(list.body.actors[0].id, 'supervisor');
  assert.is((await api('/api/inspector/actors/supervisor', await f.login('admin'))).status, 403);
});

test('an isolated failure, an outage and commands in flight show up in the API and on the page', async () => {
  const poisoned = { type: 'HEARTBEAT', get at(): number { throw new Error('boom'); } } as any;
  sup.send(uuid(1), poisoned);
  f.fleet.put({ uuid: uuid(9), groupId: null, status: 'healthy' });
  const issued = await app.request(`/api/clients/${uuid(9)}/restart_app`, json('POST', { reason: 'x' }, await f.login('admin')));
  assert.is(issued.status, 202);
  clock.increment(GRACE + 1000); // the whole restored fleet goes silent: an outage, not four device problems
  const rep = (await api('/api/inspector/actors/supervisor')).body;
  assert.equal(rep.actor.states, ['lifecycle.supervising', 'fleet.outageSuspected']);
  assert.equal([rep.report.outage.suspected, rep.report.outage.count, rep.report.failures.isolated], [true, 1, 1]);
  assert.is(rep.report.failures.last.uuid, uuid(1));
  assert.is(rep.report.failures.last.error, 'boom');
  assert.ok(rep.report.outage.since);
  assert.is(rep.report.commands.inFlight, 1);
  assert.equal(rep.report.commands.byStatus, { published: 1 });

  const page = await app.request('/inspector/supervisor', { headers: { cookie: root } });
  assert.is(page.status, 200);
  const html = await page.text();
  assert.match(html, /id="supervisor-report"/);
  assert.match(html, /Commands in flight: 1/);
  assert.match(html, /Failures isolated \(actors recreated\): 1/);
  assert.match(html, /Outage suspected since/);
  assert.match(html, /state=connectivity\.offline"><code>offline<\/code><\/a> 5/, 'region counts from the actors, each a filter link');
  assert.match(html, /Start-up restore: 5 client actors in \d+ ms/);
  assert.match(html, /data-state="supervisor\.fleet\.outageSuspected"/, 'the statechart draws the supervisor machine');
  const other = await (await app.request(`/inspector/client:${uuid(2)}`, { headers: { cookie: root } })).text();
  assert.not.match(other, /id="supervisor-report"/);
});

test.run();
