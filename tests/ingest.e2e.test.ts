/**
 * End to end, over real brokers: a device-side mqtt.js client publishes every payload shape of
 * docs/mqtt.md "Client → server", and the JSON API (docs/http.md) reflects it. The same suite runs against
 * the embedded aedes broker and, when the binary is installed, a real Mosquitto.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { examples, JPEG, UUID } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import {
  collect, device, embeddedTarget, guardedSetup, ifMosquitto, pub, sleep, startHarness, startMosquitto, tempDir, waitFor,
  type BrokerTarget, type Harness, type TempDir,
} from '../testing/helpers.ts';

const STRANGER = '5e1f0000-aaaa-4bbb-8ccc-000000000042'; // never sends discovery
/** A second JPEG, so the legacy capture is told apart from the dashboard one. */
const JPEG2 = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x01, 0x02, 0xff, 0xd9]);
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

function ingestSuite(name: string, makeTarget: () => Promise<BrokerTarget>) {
  const s = suite(`ingest over ${name}`);
  let target: BrokerTarget | undefined;
  let tmp: TempDir | undefined;
  let h: Harness;
  let dev: MqttClient;
  const others: MqttClient[] = [];

  const client = async () => (await h.get(`/api/clients/${UUID}`)).body;
  /** Waits until `n` more messages than `before` reached ingestion (the server's side of the broker). */
  const ingested = (before: number, n: number) => waitFor(() => h.rt.stats.messagesIn >= before + n, `${n} message(s) ingested`);

  guardedSetup(s, async () => {
    target = await makeTarget();
    tmp = tempDir('infoscreen-e2e-ingest-');
    h = await startHarness(tmp.dir, target);
    dev = await device(h.url);
  });
  s.after(async () => {
    for (const c of [dev, ...others]) await c?.endAsync().catch(() => {});
    await h?.close();
    await target?.close();
    tmp?.remove();
  });

  s('discovery: discovery_ack {status: ok, uuid}; the record holds what the device said', async () => {
    const acks = await collect(dev, topics.discoveryAck(UUID));
    await pub(dev, topics.discovery, examples.discovery);
    await waitFor(() => acks.length, 'discovery_ack');
    assert.equal(JSON.parse(acks[0].payload.toString()), { status: 'ok', uuid: UUID });
    const c = await client();
    assert.is(c.hostname, 'infoscreen-42');
    assert.is(c.ip, '192.168.1.42');
    assert.is(c.softwareVersion, '2.4.1');
    assert.equal(c.hardware, { model: 'Raspberry Pi 5', ram_mb: 8192, hw_serial: '10000000abcdef' });
    assert.is(c.discovered, true);
    assert.is(c.connectivity, 'online');
  });

  s('heartbeat: process fields', async () => {
    await pub(dev, topics.heartbeat(UUID), { ...examples.heartbeat, process_pid: 1111 });
    const c = await waitFor(async () => ((await client()).processPid === 1111 ? client() : null), 'heartbeat pid');
    assert.is(c.processStatus, 'running');
    assert.is(c.currentProcess, 'display_manager');
    assert.is(c.currentEventId, '42');
  });

  s('health with every block: process, screen and broker-connection fields', async () => {
    await pub(dev, topics.health(UUID), examples.health, { qos: 0 });
    const c = await waitFor(async () => ((await client()).processPid === 1234 ? client() : null), 'health pid');
    assert.is(c.screenHealthStatus, 'OK');
    assert.is(c.lastFrameUpdate, '2026-04-05T07:59:58.000Z');
    assert.is(c.mqttReconnectCount, 2);
    assert.is(c.mqttLastDisconnectAt, '2026-04-04T10:30:00.000Z');
    assert.is(c.status, 'healthy');
  });

  s('logs error/warn/info: three levels, client timestamps (Z, +00:00, naive) and server received_at', async () => {
    const t0 = Date.now();
    await pub(dev, topics.log(UUID, 'ERROR'), examples.log);
    await pub(dev, topics.log(UUID, 'WARN'), { timestamp: '2026-04-05T08:00:02.123456+00:00', message: 'slow frame' });
    await pub(dev, topics.log(UUID, 'INFO'), { timestamp: '2026-04-05T08:00:03', message: 'event started', context: null }, { qos: 0 });
    const body = await waitFor(async () => {
      const r = await h.get(`/api/client-logs/${UUID}/logs`);
      return r.body.count === 3 ? r.body : null;
    }, 'three log rows');
    const byLevel = Object.fromEntries(body.logs.map((l: { level: string }) => [l.level, l]));
    assert.equal(Object.keys(byLevel).sort(), ['ERROR', 'INFO', 'WARN']);
    assert.is(byLevel.ERROR.timestamp, '2026-04-05T08:00:01.000Z');
    assert.is(byLevel.ERROR.message, 'Process vlc crashed');
    assert.equal(byLevel.ERROR.context, { event_id: 42, restart_attempt: 1 });
    assert.is(byLevel.WARN.timestamp, '2026-04-05T08:00:02.123Z');
    assert.is(byLevel.INFO.timestamp, '2026-04-05T08:00:03.000Z'); // naive = UTC
    assert.is(byLevel.INFO.context, null);
    // The second clock: received_at is the server's (retention and recent-log counting use it).
    const rows = (await h.rt.db.execute({ sql: 'SELECT received_at FROM client_logs WHERE client_uuid = ?', args: [UUID] })).rows;
    for (const r of rows) {
      const at = Date.parse(String(r.received_at));
      assert.ok(at >= t0 - 5 && at <= Date.now(), `received_at ${r.received_at}`);
    }
    const c = await client();
    assert.is(c.status, 'warning');
    assert.equal(c.statusReasons, ['recent_errors']); // docs/clients.md: an ERROR log in the last hour
  });

  s('retained service_failed sets the flag; the empty retained clear from the device is ignored', async () => {
    await pub(dev, topics.serviceFailed(UUID), examples.serviceFailed, { retain: true });
    const c = await waitFor(async () => ((await client()).serviceStatus === 'failed' ? client() : null), 'service failed');
    assert.is(c.serviceFailedUnit, 'infoscreen-display.service');
    assert.is(c.serviceFailedAt, '2026-04-05T07:58:00.000Z');
    const list = (await h.get('/api/clients/service_failed')).body;
    assert.is(list.service_failed_count, 1);
    assert.is(list.clients[0].uuid, UUID);
    assert.is(list.clients[0].service_failed_unit, 'infoscreen-display.service');

    const [dropsBefore, inBefore] = [h.rt.drops.snapshot().total, h.rt.stats.messagesIn];
    await pub(dev, topics.serviceFailed(UUID), '', { retain: true });
    await ingested(inBefore, 1);
    assert.is(h.rt.drops.snapshot().total, dropsBefore, 'an empty retain-clear is not a drop');
    assert.is((await client()).serviceStatus, 'failed', 'only an operator clears it');
    // Put the notice back for the clear_service_failed test below.
    await pub(dev, topics.serviceFailed(UUID), examples.serviceFailed, { retain: true });
  });

  s('command acks on both topics are ignored (unknown command): no drop, process alive', async () => {
    const [dropsBefore, inBefore] = [h.rt.drops.snapshot().total, h.rt.stats.messagesIn];
    await pub(dev, topics.ack(UUID), examples.ack);
    await pub(dev, topics.ackAlias(UUID), examples.ack);
    await ingested(inBefore, 2);
    assert.is(h.rt.drops.snapshot().total, dropsBefore);
    const health = await h.get('/health');
    assert.is(health.status, 200);
    assert.is(health.body.status, 'ok');
    assert.is((await client()).processStatus, 'running');
  });

  s('dashboard v2 and legacy screenshots: /screenshots/{uuid}.jpg serves the bytes sent', async () => {
    const shot = async (path: string) => {
      const res = await h.rt.app.request(path, { headers: { cookie: h.cookie } });
      assert.is(res.status, 200, path);
      assert.is(res.headers.get('content-type'), 'image/jpeg');
      return new Uint8Array(await res.arrayBuffer());
    };
    await pub(dev, topics.dashboard(UUID), examples.dashboard); // capture type event_start
    await waitFor(async () => (await client()).priorityScreenshotType === 'event_start', 'dashboard screenshot');
    assert.equal(await shot(`/screenshots/${UUID}.jpg`), JPEG);
    assert.equal(await shot(`/screenshots/${UUID}/priority`), JPEG);

    await pub(dev, topics.screenshot(UUID), { ...examples.screenshot, image: b64(JPEG2) }, { qos: 0 });
    await waitFor(async () => (await client()).latestScreenshotType === 'periodic', 'legacy screenshot');
    assert.equal(await shot(`/screenshots/${UUID}.jpg`), JPEG2);
    assert.equal(await shot(`/screenshots/${UUID}/priority`), JPEG, 'a periodic capture keeps the priority one');
  });

  s('a crashed health puts the client on /api/clients/crashed', async () => {
    const crashed = { ...examples.health, actual_state: { process: 'display_manager', pid: 1234, status: 'crashed' } };
    await pub(dev, topics.health(UUID), crashed, { qos: 0 });
    const body = await waitFor(async () => {
      const r = (await h.get('/api/clients/crashed')).body;
      return r.crashed_count === 1 ? r : null;
    }, 'crashed list');
    assert.is(body.clients[0].uuid, UUID);
    assert.is(body.clients[0].crash_reason, 'process_crashed');
    assert.is(body.clients[0].process_status, 'crashed');
    assert.is(body.clients[0].is_alive, true);
    assert.is((await client()).status, 'critical');
  });

  s('clear_service_failed: empty retained payload published (seen by a subscriber), flag cleared', async () => {
    const watcher = await device(h.url);
    others.push(watcher);
    const seen = await collect(watcher, topics.serviceFailed(UUID));
    await waitFor(() => seen.length, 'the retained notice');
    assert.is(seen[0].retain, true);
    assert.is(JSON.parse(seen[0].payload.toString()).unit, 'infoscreen-display.service');

    const r = await h.send('POST', `/api/clients/${UUID}/clear_service_failed`);
    assert.equal(r.body, { success: true, message: 'service_failed flag cleared' });
    await waitFor(() => seen.length >= 2, 'the empty clear');
    assert.is(seen[1].payload.length, 0);
    const c = await client();
    assert.is(c.serviceStatus, 'ok');
    assert.is(c.serviceFailedAt, null);
    assert.is((await h.get('/api/clients/service_failed')).body.service_failed_count, 0);

    // The broker no longer holds a notice: a fresh subscriber gets nothing.
    const fresh = await device(h.url);
    others.push(fresh);
    const none = await collect(fresh, topics.serviceFailed(UUID));
    await sleep(300);
    assert.is(none.length, 0);
  });

  s('PUT /api/clients/group republishes the retained group_id; discovery_ack then carries it', async () => {
    const r = await h.send('PUT', '/api/clients/group', { uuids: [UUID], group_id: 7 });
    assert.equal(r.body, { success: true, updated: 1 });
    const fresh = await device(h.url);
    others.push(fresh);
    const got = await collect(fresh, topics.groupId(UUID));
    await waitFor(() => got.length, 'retained group_id');
    assert.is(got[0].retain, true);
    assert.is(got[0].payload.toString(), '7');

    const acks = await collect(fresh, topics.discoveryAck(UUID));
    await pub(dev, topics.discovery, examples.discovery);
    await waitFor(() => acks.length, 'second discovery_ack');
    assert.equal(JSON.parse(acks[0].payload.toString()), { status: 'ok', uuid: UUID, group_id: 7 });
  });

  s('telemetry from an unknown uuid creates a not-discovered client', async () => {
    await pub(dev, topics.heartbeat(STRANGER), { timestamp: '2026-04-05T08:00:00Z', process_status: 'running' });
    const c = await waitFor(async () => {
      const r = await h.get(`/api/clients/${STRANGER}`);
      return r.status === 200 ? r.body : null;
    }, 'the stranger client');
    assert.is(c.discovered, false);
    assert.is(c.discoveredAt, null);
    assert.is(c.hostname, null);
    assert.is(c.connectivity, 'online');
    assert.is(c.processStatus, 'running');
    assert.is((await h.get('/api/clients')).body.length, 2);
  });

  s('valid input was never dropped', () => {
    assert.equal(h.rt.drops.snapshot().total, 0, JSON.stringify(h.rt.drops.topClients()));
  });

  s.run();
}

ingestSuite('the embedded broker', async () => embeddedTarget());

ifMosquitto('ingest over Mosquitto', (bin) => ingestSuite('Mosquitto', () => startMosquitto(bin)));
