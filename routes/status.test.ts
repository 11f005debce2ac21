/**
 * `GET /api/status` reflects the fleet (docs/users.md "GET /api/status"): the real Supervisor + Fleet on
 * a simulated clock; the whole fleet goes silent, the supervisor suspects an outage, and the status
 * turns `degraded` with its reasons and the recent events that led there. Plus the rule itself.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { RecentEvents } from '../lib/recent-events.ts';
import { fleetStatus } from './status.ts';
import { realFleetFixture, type RealFleetFixture } from '../testing/real-fleet.ts';

let f: RealFleetFixture;
let recent: RecentEvents;
let app: ReturnType<typeof createApp>;
let admin: string;
const uuid = (n: number) => `5a7a0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test.before(async () => {
  f = await realFleetFixture();
  recent = new RecentEvents(f.bus);
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, commands: f.commands,
    brokerStatus: () => ({ connected: true }), recentEvents: recent, now: () => f.clock.t, ...f.parts,
  });
  const t = f.commandClock.now();
  await f.seed(...[1, 2, 3, 4].map((n) => ({ uuid: uuid(n), lastAlive: t - 1000 })));
  admin = await f.login('admin');
});
test.after(async () => {
  recent.close();
  await f.close();
});

const status = async () => (await app.request('/api/status', { headers: { cookie: admin } })).json();

test('an online fleet: ok, no reasons', async () => {
  const body = await status();
  assert.equal([body.status, body.reasons, body.clients.online, body.clients.outageSuspected], ['ok', [], 4, false]);
});

test('the whole fleet goes silent: degraded, outage suspected, most screens offline, with the recent events', async () => {
  f.commandClock.increment(f.config.heartbeatGraceSeconds * 1000 + 1000); // every grace timer fires
  const body = await status();
  assert.is(body.clients.offline, 4);
  assert.is(body.clients.outageSuspected, true);
  assert.is(body.status, 'degraded');
  assert.equal(body.reasons, ['outage_suspected', 'most_screens_offline']);
  const offline = body.recentEvents.filter((e: { type: string; status?: string }) => e.type === 'client-status' && e.status === 'offline');
  assert.equal(offline.map((e: { clientUuid: string }) => e.clientUuid).sort(), [1, 2, 3, 4].map(uuid));
  const outage = body.recentEvents.find((e: { kind?: string }) => e.kind === 'outage-suspected');
  assert.ok(outage, 'the outage alert is among the recent events');
  const times = body.recentEvents.map((e: { at: string }) => Date.parse(e.at));
  assert.equal(times, [...times].sort((a: number, b: number) => b - a), 'newest first');
  assert.match(outage.at, /Z$/);
});

test('the rule: error without the database; degraded for each reason; more than half offline', () => {
  const base = { dbOk: true, brokerConnected: true, storeWritable: true, outageSuspected: false, activeScreens: 17, offlineScreens: 0 };
  assert.equal(fleetStatus(base), { status: 'ok', reasons: [] });
  assert.equal(fleetStatus({ ...base, offlineScreens: 17 }), { status: 'degraded', reasons: ['most_screens_offline'] });
  assert.equal(fleetStatus({ ...base, offlineScreens: 8 }).status, 'ok', '8 of 17 is not most');
  assert.equal(fleetStatus({ ...base, activeScreens: 2, offlineScreens: 1 }).status, 'ok', 'half is not more than half');
  assert.equal(fleetStatus({ ...base, activeScreens: 0 }).status, 'ok', 'an empty fleet');
  assert.equal(fleetStatus({ ...base, storeWritable: false, brokerConnected: false }).reasons, ['broker_disconnected', 'store_refusing_writes']);
  assert.equal(fleetStatus({ ...base, dbOk: false }), { status: 'error', reasons: ['database_unavailable'] });
});

test.run();
