/**
 * The in-process hand-off (broker/handoff.ts) inside the real embedded broker over TCP: device
 * messages reach ingestion from the authorizePublish hook, once; a message that comes before
 * ingestion is ready waits there (PUBACK included) and is not lost; a QoS 1 log's PUBACK waits for
 * its row; dropped, oversized, foreign and the server's own publishes never reach ingestion, nor
 * anything after close().
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, SilentDrop, type EmbeddedBroker } from './embedded.ts';
import { HandOff, serverReads } from './handoff.ts';
import { SUBSCRIPTIONS, topics } from './topics.ts';
import { topicMatches } from './acl.ts';
import { examples, UUID } from '../testing/broker-fixtures.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const SERVER_ID = 'infoscreen-server-self';
const open: Array<{ close(): Promise<unknown> } | MqttClient> = [];

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(cond: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A broker whose hand-off records what ingestion got; `ready` and `durable` are the test's. */
async function start(o: { ready?: Promise<unknown>; durable?: () => Promise<boolean>; deny?: string } = {}) {
  const got: Array<{ topic: string; payload: string }> = [];
  const handOff = new HandOff({
    ingest: (topic, payload) => void got.push({ topic, payload: new TextDecoder().decode(payload) }),
    ready: o.ready ?? Promise.resolve(),
    durable: o.durable ?? (async () => true),
    timeoutMs: 5000,
  });
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    maxPayloadBytes: 1024,
    authorizePublish: (_client, packet, done) => done(packet.topic === o.deny ? new SilentDrop('acl_denied') : null),
    handOff: { isServer: (c) => c.id === SERVER_ID, take: (t, p, q) => handOff.take(t, p, q) },
  });
  open.push(broker);
  const connect = async (clientId: string) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId, reconnectPeriod: 0 });
    open.push(c);
    return c;
  };
  return { got, handOff, broker, connect };
}

test.after(async () => {
  for (const o of open.reverse()) await ('endAsync' in o ? o.endAsync(true) : o.close()).catch(() => {});
});

test('before ingestion is ready a message waits in its hook (PUBACK too), then is ingested once, in order', async () => {
  const ready = deferred();
  const { got, handOff, connect } = await start({ ready: ready.promise });
  const dev = await connect('early-device');
  const sent = [
    { topic: topics.heartbeat(UUID), payload: JSON.stringify(examples.heartbeat), qos: 0, retain: false },
    { topic: topics.serviceFailed(UUID), payload: JSON.stringify(examples.serviceFailed), qos: 1, retain: true },
    { topic: topics.log(UUID, 'ERROR'), payload: JSON.stringify(examples.log), qos: 1, retain: false },
    { topic: topics.discovery, payload: JSON.stringify(examples.discovery), qos: 0, retain: false },
  ] as const;
  let acked = 0;
  for (const m of sent) void dev.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain }).then(() => m.qos && acked++);
  await until(() => handOff.stats.early === sent.length, 'all four in the hook');
  assert.is(got.length, 0, 'nothing ingested before ready');
  assert.is(acked, 0, 'no PUBACK before the message was ingested');

  ready.resolve();
  await until(() => acked === 2, 'the PUBACKs after ingestion');
  await dev.publishAsync(topics.health(UUID), 'sentinel', { qos: 1 });
  assert.equal(got.map((m) => m.topic), [...sent.map((m) => m.topic), topics.health(UUID)]);
  assert.equal(got.slice(0, 4).map((m) => m.payload), sent.map((m) => m.payload));
  assert.is(handOff.stats.ingested, 5);
});

test("a QoS 1 log's PUBACK waits until its row is stored; a heartbeat's does not", async () => {
  const stored = deferred<boolean>();
  const { got, handOff, connect } = await start({ durable: () => stored.promise });
  const dev = await connect('durable-device');
  await dev.publishAsync(topics.heartbeat(UUID), JSON.stringify(examples.heartbeat), { qos: 1 }); // not held
  let acked = false;
  const log = dev.publishAsync(topics.log(UUID, 'INFO'), JSON.stringify(examples.log), { qos: 1 }).then(() => (acked = true));
  await until(() => got.length === 2, 'the log ingested');
  assert.is(acked, false, 'PUBACK held while the row is not stored');
  stored.resolve(true);
  await log;
  assert.equal([handOff.stats.durable, handOff.stats.timedOut], [1, 0]);
});

test('while a log waits for its row the connection goes on: later publishes are taken, PUBACKs come in publish order', async () => {
  const waits: Array<ReturnType<typeof deferred<boolean>>> = [];
  const { got, connect } = await start({ durable: () => (waits.push(deferred<boolean>()), waits.at(-1)!.promise) });
  const dev = await connect('pipelining-device');
  const acked: string[] = [];
  const first = dev.publishAsync(topics.log(UUID, 'INFO'), JSON.stringify({ ...examples.log, message: 'one' }), { qos: 1 }).then(() => acked.push('one'));
  await until(() => got.length === 1, 'the first log taken');
  const second = dev.publishAsync(topics.log(UUID, 'INFO'), JSON.stringify({ ...examples.log, message: 'two' }), { qos: 1 }).then(() => acked.push('two'));
  const beat = dev.publishAsync(topics.heartbeat(UUID), JSON.stringify(examples.heartbeat), { qos: 1 }).then(() => acked.push('heartbeat'));
  await until(() => got.length === 3, 'both later publishes taken while the first row is not stored');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(acked, [], 'every PUBACK waits behind the first (MQTT 3.1.1 §4.6)');
  waits[1].resolve(true); // the second row stored first: its PUBACK still waits for the first's
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(acked, []);
  waits[0].resolve(true);
  await Promise.all([first, second, beat]);
  assert.equal(acked, ['one', 'two', 'heartbeat']);
});

test('never ingested: dropped, oversized, topics the server does not read, and the server’s own publishes', async () => {
  const denied = topics.health('11111111-2222-4333-8444-555555555555');
  const { got, connect } = await start({ deny: denied });
  const dev = await connect('mixed-device');
  const server = await connect(SERVER_ID);
  await dev.publishAsync(denied, JSON.stringify(examples.health), { qos: 1 }); // SilentDrop (ACL)
  await dev.publishAsync(topics.dashboard(UUID), 'x'.repeat(2000), { qos: 1 }); // over maxPayloadBytes
  await dev.publishAsync(`infoscreen/${UUID}/elsewhere`, '{}', { qos: 1 }); // no server subscription
  await server.publishAsync(topics.serviceFailed(UUID), '', { qos: 1, retain: true }); // the server's clear
  await server.publishAsync(topics.commands(UUID), '{}', { qos: 1 });
  await dev.publishAsync('infoscreen/not-a-uuid/health', '{}', { qos: 1 }); // read: ingestion counts it as bad_topic
  await dev.publishAsync(topics.heartbeat(UUID), 'sentinel', { qos: 1 });
  assert.equal(got.map((m) => m.topic), ['infoscreen/not-a-uuid/health', topics.heartbeat(UUID)]);
});

test('after close() (shutdown) a message is neither ingested nor acknowledged', async () => {
  const { got, handOff, connect } = await start();
  const dev = await connect('closing-device');
  await dev.publishAsync(topics.heartbeat(UUID), 'before', { qos: 1 });
  handOff.close();
  let acked = false;
  void dev.publishAsync(topics.log(UUID, 'ERROR'), JSON.stringify(examples.log), { qos: 1 }).then(() => (acked = true), () => {});
  await until(() => handOff.stats.afterClose === 1, 'the log in the hook');
  assert.equal(got.map((m) => m.payload), ['before']);
  assert.is(acked, false);
});

test('serverReads is exactly "matches one of the server subscriptions"', () => {
  const samples = [
    'infoscreen/discovery', `infoscreen/${UUID}/heartbeat`, `infoscreen/${UUID}/health`, `infoscreen/${UUID}/logs/error`,
    `infoscreen/${UUID}/logs/x/y`, `infoscreen/${UUID}/logs`, `infoscreen/${UUID}/service_failed`, `infoscreen/${UUID}/commands/ack`,
    `infoscreen/${UUID}/command/ack`, `infoscreen/${UUID}/dashboard`, `infoscreen/${UUID}/screenshot`, `infoscreen/${UUID}/commands`,
    `infoscreen/${UUID}/group_id`, 'infoscreen/events/3', 'infoscreen/x/health/extra', 'infoscreen/discovery/x', 'infoscreen',
    'clients/x/restart', '$infoscreen/dropped', 'infoscreen//health', 'Infoscreen/discovery',
  ];
  for (const t of samples) assert.is(serverReads(t), SUBSCRIPTIONS.some((f) => topicMatches(f, t)), t);
});

test.run();
