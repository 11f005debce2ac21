/**
 * The ACL matrix (docs/mqtt.md) against the embedded broker of a real runtime: device accounts
 * provisioned through the provisioning service, groups set through the fleet, real TCP clients.
 * Cases are generated from broker/acl.ts by testing/acl-harness.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { startRuntime, type Runtime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { ACL_MATRIX } from './acl.ts';
import { aclCases, connectPeers, groupChangeScenario, type AclTarget, type Peers } from '../testing/acl-harness.ts';

setQuiet(true);
const A = 'aaaaaaaa-1111-4111-8111-111111111111';
const B = 'bbbbbbbb-2222-4222-8222-222222222222';
const dir = mkdtempSync(join(tmpdir(), 'infoscreen-acl-'));
let rt: Runtime;
let target: AclTarget;
let peers: Peers;

test.before(async () => {
  rt = await startRuntime(
    loadConfig({ ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', DEFAULT_SUPERADMIN_PASSWORD: 'test password' }),
  );
  const a = await rt.brokerSide.provisioning.provision(A, 'test');
  const b = await rt.brokerSide.provisioning.provision(B, 'test');
  await rt.fleet.updateClient(A, { groupId: 1 });
  await rt.fleet.updateClient(B, { groupId: 2 });
  target = {
    url: rt.broker.url,
    protocolVersion: 4,
    server: rt.brokerSide.account!,
    a: { ...a, groupId: 1 },
    b: { ...b, groupId: 2 },
    subscribeDenial: 'suback',
    enforcesEmptyPayloadOnly: true,
  };
  peers = await connectPeers(target, 'embedded');
});

test.after(async () => {
  for (const p of [peers?.a, peers?.b, peers?.server]) await p?.end();
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cases = aclCases();

test('the generated table covers every matrix row, allowed and forbidden', () => {
  for (const row of ACL_MATRIX) {
    const n = cases.filter((c) => c.name.startsWith(`${row.actor} ${row.access} ${row.topic}:`)).length;
    const crossDevice = !(row.actor === 'device' && row.access === 'publish' && !row.topic.includes('{uuid}'));
    assert.ok(n >= (crossDevice ? 2 : 1), `${row.actor} ${row.access} ${row.topic}: ${n} cases`);
  }
});

for (const c of cases) test(c.name, () => c.run(target, peers));

test('no connection was dropped along the way (silent drops, not disconnects)', () => {
  assert.not.ok(peers.a.closed || peers.b.closed || peers.server.closed);
  const o = rt.brokerSide.security!.registry.totals;
  assert.ok(o.dropped.acl_denied > 0, 'forbidden publishes were counted');
  assert.ok(o.dropped.subscribe_denied > 0, 'forbidden subscriptions were counted');
});

test('group change: A moved from group 1 to 3 gets group 3 retained events and no longer group 1', async () => {
  await groupChangeScenario({ ...target }, 'embedded', 1, 3, async () => {
    await rt.fleet.updateClient(A, { groupId: 3 });
  });
});

test.run();
