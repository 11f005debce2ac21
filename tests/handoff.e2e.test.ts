/**
 * The in-process hand-off in a real runtime (embedded broker with device accounts and the ACL, file
 * database, devices over TCP): each device message reaches ingestion exactly once and the server's
 * own connection receives none of them (it subscribes to nothing); a retained service_failed is
 * ingested and the server's clear is not; ACL-denied, identity-mismatched and oversized publishes
 * never reach ingestion and are counted once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'aedes';
import { loadConfig } from '../config.ts';
import { startRuntime, type Runtime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { topics } from '../broker/topics.ts';
import { examples } from '../testing/broker-fixtures.ts';
import { Peer } from '../testing/acl-harness.ts';

setQuiet(true);
const A = 'aaaaaaaa-1111-4111-8111-111111111111';
const B = 'bbbbbbbb-2222-4222-8222-222222222222';
const dir = mkdtempSync(join(tmpdir(), 'infoscreen-handoff-'));
let rt: Runtime;
let dev: Peer;

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const counters = () => ({ messagesIn: rt.stats.messagesIn, handedOff: rt.handOff.stats.ingested, drops: rt.drops.snapshot().total });
const logRows = async (uuid: string) =>
  Number((await rt.db.execute({ sql: 'SELECT COUNT(*) AS n FROM client_logs WHERE client_uuid = ?', args: [uuid] })).rows[0].n);
/** The server's own session in aedes (found by its account, as the hand-off finds it). */
const serverSession = () =>
  Object.values((rt.brokerSide.embedded!.aedes as unknown as { clients: Record<string, Client> }).clients).find(
    (c) => rt.brokerSide.security!.identityOf(c)?.kind === 'server',
  ) as (Client & { subscriptions: Record<string, unknown> }) | undefined;

test.before(async () => {
  rt = await startRuntime(
    loadConfig({ ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', DEFAULT_SUPERADMIN_PASSWORD: 'test password' }),
  );
  await until(() => rt.broker.connection.status === 'connected', 'the server connection');
  const a = await rt.brokerSide.provisioning.provision(A, 'test');
  await rt.brokerSide.provisioning.provision(B, 'test');
  dev = await Peer.connect(rt.broker.url, a, 'handoff-a');
});

test.after(async () => {
  await dev?.end();
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the server's own connection subscribes to no device topic: nothing comes twice over TCP", () => {
  const s = serverSession();
  assert.ok(s, 'the server is connected to its embedded broker');
  assert.equal(Object.keys(s.subscriptions), []);
});

test('heartbeat, health, log and discovery of a device each reach ingestion exactly once', async () => {
  const before = counters();
  await dev.pub(topics.heartbeat(A), JSON.stringify({ ...examples.heartbeat, uuid: A }));
  await dev.pub(topics.health(A), JSON.stringify(examples.health));
  await dev.pub(topics.log(A, 'ERROR'), JSON.stringify(examples.log)); // PUBACK once stored
  await dev.pub(topics.discovery, JSON.stringify({ ...examples.discovery, uuid: A }));
  await until(() => rt.fleet.get(A)?.hostname === 'infoscreen-42', 'the discovery ingested');
  await rt.writer.settled();
  const after = counters();
  assert.is(after.messagesIn - before.messagesIn, 4);
  assert.is(after.handedOff - before.handedOff, 4);
  assert.is(after.drops, before.drops);
  assert.is(await logRows(A), 1, 'the log row stored once');
  assert.ok(rt.fleet.get(A)?.lastAlive, 'the heartbeat ingested');
});

test("a retained service_failed from the device is ingested; the server's retained clear is not", async () => {
  const before = counters();
  await dev.pub(topics.serviceFailed(A), JSON.stringify({ ...examples.serviceFailed, client_uuid: A }), true);
  await until(() => rt.fleet.get(A)?.serviceFailedAt !== null, 'service_failed ingested');
  assert.is(counters().messagesIn - before.messagesIn, 1);
  assert.ok(await rt.fleet.clearServiceFailed(A), 'the server published the clear');
  await dev.pub(topics.heartbeat(A), JSON.stringify({ ...examples.heartbeat, uuid: A })); // a sentinel behind it
  await until(() => counters().messagesIn - before.messagesIn >= 2, 'the sentinel');
  assert.is(counters().messagesIn - before.messagesIn, 2, 'only the service_failed and the sentinel');
});

test('ACL-denied, identity-mismatched and oversized publishes never reach ingestion; each is counted once', async () => {
  const before = counters();
  const broker = rt.brokerSide.security!.registry.get(A)!.dropped;
  const [acl, identity] = [broker.acl_denied, broker.identity_mismatch];
  const tooLarge = rt.drops.snapshot().byReason.too_large;
  assert.is(await dev.pub(topics.health(B), JSON.stringify(examples.health)), 'acked'); // another device's topic
  assert.is(await dev.pub(topics.discovery, JSON.stringify({ ...examples.discovery, uuid: B })), 'acked'); // names B
  assert.is(await dev.pub(topics.dashboard(A), 'x'.repeat(1_048_576 + 10)), 'acked'); // over MQTT_MAX_PAYLOAD_BYTES
  await dev.pub(topics.heartbeat(A), JSON.stringify({ ...examples.heartbeat, uuid: A })); // a sentinel behind them
  await until(() => counters().messagesIn > before.messagesIn, 'the sentinel');
  const after = counters();
  assert.is(after.messagesIn - before.messagesIn, 1, 'only the sentinel was ingested');
  assert.is(after.handedOff - before.handedOff, 1);
  const now = rt.brokerSide.security!.registry.get(A)!.dropped;
  assert.equal([now.acl_denied - acl, now.identity_mismatch - identity], [1, 1]);
  assert.is(rt.drops.snapshot().byReason.too_large - tooLarge, 1, 'too_large counted once');
  assert.is(after.drops - before.drops, 1, 'and nothing else dropped by ingestion');
});

test.run();
