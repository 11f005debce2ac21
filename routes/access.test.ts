/** Every route of this layer, table-driven: 401 anonymous, 403 below the role, allowed at the role. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { json, UUID_A, UUID_C } from '../testing/route-fixture.ts';
import { realFleetFixture, type RealFleetFixture } from '../testing/real-fleet.ts';
import { roleRank, ROLES, type Role } from '../domain/users.ts';

// Targets that do not exist, so the "allowed" probe never changes anything (answers 404/400/200).
const ROUTES: [method: string, path: string, role: Role, body?: unknown][] = [
  ['GET', '/api/auth/me', 'user'],
  ['PUT', '/api/auth/change-password', 'user', {}],
  ['GET', '/api/users', 'admin'],
  ['POST', '/api/users', 'admin', {}],
  ['GET', '/api/users/9999', 'admin'],
  ['PUT', '/api/users/9999', 'admin', {}],
  ['DELETE', '/api/users/9999', 'admin'],
  ['PUT', '/api/users/9999/password', 'admin', { password: 'long enough 1' }],
  ['GET', '/api/users/stats', 'admin'],
  ['POST', '/api/users/9999/unlock', 'admin', {}],
  ['GET', '/api/alerts', 'admin'],
  ['GET', '/api/status', 'admin'],
  ['GET', '/api/clients', 'user'],
  ['GET', '/api/clients/with_alive_status', 'user'],
  ['GET', `/api/clients/${UUID_A}`, 'user'],
  ['PUT', `/api/clients/${UUID_C}`, 'admin', { description: 'x' }],
  ['PUT', '/api/clients/group', 'admin', { uuids: [UUID_C], group_id: 1 }],
  ['DELETE', `/api/clients/${UUID_C}`, 'admin'],
  ['GET', '/api/clients/crashed', 'admin'],
  ['GET', '/api/clients/service_failed', 'admin'],
  ['POST', `/api/clients/${UUID_C}/clear_service_failed`, 'admin'],
  ['POST', `/api/clients/${UUID_C}/restart`, 'admin', {}],
  ['POST', `/api/clients/${UUID_C}/restart_app`, 'admin', {}],
  ['POST', `/api/clients/${UUID_C}/shutdown`, 'admin', {}],
  ['GET', '/api/clients/commands/no-such-command', 'admin'],
  ['POST', '/api/clients/commands/no-such-command/cancel', 'admin'],
  ['GET', `/api/clients/${UUID_A}/commands`, 'admin'],
  ['GET', '/api/commands', 'admin'],
  ['POST', '/api/groups/9999/restart', 'admin', { reason: 'access probe' }],
  ['GET', '/api/bulk-runs/no-such-run', 'admin'],
  ['GET', `/api/client-logs/${UUID_A}/logs`, 'admin'],
  ['GET', '/api/client-logs/summary', 'admin'],
  ['GET', '/api/client-logs/recent-errors', 'admin'],
  ['GET', '/api/client-logs/monitoring-overview', 'admin'],
  ['GET', `/screenshots/${UUID_A}.jpg`, 'user'],
  ['GET', `/screenshots/${UUID_A}/priority`, 'user'],
];

let f: RealFleetFixture;
const cookies = {} as Record<Role, string>;
test.before(async () => {
  f = await realFleetFixture();
  await f.seed({ uuid: UUID_A });
  for (const role of ROLES) cookies[role] = await f.login(role);
});
test.after(async () => {
  await f.close();
});

const call = (method: string, path: string, body: unknown, cookie?: string) => f.app.request(path, json(method, body, cookie));

test('anonymous callers get 401 with a JSON error on every route', async () => {
  for (const [method, path, , body] of ROUTES) {
    const res = await call(method, path, body);
    assert.is(res.status, 401, `${method} ${path}`);
    assert.equal(await res.json(), { error: 'authentication required' }, `${method} ${path}`);
  }
});

test('every role below the required one gets 403; the required role and above get through', async () => {
  for (const [method, path, need, body] of ROUTES) {
    for (const role of ROLES) {
      const res = await call(method, path, body, cookies[role]);
      if (roleRank(role) < roleRank(need)) {
        assert.is(res.status, 403, `${role} ${method} ${path}`);
        assert.match((await res.json()).error, /requires role/);
      } else {
        assert.ok(![401, 403].includes(res.status), `${role} ${method} ${path} answered ${res.status}`);
      }
    }
  }
});

test('/health needs no session', async () => {
  assert.is((await f.app.request('/health')).status, 200);
});

test.run();
