/**
 * End to end over real TCP: embedded aedes broker on an ephemeral port, the server side built
 * with connectBroker + createIngest, a device speaking through a real mqtt.js client.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker, type OversizeInfo } from './embedded.ts';
import { connectBroker, type BrokerConnection, type BrokerStatus } from './connection.ts';
import { createIngest } from './ingest.ts';
import { DropCounter } from './drops.ts';
import { parseTopic, topics } from './topics.ts';
import { examples, JPEG, RecordingPort, UUID } from '../testing/broker-fixtures.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const MAX = 1024 * 1024;
const open: Array<{ close(): Promise<unknown> }> = [];
const devices: MqttClient[] = [];

let broker: EmbeddedBroker;
let server: BrokerConnection;
const port = new RecordingPort();
const drops = new DropCounter();
const oversize: OversizeInfo[] = [];

async function until(cond: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function device(b: EmbeddedBroker, clientId = `dev-${devices.length}`): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId, reconnectPeriod: 0 });
  devices.push(c);
  return c;
}

test.before(async () => {
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    maxPayloadBytes: MAX,
    onOversize: (info) => {
      oversize.push(info);
      const t = info.topic ? parseTopic(info.topic) : null;
      drops.record('too_large', t && 'uuid' in t ? t.uuid : null, `${info.bytes} bytes`);
    },
  });
  open.push(broker);
  const statuses: BrokerStatus[] = [];
  let ingest: ReturnType<typeof createIngest> | null = null;
  server = connectBroker({
    url: `mqtt://127.0.0.1:${broker.port}`,
    clientId: 'infoscreen-server-test',
    keepalive: 30,
    protocolVersion: 4,
    onMessage: (t, p) => ingest!.handle(t, p),
    onStatus: (s) => statuses.push(s),
  });
  ingest = createIngest({ port, publisher: server, drops, maxPayloadBytes: MAX, now: () => Date.now() });
  open.push(server);
  await until(() => statuses.includes('connected'), 'server connection');
});

test.after(async () => {
  for (const d of devices) await d.endAsync(true).catch(() => {});
  for (const o of open.reverse()) await o.close();
});

test('refuses to listen beyond loopback until device accounts exist', async () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
    try {
      await startEmbeddedBroker({ host, port: 0, maxPayloadBytes: MAX });
      assert.unreachable(`listened on ${host}`);
    } catch (err) {
      assert.match((err as Error).message, /loopback/);
    }
  }
});

test('every payload shape published by a device reaches the port through ingest', async () => {
  const dev = await device(broker);
  port.calls = [];
  const q1 = { qos: 1 as const };
  await dev.publishAsync(topics.heartbeat(UUID), JSON.stringify(examples.heartbeat), { qos: 0 });
  await dev.publishAsync(topics.health(UUID), JSON.stringify(examples.health), { qos: 0 });
  await dev.publishAsync(topics.log(UUID, 'ERROR'), JSON.stringify(examples.log), q1);
  await dev.publishAsync(topics.serviceFailed(UUID), JSON.stringify(examples.serviceFailed), { qos: 1, retain: true });
  await dev.publishAsync(topics.ack(UUID), JSON.stringify(examples.ack), q1);
  await dev.publishAsync(topics.ackAlias(UUID), JSON.stringify(examples.ack), q1);
  await dev.publishAsync(topics.dashboard(UUID), JSON.stringify(examples.dashboard), q1);
  await dev.publishAsync(topics.screenshot(UUID), JSON.stringify(examples.screenshot), { qos: 0 });
  const calls = await port.waitFor(8);
  assert.equal(calls.map((c) => c.m).sort(), ['clientEvent', 'clientEvent', 'clientEvent', 'commandAck', 'commandAck', 'log', 'screenshot', 'screenshot']);
  const shots = calls.filter((c) => c.m === 'screenshot') as any[];
  assert.equal(shots[0].shot.jpeg, JPEG);
  assert.is(drops.snapshot().total, 0);
});

test('discovery gets a discovery_ack on the device topic', async () => {
  const dev = await device(broker);
  const acks: string[] = [];
  dev.on('message', (t, p) => t === topics.discoveryAck(UUID) && acks.push(p.toString()));
  await dev.subscribeAsync(topics.discoveryAck(UUID), { qos: 1 });
  port.groupIds.set(UUID, 3);
  await dev.publishAsync(topics.discovery, JSON.stringify(examples.discovery), { qos: 1 });
  await until(() => acks.length === 1, 'discovery_ack');
  assert.equal(JSON.parse(acks[0]), { status: 'ok', uuid: UUID, group_id: 3 });
  assert.ok(port.calls.some((c) => c.m === 'discovery' && c.info.hostname === 'infoscreen-42'));
});

test('bad input over the wire is counted, and the server connection stays up', async () => {
  const dev = await device(broker);
  const before = drops.snapshot().total;
  await dev.publishAsync(topics.heartbeat(UUID), '{not json', { qos: 1 });
  await dev.publishAsync('infoscreen/not-a-uuid/heartbeat', JSON.stringify(examples.heartbeat), { qos: 1 });
  await dev.publishAsync(topics.health(UUID), JSON.stringify({ actual_state: { pid: 'x' } }), { qos: 1 });
  await until(() => drops.snapshot().total === before + 3, 'three drops');
  assert.ok(server.connected);
});

test('a 2 MB publish is acknowledged, never forwarded, counted as too_large; the device stays connected', async () => {
  const dev = await device(broker);
  port.calls = [];
  const big = JSON.stringify({ content: { screenshot: { data: 'A'.repeat(2 * 1024 * 1024) } } });
  await dev.publishAsync(topics.dashboard(UUID), big, { qos: 1 }); // PUBACK arrives
  await dev.publishAsync(topics.heartbeat(UUID), JSON.stringify(examples.heartbeat), { qos: 1 });
  await port.waitFor(1);
  assert.equal(port.calls.map((c) => c.m), ['clientEvent'], 'only the heartbeat got through');
  assert.is(oversize.length, 1);
  assert.is(oversize[0].action, 'dropped');
  assert.is(oversize[0].topic, topics.dashboard(UUID));
  assert.is(drops.forClient(UUID)!.byReason.too_large, 1);
  assert.ok(dev.connected);
});

test('a frame far above the limit is cut at the socket before it is buffered', async () => {
  const cut: OversizeInfo[] = [];
  const small = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, maxPayloadBytes: 1024, onOversize: (i) => cut.push(i) });
  open.push(small);
  const dev = await device(small, 'dev-big');
  const closed = new Promise<void>((r) => dev.once('close', () => r()));
  dev.publish(topics.dashboard(UUID), Buffer.alloc(200_000, 65), { qos: 0 });
  await closed;
  assert.is(cut.length, 1);
  assert.is(cut[0].action, 'disconnected');
  assert.is(cut[0].clientId, 'dev-big');
  assert.ok(cut[0].bytes > 200_000);
});

test('auth seam: authenticate passes through; the server connection retries after a refused CONNACK', async () => {
  let attempts = 0;
  const b = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    maxPayloadBytes: MAX,
    authenticate: (_c, username, password, done) => {
      attempts++;
      const ok = username === 'server' && password?.toString() === 'right';
      done(ok ? null : (Object.assign(new Error('bad'), { returnCode: 4 }) as any), ok);
    },
  });
  open.push(b);
  const wrong = connectBroker({
    url: `mqtt://127.0.0.1:${b.port}`,
    username: 'server',
    password: 'wrong',
    clientId: 'srv-wrong',
    keepalive: 10,
    protocolVersion: 4,
    backoffMs: { initial: 30, max: 60 },
    onMessage: () => {},
  });
  open.push(wrong);
  await until(() => attempts >= 3, 'repeated attempts');
  assert.not.ok(wrong.connected);
  assert.match(wrong.lastError ?? '', /bad username or password/i);
  const right = connectBroker({ url: `mqtt://127.0.0.1:${b.port}`, username: 'server', password: 'right', clientId: 'srv-right', keepalive: 10, protocolVersion: 4, onMessage: () => {} });
  open.push(right);
  await until(() => right.status === 'connected', 'authenticated connection');
});

test('close() ends client connections and resolves', async () => {
  const b = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, maxPayloadBytes: MAX });
  const dev = await device(b, 'dev-close');
  const closed = new Promise<void>((r) => dev.once('close', () => r()));
  await b.close();
  await closed;
  assert.not.ok(dev.connected);
  await b.close(); // idempotent
});

test.run();
