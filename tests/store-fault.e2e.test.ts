/**
 * The store fails under a running server (docs/reliability.md "Storage faults"): the runtime's own
 * libSQL connection is switched to `PRAGMA query_only=1`, so SQLite refuses every write with
 * SQLITE_READONLY, as a read-only remounted disk would (root ignores chmod, so that fault cannot be
 * staged here). Devices keep publishing QoS 1 logs over the embedded broker meanwhile. Required:
 * /health says degraded, a login answers 503 (JSON and dashboard form) instead of handing out an
 * unstored session, and after recovery every acknowledged log row is in the database.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { UUID, examples } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import { ADMIN_PASSWORD, device, embeddedTarget, guardedSetup, jsonInit, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const s = suite('store fault end to end (embedded broker, real libSQL file)');
let tmp: TempDir | undefined;
let h: Harness;
let dev: MqttClient;

guardedSetup(s, async () => {
  tmp = tempDir('infoscreen-e2e-store-fault-');
  h = await startHarness(tmp.dir, embeddedTarget(), { MQTT_PUBLISH_RATE: '100000', MQTT_PUBLISH_BURST: '100000' });
  dev = await device(h.url);
});
s.after(async () => {
  await dev?.endAsync().catch(() => {});
  await h?.close();
  tmp?.remove();
});

const health = async () => (await (await h.rt.app.request('/health')).json()) as any;
const stored = async () => Number((await h.rt.db.execute({ sql: 'SELECT COUNT(*) AS n FROM client_logs WHERE client_uuid = ?', args: [UUID] })).rows[0].n);
const publishLogs = (from: number, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => dev.publishAsync(topics.log(UUID, 'INFO'), JSON.stringify({ ...examples.log, message: `row ${from + i}` }), { qos: 1 })));

s('logs acknowledged during the outage are kept and written after it; /health and login tell the truth', async () => {
  await publishLogs(0, 200);
  await waitFor(async () => (await stored()) === 200, '200 rows before the fault');
  assert.is((await health()).status, 'ok');

  for (const c of [h.rt.db, h.rt.writerDb]) await c.execute('PRAGMA query_only=1'); // the writer's connection too (its own thread)
  const during = publishLogs(200, 300); // acknowledged after the durability wait times out (the store fails)
  const degraded = await waitFor(async () => {
    const b = await health();
    return b.status === 'degraded' && b.db.writable === false && b.db.pendingLogRows > 0 ? b : null;
  }, '/health degraded', 5000);
  assert.match(degraded.db.reason, /READONLY/);
  assert.is(degraded.db.droppedLogRows, 0);

  const api = await h.rt.app.request('/api/auth/login', jsonInit('POST', { username: 'superadmin', password: ADMIN_PASSWORD }));
  assert.is(api.status, 503);
  assert.match(((await api.json()) as { error: string }).error, /storage unavailable/);
  assert.not.ok(api.headers.get('set-cookie'), 'no session cookie for an unstored session');
  const form = await h.rt.app.request('http://localhost/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    body: new URLSearchParams({ username: 'superadmin', password: ADMIN_PASSWORD }).toString(),
  });
  assert.is(form.status, 503);
  assert.match(await form.text(), /cannot store changes right now/);
  const cmd = await h.rt.app.request(`/api/clients/${UUID}/restart`, jsonInit('POST', {}, h.cookie));
  assert.is(cmd.status, 503, 'issuing a command needs a durable write too');
  const status = await h.rt.app.request('/api/status', { headers: { cookie: h.cookie } });
  assert.is(status.status, 200, 'reading the status still works while writes fail');
  const st = (await status.json()) as { status: string; system: { database: { writable: boolean } } };
  assert.equal([st.status, st.system.database.writable], ['degraded', false]);
  for (const path of ['/api/commands', '/api/alerts', `/api/clients/${UUID}/commands`, '/commands', '/alerts']) {
    const read = await h.rt.app.request(path, { headers: { cookie: h.cookie } });
    assert.is(read.status, 200, `${path}: reads keep working while writes fail`);
  }

  await during; // every one of these was PUBACKed
  for (const c of [h.rt.db, h.rt.writerDb]) await c.execute('PRAGMA query_only=0'); // the writer's connection too (its own thread)
  await waitFor(async () => (await health()).status === 'ok', '/health ok again', 10_000);
  await waitFor(async () => (await stored()) === 500, 'all 500 acknowledged rows stored', 10_000);
  const rows = await h.rt.db.execute({ sql: 'SELECT message FROM client_logs WHERE client_uuid = ? ORDER BY id', args: [UUID] });
  assert.equal(rows.rows.map((r) => r.message), Array.from({ length: 500 }, (_, i) => `row ${i}`), 'in order');
  const login = await h.rt.app.request('/api/auth/login', jsonInit('POST', { username: 'superadmin', password: ADMIN_PASSWORD }));
  assert.is(login.status, 200);
});

s.run();
