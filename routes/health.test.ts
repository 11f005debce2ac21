/**
 * `GET /health` and `/api/status` while the store refuses writes (docs/reliability.md "Storage faults"):
 * a real libSQL file switched to `PRAGMA query_only=1` under the real BatchedWriter, so SQLite itself
 * refuses every write. The database still answers reads, but `db.ok` must say false, with the reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { insertAlertStatement } from '../db/alerts.ts';
import { fixture, json, PASSWORD, type Fixture } from '../testing/route-fixture.ts';
import { restoreCheck } from './health-ready.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let admin: string;
const broker = { connected: true };
let restoredAt: number | null = null;

test.before(async () => {
  f = await fixture();
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots,
    brokerStatus: () => broker, storeStatus: () => f.writer.storeStatus(), now: () => f.clock.t, ...f.parts,
    readiness: [restoreCheck(() => restoredAt)],
  });
  const login = await app.request('/api/auth/login', json('POST', { username: 'admin', password: PASSWORD }));
  admin = /sid=[^;]*/.exec(login.headers.get('set-cookie') ?? '')![0];
});
test.after(async () => {
  await f.db.execute('PRAGMA query_only=0');
  await f.close();
});

const health = async () => (await app.request('/health')).json();

const ready = async () => {
  const res = await app.request('/health/ready');
  return { status: res.status, body: await res.json(), cache: res.headers.get('cache-control') };
};

test('/health/ready: 503 naming the restore while actors are not restored; then 200 with every check ok', async () => {
  const before = await ready();
  assert.is(before.status, 503);
  assert.equal([before.body.status, before.body.failing], ['not ready', ['restore']]);
  assert.equal(before.body.checks.restore, { ok: false, reason: 'client actors are still being restored' });
  assert.is(before.cache, 'no-store');
  restoredAt = f.clock.t;
  const after = await ready();
  assert.is(after.status, 200);
  assert.equal(after.body, { status: 'ready', failing: [], checks: { database: { ok: true }, broker: { ok: true }, restore: { ok: true } } });
});

test('/health/ready: 503 with the broker check failing while disconnected; /health/live stays 200', async () => {
  broker.connected = false;
  try {
    const r = await ready();
    assert.is(r.status, 503);
    assert.equal(r.body.failing, ['broker']);
    assert.equal(r.body.checks.broker, { ok: false, reason: 'not connected to the MQTT broker' });
    const live = await app.request('/health/live');
    assert.is(live.status, 200);
    assert.is((await live.json()).status, 'live');
    assert.is((await app.request('/health')).status, 200, '/health is unchanged: degraded, still 200');
  } finally {
    broker.connected = true;
  }
});

test('a healthy store: db.ok, readable and writable', async () => {
  const body = await health();
  assert.is(body.status, 'ok');
  assert.equal([body.db.ok, body.db.readable, body.db.writable, body.db.reason], [true, true, true, null]);
});

test('the store refuses writes: db.ok is false with the reason, reads still answer', async () => {
  await f.db.execute('PRAGMA query_only=1');
  f.writer.enqueue(insertAlertStatement({
    id: 'x1', kind: 'client-offline', severity: 'warning', message: 'm', clientUuid: null, commandId: null, params: {},
    count: 1, firstAt: f.clock.t, lastAt: f.clock.t, acknowledgedAt: null, acknowledgedBy: null,
  }));
  await f.writer.flush(true).catch(() => {}); // the flush hits SQLITE_READONLY and keeps the statement
  const res = await app.request('/health');
  assert.is(res.status, 200, 'the database still answers');
  const body = await res.json();
  assert.is(body.status, 'degraded');
  assert.equal([body.db.ok, body.db.readable, body.db.writable], [false, true, false]);
  assert.match(body.db.reason, /READONLY/);
  assert.is(body.db.pendingStatements, 1);
  const status = await (await app.request('/api/status', { headers: { cookie: admin } })).json();
  assert.equal(status.system.database.ok, false, '/api/status says the same');
  assert.match(status.system.database.reason, /READONLY/);
  const r = await ready();
  assert.is(r.status, 503, 'a store refusing writes is not ready');
  assert.equal(r.body.failing, ['database']);
  assert.match(r.body.checks.database.reason, /READONLY/);
  assert.is((await app.request('/health/live')).status, 200);
});

test('/health/ready: a database that does not answer fails the database check; live stays 200', async () => {
  const res = await createApp({
    config: f.config, db: { execute: () => Promise.reject(new Error('closed')) } as never, writer: f.writer, fleet: f.fleet,
    screenshots: f.screenshots, brokerStatus: () => ({ connected: true }), now: () => f.clock.t,
  }).request('/health/ready');
  assert.is(res.status, 503);
  const body = await res.json();
  assert.equal([body.failing, body.checks.database.reason], [['database'], 'the database does not answer']);
});

test.run();
