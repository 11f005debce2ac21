/** `GET /api/alerts` and `GET /api/status` against the real app and a real libSQL database. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, PASSWORD, UUID_A, UUID_B, type Fixture } from '../testing/route-fixture.ts';
import { ackAlertsStatement, insertAlertStatement, type AlertRow, type Severity } from '../db/alerts.ts';
import { createApp } from '../app.ts';

let f: Fixture;
let admin: string;
const T0 = Date.parse('2026-03-02T09:00:00Z');

const alert = (n: number, over: Partial<AlertRow> = {}): AlertRow => ({
  id: `a${String(n).padStart(2, '0')}`,
  kind: 'client-offline',
  severity: 'warning' as Severity,
  message: `alert ${n}`,
  clientUuid: UUID_A,
  commandId: null,
  params: {},
  count: 1,
  firstAt: T0 + n * 60_000,
  lastAt: T0 + n * 60_000,
  acknowledgedAt: null,
  acknowledgedBy: null,
  ...over,
});

test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
  f.fleet.put({ uuid: UUID_A, description: 'Lobby screen', status: 'healthy', connectivity: 'online' }, f.clock.t);
  f.fleet.put({ uuid: UUID_B, description: 'Gym', status: 'offline', connectivity: 'offline' }, f.clock.t);
  // 25 alerts for A (minute n), one critical service failure for B, the first three acknowledged.
  for (let n = 1; n <= 25; n++) f.writer.enqueue(insertAlertStatement(alert(n)));
  f.writer.enqueue(insertAlertStatement(alert(30, { kind: 'service-failed', severity: 'critical', clientUuid: UUID_B })));
  await f.writer.write(ackAlertsStatement(['a01', 'a02', 'a03'], f.ids.admin, T0 + 40 * 60_000));
});
test.after(async () => {
  await f.close();
});

const get = async (path: string, cookie = admin) => {
  const res = await f.app.request(path, { headers: { cookie } });
  return { status: res.status, body: await res.json() };
};

test('roles: admin+ for both; anonymous 401, user and editor 403', async () => {
  for (const path of ['/api/alerts', '/api/status']) {
    assert.is((await f.app.request(path)).status, 401, path);
    for (const who of ['user', 'editor']) assert.is((await get(path, await f.login(who))).status, 403, `${who} ${path}`);
    assert.is((await get(path, await f.login('superadmin'))).status, 200, path);
  }
});

test('alerts: newest first, 20 by default, total/open figures, client names from the fleet', async () => {
  const { status, body } = await get('/api/alerts');
  assert.is(status, 200);
  assert.is(body.alerts.length, 20);
  assert.equal([body.total, body.open, body.limit, body.offset], [26, 23, 20, 0]);
  assert.equal(body.alerts.slice(0, 2).map((a: { id: string }) => a.id), ['a30', 'a25']);
  const first = body.alerts[0];
  assert.equal(Object.keys(first).sort(), [
    'acknowledgedAt', 'acknowledgedBy', 'clientName', 'clientUuid', 'commandId', 'count', 'firstAt', 'id', 'kind', 'lastAt', 'message', 'params', 'severity',
  ]);
  assert.equal([first.clientName, first.severity, first.lastAt], ['Gym', 'critical', new Date(T0 + 30 * 60_000).toISOString()]);
});

test('alerts filters: status, client, kind, severity, since, limit and offset', async () => {
  const ids = async (q: string) => (await get('/api/alerts?' + q)).body.alerts.map((a: { id: string }) => a.id);
  assert.equal(await ids('status=acknowledged'), ['a03', 'a02', 'a01']);
  const acked = (await get('/api/alerts?status=acknowledged&limit=1')).body.alerts[0];
  assert.equal([acked.acknowledgedBy, acked.acknowledgedAt], [f.ids.admin, new Date(T0 + 40 * 60_000).toISOString()]);
  assert.is((await get('/api/alerts?status=open&limit=500')).body.alerts.length, 23);
  assert.equal(await ids(`client=${UUID_B}`), ['a30']);
  assert.equal(await ids(`client=${UUID_B.toUpperCase()}`), ['a30'], 'a UUID in any case');
  assert.equal(await ids('severity=critical'), ['a30']);
  assert.equal(await ids('kind=service-failed'), ['a30']);
  assert.equal(await ids(`since=${encodeURIComponent(new Date(T0 + 24 * 60_000).toISOString())}`), ['a30', 'a25', 'a24']);
  assert.equal(await ids('limit=2&offset=1'), ['a25', 'a24']);
  const filtered = (await get(`/api/alerts?status=open&client=${UUID_A}`)).body;
  assert.is(filtered.total, 22, 'total counts the filtered set');
});

test('alerts: bad filters answer 400 naming each field', async () => {
  const { status, body } = await get('/api/alerts?status=closed&client=not-a-uuid&severity=huge&limit=0&since=yesterday');
  assert.is(status, 400);
  assert.equal([...new Set(body.issues.map((i: { path: string }) => i.path))].sort(), ['client', 'limit', 'severity', 'since', 'status']);
});

test('status: fleet counts, system health, open alerts and the 5 newest, uptime', async () => {
  f.clock.t += 3_725_000; // 1 h 2 min 5 s after the app was made
  const { status, body } = await get('/api/status', await f.login('admin'));
  assert.is(status, 200);
  assert.is(body.timestamp, new Date(f.clock.t).toISOString());
  assert.is(body.status, 'ok');
  assert.equal([body.uptimeSeconds, body.uptime], [3725, '1h 2m']);
  assert.equal(body.clients, { total: 2, online: 1, healthy: 1, warning: 0, critical: 0, offline: 1, outageSuspected: false });
  assert.equal(body.reasons, [], 'one of two screens offline is not most of the fleet');
  assert.equal(body.recentEvents, [], 'no recent-events source in this app');
  assert.equal(body.system, { database: { ok: true }, broker: { connected: true }, actors: { clients: 2, commands: 0 } });
  assert.is(body.metrics, null, 'no metrics source in this app');
  assert.equal(body.alerts, { open: 23 });
  assert.equal(body.recentAlerts.map((a: { id: string }) => a.id), ['a30', 'a25', 'a24', 'a23', 'a22']);
});

test('status: degraded without the broker, still 200', async () => {
  const app = createApp({ config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, brokerStatus: () => ({ connected: false }), now: () => f.clock.t, ...f.parts });
  const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const cookie = /sid=[^;]*/.exec(login.headers.get('set-cookie') ?? '')![0];
  const res = await app.request('/api/status', { headers: { cookie } });
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal([body.status, body.system.broker.connected], ['degraded', false]);
});

test.run();
