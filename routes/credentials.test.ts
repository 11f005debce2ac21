import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { Provisioning } from '../broker/provisioning.ts';
import { brokerOverview } from '../broker/overview.ts';
import { DropCounter } from '../broker/drops.ts';
import { listAudit } from '../db/audit.ts';
import { getCredential, listCredentials } from '../db/credentials.ts';
import { verifyBrokerPassword } from '../broker/password-hash.ts';
import { fixture, json, UUID_A, type Fixture } from '../testing/route-fixture.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let admin: string;
const cookies: Record<string, string> = {};
const TWIN = UUID_A.slice(0, 8) + '-9999-4999-8999-999999999999';
const changed: string[] = [];

test.before(async () => {
  f = await fixture();
  const provisioning = new Provisioning({
    db: f.db,
    writer: f.writer,
    now: () => f.clock.t,
    ensureClient: (uuid) => void f.fleet.put({ uuid }),
    onChanged: (uuid, change) => void changed.push(`${change} ${uuid}`),
  });
  const drops = new DropCounter();
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots,
    brokerStatus: () => ({ connected: true }), now: () => f.clock.t, provisioning, ...f.parts,
    brokerOverview: async (q) => brokerOverview({
      mode: 'external', url: 'mqtt://broker:1883', anonymousAllowed: null, listeners: null,
      limits: { publishRate: 20, publishBurst: 1000, maxPayloadBytes: 1 }, serverConnected: true, security: null, drops,
      mosquitto: null, credentials: await listCredentials(f.db), now: f.clock.t,
    }, q),
  });
  for (const role of ['user', 'editor', 'admin', 'superadmin']) cookies[role] = await f.login(role);
  admin = cookies.admin;
});
test.after(() => f.close());

test('POST creates (201) the client and its account; the password verifies against the stored hash only', async () => {
  assert.not.ok(f.fleet.get(UUID_A));
  const res = await app.request(`/api/clients/${UUID_A}/credentials`, json('POST', undefined, admin));
  assert.is(res.status, 201);
  assert.is(res.headers.get('cache-control'), 'no-store');
  const body = await res.json();
  assert.equal(Object.keys(body).sort(), ['password', 'username']);
  assert.is(body.username, `infoscreen-client-${UUID_A.slice(0, 8)}`);
  assert.ok(body.password.length >= 24);
  assert.ok(f.fleet.get(UUID_A), 'client record created');
  assert.ok(await verifyBrokerPassword(body.password, (await getCredential(f.db, UUID_A))!.passwordHash!));
  const again = await app.request(`/api/clients/${UUID_A}/credentials`, json('POST', undefined, admin));
  assert.is(again.status, 200, 'rotation');
  assert.is.not((await again.json()).password, body.password);
  assert.equal(changed, [`create ${UUID_A}`, `rotate ${UUID_A}`]);
});

test('GET shows the state without any secret; DELETE revokes (404 when nothing is active)', async () => {
  const s = await (await app.request(`/api/clients/${UUID_A}/credentials`, { headers: { cookie: admin } })).json();
  assert.equal(Object.keys(s).sort(), ['active', 'created_at', 'revoked_at', 'rotated_at', 'username', 'uuid']);
  assert.is(s.active, true);
  assert.is((await app.request(`/api/clients/${UUID_A}/credentials`, json('DELETE', undefined, admin))).status, 200);
  assert.is((await app.request(`/api/clients/${UUID_A}/credentials`, json('DELETE', undefined, admin))).status, 404);
  const after = await (await app.request(`/api/clients/${UUID_A}/credentials`, { headers: { cookie: admin } })).json();
  assert.is(after.active, false);
  assert.ok(after.revoked_at);
});

test('admin+ only; bad uuids 404; a username collision is 409', async () => {
  assert.is((await app.request(`/api/clients/${UUID_A}/credentials`, json('POST'))).status, 401);
  for (const role of ['user', 'editor']) {
    assert.is((await app.request(`/api/clients/${UUID_A}/credentials`, json('POST', undefined, cookies[role]))).status, 403, role);
    assert.is((await app.request(`/api/clients/${UUID_A}/credentials`, json('DELETE', undefined, cookies[role]))).status, 403, role);
  }
  assert.is((await app.request(`/api/clients/${UUID_A}/credentials`, json('POST', undefined, cookies.superadmin))).status, 201);
  assert.is((await app.request('/api/clients/not-a-uuid/credentials', json('POST', undefined, admin))).status, 404);
  // A UUID in any case names the same client (as MQTT takes it): the upper-case spelling reads A's account.
  const upper = await app.request(`/api/clients/${UUID_A.toUpperCase()}/credentials`, { headers: { cookie: admin } });
  assert.equal([upper.status, (await upper.json()).uuid], [200, UUID_A], 'upper-case');
  const twin = await app.request(`/api/clients/${TWIN}/credentials`, json('POST', undefined, admin));
  assert.is(twin.status, 409);
  assert.match((await twin.json()).error, /already held by client/);
});

test('every action is audited with the signed-in user, never with the password', async () => {
  const audit = await listAudit(f.db, { target: UUID_A });
  assert.equal(audit.map((e) => e.action).reverse(), ['credentials.create', 'credentials.rotate', 'credentials.revoke', 'credentials.create']);
  assert.equal(audit.at(-1)!.actor, `user:${f.ids.admin}:admin`);
  assert.equal(audit[0].actor, `user:${f.ids.superadmin}:superadmin`);
  assert.not.match(JSON.stringify(audit), /\$7\$|password/i);
  // From a socket address (as @hono/node-server hands it over), the row says where from.
  const from = { incoming: { socket: { remoteAddress: '203.0.113.21' } } };
  assert.ok((await app.request(`/api/clients/${UUID_A}/credentials`, json('POST', undefined, admin), from)).ok, 'rotated');
  assert.is((await listAudit(f.db, { target: UUID_A }))[0].address, '203.0.113.21');
});

test('without the provisioning service wired the routes answer 503', async () => {
  assert.is((await f.app.request(`/api/clients/${UUID_A}/credentials`, json('POST', undefined, admin))).status, 503);
});

test('GET /api/broker: admin only, query validated, external mode shows what it can', async () => {
  assert.is((await app.request('/api/broker')).status, 401);
  assert.is((await app.request('/api/broker', { headers: { cookie: cookies.editor } })).status, 403);
  assert.is((await app.request('/api/broker?limit=0', { headers: { cookie: admin } })).status, 400);
  assert.is((await app.request('/api/broker?uuid=nope', { headers: { cookie: admin } })).status, 400);
  const res = await app.request('/api/broker?limit=10', { headers: { cookie: admin } });
  assert.is(res.status, 200);
  const o = await res.json();
  assert.is(o.mode, 'external');
  assert.is(o.connectedDevices, null);
  assert.is(o.totals, null);
  assert.is(o.provisionedDevices, 1);
  assert.equal(o.devices.map((d: any) => [d.uuid, d.account, d.connected]), [[UUID_A, 'active', null]]);
  assert.is((await f.app.request('/api/broker', { headers: { cookie: admin } })).status, 503);
});

test.run();
