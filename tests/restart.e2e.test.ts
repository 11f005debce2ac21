/**
 * Restart, end to end (docs/clients.md "Persistence and restart"): ingest, stop (`rt.close()`), start
 * again on the same database. Clients come back with their state; no QoS 1 telemetry acknowledged
 * to the broker is lost by a clean shutdown; the grace timer is re-armed from the persisted
 * `last_alive`, not restarted. Runs against the embedded broker and, when installed, Mosquitto.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import type { MqttClient } from 'mqtt';
import { basename } from 'node:path';
import { examples } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import {
  device, embeddedTarget, guardedSetup, ifMosquitto, pub, sleep, startHarness, startMosquitto, tempDir, waitFor,
  type BrokerTarget, type Harness, type TempDir,
} from '../testing/helpers.ts';

const N = 200;

function restartSuite(name: string, makeTarget: () => Promise<BrokerTarget>, env: Record<string, string>) {
  const s = suite(`restart over ${name}`);
  let target: BrokerTarget | undefined;
  const open = { dirs: [] as TempDir[], harnesses: [] as Harness[], clients: [] as MqttClient[] };

  // Each test has its own client and, on an external broker, its own server session, so nothing a
  // test leaves on the broker (retained notices, queued QoS 1 messages) reaches the next one.
  let UUID = '';
  s.before.each(() => {
    UUID = crypto.randomUUID();
  });
  const start = async (dir: string, extraEnv: Record<string, string> = {}, clock?: SimulatedClock) => {
    const session = env.MQTT_CLIENT_ID ? { MQTT_CLIENT_ID: `${env.MQTT_CLIENT_ID}-${basename(dir)}` } : {};
    const h = await startHarness(dir, target!, { ...env, ...session, ...extraEnv }, clock ? { clock } : {});
    open.harnesses.push(h);
    return h;
  };
  const newDir = () => {
    const t = tempDir('infoscreen-e2e-restart-');
    open.dirs.push(t);
    return t.dir;
  };
  const dev = async (h: Harness) => {
    const c = await device(h.url);
    open.clients.push(c);
    return c;
  };
  const record = async (h: Harness) => (await h.get(`/api/clients/${UUID}`)).body;

  guardedSetup(s, async () => {
    target = await makeTarget();
  });
  s.after(async () => {
    for (const c of open.clients) await c.endAsync().catch(() => {});
    for (const h of open.harnesses) await h.close();
    await target?.close();
    for (const d of open.dirs) d.remove();
  });

  s('clients are restored with their state (written by the shutdown flush alone)', async () => {
    const dir = newDir();
    // No periodic flush within the test: whatever the restart finds was written by close().
    const slow = { WRITE_FLUSH_MS: '10000' };
    const a = await start(dir, slow);
    const d = await dev(a);
    await pub(d, topics.discovery, { ...examples.discovery, uuid: UUID });
    await pub(d, topics.health(UUID), examples.health);
    await pub(d, topics.log(UUID, 'ERROR'), examples.log);
    await pub(d, topics.serviceFailed(UUID), examples.serviceFailed, { retain: true });
    await waitFor(async () => (await record(a)).serviceStatus === 'failed', 'service failed');
    await a.send('PUT', `/api/clients/${UUID}`, { description: 'Lobby', groupId: 3 });
    const before = await record(a);
    assert.is(before.status, 'critical');
    await d.endAsync();
    await a.close();

    const b = await start(dir, slow);
    const after = await record(b);
    assert.equal(after, before);
    assert.is(after.hostname, 'infoscreen-42');
    assert.is(after.description, 'Lobby');
    assert.is(after.groupId, 3);
    assert.is(after.connectivity, 'online');
    assert.is(after.processPid, 1234);
    assert.is(after.serviceFailedUnit, 'infoscreen-display.service');
    assert.is(after.mqttReconnectCount, 2);
    assert.equal(after.statusReasons, ['service_failed']);
    await b.close();
  });

  // One scenario, two properties: at-least-once must not lose (docs/clients.md), and a clean shutdown
  // should not make the broker deliver again what was already stored (duplicate log rows).
  let afterRestart: { count: number; distinct: number } | null = null;
  s(`no QoS 1 log lost: ${N} logs acknowledged, close at once, restart, all ${N} stored`, async () => {
    const dir = newDir();
    const a = await start(dir);
    const d = await dev(a);
    await Promise.all(Array.from({ length: N }, (_, i) => pub(d, topics.log(UUID, 'ERROR'), { ...examples.log, message: `m${i}` })));
    const ingestedAtAck = a.rt.stats.messagesIn;
    await a.close(); // every PUBACK is in: close at once
    await d.endAsync();

    const b = await start(dir);
    await sleep(300); // a persistent session redelivers what the last run did not acknowledge
    const { body } = await b.get(`/api/client-logs/${UUID}/logs?limit=500`);
    afterRestart = { count: body.count, distinct: new Set(body.logs.map((l: { message: string }) => l.message)).size };
    await b.close();
    assert.is(afterRestart.distinct, N, `distinct messages stored (${ingestedAtAck} ingested when the last PUBACK arrived)`);
  });

  s('…and none of them stored twice', () => {
    assert.ok(afterRestart, 'the scenario above ran');
    assert.is(afterRestart!.count, afterRestart!.distinct, 'log rows = distinct messages');
  });

  s('grace timer re-armed from last_alive (real clock, grace 5 s, ±1 s)', async () => {
    const dir = newDir();
    const grace = { HEARTBEAT_GRACE_PERIOD_DEV: '5' };
    const a = await start(dir, grace);
    const d = await dev(a);
    await pub(d, topics.heartbeat(UUID), examples.heartbeat);
    const lastAlive = Date.parse(await waitFor(async () => (await record(a)).lastAlive, 'lastAlive'));
    await d.endAsync();
    await a.close();
    // Restart 2.5 s after the last message: a timer re-armed from the restart would fire at +7.5 s.
    await sleep(lastAlive + 2500 - Date.now());
    const b = await start(dir, grace);
    assert.ok(Date.now() < lastAlive + 4000, `restart took too long for this test (${Date.now() - lastAlive} ms after last_alive)`);
    assert.is((await record(b)).lastAlive, new Date(lastAlive).toISOString());
    await sleep(lastAlive + 4000 - Date.now());
    assert.is((await record(b)).connectivity, 'online', '1 s before lastAlive + grace');
    await sleep(lastAlive + 6000 - Date.now());
    const after = await record(b);
    assert.is(after.connectivity, 'offline', '1 s after lastAlive + grace');
    assert.is(after.status, 'offline');
    await b.close();
  });

  s('grace timer re-armed from last_alive (simulated clock, default grace 180 s, to the ms)', async () => {
    const dir = newDir();
    const a = await start(dir);
    const d = await dev(a);
    await pub(d, topics.heartbeat(UUID), examples.heartbeat);
    const lastAlive = Date.parse(await waitFor(async () => (await record(a)).lastAlive, 'lastAlive'));
    await d.endAsync();
    await a.close();

    const clock = new SimulatedClock();
    clock.set(lastAlive + 100_000); // restarted 100 s after the last message: 80 s of grace left
    const b = await start(dir, {}, clock);
    assert.is((await record(b)).connectivity, 'online');
    clock.increment(79_999);
    assert.is((await record(b)).connectivity, 'online');
    clock.increment(1);
    assert.is((await record(b)).connectivity, 'offline');
    await b.close();
  });

  s.run();
}

restartSuite('the embedded broker', async () => embeddedTarget(), {});

// A stable client id gives the server a persistent session on the external broker, which is what
// keeps QoS 1 telemetry acknowledged while the server was away (broker/connection.ts header).
ifMosquitto('restart over Mosquitto', (bin) => restartSuite('Mosquitto', () => startMosquitto(bin), { MQTT_CLIENT_ID: 'infoscreen-server-e2e' }));
