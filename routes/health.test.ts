/**
 * `GET /health` and `/api/status` while the store refuses writes (docs/reliability.md "Storage faults"):
 * a real libSQL file switched to `PRAGMA query_only=1` under the real BatchedWriter, so SQLite itself
 * refuses every write. The database still answers reads, but `db.ok` must say false, with the reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { insertAlertStatement } from '../db/alerts.ts';
import { fixture, json, PASSWORD, type Fixture } from './test-helpers.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let admin: string;

test.before(async () => {
  f = await fixture();
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots,
    brokerStatus: () => ({ connected: true }), storeStatus: () => f.writer.storeStatus(), now: () => f.clock.t, ...f.parts,
  });
  const login = await app.request('/api/auth/login', json('POST', { username: 'admin', password: PASSWORD }));
  admin = /sid=[^;]*/.exec(login.headers.get('set-cookie') ?? '')![0];
});
test.after(async () => {
  await f.db.execute('PRAGMA query_only=0');
  await f.close();
});

const health = async () => (await app.request('/health')).json();

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
});

test.run();
